#pragma once

#include <atomic>
#include <cstdint>

#include "support/thread_clock.h"

// Adds the calling thread's CPU time over its scope to *total, for the profile's account of
// the agent's own cost, but reads the clock on only one scope in `oneIn` (counted in
// *calls) and adds that one's time `oneIn` times: the thread CPU clock is a system call
// (1.4 us in a VM), and the per-thread hooks (thread birth, JVMTI ThreadStart and
// ThreadEnd) read it twice each on every thread, which in a thread churn was most of what
// they cost. The sum stays the same in expectation; what the reads themselves cost was
// never in it (it falls before the first and after the second).
class SampledCpuTimer {
 public:
  SampledCpuTimer(std::atomic<uint64_t>* total, std::atomic<uint32_t>* calls, uint32_t oneIn)
      : total_(total),
        oneIn_(oneIn == 0 ? 1 : oneIn),
        timed_(calls->fetch_add(1, std::memory_order_relaxed) % oneIn_ == 0),
        start_(timed_ ? thread_clock::ofCaller() : 0) {}
  ~SampledCpuTimer() {
    if (timed_) total_->fetch_add((thread_clock::ofCaller() - start_) * oneIn_, std::memory_order_relaxed);
  }
  SampledCpuTimer(const SampledCpuTimer&) = delete;
  SampledCpuTimer& operator=(const SampledCpuTimer&) = delete;

  // Whether this scope reads the clock.
  bool timed() const { return timed_; }

 private:
  std::atomic<uint64_t>* total_;
  const uint32_t oneIn_;
  const bool timed_;
  const uint64_t start_;
};
