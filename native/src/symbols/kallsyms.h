#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

// The kernel's function symbols from /proc/kallsyms, for kernel frames: a sorted table of
// start addresses, loaded once off the signal path and never changed afterwards, so the
// handler can key a kernel pc by its function with a binary search (no locks, no malloc).
//
// Without kptr_restrict=0 or CAP_SYSLOG the kernel shows every address as 0: the table is
// then empty, named() is false and kernel frames are one `[kernel]` frame each sample.
class Kallsyms {
 public:
  // Reads `path`; false with *why if it cannot be read or names nothing usable.
  bool load(const std::string& path, std::string* why);
  // The same from text in /proc/kallsyms' format (for tests).
  void parse(const std::string& text);

  bool named() const { return !entries_.empty(); }
  size_t symbols() const { return entries_.size(); }
  size_t bytes() const;

  // Signal-safe: the start of the function holding `pc`, or 0 if none does (below the
  // first symbol, or past the last one by more than kMaxFunctionBytes).
  uint64_t functionStart(uint64_t pc) const;

  // `name` or `name [module]` for a start address functionStart() gave; empty if unknown.
  std::string nameOf(uint64_t start) const;

 private:
  // A pc past the last symbol belongs to it only this close: beyond lies data or modules
  // loaded after the table was read.
  static constexpr uint64_t kMaxFunctionBytes = 1u << 20;

  struct Entry {
    uint64_t start;
    uint32_t name;  // offset into names_
  };

  void clear();    // empty, with room reserved for a typical kernel
  void release();  // empty, holding no memory
  // One line of /proc/kallsyms without its '\n'; a text symbol is appended, unsorted.
  void addLine(const char* line, size_t length);
  // Sorts by start and keeps the first of each alias.
  void finish();

  std::vector<Entry> entries_;     // sorted by start, unique after finish()
  std::string names_;              // NUL-terminated names, "name [module]" for modules
};
