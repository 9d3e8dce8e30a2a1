#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

// Writes the profile as collapsed stacks: '#' header lines, then one line per distinct
// stack, root first, `root;caller;...;leaf COUNT`. Stacks whose resolved names are
// equal are merged. The file appears atomically: written to FILE.tmp.PID in the same
// directory, fsync'ed, then renamed over FILE, so readers never see half a profile.
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

  // The whole file's text.
  std::string render(const Header& header) const;

  // False with *error (naming the path and the system error) if the file could not be
  // written; the target path is then left as it was.
  bool write(const std::string& path, const Header& header, std::string* error) const;

  static std::string sanitize(const std::string& frame);

  // Header values only need to stay on their line.
  static std::string oneLine(const std::string& value);

 private:
  std::map<std::string, uint64_t> stacks_;  // sorted: the output is deterministic
  uint64_t samples_ = 0;
};
