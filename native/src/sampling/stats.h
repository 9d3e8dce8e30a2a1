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
  void threadOnlySample() { threadOnly_.fetch_add(1, std::memory_order_relaxed); }
  void walkFailed(WalkFailure failure);
  void noBuffer() { noBuffer_.fetch_add(1, std::memory_order_relaxed); }
  // The handler's own time for one sample (monotonic clock, see signal_handler.cpp).
  void handlerTime(uint64_t ns);

  // Back to zero for a fresh profile; only while no handler records (sampling drained).
  void reset();

  uint64_t recorded() const { return recorded_.load(std::memory_order_relaxed); }
  uint64_t threadOnly() const { return threadOnly_.load(std::memory_order_relaxed); }
  uint64_t noBuffers() const { return noBuffer_.load(std::memory_order_relaxed); }
  uint64_t walkFailures(WalkFailure failure) const;
  uint64_t handlerCalls() const { return handlerCalls_.load(std::memory_order_relaxed); }
  uint64_t handlerNsTotal() const { return handlerNs_.load(std::memory_order_relaxed); }
  uint64_t handlerNsMax() const { return handlerNsMax_.load(std::memory_order_relaxed); }
  uint64_t handlerNsMean() const;
  uint64_t handlerNsP99() const { return handlerNs99_.percentile(0.99); }

  // "gc_active=3 unknown_Java=1", or "none".
  std::string failedWalksSummary() const;

 private:
  std::atomic<uint64_t> recorded_{0};
  std::atomic<uint64_t> threadOnly_{0};
  std::atomic<uint64_t> noBuffer_{0};
  std::atomic<uint64_t> failed_[kWalkFailureKinds] = {};
  std::atomic<uint64_t> handlerCalls_{0};
  std::atomic<uint64_t> handlerNs_{0};
  std::atomic<uint64_t> handlerNsMax_{0};
  DurationHistogram handlerNs99_;
};
