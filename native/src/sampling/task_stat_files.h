#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

// The /proc/self/task/TID/stat files of the threads the wall sampler reads every tick, kept
// open: an open and a close per thread per tick (a path walk through /proc, a file set up
// and torn down) cost the sampler more than the read itself. A kept file is read again from
// offset 0 (pread), which makes the kernel format the line afresh.
//
// Bounded: at most `limit` files are kept open (and never more than a quarter of the
// process's file limit); past that a thread's file is opened, read and closed each time, as
// before, and counted. A kept file belongs to the thread, not to its tid: once the thread has
// exited, reading it fails, so a failed read closes it and tries the path once more (the tid
// may belong to a new thread already). Sampler thread only; not for signal handlers.
class TaskStatFiles {
 public:
  static constexpr size_t kDefaultLimit = 1024;

  explicit TaskStatFiles(size_t limit = kDefaultLimit);
  ~TaskStatFiles();
  TaskStatFiles(const TaskStatFiles&) = delete;
  TaskStatFiles& operator=(const TaskStatFiles&) = delete;

  // The stat line of thread `tid` into `buffer`; the bytes read, 0 if the thread is gone.
  size_t read(int tid, char* buffer, size_t size);
  // Closes the file kept for `tid`, if any (the thread ended).
  void forget(int tid);
  void forgetAll();

  size_t openFiles() const { return fds_.size(); }
  size_t limit() const { return limit_; }
  // Reads that had to open and close the file because `limit` files were open.
  uint64_t unkeptReads() const { return unkeptReads_; }

 private:
  size_t readFresh(int tid, char* buffer, size_t size);

  const size_t limit_;
  std::unordered_map<int, int> fds_;  // tid -> open fd
  uint64_t unkeptReads_ = 0;
};
