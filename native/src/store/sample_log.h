#pragma once

#include <atomic>
#include <cstdint>

#include "store/mapped_memory.h"

// One recorded sample, in time: when, on which thread, which trace (a slot of the trace
// store it was counted in) and with which weight. The trace store keeps only counts; this
// log is what puts a time on each sample for JFR output (output/jfr_writer.h).
struct SampleRecord {
  uint64_t timeNs;  // CLOCK_MONOTONIC (support/monotonic_clock.h)
  uint64_t weight;  // samples (wall: threads one signal stands for), bytes (alloc), ns (lock)
  uint32_t tid;
  uint32_t slot;    // the trace's slot in its store
  uint32_t source;  // which store: SampleLog::kTime, kAlloc, kLock
};

// A bounded, pre-allocated, lock-free ring of SampleRecords: any number of producers (the
// signal handler on any thread, JVMTI callbacks) and one consumer (the JFR writer's thread),
// which drains it every few tens of milliseconds off the signal path.
//
// Each cell carries a sequence number (a bounded MPMC queue in the style of D. Vyukov,
// consumer side simplified to one reader): a producer claims the next position with a CAS
// on `tail_`, writes the record, then publishes it by storing the cell's sequence. Nothing
// allocates, locks or makes a system call, so push() is async-signal-safe. A full ring
// drops the record and counts it (overflow), it never waits: a handler must not block on a
// reader that may not be scheduled. A producer preempted between its claim and its publish
// only delays the reader at that cell, which then stops and takes it at the next drain.
class SampleLog {
 public:
  enum Source : uint32_t { kTime = 0, kAlloc = 1, kLock = 2 };

  // `capacity` is rounded up to a power of two; the memory is reserved and committed here,
  // before any signal can push.
  explicit SampleLog(uint32_t capacity);

  bool ok() const { return cells_ != nullptr; }

  // Signal-safe. False (and counted) if the ring is full.
  bool push(const SampleRecord& record);

  // One consumer at a time. Calls fn(const SampleRecord&) for each published record in
  // order, at most `max`; returns how many.
  template <typename Fn>
  uint64_t drain(Fn&& fn, uint64_t max = ~uint64_t{0}) {
    uint64_t taken = 0;
    while (taken < max) {
      Cell& cell = cells_[head_ & mask_];
      uint64_t seq = cell.seq.load(std::memory_order_acquire);
      if (seq != head_ + 1) break;  // not yet published (or empty)
      SampleRecord record = cell.record;
      // Hand the cell back to producers one lap ahead.
      cell.seq.store(head_ + mask_ + 1, std::memory_order_release);
      ++head_;
      ++taken;
      fn(record);
    }
    return taken;
  }

  uint64_t overflows() const { return overflows_.load(std::memory_order_relaxed); }
  uint64_t pushed() const { return pushed_.load(std::memory_order_relaxed); }
  uint32_t capacity() const { return static_cast<uint32_t>(mask_ + 1); }
  size_t bytes() const { return memory_.size(); }

  // Forgets everything and zeroes the counters. Only while no producer can push.
  void reset();

 private:
  struct Cell {
    std::atomic<uint64_t> seq;
    SampleRecord record;
  };

  MappedMemory memory_;
  Cell* cells_ = nullptr;
  uint64_t mask_ = 0;
  alignas(64) std::atomic<uint64_t> tail_{0};
  alignas(64) uint64_t head_ = 0;  // the consumer's own
  std::atomic<uint64_t> overflows_{0};
  std::atomic<uint64_t> pushed_{0};
};
