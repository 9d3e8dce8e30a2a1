// SampleLog: records come out in order, a full ring counts its overflow instead of
// blocking, and concurrent producers lose nothing that fit.
#include "store/sample_log.h"

#include <atomic>
#include <thread>
#include <vector>

#include "check.h"

namespace {

SampleRecord recordOf(uint64_t n) { return SampleRecord{n, n * 2, static_cast<uint32_t>(n % 7), static_cast<uint32_t>(n), 0}; }

void recordsComeOutInOrder() {
  SampleLog log(8);
  CHECK(log.ok());
  for (uint64_t i = 0; i < 5; ++i) CHECK(log.push(recordOf(i)));
  std::vector<uint64_t> seen;
  CHECK_EQ(log.drain([&](const SampleRecord& r) { seen.push_back(r.timeNs); }), uint64_t{5});
  CHECK_EQ(seen.size(), size_t{5});
  for (uint64_t i = 0; i < seen.size(); ++i) CHECK_EQ(seen[i], i);
}

void aFullRingCountsOverflowAndRecoversAfterADrain() {
  SampleLog log(4);
  for (uint64_t i = 0; i < 4; ++i) CHECK(log.push(recordOf(i)));
  CHECK(!log.push(recordOf(99)));
  CHECK_EQ(log.overflows(), uint64_t{1});
  CHECK_EQ(log.drain([](const SampleRecord&) {}), uint64_t{4});
  // The cells go round again, many times.
  for (uint64_t lap = 0; lap < 100; ++lap) {
    CHECK(log.push(recordOf(lap)));
    uint64_t got = 0;
    log.drain([&](const SampleRecord& r) { got = r.timeNs; });
    CHECK_EQ(got, lap);
  }
  log.reset();
  CHECK_EQ(log.overflows(), uint64_t{0});
}

void concurrentProducersLoseNothingThatFit() {
  SampleLog log(1 << 12);
  constexpr int kThreads = 4;
  constexpr uint64_t kEach = 50000;
  std::atomic<bool> done{false};
  std::vector<uint64_t> perThread(kThreads, 0);
  uint64_t drained = 0;
  std::thread consumer([&] {
    std::vector<uint64_t> last(kThreads, 0);
    auto take = [&](const SampleRecord& r) {
      // Each producer's records stay in its own order.
      CHECK(r.timeNs > last[r.tid]);
      last[r.tid] = r.timeNs;
      ++perThread[r.tid];
      ++drained;
    };
    for (;;) {
      bool finished = done.load();  // read before the drain: nothing can be pushed after it
      if (log.drain(take) == 0 && finished) break;
    }
  });
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&log, t] {
      for (uint64_t i = 1; i <= kEach; ++i) {
        while (!log.push(SampleRecord{i, 1, static_cast<uint32_t>(t), 0, 0})) std::this_thread::yield();
      }
    });
  }
  for (auto& p : producers) p.join();
  done.store(true);
  consumer.join();
  CHECK_EQ(drained, kThreads * kEach);
  for (int t = 0; t < kThreads; ++t) CHECK_EQ(perThread[t], kEach);
}

}  // namespace

int main() {
  recordsComeOutInOrder();
  aFullRingCountsOverflowAndRecoversAfterADrain();
  concurrentProducersLoseNothingThatFit();
  return check::finish("sample_log_test");
}
