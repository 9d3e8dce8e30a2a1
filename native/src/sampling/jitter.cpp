#include "sampling/jitter.h"

Jitter::Jitter(uint64_t seed) : state_(seed != 0 ? seed : 0x9e3779b97f4a7c15ULL) {}

uint64_t Jitter::next() {
  uint64_t x = state_.load(std::memory_order_relaxed);
  uint64_t y;
  do {
    y = x;
    y ^= y >> 12;
    y ^= y << 25;
    y ^= y >> 27;
  } while (!state_.compare_exchange_weak(x, y, std::memory_order_relaxed));
  return y * 0x2545f4914f6cdd1dULL;
}

uint64_t Jitter::firstPeriod(uint64_t interval) {
  if (interval <= 1) return 1;
  return 1 + next() % interval;
}

uint64_t Jitter::firstDeadline(uint64_t cpuNow, uint64_t interval) {
  uint64_t first = firstPeriod(interval);
  return cpuNow < interval ? first : cpuNow + first;
}

uint64_t Jitter::nextPeriod(uint64_t interval) {
  uint64_t spread = interval / 10;
  if (spread == 0) return interval;
  // Symmetric around interval: [interval - spread, interval + spread].
  return interval - spread + next() % (2 * spread + 1);
}

uint64_t Jitter::nextDeadline(uint64_t previousDeadline, uint64_t now, uint64_t interval,
                              uint64_t maxLateness) {
  uint64_t base = previousDeadline;
  if (base == 0 || now > base + maxLateness) base = now;
  return base + nextPeriod(interval);
}
