#include "sampling/duration_histogram.h"

namespace {

// Index of the highest set bit; v > 0.
uint32_t log2Floor(uint64_t v) { return 63u - static_cast<uint32_t>(__builtin_clzll(v)); }

}  // namespace

// Values below 2 * kSubBuckets are counted exactly (one bucket each); from there every
// power of two [2^e, 2^(e+1)) is split into kSubBuckets equal parts.
uint32_t DurationHistogram::bucketOf(uint64_t ns) {
  if (ns < 2 * kSubBuckets) return static_cast<uint32_t>(ns);
  uint32_t e = log2Floor(ns);
  if (e >= kMaxExponent) return kBuckets - 1;
  uint32_t sub = static_cast<uint32_t>(ns >> (e - 3)) & (kSubBuckets - 1);
  return (e - 2) * kSubBuckets + sub;
}

uint64_t DurationHistogram::upperBound(uint32_t bucket) {
  if (bucket < 2 * kSubBuckets) return bucket;
  uint32_t e = bucket / kSubBuckets + 2;
  uint64_t sub = bucket % kSubBuckets;
  uint64_t width = uint64_t{1} << (e - 3);
  return (uint64_t{1} << e) + (sub + 1) * width - 1;
}

void DurationHistogram::reset() {
  for (auto& c : counts_) c.store(0, std::memory_order_relaxed);
}

uint64_t DurationHistogram::count() const {
  uint64_t total = 0;
  for (const auto& c : counts_) total += c.load(std::memory_order_relaxed);
  return total;
}

uint64_t DurationHistogram::percentile(double fraction) const {
  uint64_t total = count();
  if (total == 0) return 0;
  // The rank of the value wanted, 1-based, rounded up: p99 of 100 values is the 99th.
  double wanted = fraction * static_cast<double>(total);
  uint64_t rank = static_cast<uint64_t>(wanted);
  if (static_cast<double>(rank) < wanted) ++rank;
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (uint32_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i].load(std::memory_order_relaxed);
    if (seen >= rank) return upperBound(i);
  }
  return upperBound(kBuckets - 1);
}
