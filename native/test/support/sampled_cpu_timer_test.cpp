// SampledCpuTimer: reads the clock on one scope in N, and its total estimates the CPU time
// of all the scopes (each timed one counts N times).

#include "support/sampled_cpu_timer.h"

#include <cstdio>

#include "check.h"

namespace {

// Burns about `ns` of the caller's CPU time.
void spin(uint64_t ns) {
  uint64_t start = thread_clock::ofCaller();
  volatile uint64_t x = 0;
  while (thread_clock::ofCaller() - start < ns) x = x + 1;
}

void timesOneScopeInN() {
  std::atomic<uint64_t> total{0};
  std::atomic<uint32_t> calls{0};
  int timed = 0;
  for (int i = 0; i < 64; ++i) {
    SampledCpuTimer timer(&total, &calls, 8);
    if (timer.timed()) ++timed;
    CHECK_EQ(timer.timed(), i % 8 == 0);
  }
  CHECK_EQ(timed, 8);
  CHECK_EQ(calls.load(), 64u);
}

void estimatesTheWholeCpuTime() {
  std::atomic<uint64_t> total{0};
  std::atomic<uint32_t> calls{0};
  uint64_t before = thread_clock::ofCaller();
  for (int i = 0; i < 64; ++i) {
    SampledCpuTimer timer(&total, &calls, 8);
    spin(200'000);  // equal scopes: the timed eighth stands for the rest
  }
  uint64_t spent = thread_clock::ofCaller() - before;
  uint64_t estimate = total.load();
  std::printf("spent %llu ns, estimated %llu ns\n", static_cast<unsigned long long>(spent),
              static_cast<unsigned long long>(estimate));
  // Each scope spins at least 200 us of CPU; the estimate is 8 timed scopes times 8.
  CHECK(estimate >= 64u * 200'000u);
  CHECK(estimate <= spent * 2);
}

void oneInOneTimesEveryScope() {
  std::atomic<uint64_t> total{0};
  std::atomic<uint32_t> calls{0};
  for (int i = 0; i < 5; ++i) CHECK(SampledCpuTimer(&total, &calls, 1).timed());
  CHECK(SampledCpuTimer(&total, &calls, 0).timed());  // 0 is taken as 1
}

}  // namespace

int main() {
  timesOneScopeInN();
  estimatesTheWholeCpuTime();
  oneInOneTimesEveryScope();
  return check::finish("sampled_cpu_timer_test");
}
