#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "symbols/elf_image.h"

// Where separate debug files are looked for; configurable so tests can use a temp dir.
struct DebugFileSearch {
  std::string debugRoot = "/usr/lib/debug";
};

// The function symbols of one ELF object, sorted for address lookup. Off the signal
// path only: loading reads files, and name() demangles (allocating) and locks.
//
// Sources, best first: the object's own .symtab (local symbols too; libjvm.so keeps
// one); else, for a stripped object, its .dynsym merged with the .symtab of a separate
// debug file, found by build-id (<root>/.build-id/xx/rest.debug) or by .gnu_debuglink
// (<dir>/<link>, <dir>/.debug/<link>, <root><dir>/<link>); else .dynsym alone.
// Only STT_FUNC and STT_GNU_IFUNC symbols that are defined count. A zero-size symbol
// (hand-written assembly often has no .size) covers up to the next symbol, or the end of
// its section.
class NativeSymbols {
 public:
  enum class Source { kNone, kSymtab, kDebugFile, kDynsym };

  NativeSymbols() = default;
  // Reads the symbols of the file at `path`.
  explicit NativeSymbols(const std::string& path, const DebugFileSearch& search = DebugFileSearch());
  // Reads the symbols of an image (e.g. ElfImage::vdso()); no debug file is looked for.
  explicit NativeSymbols(const ElfImage& image);
  NativeSymbols(const NativeSymbols&) = delete;
  NativeSymbols& operator=(const NativeSymbols&) = delete;

  // The readable name (see readable_name.h) of the function containing `vaddr`, an
  // address in the object's own vaddr space (a pc minus the load bias); empty if none.
  // Demangled on first use and cached.
  std::string name(uint64_t vaddr) const;
  // The linker name of that function, as stored (no demangling); empty if none.
  std::string_view linkerName(uint64_t vaddr) const;
  // The st_value of the function named `linkerName`, or 0 (linear; for tests and setup).
  // Of aliases at one address only the preferred name (global over weak over local) is kept.
  uint64_t valueOf(std::string_view linkerName) const;

  Source source() const { return source_; }
  static const char* sourceName(Source source);
  std::string debugFilePath() const { return debugFile_; }  // when source() is kDebugFile
  size_t count() const { return symbols_.size(); }
  // Bytes held: the table, the names and the demangled names cached so far.
  size_t memoryBytes() const;

 private:
  struct Symbol {
    uint64_t start;
    uint64_t end;         // exclusive; from st_size, or filled in for zero-size symbols
    uint32_t nameOffset;  // into names_
    uint8_t sized;
    uint8_t global;       // 2 global, 1 weak, 0 local
  };

  void addFunctions(const ElfImage& image, uint32_t tableType);
  void finish();
  int indexOf(uint64_t vaddr) const;

  std::vector<Symbol> symbols_;
  std::string names_;  // NUL-separated linker names
  Source source_ = Source::kNone;
  std::string debugFile_;
  mutable std::mutex cacheLock_;
  mutable std::unordered_map<uint32_t, std::string> readable_;  // by symbol index
  mutable size_t readableBytes_ = 0;
};

// The separate debug file for `image` (loaded from `path`), or an empty string.
std::string findDebugFile(const std::string& path, const ElfImage& image, const DebugFileSearch& search);
