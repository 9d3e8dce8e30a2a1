#include "store/trace_store.h"

#include <pthread.h>

#include <atomic>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

#include "check.h"
#include "lifecycle/options.h"

namespace {

// A trace of `length` frames derived from `id`, distinct for distinct ids.
std::vector<Frame> traceFor(uint32_t id, uint32_t length) {
  std::vector<Frame> frames(length);
  for (uint32_t i = 0; i < length; ++i) {
    frames[i].id = 0x7f0000000000ULL + id * 64 + i;
    frames[i].bci = static_cast<int32_t>(i);
    frames[i].kind = FrameKind::kJava;
  }
  return frames;
}

std::map<uint64_t, uint64_t> countsByFirstId(const TraceStore& store) {
  std::map<uint64_t, uint64_t> counts;
  store.forEach([&](const Frame* frames, uint32_t, uint64_t samples) { counts[frames[0].id] += samples; });
  return counts;
}

void concurrentInsertsCountExactly() {
  constexpr int kThreads = 4;
  constexpr int kInserts = 100'000;
  constexpr uint32_t kDistinct = 300;
  TraceStore store(4096, 1 << 20);
  CHECK(store.ok());
  std::vector<std::vector<Frame>> traces;
  for (uint32_t id = 0; id < kDistinct; ++id) traces.push_back(traceFor(id, 1 + id % 40));

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kInserts; ++i) {
        // Every thread walks all traces, in an order that differs per thread, so the
        // first inserts of each trace race.
        uint32_t id = static_cast<uint32_t>((i * (2 * t + 1) + t * 7) % kDistinct);
        CHECK(store.add(traces[id].data(), static_cast<uint32_t>(traces[id].size())) ==
              TraceStore::Result::kCounted);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::map<uint64_t, uint64_t> expected;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kInserts; ++i) {
      uint32_t id = static_cast<uint32_t>((i * (2 * t + 1) + t * 7) % kDistinct);
      expected[traces[id][0].id] += 1;
    }
  }
  std::map<uint64_t, uint64_t> actual = countsByFirstId(store);
  CHECK_EQ(actual.size(), expected.size());
  CHECK(actual == expected);
  CHECK_EQ(store.distinctTraces(), size_t{kDistinct});
  CHECK_EQ(store.droppedTotal(), uint64_t{0});
  uint64_t total = 0;
  store.forEach([&](const Frame*, uint32_t, uint64_t samples) { total += samples; });
  CHECK_EQ(total, uint64_t{kThreads} * kInserts);
}

void framesAreStoredAsGiven() {
  TraceStore store(16, 1024);
  std::vector<Frame> a = traceFor(1, 5);
  std::vector<Frame> b = traceFor(1, 5);
  b[4].bci = 99;  // differs only in the last frame's bci
  store.add(a.data(), 5);
  store.add(a.data(), 5);
  store.add(b.data(), 5);
  int seen = 0;
  store.forEach([&](const Frame* frames, uint32_t count, uint64_t samples) {
    ++seen;
    CHECK_EQ(count, 5u);
    CHECK_EQ(samples, uint64_t{frames[4].bci == 99 ? 1u : 2u});
    CHECK_EQ(frames[0].id, a[0].id);
  });
  CHECK_EQ(seen, 2);
}

void fullTableCountsDropsExactly() {
  constexpr uint32_t kCapacity = 100;
  TraceStore store(kCapacity, 1 << 16);
  for (uint32_t id = 0; id < kCapacity + 37; ++id) {
    std::vector<Frame> t = traceFor(id, 3);
    TraceStore::Result r = store.add(t.data(), 3);
    CHECK(r == (id < kCapacity ? TraceStore::Result::kCounted : TraceStore::Result::kTableFull));
  }
  // Known traces still count once the table is full.
  for (uint32_t id = 0; id < 10; ++id) {
    std::vector<Frame> t = traceFor(id, 3);
    CHECK(store.add(t.data(), 3) == TraceStore::Result::kCounted);
  }
  CHECK_EQ(store.dropped(TraceStore::Result::kTableFull), uint64_t{37});
  CHECK_EQ(store.droppedTotal(), uint64_t{37});
  uint64_t total = 0;
  store.forEach([&](const Frame*, uint32_t, uint64_t samples) { total += samples; });
  CHECK_EQ(total, uint64_t{kCapacity + 10});
}

void concurrentFullTableCountsDropsExactly() {
  constexpr uint32_t kCapacity = 64;
  constexpr int kThreads = 4;
  constexpr int kInserts = 20'000;
  TraceStore store(kCapacity, 1 << 16);
  std::atomic<uint64_t> counted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kInserts; ++i) {
        std::vector<Frame> f = traceFor(static_cast<uint32_t>((i * 13 + t) % 200), 2);
        if (store.add(f.data(), 2) == TraceStore::Result::kCounted) counted.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  uint64_t total = 0;
  store.forEach([&](const Frame*, uint32_t, uint64_t samples) { total += samples; });
  CHECK_EQ(store.distinctTraces(), size_t{kCapacity});
  CHECK_EQ(total, counted.load());
  CHECK_EQ(total + store.droppedTotal(), uint64_t{kThreads} * kInserts);
}

void arenaExhaustionCountsDrops() {
  TraceStore store(1000, 100);  // room for 10 traces of 10 frames
  for (uint32_t id = 0; id < 15; ++id) {
    std::vector<Frame> t = traceFor(id, 10);
    TraceStore::Result r = store.add(t.data(), 10);
    CHECK(r == (id < 10 ? TraceStore::Result::kCounted : TraceStore::Result::kArenaFull));
  }
  std::vector<Frame> known = traceFor(3, 10);
  CHECK(store.add(known.data(), 10) == TraceStore::Result::kCounted);
  std::vector<Frame> tooLong = traceFor(99, 101);
  CHECK(store.add(tooLong.data(), 101) == TraceStore::Result::kArenaFull);
  CHECK_EQ(store.dropped(TraceStore::Result::kArenaFull), uint64_t{6});
  CHECK_EQ(store.framesUsed(), size_t{100});
  CHECK_EQ(countsByFirstId(store).size(), size_t{10});
}

// A reader that follows new traces while writers add them sees each trace whole, once
// while it keeps up, and at least once when it falls behind and looks at everything.
void newTracesAreListedOnceWhileWritersAdd() {
  constexpr int kThreads = 3;
  constexpr uint32_t kDistinct = 6000;  // more than the list holds, so a slow reader falls behind
  for (int slowReader = 0; slowReader < 2; ++slowReader) {
    TraceStore store(8192, 1 << 20);
    std::atomic<bool> done{false};
    std::map<uint64_t, int> seen;
    uint64_t next = 0;
    auto visit = [&](const Frame* frames, uint32_t count) {
      if (count != 1 + (frames[0].id - 0x7f0000000000ULL) / 64 % 40) check::fail(__FILE__, __LINE__, "torn trace");
      ++seen[frames[0].id];
    };
    bool fellBehind = false;
    auto look = [&] {
      if (!store.forEachNewTrace(&next, visit)) {
        fellBehind = true;
        seen.clear();
        store.forEach([&](const Frame* frames, uint32_t count, uint64_t) { visit(frames, count); });
      }
    };
    std::thread reader([&] {
      // The slow reader first looks once more traces were published than the list holds.
      while (slowReader != 0 && !done.load() && store.distinctTraces() < 5000) std::this_thread::yield();
      while (!done.load()) look();
    });
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        for (uint32_t i = 0; i < kDistinct; ++i) {
          uint32_t id = (i * (2 * t + 1) + static_cast<uint32_t>(t) * 11) % kDistinct;
          std::vector<Frame> f = traceFor(id, 1 + id % 40);
          store.add(f.data(), static_cast<uint32_t>(f.size()));
        }
      });
    }
    for (auto& w : writers) w.join();
    done.store(true);
    reader.join();
    look();
    CHECK_EQ(seen.size(), size_t{kDistinct});
    // Once each; a trace published while the reader looked at everything may come twice.
    for (const auto& entry : seen) {
      if (entry.second != 1 && !(fellBehind && entry.second == 2)) {
        check::fail(__FILE__, __LINE__, "trace listed " + std::to_string(entry.second) + " times");
      }
    }
    if (slowReader != 0) CHECK(fellBehind);
  }
}

}  // namespace

// prefault() runs beside writers (the method namer's thread): it must change nothing they
// wrote or are writing, whatever it commits.
void prefaultingWhileWritersAddChangesNothing() {
  constexpr uint32_t kDistinct = 2000;
  TraceStore store(4096, 1 << 20);
  CHECK(store.ok());
  std::atomic<bool> done{false};
  std::thread prefaulter([&] {
    while (!done.load()) store.prefault();
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      for (uint32_t id = 0; id < kDistinct; ++id) {
        std::vector<Frame> frames = traceFor(id, 1 + id % 60);
        CHECK(store.add(frames.data(), static_cast<uint32_t>(frames.size()), 1 + t) == TraceStore::Result::kCounted);
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  prefaulter.join();
  std::map<uint64_t, uint64_t> counts = countsByFirstId(store);
  CHECK_EQ(counts.size(), size_t{kDistinct});
  for (const auto& entry : counts) CHECK_EQ(entry.second, uint64_t{3});
  store.forEach([&](const Frame* frames, uint32_t count, uint64_t) {
    uint32_t id = static_cast<uint32_t>((frames[0].id - 0x7f0000000000ULL) / 64);
    std::vector<Frame> expected = traceFor(id, 1 + id % 60);
    CHECK_EQ(count, static_cast<uint32_t>(expected.size()));
    CHECK(std::memcmp(frames, expected.data(), count * sizeof(Frame)) == 0);
  });
}

// prefault() commits in steps of at least half of kArenaAhead: a call while the headroom is
// still above half commits nothing (each populate is a system call with a fixed cost), and
// after any call the headroom is at least half of kArenaAhead, never beyond the arena.
void prefaultCommitsInLargeStepsAndKeepsHalfTheHeadroom() {
  constexpr uint64_t kAhead = TraceStore::kArenaAhead;
  const uint64_t capacity = 4 * kAhead + 100;
  TraceStore store(1 << 16, capacity);
  CHECK(store.ok());
  store.prefault();
  CHECK_EQ(store.arenaPrefaulted(), kAhead);
  int steps = 0;
  uint64_t last = store.arenaPrefaulted();
  for (uint32_t id = 0; store.framesUsed() + 50 <= capacity; ++id) {
    std::vector<Frame> frames = traceFor(id, 50);
    CHECK(store.add(frames.data(), 50) == TraceStore::Result::kCounted);
    store.prefault();
    uint64_t now = store.arenaPrefaulted();
    CHECK(now >= store.framesUsed());
    CHECK(now <= capacity);
    if (now != capacity) CHECK(now >= store.framesUsed() + kAhead / 2);
    if (now != last) {
      ++steps;
      if (now != capacity) CHECK(now - last >= kAhead / 2);
      last = now;
    }
  }
  CHECK_EQ(store.arenaPrefaulted(), capacity);
  // 4.x arenas of headroom committed in half-arena steps: 7 steps, not one per trace.
  CHECK(steps >= 6 && steps <= 8);
}

// A long profile with `lines` (or a JFR-like hour) meets hundreds of thousands of distinct
// stacks: sized by the stacks= option, the store keeps 200,000 of 20 frames, none dropped,
// with the arena prefaulted ahead as the method namer does while sampling runs.
void twoHundredThousandDistinctStacksFitInAStoreSizedForThem() {
  Options options;
  std::string error;
  CHECK(parseOptions("stacks=262144", &options, &error));
  TraceStore store(options.stacks, traceStoreFrames(options));
  CHECK(store.ok());
  store.prefault();
  const uint32_t kStacks = 200'000;
  uint32_t counted = 0;
  for (uint32_t id = 0; id < kStacks; ++id) {
    std::vector<Frame> frames = traceFor(id, 20);
    if (store.add(frames.data(), 20) == TraceStore::Result::kCounted) ++counted;
    if (id % 10'000 == 0) store.prefault();
  }
  CHECK_EQ(counted, kStacks);
  CHECK_EQ(store.droppedTotal(), uint64_t{0});
  CHECK_EQ(store.distinctTraces(), static_cast<size_t>(kStacks));
}

int main() {
  twoHundredThousandDistinctStacksFitInAStoreSizedForThem();
  newTracesAreListedOnceWhileWritersAdd();
  concurrentInsertsCountExactly();
  framesAreStoredAsGiven();
  fullTableCountsDropsExactly();
  concurrentFullTableCountsDropsExactly();
  arenaExhaustionCountsDrops();
  prefaultingWhileWritersAddChangesNothing();
  prefaultCommitsInLargeStepsAndKeepsHalfTheHeadroom();
  return check::finish("trace_store_test");
}
