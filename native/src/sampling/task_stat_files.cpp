#include "sampling/task_stat_files.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace {

size_t fileLimitShare(size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return wanted;
  return std::min(wanted, static_cast<size_t>(limit.rlim_cur / 4));
}

int openStat(int tid) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
  return open(path, O_RDONLY | O_CLOEXEC);
}

}  // namespace

TaskStatFiles::TaskStatFiles(size_t limit) : limit_(fileLimitShare(limit)) {}

TaskStatFiles::~TaskStatFiles() { forgetAll(); }

size_t TaskStatFiles::read(int tid, char* buffer, size_t size) {
  auto it = fds_.find(tid);
  if (it != fds_.end()) {
    ssize_t n = pread(it->second, buffer, size, 0);
    if (n > 0) return static_cast<size_t>(n);
    // The thread it was opened for has exited; the tid may be someone else's by now.
    close(it->second);
    fds_.erase(it);
  }
  return readFresh(tid, buffer, size);
}

size_t TaskStatFiles::readFresh(int tid, char* buffer, size_t size) {
  int fd = openStat(tid);
  if (fd < 0) return 0;
  ssize_t n = pread(fd, buffer, size, 0);
  if (n > 0 && fds_.size() < limit_) {
    fds_.emplace(tid, fd);
  } else {
    if (n > 0) ++unkeptReads_;
    close(fd);
  }
  return n > 0 ? static_cast<size_t>(n) : 0;
}

void TaskStatFiles::forget(int tid) {
  auto it = fds_.find(tid);
  if (it == fds_.end()) return;
  close(it->second);
  fds_.erase(it);
}

void TaskStatFiles::forgetAll() {
  for (const auto& [tid, fd] : fds_) close(fd);
  fds_.clear();
}
