#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

// Writes the profile as collapsed stacks: '#' header lines, then one line per distinct
// stack, root first, `root;caller;...;leaf COUNT`. Stacks whose resolved names are
// equal are merged. The file appears atomically (atomic_file.h), so readers never see
// half a profile.
//
// Memory: frame names are interned and a stack is kept as a list of name numbers, and the
// file is written line by line. Kept as joined text, 25,000 stacks 20 frames deep took
// 45 MB in the JVM's heap, and as much again for the file's text: 130 MB of RSS at exit
// for a profile whose trace store needs 26.
class CollapsedWriter {
 public:
  // The header, in order. `samples` is not here: it is the sum of the stack counts.
  struct Header {
    std::string event;
    std::string units = "samples";           // what the counts are: samples, bytes, ns
    std::string intervalKey = "interval_ns";  // alloc: interval_bytes, lock: threshold_ns
    uint64_t intervalNs = 0;
    uint64_t durationMs = 0;
    std::string jvm;
    uint64_t drops = 0;
    std::string failedWalks = "none";
    uint64_t handlerNsMean = 0;
    std::vector<std::pair<std::string, std::string>> extra;  // more `# key: value` lines
  };

  // Frames root first. Names are untrusted (thread names, hidden class names): ';' and
  // line breaks are replaced by '_' so each stays one frame on one line.
  void add(const std::vector<std::string>& rootFirst, uint64_t count);

  uint64_t samples() const { return samples_; }
  size_t stacks() const { return stacks_.size(); }

  // The whole file's text (what write() writes, in pieces).
  std::string render(const Header& header) const;

  // False with *error (naming the path and the system error) if the file could not be
  // written; the target path is then left as it was.
  bool write(const std::string& path, const Header& header, std::string* error) const;

  static std::string sanitize(const std::string& frame);

  // Header values only need to stay on their line.
  static std::string oneLine(const std::string& value);

 private:
  using Stack = std::vector<uint32_t>;  // root first, numbers into names_

  std::string renderHeader(const Header& header) const;
  // Appends lines to *out from *next on until about `budget` bytes were added; returns
  // false once every line is out.
  bool renderLines(std::vector<const std::pair<const Stack, uint64_t>*>::const_iterator* next,
                   std::vector<const std::pair<const Stack, uint64_t>*>::const_iterator end, size_t budget,
                   std::string* out) const;
  // Every stack, sorted frame by frame by name: the output is deterministic.
  std::vector<const std::pair<const Stack, uint64_t>*> sortedStacks() const;

  std::unordered_map<std::string, uint32_t> ids_;  // sanitized name -> number
  std::vector<std::string> names_;
  std::map<Stack, uint64_t> stacks_;
  uint64_t samples_ = 0;
};
