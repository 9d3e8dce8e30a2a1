#pragma once

#include <time.h>

#include <cstdint>

// CPU time of the whole process in ns (CLOCK_PROCESS_CPUTIME_ID): how much CPU the
// signals of a CPU engine should have stood for, to tell when delivery fell short.
inline uint64_t processCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec);
}
