#include "support/periodic_thread.h"

#include <chrono>

#include "support/agent_thread.h"

bool PeriodicThread::start(const char* what, const char* threadName, int periodMs, Work work, std::string* error) {
  stop();
  work_ = std::move(work);
  periodMs_ = periodMs;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
  }
  int result = startAgentThread(&thread_, threadName, threadMain, this);
  if (result != 0) {
    *error = std::string("cannot start the ") + what + " thread (error " + std::to_string(result) + ")";
    return false;
  }
  running_ = true;
  return true;
}

void PeriodicThread::stop() {
  if (!running_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wakeup_.notify_all();
  pthread_join(thread_, nullptr);
  running_ = false;
}

void* PeriodicThread::threadMain(void* self) {
  static_cast<PeriodicThread*>(self)->run();
  return nullptr;
}

void PeriodicThread::run() {
  if (work_.begin && !work_.begin()) return;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    int period = work_.nextPeriodMs ? work_.nextPeriodMs() : periodMs_;
    wakeup_.wait_for(lock, std::chrono::milliseconds(period));
    if (stopping_) break;
    lock.unlock();
    work_.tick();
    lock.lock();
  }
  lock.unlock();
  if (work_.end) work_.end();
}
