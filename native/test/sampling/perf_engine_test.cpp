#include "sampling/perf_engine.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "check.h"
#include "sampling/ctimer_engine.h"
#include "support/thread_clock.h"

namespace {

constexpr int kSkipped = 77;  // SKIP_RETURN_CODE in CMakeLists.txt

// Counts the engine's signals on this thread; the handler only re-arms.
Engine* g_engine = nullptr;
std::atomic<int> g_ours{0};
std::atomic<int> g_foreign{0};

void onSigprof(int, siginfo_t* info, void*) {
  int tid = static_cast<int>(syscall(SYS_gettid));
  if (g_engine != nullptr && g_engine->onSignal(info, tid)) {
    g_ours.fetch_add(1);
  } else {
    g_foreign.fetch_add(1);
  }
}

double threadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

volatile uint64_t g_sink = 0;

// Pure user-space work between rare clock reads: with exclude_kernel a period that ends
// in a system call is skipped, so a syscall-heavy loop would under-count by design.
void burn(double seconds) {
  double start = threadCpuSeconds();
  while (threadCpuSeconds() - start < seconds) {
    for (int i = 0; i < 1000000; ++i) g_sink = g_sink * 31 + static_cast<uint64_t>(i);
  }
}

// One signal per interval of this thread's CPU time, within a few percent.
void measure(Engine& engine, double seconds, uint64_t intervalNs, double minRatio, double maxRatio) {
  g_engine = &engine;
  g_ours = 0;
  g_foreign = 0;
  std::string error;
  CHECK(engine.start(&error));
  int tid = static_cast<int>(syscall(SYS_gettid));
  double before = threadCpuSeconds();
  engine.threadStarted(tid);
  burn(seconds);
  engine.threadEnded(tid);
  double used = threadCpuSeconds() - before;
  engine.stop();
  double expected = used * 1e9 / static_cast<double>(intervalNs);
  double ratio = g_ours.load() / expected;
  std::printf("%s: %d signals for %.0f expected (%.3f), %d foreign\n", engine.name(), g_ours.load(),
              expected, ratio, g_foreign.load());
  CHECK(ratio >= minRatio && ratio <= maxRatio);
  // A signal may still be pending when threadEnded() closes the event, and at 100 us under
  // the sanitizers (handlers several times slower) the next overflows may already be raised
  // too: they are rightly not recognised as ours. A handful at most, never a stream.
  CHECK(g_foreign.load() <= 4);
  g_engine = nullptr;
}

// An application's own POSIX timer on the same thread raising SIGPROF (SI_TIMER too) is
// not ctimer's: only the engine's own timer id is.
void ctimerTakesOnlyItsOwnTimersSignals() {
  Jitter jitter(5);
  CtimerEngine ctimer(1'000'000'000, &jitter);  // a second of CPU: never reached here
  g_engine = &ctimer;
  g_ours = 0;
  g_foreign = 0;
  std::string error;
  CHECK(ctimer.start(&error));
  int tid = static_cast<int>(syscall(SYS_gettid));
  ctimer.threadStarted(tid);
  sigevent sev;
  std::memset(&sev, 0, sizeof(sev));
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = SIGPROF;
  sev._sigev_un._tid = tid;
  int foreign = -1;
  CHECK(syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &foreign) == 0);
  itimerspec spec{};
  spec.it_value.tv_nsec = 1'000'000;
  spec.it_interval.tv_nsec = 1'000'000;
  syscall(SYS_timer_settime, foreign, 0, &spec, nullptr);
  for (int i = 0; i < 50; ++i) {
    timespec pause{0, 1'000'000};
    nanosleep(&pause, nullptr);
  }
  syscall(SYS_timer_delete, foreign);
  ctimer.threadEnded(tid);
  ctimer.stop();
  std::printf("ctimer: %d foreign timer signals, %d taken as ours\n", g_foreign.load(), g_ours.load());
  CHECK(g_foreign.load() >= 1);
  CHECK_EQ(g_ours.load(), 0);
  g_engine = nullptr;
}

}  // namespace

int main() {
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_sigaction = onSigprof;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGPROF, &action, nullptr);

  Jitter jitter(99);
  std::string why;
  if (PerfEngine::available(&why)) {
    PerfEngine perf(1'000'000, &jitter);
    measure(perf, 1.0, 1'000'000, 0.90, 1.06);
    PerfEngine fast(100'000, &jitter);
    // Signal delivery costs ~100us of kernel time in a VM, so 100us is checked loosely.
    measure(fast, 0.5, 100'000, 0.75, 1.06);
  }
  CtimerEngine ctimer(10'000'000, &jitter);
  // CPU timers expire on the kernel's tick only (4 ms here) and only while the thread is
  // on a CPU at that tick: on a loaded machine (2 cores shared, load 8) 0.70 was seen. The
  // bounds still catch a dead or doubled timer without failing under load.
  measure(ctimer, 1.0, 10'000'000, 0.50, 1.10);
  ctimerTakesOnlyItsOwnTimersSignals();
  int result = check::finish("perf_engine_test");
  if (result == 0 && !why.empty()) {
    // ctest's SKIP_RETURN_CODE: the perf engine was not tested here, which a pass would hide.
    std::printf("perf_engine_test: SKIPPED the cpu engine, perf events unavailable here (%s); ctimer passed\n",
                why.c_str());
    return kSkipped;
  }
  return result;
}
