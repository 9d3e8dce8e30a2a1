#pragma once

// Files for the native unit tests that write real files: a fresh directory, a file's text.

#include <dirent.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <string>

namespace test_files {

// A new directory under /tmp named after `prefix` (falls back to /tmp itself).
inline std::string tempDir(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + "-XXXXXX";
  const char* dir = mkdtemp(pattern.data());
  return dir != nullptr ? std::string(dir) : std::string("/tmp");
}

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
