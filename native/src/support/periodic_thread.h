#pragma once

#include <pthread.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

// One of the agent's own background threads (started with signals blocked, see
// agent_thread.h) that wakes every `periodMs` to do one step of work until stopped: the
// method namer and the signal watch. stop() wakes it at once and joins it.
class PeriodicThread {
 public:
  struct Work {
    std::function<bool()> begin;  // on the thread, first; false ends the thread (may be empty)
    std::function<void()> tick;   // every period
    std::function<void()> end;    // on the thread, last, after the stop was asked (may be empty)
    // On the thread, before each wait: how long the next one is (may be empty: `periodMs`).
    std::function<int()> nextPeriodMs;
  };

  PeriodicThread() = default;
  ~PeriodicThread() { stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Starts the thread, named `threadName` for the OS (at most 15 characters: what `top -H`
  // and /proc show); on failure *error names `what` and the error.
  bool start(const char* what, const char* threadName, int periodMs, Work work, std::string* error);

  // Asks the thread to end, wakes it and joins it; nothing if it is not running.
  void stop();

  bool running() const { return running_; }

 private:
  static void* threadMain(void* self);
  void run();

  Work work_;
  int periodMs_ = 0;
  pthread_t thread_{};
  bool running_ = false;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
};
