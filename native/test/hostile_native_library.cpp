// A shared library that a test JVM loads with System.load to behave as native code in an
// application may: its constructor does what JFLAME_HOSTILE names, with no JNI at all.
//   native-thread   start a pthread ("native-spin") that never touches the JVM and
//                   spends its time in malloc/free, where a sampling handler that called
//                   into libjvm (GetEnv's first touch of its thread-local storage
//                   allocates) would deadlock
//   foreign-sigprof install this library's own SIGPROF handler over jflame's
//   block-sigprof   block SIGPROF in the loading thread (and so in the threads it starts)
//   own-sigprof     own SIGPROF as an application's profiler may: its own handler and a
//                   process-wide POSIX timer raising SIGPROF every 5 ms of wall-clock time;
//                   at exit it prints "own-sigprof: N signals for about M expected" to stderr
//                   (N counts the expiries each signal stands for, overruns included)

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

std::atomic<unsigned long> g_foreignSignals{0};

void* spinInMalloc(void*) {
  unsigned size = 16;
  for (;;) {
    void* blocks[64];
    for (void*& b : blocks) {
      b = std::malloc(size);
      if (b != nullptr) std::memset(b, 1, 8);
      size = size * 1103515245u + 12345u;
      size = 16 + size % 4096;
    }
    for (void* b : blocks) std::free(b);
  }
  return nullptr;
}

void onForeignSigprof(int) { g_foreignSignals.fetch_add(1, std::memory_order_relaxed); }

// Counts the expiries a signal stands for: a timer whose signal is still pending when it
// expires again (the process did not run, on a loaded machine) reports the extra expiries
// as si_overrun instead of a second signal.
void onOwnTimer(int, siginfo_t* info, void*) {
  g_foreignSignals.fetch_add(1 + static_cast<unsigned long>(info->si_overrun > 0 ? info->si_overrun : 0),
                             std::memory_order_relaxed);
}

constexpr long kOwnPeriodNs = 5'000'000;
timespec g_ownSince{};
bool g_ownTimer = false;

double msSince(const timespec& start) {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec - start.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec - start.tv_nsec) / 1e6;
}

void ownSigprof() {
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_sigaction = onOwnTimer;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_SIGINFO;
  sigaction(SIGPROF, &action, nullptr);
  sigevent sev;
  std::memset(&sev, 0, sizeof(sev));
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = SIGPROF;
  timer_t timer;
  if (timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0) return;
  itimerspec spec{};
  spec.it_value.tv_nsec = kOwnPeriodNs;
  spec.it_interval.tv_nsec = kOwnPeriodNs;
  clock_gettime(CLOCK_MONOTONIC, &g_ownSince);
  g_ownTimer = timer_settime(timer, 0, &spec, nullptr) == 0;
}

__attribute__((destructor)) void reportOwnSignals() {
  if (!g_ownTimer) return;
  std::fprintf(stderr, "own-sigprof: %lu signals for about %.0f expected\n", g_foreignSignals.load(),
               msSince(g_ownSince) * 1e6 / kOwnPeriodNs);
}

__attribute__((constructor)) void actAsTold() {
  const char* what = std::getenv("JFLAME_HOSTILE");
  if (what == nullptr) return;
  if (std::strcmp(what, "native-thread") == 0) {
    pthread_t thread;
    if (pthread_create(&thread, nullptr, spinInMalloc, nullptr) == 0) {
      pthread_setname_np(thread, "native-spin");
      pthread_detach(thread);
    }
  } else if (std::strcmp(what, "foreign-sigprof") == 0) {
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_handler = onForeignSigprof;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGPROF, &action, nullptr);
  } else if (std::strcmp(what, "own-sigprof") == 0) {
    ownSigprof();
  } else if (std::strcmp(what, "block-sigprof") == 0) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPROF);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }
}

}  // namespace
