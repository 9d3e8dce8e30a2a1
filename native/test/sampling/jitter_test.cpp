#include "sampling/jitter.h"

#include "check.h"

namespace {

void firstPeriodIsUniformOverTheInterval() {
  Jitter jitter(12345);
  constexpr uint64_t kInterval = 1'000'000;
  constexpr int kDraws = 200'000;
  int buckets[10] = {};
  double sum = 0;
  for (int i = 0; i < kDraws; ++i) {
    uint64_t p = jitter.firstPeriod(kInterval);
    CHECK(p >= 1 && p <= kInterval);
    ++buckets[(p - 1) * 10 / kInterval];
    sum += static_cast<double>(p);
  }
  for (int count : buckets) CHECK(count > kDraws / 10 * 0.95 && count < kDraws / 10 * 1.05);
  double mean = sum / kDraws;
  CHECK(mean > kInterval * 0.49 && mean < kInterval * 0.51);
}

void laterPeriodsStayWithinTenPercentWithTheExactMean() {
  Jitter jitter(777);
  constexpr uint64_t kInterval = 10'000'000;
  constexpr int kDraws = 400'000;
  double sum = 0;
  uint64_t lo = UINT64_MAX, hi = 0;
  for (int i = 0; i < kDraws; ++i) {
    uint64_t p = jitter.nextPeriod(kInterval);
    lo = p < lo ? p : lo;
    hi = p > hi ? p : hi;
    sum += static_cast<double>(p);
  }
  CHECK(lo >= kInterval - kInterval / 10);
  CHECK(hi <= kInterval + kInterval / 10);
  CHECK(lo < kInterval - kInterval / 11);  // the spread is really used
  CHECK(hi > kInterval + kInterval / 11);
  double mean = sum / kDraws;
  CHECK(mean > kInterval * 0.999 && mean < kInterval * 1.001);
}

// A thread armed before it used one interval is sampled with probability (its whole CPU
// time) / interval, the CPU spent before it was armed included; an older one starts afresh.
void firstDeadlineCountsANewThreadFromItsBirth() {
  Jitter jitter(7);
  constexpr uint64_t kInterval = 1'000'000;
  constexpr uint64_t kArmedAt = 300'000;  // CPU used before the arming
  int dueAtOnce = 0;
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) {
    uint64_t d = jitter.firstDeadline(kArmedAt, kInterval);
    CHECK(d >= 1 && d <= kInterval);
    if (d <= kArmedAt) ++dueAtOnce;
  }
  CHECK(dueAtOnce > kDraws * 0.28 && dueAtOnce < kDraws * 0.32);
  for (int i = 0; i < 1000; ++i) {
    uint64_t d = jitter.firstDeadline(5 * kInterval, kInterval);
    CHECK(d > 5 * kInterval && d <= 6 * kInterval);
  }
}

void tinyIntervalsStayPositive() {
  Jitter jitter(1);
  CHECK_EQ(jitter.firstPeriod(1), uint64_t{1});
  CHECK_EQ(jitter.nextPeriod(5), uint64_t{5});
  Jitter zeroSeed(0);
  CHECK(zeroSeed.next() != 0);
}

}  // namespace

int main() {
  firstPeriodIsUniformOverTheInterval();
  laterPeriodsStayWithinTenPercentWithTheExactMean();
  firstDeadlineCountsANewThreadFromItsBirth();
  tinyIntervalsStayPositive();
  return check::finish("jitter_test");
}
