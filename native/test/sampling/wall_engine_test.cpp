#include "sampling/wall_engine.h"

#include <signal.h>
#include <ucontext.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

#include <linux/futex.h>

#include "check.h"
#include "test_files.h"
#include "stacks/frame.h"
#include "store/trace_store.h"

namespace {

// The engine's signal (SIGVTALRM) goes to `handler`; restarted calls as in the JVM.
void onWallSignals(void (*handler)(int, siginfo_t*, void*)) {
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_sigaction = handler;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGVTALRM, &action, nullptr);
}

Engine* g_engine = nullptr;
std::atomic<int> g_sleeping{0};
std::atomic<int> g_running{0};
std::atomic<uint64_t> g_weight{0};

void onWallSignal(int, siginfo_t* info, void* ucontext) {
  int tid = static_cast<int>(syscall(SYS_gettid));
  if (g_engine == nullptr || !g_engine->onSignal(info, tid)) return;
  Engine::Sample sample;
  g_engine->describeSample(tid, ucontext, &sample);
  g_weight.fetch_add(sample.weight);
  (sample.state == 'R' ? g_running : g_sleeping).fetch_add(1);
}

void theStateLetterFollowsTheLastParenthesis() {
  const char plain[] = "123 (java) S 1 2 3";
  CHECK_EQ(WallEngine::parseState(plain, sizeof(plain) - 1), 'S');
  const char odd[] = "123 (a) R (b)) R 1 2";
  CHECK_EQ(WallEngine::parseState(odd, sizeof(odd) - 1), 'R');
  const char cut[] = "123 (java)";
  CHECK_EQ(WallEngine::parseState(cut, sizeof(cut) - 1), 0);
}

// A sleeping thread is signalled about once per interval, seen as sleeping;
// stop() returns promptly and nothing is signalled after it.
void aSleepingThreadIsSampledByWallClock() {
  onWallSignals(onWallSignal);

  Jitter jitter(42);
  WallEngine engine(10'000'000, SIGVTALRM, &jitter);
  g_engine = &engine;
  std::string error;
  CHECK(engine.start(&error));
  engine.threadStarted(static_cast<int>(syscall(SYS_gettid)));
  timespec begin, end;
  clock_gettime(CLOCK_MONOTONIC, &begin);
  for (int i = 0; i < 50; ++i) {
    timespec pause{0, 10'000'000};
    while (nanosleep(&pause, &pause) != 0) {
    }
  }
  engine.stop();
  clock_gettime(CLOCK_MONOTONIC, &end);
  int seen = g_sleeping.load() + g_running.load();
  // Against the ticks the elapsed time allows, not a fixed count: on a loaded machine the
  // sleeps and the sampler's wake-ups both run late. Generous, it still catches a sampler
  // that stalls or signals twice per tick.
  double ticks = static_cast<double>(end.tv_sec - begin.tv_sec) * 100.0 +
                 static_cast<double>(end.tv_nsec - begin.tv_nsec) / 1e7;
  // Weights, not signals: ticks that found the last signal still pending (the thread not
  // yet scheduled, likely under load) ride on one signal with their weights added.
  double weight = static_cast<double>(g_weight.load());
  std::printf("wall: %d signals of weight %.0f in %.0f intervals\n", seen, weight, ticks);
  CHECK(seen >= 10 && weight >= ticks * 0.4 && weight <= ticks * 1.2 + 2);
  CHECK(g_weight.load() >= static_cast<uint64_t>(seen));
  // Mostly asleep: a thread just woken from a sleep may still wait for a CPU (R) on a
  // loaded machine.
  CHECK(g_sleeping.load() >= seen / 2);
  int after = seen;
  timespec pause{0, 50'000'000};
  nanosleep(&pause, nullptr);
  CHECK_EQ(g_sleeping.load() + g_running.load(), after);
  g_engine = nullptr;
}

// Ticks that find the thread's signal still pending (blocked here; in real life a thread
// the kernel has not scheduled yet) coalesce into one signal, which must carry all their
// weight: a thread that misses N ticks still stands for N intervals of wall time.
void ticksCoalescedIntoOneSignalAllCount() {
  g_sleeping = 0;
  g_running = 0;
  g_weight = 0;
  sigset_t wall, previous;
  sigemptyset(&wall);
  sigaddset(&wall, SIGVTALRM);
  pthread_sigmask(SIG_BLOCK, &wall, &previous);
  Jitter jitter(7);
  WallEngine engine(1'000'000, SIGVTALRM, &jitter);
  g_engine = &engine;
  std::string error;
  CHECK(engine.start(&error));
  engine.threadStarted(static_cast<int>(syscall(SYS_gettid)));
  timespec pause{0, 300'000'000};  // ~300 ticks; two are enough to tell adding from overwriting
  while (nanosleep(&pause, &pause) != 0) {
  }
  engine.stop();  // joined: no tick after this
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);  // the one pending signal arrives here
  CHECK_EQ(g_sleeping.load() + g_running.load(), 1);
  std::printf("one coalesced signal carried weight %llu\n", static_cast<unsigned long long>(g_weight.load()));
  CHECK(g_weight.load() >= 2);
  g_engine = nullptr;
}

// Per-thread weights for the test below, by a small index the thread registers under.
constexpr int kSleepers = 8;
std::atomic<int> g_sleeperTids[kSleepers];
std::atomic<uint64_t> g_sleeperWeight[kSleepers];

void onSleeperSignal(int, siginfo_t* info, void* ucontext) {
  int tid = static_cast<int>(syscall(SYS_gettid));
  if (g_engine == nullptr || !g_engine->onSignal(info, tid)) return;
  Engine::Sample sample;
  g_engine->describeSample(tid, ucontext, &sample);
  for (int i = 0; i < kSleepers; ++i) {
    if (g_sleeperTids[i].load() == tid) g_sleeperWeight[i].fetch_add(sample.weight);
  }
}

uint64_t sleeperWeights() {
  uint64_t sum = 0;
  for (auto& w : g_sleeperWeight) sum += w.load();
  return sum;
}

// At 50 us the sampler cannot keep up (each signal costs it a /proc read and a tgkill, and a
// loaded machine delays it more): it runs late and skips ticks. The weights must still add
// up to every thread's wall time over the interval, not to the ticks the sampler managed.
// One thread ended midway is accounted up to its end and not after. Failed before the
// engine accounted each thread's time (5% of the wall time was counted).
void aSamplerThatFallsBehindStillCountsAllWallTime() {
  onWallSignals(onSleeperSignal);
  constexpr uint64_t kIntervalNs = 50'000;
  Jitter jitter(3);
  WallEngine engine(kIntervalNs, SIGVTALRM, &jitter);
  g_engine = &engine;
  std::string error;
  CHECK(engine.start(&error));
  std::atomic<bool> stop{false};
  std::atomic<int> registered{0};
  std::vector<std::thread> sleepers;
  for (int i = 0; i < kSleepers; ++i) {
    sleepers.emplace_back([i, &stop, &registered] {
      g_sleeperTids[i] = static_cast<int>(syscall(SYS_gettid));
      registered.fetch_add(1);
      while (!stop.load()) {
        timespec pause{0, 5'000'000};
        nanosleep(&pause, nullptr);
      }
    });
  }
  while (registered.load() < kSleepers) std::this_thread::yield();
  timespec begin, half, end;
  clock_gettime(CLOCK_MONOTONIC, &begin);
  for (int i = 0; i < kSleepers; ++i) engine.threadStarted(g_sleeperTids[i].load());
  timespec pause{0, 300'000'000};
  while (nanosleep(&pause, &pause) != 0) {
  }
  engine.threadEnded(g_sleeperTids[0].load());
  clock_gettime(CLOCK_MONOTONIC, &half);
  pause = timespec{0, 300'000'000};
  while (nanosleep(&pause, &pause) != 0) {
  }
  engine.stop();
  clock_gettime(CLOCK_MONOTONIC, &end);
  // Signals already raised may still wait for their (sleeping) thread to be scheduled.
  for (uint64_t last = ~0ull; last != sleeperWeights();) {
    last = sleeperWeights();
    timespec settle{0, 100'000'000};
    nanosleep(&settle, nullptr);
  }
  stop = true;
  for (auto& t : sleepers) t.join();
  auto ns = [](const timespec& a, const timespec& b) {
    return static_cast<double>(b.tv_sec - a.tv_sec) * 1e9 + static_cast<double>(b.tv_nsec - a.tv_nsec);
  };
  double whole = ns(begin, end) / kIntervalNs;
  double ended = ns(begin, half) / kIntervalNs;
  double expected = whole * (kSleepers - 1) + ended;
  double got = static_cast<double>(sleeperWeights());
  std::printf("falling behind: weights %.0f of %.0f intervals (%.1f%%), the ended thread %llu of %.0f\n", got,
              expected, 100 * got / expected, static_cast<unsigned long long>(g_sleeperWeight[0].load()), ended);
  // Short of the time since each thread's last visit at its end (the sampler itself may be
  // kept off the CPU for tens of ms on a loaded machine): generous.
  CHECK(got >= 0.5 * expected && got <= expected + kSleepers);
  CHECK(static_cast<double>(g_sleeperWeight[0].load()) <= ended + 1);
  CHECK(static_cast<double>(g_sleeperWeight[0].load()) >= 0.4 * ended);
  g_engine = nullptr;
}

// For the tests below: where the worker is (its "stack"), recorded as the one frame of each
// sample in a real trace store, as the agent's handler records; `g_counted` false makes the
// handler drop the worker's samples, as it drops those of a thread without Java frames.
std::atomic<int> g_place{0};
std::atomic<int> g_workerTid{0};
std::atomic<bool> g_counted{false};
std::atomic<int> g_signalsAt[5];
TraceStore* g_store = nullptr;

void onRecordingSignal(int, siginfo_t* info, void* ucontext) {
  int tid = static_cast<int>(syscall(SYS_gettid));
  if (g_engine == nullptr || !g_engine->onSignal(info, tid)) return;
  Engine::Sample sample;
  g_engine->describeSample(tid, ucontext, &sample);
  if (tid != g_workerTid.load()) return;
  int place = g_place.load();
  g_signalsAt[place].fetch_add(1);
  if (!g_counted.load()) {
    g_engine->sampleTaken(tid, sample, false, 0, g_store, nullptr);
    return;
  }
  Frame frame = pseudoFrame(FrameKind::kThreadSelf, static_cast<uint64_t>(place));
  uint32_t slot = 0;
  if (sample.weight != 0 && g_store->add(&frame, 1, sample.weight, &slot) == TraceStore::Result::kCounted) {
    g_engine->sampleTaken(tid, sample, true, slot, g_store, nullptr);
  }
}

double msSince(const timespec& a) {
  timespec b;
  clock_gettime(CLOCK_MONOTONIC, &b);
  return static_cast<double>(b.tv_sec - a.tv_sec) * 1e3 + static_cast<double>(b.tv_nsec - a.tv_nsec) / 1e6;
}

void sleepMs(long ms) {
  timespec pause{ms / 1000, (ms % 1000) * 1'000'000};
  while (nanosleep(&pause, &pause) != 0) {
  }
}

double msBetween(const timespec& a, const timespec& b) {
  return static_cast<double>(b.tv_sec - a.tv_sec) * 1e3 + static_cast<double>(b.tv_nsec - a.tv_nsec) / 1e6;
}

// A 1 ms wall engine whose signals onRecordingSignal counts by g_place, into its own store;
// `counted` says whether samples count from the start (else they are dropped).
struct RecordingEngine {
  RecordingEngine(bool counted, uint64_t seed) : store(64, 1024), jitter(seed), engine(1'000'000, SIGVTALRM, &jitter) {
    onWallSignals(onRecordingSignal);
    for (auto& n : g_signalsAt) n = 0;
    g_counted = counted;
    g_store = &store;
    g_engine = &engine;
    std::string error;
    CHECK(engine.start(&error));
  }
  ~RecordingEngine() {
    engine.stop();
    g_engine = nullptr;
    g_store = nullptr;
  }
  // The counted weight by place (the one-frame traces onRecordingSignal adds).
  void weightsByPlace(uint64_t* weightAt) {
    store.forEach([&](const Frame* frames, uint32_t count, uint64_t samples) {
      if (count == 1 && frames[0].id < 5) weightAt[frames[0].id] += samples;
    });
  }

  TraceStore store;
  Jitter jitter;
  WallEngine engine;
};

struct Phases {
  double blocked, running, sleeping;  // ms
  uint64_t reused;
  uint64_t reusedWhileBlocked;  // of reused, those before the worker was woken
  uint64_t weightAt[5];         // counted samples' weight by place (counted workers)
  uint64_t idleChecks;          // clock reads of the worker while idle
};

// The worker: blocked in an untimed futex wait (restarted after each handler) for ~blockMs,
// then running 100 ms, then in a nanosleep (EINTR after each handler, slept again) 300 ms.
Phases runWorker(bool counted, long blockMs) {
  RecordingEngine recording(counted, 11);
  WallEngine& engine = recording.engine;
  std::atomic<int> futexWord{0};
  timespec t0, t1, t2, t3;
  uint64_t reusedWhileBlocked = 0;
  std::thread worker([&] {
    g_workerTid = static_cast<int>(syscall(SYS_gettid));
    engine.threadStarted(g_workerTid.load());
    clock_gettime(CLOCK_MONOTONIC, &t0);
    g_place = 1;
    while (futexWord.load() == 0) {
      syscall(SYS_futex, reinterpret_cast<int*>(&futexWord), FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    reusedWhileBlocked = engine.samplesReused();
    g_place = 2;
    while (msSince(t1) < 100) {
    }
    clock_gettime(CLOCK_MONOTONIC, &t2);
    g_place = 3;
    sleepMs(300);
    clock_gettime(CLOCK_MONOTONIC, &t3);
    g_place = 4;
    engine.threadEnded(g_workerTid.load());
  });
  sleepMs(blockMs);
  futexWord = 1;
  syscall(SYS_futex, reinterpret_cast<int*>(&futexWord), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  worker.join();
  engine.stop();
  sleepMs(100);
  Phases p{msBetween(t0, t1), msBetween(t1, t2), msBetween(t2, t3), engine.samplesReused(), reusedWhileBlocked, {},
           engine.idleChecks()};
  recording.weightsByPlace(p.weightAt);
  std::printf("worker (samples %s): signals blocked %d in %.0f ms, running %d in %.0f, sleeping %d in %.0f; %llu reused "
              "(%llu while blocked), %llu idle checks; weights %llu, %llu, %llu\n",
              counted ? "counted" : "dropped", g_signalsAt[1].load(), p.blocked, g_signalsAt[2].load(), p.running,
              g_signalsAt[3].load(), p.sleeping, static_cast<unsigned long long>(p.reused),
              static_cast<unsigned long long>(p.reusedWhileBlocked), static_cast<unsigned long long>(p.idleChecks),
              static_cast<unsigned long long>(p.weightAt[1]),
              static_cast<unsigned long long>(p.weightAt[2]), static_cast<unsigned long long>(p.weightAt[3]));
  return p;
}

// A sleeping thread whose samples are dropped (no Java frames: a JIT compiler thread, the
// service thread) is not signalled while it does not run; once it ran it is signalled
// afresh, in each of its places.
void anIdleThreadWithoutJavaFramesIsNotSignalledUntilItRuns() {
  Phases p = runWorker(false, 400);
  CHECK(p.reused > 0);
  CHECK(static_cast<double>(g_signalsAt[1].load() + g_signalsAt[3].load()) < 0.5 * (p.blocked + p.sleeping));
  CHECK(g_signalsAt[2].load() >= 1);  // running: signalled
  CHECK(g_signalsAt[3].load() >= 1);  // asleep again after running: sampled afresh first
}

// A Java thread that has settled asleep (old enough, its last samples at one system call with
// one stack) is not signalled while it does not run either, and its last sample counts for
// each visit: the weights by place still add up to the time it spent there.
void aSettledIdleJavaThreadIsNotSignalledWhileItSleeps() {
  Phases p = runWorker(true, 400);
  CHECK(p.reusedWhileBlocked > 0);
  CHECK(static_cast<double>(g_signalsAt[1].load() + g_signalsAt[3].load()) < 0.5 * (p.blocked + p.sleeping));
  CHECK(g_signalsAt[2].load() >= 1);  // running: signalled
  CHECK(g_signalsAt[3].load() >= 1);  // asleep again after running: sampled afresh first
  // Whole intervals per place, give or take the few around each change of place.
  auto near = [](uint64_t weight, double ms) { return std::abs(static_cast<double>(weight) - ms) <= 0.05 * ms + 5; };
  CHECK(near(p.weightAt[1], p.blocked));
  CHECK(near(p.weightAt[2], p.running));  // not given the blocked time since its last check
  CHECK(near(p.weightAt[3], p.sleeping));
  // Its clock is read after 1, 2, 4 and then every 8 intervals while it sleeps on, not at
  // every one: about a sixth of the ~600 ms it was idle at 1 ms.
  CHECK(static_cast<double>(p.idleChecks) < 0.3 * (p.blocked + p.sleeping));
  CHECK(p.idleChecks >= 20);
}

// A young Java thread is signalled at every visit, asleep or not: the threads of a thread
// churn live a few milliseconds, and probing them made such a program run much longer.
void aYoungJavaThreadIsSignalledWhileItSleeps() {
  Phases p = runWorker(true, 60);
  CHECK_EQ(p.reusedWhileBlocked, 0u);
  CHECK(g_signalsAt[1].load() >= 5);
}

using test_files::openFds;

// Waits up to ~5 s (a loaded machine) for `done`.
template <typename F>
bool eventually(F done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    sleepMs(10);
  }
  return done();
}

std::atomic<int> g_droppingSignals{0};
std::atomic<int> g_markedUnlikely{0};  // samples the engine said were unlikely to have Java frames

// A handler that drops every sample, as for a thread without Java frames.
void onDroppingSignal(int, siginfo_t* info, void* ucontext) {
  int tid = static_cast<int>(syscall(SYS_gettid));
  if (g_engine == nullptr || !g_engine->onSignal(info, tid)) return;
  Engine::Sample sample;
  g_engine->describeSample(tid, ucontext, &sample);
  g_droppingSignals.fetch_add(1);
  if (sample.javaFramesUnlikely) g_markedUnlikely.fetch_add(1);
  g_engine->sampleTaken(tid, sample, false, 0, nullptr, nullptr);
}

// The sampler reads the kernel state of threads whose samples are dropped (whether they
// sleep decides whether they need a signal); it keeps each one's stat file open between
// ticks, and closes it when the thread ends and when it stops: no descriptor outlives the
// thread or the profile.
void statFilesAreKeptPerThreadAndClosedAtTheEnd() {
  onWallSignals(onDroppingSignal);
  int before = openFds();
  Jitter jitter(7);
  WallEngine engine(1'000'000, SIGVTALRM, &jitter);
  g_engine = &engine;
  std::string error;
  CHECK(engine.start(&error));
  std::atomic<bool> release[3] = {false, false, false};
  std::atomic<int> tids[3] = {0, 0, 0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      tids[i] = static_cast<int>(syscall(SYS_gettid));
      engine.threadStarted(tids[i].load());
      while (!release[i].load()) sleepMs(2);
      engine.threadEnded(tids[i].load());
    });
  }
  CHECK(eventually([&] { return engine.openStatFiles() == 3; }));
  CHECK_EQ(openFds(), before + 3);
  release[0] = true;
  threads[0].join();
  CHECK(eventually([&] { return engine.openStatFiles() == 2; }));
  CHECK_EQ(openFds(), before + 2);
  engine.stop();
  CHECK_EQ(engine.openStatFiles(), 0u);
  CHECK_EQ(openFds(), before);
  release[1] = true;
  release[2] = true;
  threads[1].join();
  threads[2].join();
  g_engine = nullptr;
}

// The handler for the test below: drops the first sample of the worker (the JVM still
// starting a thread, before its first Java frame) and counts the rest in a real store.
std::atomic<int> g_firstDroppedSignals{0};

void onFirstDroppedSignal(int, siginfo_t* info, void* ucontext) {
  int tid = static_cast<int>(syscall(SYS_gettid));
  if (g_engine == nullptr || !g_engine->onSignal(info, tid)) return;
  Engine::Sample sample;
  g_engine->describeSample(tid, ucontext, &sample);
  if (tid != g_workerTid.load()) return;
  if (sample.javaFramesUnlikely) g_markedUnlikely.fetch_add(1);
  if (g_firstDroppedSignals.fetch_add(1) == 0) {
    g_engine->sampleTaken(tid, sample, false, 0, g_store, nullptr);
    return;
  }
  Frame frame = pseudoFrame(FrameKind::kThreadSelf, 1);
  uint32_t slot = 0;
  if (sample.weight != 0 && g_store->add(&frame, 1, sample.weight, &slot) == TraceStore::Result::kCounted) {
    g_engine->sampleTaken(tid, sample, true, slot, g_store, nullptr);
  }
}

// A thread whose first sample is dropped at a system call but whose next ones count (a Java
// thread sampled while the JVM was still starting it) is no thread without Java frames:
// the sampler neither reads /proc for it (no stat file opened) nor leaves it unsignalled.
// Before, that one dropped sample made the next visit open the thread's stat file and read
// its schedstat: in a churn of short threads at 1 ms, two /proc opens per thread.
void aThreadThatDroppedOnlyItsFirstSampleIsNotProbed() {
  onWallSignals(onFirstDroppedSignal);
  g_firstDroppedSignals = 0;
  g_markedUnlikely = 0;
  TraceStore store(64, 1024);
  g_store = &store;
  Jitter jitter(5);
  WallEngine engine(1'000'000, SIGVTALRM, &jitter);
  g_engine = &engine;
  std::string error;
  CHECK(engine.start(&error));
  std::atomic<int> futexWord{0};
  std::thread worker([&] {
    g_workerTid = static_cast<int>(syscall(SYS_gettid));
    engine.threadStarted(g_workerTid.load());
    while (futexWord.load() == 0) {
      syscall(SYS_futex, reinterpret_cast<int*>(&futexWord), FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
    }
    engine.threadEnded(g_workerTid.load());
  });
  size_t mostOpen = 0;
  // Blocked in the futex wait until it has taken a few signals (a loaded machine: up to ~10 s).
  for (int i = 0; i < 2000 && g_firstDroppedSignals.load() < 6; ++i) {
    sleepMs(5);
    mostOpen = std::max(mostOpen, engine.openStatFiles());
  }
  int signals = g_firstDroppedSignals.load();
  futexWord = 1;
  syscall(SYS_futex, reinterpret_cast<int*>(&futexWord), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  worker.join();
  engine.stop();
  std::printf("first sample dropped: %d signals, %zu stat files open at most, %llu reused\n", signals, mostOpen,
              static_cast<unsigned long long>(engine.samplesReused()));
  CHECK(signals >= 6);
  CHECK_EQ(mostOpen, 0u);
  CHECK_EQ(engine.samplesReused(), 0u);
  CHECK_EQ(g_markedUnlikely.load(), 0);  // its samples count: walked in full
  g_engine = nullptr;
  g_store = nullptr;
}

// A thread without Java frames that wakes every 100 us (busy, not idle: the service thread
// in a thread churn) fails nearly every probe of whether it slept on. The sampler backs off:
// after a failed probe it signals for the next 1, 2, 4, ... 32 visits without reading /proc.
// Before, it probed at every other visit (a stat read and a schedstat open, read and close
// each), at 1 ms.
void aBusyThreadWithoutJavaFramesIsProbedRarely() {
  onWallSignals(onDroppingSignal);
  g_droppingSignals = 0;
  g_markedUnlikely = 0;
  Jitter jitter(9);
  WallEngine engine(1'000'000, SIGVTALRM, &jitter);
  g_engine = &engine;
  std::string error;
  CHECK(engine.start(&error));
  std::atomic<bool> stop{false};
  std::thread busy([&] {
    int tid = static_cast<int>(syscall(SYS_gettid));
    engine.threadStarted(tid);
    while (!stop.load()) {
      timespec pause{0, 100'000};
      nanosleep(&pause, nullptr);
    }
    engine.threadEnded(tid);
  });
  sleepMs(400);
  stop = true;
  busy.join();
  engine.stop();
  uint64_t probes = engine.probes();
  std::printf("busy thread without Java frames: %llu probes, %llu reused in ~400 visits\n",
              static_cast<unsigned long long>(probes), static_cast<unsigned long long>(engine.samplesReused()));
  // Backing off to one probe per 32 visits: about 20 in 400 visits (more if the loaded
  // machine let a probe find it asleep and start afresh); every other visit before.
  CHECK(probes <= 60);
  // After its first two samples were dropped, each signal tells the handler to ask for Java
  // frames before walking the native stack.
  std::printf("busy thread without Java frames: %d of %d signals marked\n", g_markedUnlikely.load(),
              g_droppingSignals.load());
  CHECK(g_droppingSignals.load() >= 5);
  CHECK(g_markedUnlikely.load() >= g_droppingSignals.load() - 3);
  g_engine = nullptr;
}

// A thread at work whose samples are dropped (a JIT compiler thread compiling) is signalled
// after 1, 2, 4, ... intervals, at most WallEngine::kDroppedCheckGapNs apart, not at every
// tick; the ticks between count for nobody. When it gains Java frames it is found within
// that gap, and its first counted sample does not carry the time of the dropped ones.
void aThreadAtWorkWithoutJavaFramesIsSignalledRarely() {
  RecordingEngine recording(false, 13);
  WallEngine& engine = recording.engine;
  timespec t0, t1, t2;
  std::thread worker([&] {
    g_workerTid = static_cast<int>(syscall(SYS_gettid));
    engine.threadStarted(g_workerTid.load());
    clock_gettime(CLOCK_MONOTONIC, &t0);
    g_place = 1;
    while (msSince(t0) < 400) {
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    g_counted = true;  // from now on its samples have "Java frames"
    g_place = 2;
    while (msSince(t1) < 300) {
    }
    clock_gettime(CLOCK_MONOTONIC, &t2);
    g_place = 4;
    engine.threadEnded(g_workerTid.load());
  });
  worker.join();
  engine.stop();
  sleepMs(50);
  uint64_t weightAt[5] = {};
  recording.weightsByPlace(weightAt);
  double dropping = msBetween(t0, t1), counting = msBetween(t1, t2);
  std::printf("thread at work: %d signals in %.0f ms of dropped samples (%llu ticks skipped), %d in %.0f ms "
              "counted, weight %llu\n",
              g_signalsAt[1].load(), dropping, static_cast<unsigned long long>(engine.droppedSkips()),
              g_signalsAt[2].load(), counting, static_cast<unsigned long long>(weightAt[2]));
  // 1 + 2 + 4 + ... + 64 ms, then every 64 ms: about 13 in 400 ms (400 before).
  CHECK(g_signalsAt[1].load() <= 40);
  CHECK(engine.droppedSkips() >= 250);
  // Found counting within a gap, then sampled at every tick (signals may be coalesced under
  // load, so the weight is what is checked).
  double gapMs = static_cast<double>(WallEngine::kDroppedCheckGapNs) / 1e6;
  CHECK(static_cast<double>(weightAt[2]) >= counting - gapMs - 20);
  // No more than the time it counted: none of the dropped time came with its first sample.
  CHECK(static_cast<double>(weightAt[2]) <= counting + 5);
}

std::atomic<int> g_spinnerTid{0};
std::atomic<int> g_parkedTid{0};
std::atomic<int> g_spinnerStates[2];  // [0] not running, [1] running
std::atomic<int> g_parkedStates[2];

void onStateSignal(int, siginfo_t* info, void* ucontext) {
  int tid = static_cast<int>(syscall(SYS_gettid));
  if (g_engine == nullptr || !g_engine->onSignal(info, tid)) return;
  Engine::Sample sample;
  g_engine->describeSample(tid, ucontext, &sample);
  int running = sample.state == 'R' ? 1 : 0;
  if (tid == g_spinnerTid.load()) g_spinnerStates[running].fetch_add(1);
  if (tid == g_parkedTid.load()) g_parkedStates[running].fetch_add(1);
}

// The state a sample ends in is where the signal found the thread: a thread spinning in its
// own code is running at every sample, one blocked in a futex wait at none, however loaded
// the machine (a spinner preempted still runs, as far as its stack tells).
void samplesTellRunningFromBlockedThreads() {
  onWallSignals(onStateSignal);
  for (int i = 0; i < 2; ++i) g_spinnerStates[i] = 0, g_parkedStates[i] = 0;
  Jitter jitter(3);
  WallEngine engine(1'000'000, SIGVTALRM, &jitter);
  g_engine = &engine;
  std::string error;
  CHECK(engine.start(&error));
  std::atomic<bool> done{false};
  std::atomic<int> futexWord{0};
  std::thread spinner([&] {
    g_spinnerTid = static_cast<int>(syscall(SYS_gettid));
    engine.threadStarted(g_spinnerTid.load());
    while (!done.load(std::memory_order_relaxed)) {
    }
    engine.threadEnded(g_spinnerTid.load());
  });
  std::thread parked([&] {
    g_parkedTid = static_cast<int>(syscall(SYS_gettid));
    engine.threadStarted(g_parkedTid.load());
    while (futexWord.load() == 0) {
      syscall(SYS_futex, reinterpret_cast<int*>(&futexWord), FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
    }
    engine.threadEnded(g_parkedTid.load());
  });
  CHECK(eventually([] { return g_spinnerStates[1].load() >= 20 && g_parkedStates[0].load() >= 20; }));
  done = true;
  futexWord = 1;
  syscall(SYS_futex, reinterpret_cast<int*>(&futexWord), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  spinner.join();
  parked.join();
  engine.stop();
  g_engine = nullptr;
  std::printf("states: spinner %d running, %d not; parked %d running, %d not\n", g_spinnerStates[1].load(),
              g_spinnerStates[0].load(), g_parkedStates[1].load(), g_parkedStates[0].load());
  CHECK_EQ(g_spinnerStates[0].load(), 0);
  // At most the one signal that came as it was woken at the end.
  CHECK(g_parkedStates[1].load() <= 1);
}

// The state from the interrupted context: asleep at a system call instruction (a restarted
// call), or just after one that returned EINTR or ETIMEDOUT (a timed wait whose time ran out
// while the signal waited for the thread to get a CPU); running anywhere else.
void theStateComesFromTheInterruptedContext() {
#if defined(__x86_64__)
  // The code starts 8 bytes in: the engine reads up to two bytes before the pc.
  alignas(64) static unsigned char buffer[64] = {0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
                                                 0x90, 0x90, 0x0f, 0x05, 0x90, 0x90};
  unsigned char* code = buffer + 8;
  ucontext_t uc;
  std::memset(&uc, 0, sizeof(uc));
  auto at = [&](int offset, long result) {
    uc.uc_mcontext.gregs[REG_RIP] = reinterpret_cast<greg_t>(code + offset);
    uc.uc_mcontext.gregs[REG_RAX] = result;
    return WallEngine::readContext(&uc).slept;
  };
  CHECK(at(2, 0));              // at the syscall: restarted
  CHECK(at(4, -EINTR));         // interrupted
  CHECK(at(4, -ETIMEDOUT));     // timed out with the signal pending
  CHECK(!at(4, 0));             // a call that had completed: running
  CHECK(!at(4, -EAGAIN));
  CHECK(!at(5, -EINTR));        // not after a syscall instruction
  CHECK(!at(1, 0));
  // Only a restarted or interrupted call counts as the place to stand in for later visits.
  uc.uc_mcontext.gregs[REG_RIP] = reinterpret_cast<greg_t>(code + 4);
  uc.uc_mcontext.gregs[REG_RAX] = -ETIMEDOUT;
  CHECK(!WallEngine::readContext(&uc).atSystemCall);
  uc.uc_mcontext.gregs[REG_RAX] = -EINTR;
  CHECK(WallEngine::readContext(&uc).atSystemCall);
#else
  std::printf("theStateComesFromTheInterruptedContext: skipped, x86_64 only\n");
#endif
}
}  // namespace

int main() {
  theStateLetterFollowsTheLastParenthesis();
  aSleepingThreadIsSampledByWallClock();
  ticksCoalescedIntoOneSignalAllCount();
  aSamplerThatFallsBehindStillCountsAllWallTime();
  anIdleThreadWithoutJavaFramesIsNotSignalledUntilItRuns();
  aSettledIdleJavaThreadIsNotSignalledWhileItSleeps();
  aYoungJavaThreadIsSignalledWhileItSleeps();
  statFilesAreKeptPerThreadAndClosedAtTheEnd();
  aThreadThatDroppedOnlyItsFirstSampleIsNotProbed();
  aBusyThreadWithoutJavaFramesIsProbedRarely();
  aThreadAtWorkWithoutJavaFramesIsSignalledRarely();
  samplesTellRunningFromBlockedThreads();
  theStateComesFromTheInterruptedContext();
  return check::finish("wall_engine_test");
}
