#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "sampling/duration_histogram.h"
#include "stacks/frame.h"

// What the sampler did, counted with relaxed atomics from signal handlers and read once
// sampling has stopped. Trivially destructible, so it may live in static storage.
class Stats {
 public:
  // Signal-safe recorders.
  void sampleRecorded() { recorded_.fetch_add(1, std::memory_order_relaxed); }
  // A sample of a thread without Java frames; `unwalked` if it was dropped without its
  // native walk (javaThreadWithoutJavaFrames).
  void threadOnlySample(bool unwalked = false) {
    threadOnly_.fetch_add(1, std::memory_order_relaxed);
    if (unwalked) threadOnlyUnwalked_.fetch_add(1, std::memory_order_relaxed);
  }
  void walkFailed(WalkFailure failure);
  void noBuffer() { noBuffer_.fetch_add(1, std::memory_order_relaxed); }
  // The handler's own time for one sample (monotonic clock, see signal_handler.cpp).
  void handlerTime(uint64_t ns);
  // The handler's CPU time (thread CPU clock) for one of every kCpuTimedEvery samples: a
  // monotonic time counts a handler's wait when the thread is preempted in it, which on a
  // loaded machine can make it many times the CPU it used.
  void handlerCpuTime(uint64_t ns) {
    handlerCpuCalls_.fetch_add(1, std::memory_order_relaxed);
    handlerCpuNs_.fetch_add(ns, std::memory_order_relaxed);
  }
  static constexpr uint64_t kCpuTimedEvery = 16;

  // Back to zero for a fresh profile; only while no handler records (sampling drained).
  void reset();

  uint64_t recorded() const { return recorded_.load(std::memory_order_relaxed); }
  uint64_t threadOnly() const { return threadOnly_.load(std::memory_order_relaxed); }
  uint64_t threadOnlyUnwalked() const { return threadOnlyUnwalked_.load(std::memory_order_relaxed); }
  uint64_t noBuffers() const { return noBuffer_.load(std::memory_order_relaxed); }
  uint64_t walkFailures(WalkFailure failure) const;
  uint64_t handlerCalls() const { return handlerCalls_.load(std::memory_order_relaxed); }
  uint64_t handlerNsTotal() const { return handlerNs_.load(std::memory_order_relaxed); }
  uint64_t handlerNsMax() const { return handlerNsMax_.load(std::memory_order_relaxed); }
  uint64_t handlerNsMean() const;
  uint64_t handlerNsP99() const { return handlerNs99_.percentile(0.99); }
  // The handlers' CPU time in all: the mean of the CPU-timed ones times all handler calls.
  uint64_t handlerCpuNsEstimate() const;
  uint64_t handlerCpuTimed() const { return handlerCpuCalls_.load(std::memory_order_relaxed); }

  // "gc_active=3 unknown_Java=1", or "none".
  std::string failedWalksSummary() const;

 private:
  std::atomic<uint64_t> recorded_{0};
  std::atomic<uint64_t> threadOnly_{0};
  std::atomic<uint64_t> threadOnlyUnwalked_{0};
  std::atomic<uint64_t> noBuffer_{0};
  std::atomic<uint64_t> failed_[kWalkFailureKinds] = {};
  std::atomic<uint64_t> handlerCalls_{0};
  std::atomic<uint64_t> handlerNs_{0};
  std::atomic<uint64_t> handlerNsMax_{0};
  DurationHistogram handlerNs99_;
  std::atomic<uint64_t> handlerCpuCalls_{0};
  std::atomic<uint64_t> handlerCpuNs_{0};
};
