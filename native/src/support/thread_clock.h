#pragma once

#include <time.h>

#include <cstdint>

// CPU time of a thread of this process, in ns; 0 if it cannot be read (the thread is gone).
// Signal-safe (clock_gettime is async-signal-safe).
namespace thread_clock {

// The CPU-time clock of any thread of this process, in the kernel's CPUCLOCK encoding
// (what pthread_getcpuclockid returns, but usable for a thread other than the caller).
inline clockid_t of(int tid) {
  // Linux: ~tid << 3 | CPUCLOCK_PERTHREAD_MASK (4) | CPUCLOCK_SCHED (2).
  return static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6);
}

inline uint64_t read(clockid_t clock) {
  timespec ts;
  if (clock_gettime(clock, &ts) != 0) return 0;
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec);
}

inline uint64_t ofThread(int tid) { return read(of(tid)); }
inline uint64_t ofCaller() { return read(CLOCK_THREAD_CPUTIME_ID); }

}  // namespace thread_clock
