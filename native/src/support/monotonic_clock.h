#pragma once

#include <time.h>

#include <cstdint>

// CLOCK_MONOTONIC in ns: read in user space through the vDSO (about 30 ns, no system
// call) and async-signal-safe, so the signal handler times itself with it too.
inline uint64_t monotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec);
}
