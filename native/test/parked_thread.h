#pragma once

// A real thread for the native unit tests that watch what happens to other threads: it runs
// `first` on itself with its tid, then waits until release(). The constructor returns once
// `first` has run.

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace test_threads {

inline int tidNow() { return static_cast<int>(syscall(SYS_gettid)); }

class ParkedThread {
 public:
  explicit ParkedThread(std::function<void(int tid)> first = nullptr)
      : thread_([this, first] {
          int tid = tidNow();
          if (first) first(tid);
          tid_ = tid;
          while (!release_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }) {
    while (tid_ == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  ~ParkedThread() { release(); }
  ParkedThread(const ParkedThread&) = delete;
  ParkedThread& operator=(const ParkedThread&) = delete;

  int tid() const { return tid_; }
  // Lets it end, and joins it.
  void release() {
    release_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<int> tid_{0};
  std::atomic<bool> release_{false};
  std::thread thread_;  // last: started once the flags above exist
};

}  // namespace test_threads
