#pragma once

// Files for the native unit tests that write real files: a fresh directory, a file's text.

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <string>

namespace test_files {

// A new directory under /tmp named after `prefix`, removed with everything in it (links
// themselves, not their targets) when the object goes. If it cannot be made, path() is "" and
// the test's writes fail visibly.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    std::string pattern = "/tmp/" + prefix + "-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    if (!path_.empty()) nftw(path_.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  static int removeEntry(const char* entry, const struct stat*, int, struct FTW*) {
    remove(entry);
    return 0;
  }

  std::string path_;
};

// The whole text of `path`, "" if it cannot be read.
inline std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Entries in /proc/self/fd: this process's open descriptors, the listing's own included (the
// same each time, so differences count the test's own).
inline int openFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int n = 0;
  while (readdir(dir) != nullptr) ++n;
  closedir(dir);
  return n;
}

}  // namespace test_files
