#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

#include "store/mapped_memory.h"

// One lock-free slot per possible Linux thread id, readable from a signal handler with
// nothing but the result of gettid(). Sized for PID_MAX_LIMIT on 64-bit (2^22) rather
// than the current pid_max, which can be raised at run time; untouched pages cost nothing.
// Zero means "no value", so callers store value+1 when 0 is meaningful (file descriptors).
template <typename T>
class TidTable {
  static_assert(std::is_trivially_copyable<T>::value, "TidTable holds plain values");
  static_assert(std::atomic<T>::is_always_lock_free, "signal handlers need lock-free slots");
  static_assert(sizeof(std::atomic<T>) == sizeof(T), "a zero-filled page must read as zeros");

 public:
  static constexpr int kMaxTid = 1 << 22;

  TidTable() : memory_(sizeof(std::atomic<T>) * kMaxTid) {}

  bool ok() const { return memory_.ok(); }

  // nullptr for a tid outside the table (or if the reservation failed): callers then
  // simply go without per-thread state for that thread.
  std::atomic<T>* at(int tid) const {
    if (tid <= 0 || tid >= kMaxTid || !memory_.ok()) return nullptr;
    return static_cast<std::atomic<T>*>(memory_.data()) + tid;
  }

 private:
  MappedMemory memory_;
};
