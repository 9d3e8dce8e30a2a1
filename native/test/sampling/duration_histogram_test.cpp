// DurationHistogram: buckets cover every value, bounds are within 12.5%, percentiles pick
// the right rank.

#include "sampling/duration_histogram.h"

#include <memory>

#include "check.h"

namespace {

void everyValueFallsIntoABucketWhoseBoundsHoldIt() {
  uint32_t previous = 0;
  for (uint64_t v = 0; v < 1'000'000; v += (v < 4096 ? 1 : 997)) {
    uint32_t b = DurationHistogram::bucketOf(v);
    CHECK(b >= previous);  // monotonic
    previous = b;
    CHECK(v <= DurationHistogram::upperBound(b));
    if (b > 0) CHECK(v > DurationHistogram::upperBound(b - 1));
    // at most 12.5% above the value
    CHECK(DurationHistogram::upperBound(b) <= v + v / 8 + 1);
  }
  CHECK(DurationHistogram::bucketOf(~uint64_t{0}) == DurationHistogram::kBuckets - 1);
}

void percentilesPickTheRank() {
  auto h = std::make_unique<DurationHistogram>();
  CHECK_EQ(h->percentile(0.99), uint64_t{0});
  // 990 fast samples of 2,000 ns and 10 slow ones of 100,000 ns.
  for (int i = 0; i < 990; ++i) h->record(2'000);
  for (int i = 0; i < 10; ++i) h->record(100'000);
  CHECK_EQ(h->count(), uint64_t{1000});
  uint64_t p50 = h->percentile(0.5), p99 = h->percentile(0.99), p995 = h->percentile(0.995);
  CHECK(p50 >= 2'000 && p50 < 2'250);
  CHECK(p99 >= 2'000 && p99 < 2'250);  // the 990th value is still a fast one
  CHECK(p995 >= 100'000 && p995 < 112'500);
  CHECK(h->percentile(1.0) == p995);
  h->reset();
  CHECK_EQ(h->count(), uint64_t{0});
}

}  // namespace

int main() {
  everyValueFallsIntoABucketWhoseBoundsHoldIt();
  percentilesPickTheRank();
  return check::finish("duration_histogram_test");
}
