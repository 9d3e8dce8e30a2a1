// Per-thread cost of event=cpu's perf event setup, taken apart (issue 17, lazy kernel rings).
// Build: g++ -O2 -std=c++17 -pthread scripts/bench/perf_thread_setup_bench.cpp -o /tmp/ptsb
// Run (root or perf_event_paranoid<=1 for the callchain modes): /tmp/ptsb [threads]
//
// Each mode starts `threads` short threads one after another (like a churn program with one
// alive at a time). Each new thread does what PerfEngine::threadStarted does for itself
// (perf_event_open of a task-clock event on its own tid, O_ASYNC/F_SETSIG/F_SETOWN_EX,
// mmap + touch of a 2-page ring, ENABLE), spins ~20 us of CPU, then undoes it as
// threadEnded does (munmap, close). Reported: process CPU (user+sys, getrusage) per thread
// above the "none" mode, and the wall time of each step, median over threads.
// Mode "pool": the ring mapping of a previous thread's event is not reusable (a perf mmap
// belongs to its event), so there is no pool mode; "callchain-nommap" shows what the ring costs.
#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Mode {
  const char* name;
  bool open;
  bool kernel;
  bool callchain;
  bool mmap;
};

enum Step { kOpen, kFcntl, kMmap, kEnable, kMunmap, kClose, kSteps };
const char* kStepNames[kSteps] = {"open", "fcntl", "mmap+touch", "enable", "munmap", "close"};

double nowUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

double processCpuUs() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

void spin(double us) {
  double end = nowUs() + us;
  while (nowUs() < end) {
  }
}

void oneThread(const Mode& m, std::vector<double>* steps) {
  int tid = static_cast<int>(syscall(SYS_gettid));
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t bytes = 2 * page;
  int fd = -1;
  void* base = MAP_FAILED;
  double t = nowUs();
  if (m.open) {
    perf_event_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.size = sizeof(attr);
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_TASK_CLOCK;
    attr.sample_period = 10'000'000;
    attr.disabled = 1;
    attr.exclude_kernel = m.kernel ? 0 : 1;
    attr.exclude_hv = 1;
    if (m.callchain) {
      attr.sample_type = PERF_SAMPLE_CALLCHAIN;
      attr.exclude_callchain_user = 1;
      attr.sample_max_stack = 64;
    }
    fd = static_cast<int>(syscall(SYS_perf_event_open, &attr, tid, -1, -1, PERF_FLAG_FD_CLOEXEC));
    if (fd < 0) {
      std::perror("perf_event_open");
      std::exit(1);
    }
    double t2 = nowUs();
    steps[kOpen].push_back(t2 - t);
    t = t2;
    f_owner_ex owner{F_OWNER_TID, tid};
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC);
    fcntl(fd, F_SETSIG, SIGPROF);
    fcntl(fd, F_SETOWN_EX, &owner);
    t2 = nowUs();
    steps[kFcntl].push_back(t2 - t);
    t = t2;
    if (m.mmap) {
      base = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      if (base == MAP_FAILED) {
        std::perror("mmap");
        std::exit(1);
      }
      for (size_t off = 0; off < bytes; off += page) (void)*static_cast<volatile const char*>(static_cast<char*>(base) + off);
      t2 = nowUs();
      steps[kMmap].push_back(t2 - t);
      t = t2;
    }
    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
    t2 = nowUs();
    steps[kEnable].push_back(t2 - t);
  }
  spin(20);
  t = nowUs();
  if (base != MAP_FAILED) {
    munmap(base, bytes);
    double t2 = nowUs();
    steps[kMunmap].push_back(t2 - t);
    t = t2;
  }
  if (fd >= 0) {
    close(fd);
    steps[kClose].push_back(nowUs() - t);
  }
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 3000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  signal(SIGPROF, SIG_IGN);  // the 10 ms period is never reached by a 20 us thread anyway
  const Mode modes[] = {
      {"none", false, false, false, false},
      {"plain-user", true, false, false, false},
      {"plain-kernel", true, true, false, false},
      {"callchain-nommap", true, true, true, false},
      {"callchain+mmap", true, true, true, true},
  };
  // Optionally keep one long-lived callchain event open (as a long-lived thread with a
  // ring would): the kernel's callchain buffers are refcounted over all callchain events.
  int keep = -1;
  if (getenv("KEEP_CALLCHAIN_EVENT") != nullptr) {
    perf_event_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.size = sizeof(attr);
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_TASK_CLOCK;
    attr.sample_period = 1'000'000'000;
    attr.disabled = 1;
    attr.sample_type = PERF_SAMPLE_CALLCHAIN;
    attr.exclude_callchain_user = 1;
    keep = static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
    std::printf("keeping one callchain event open: fd %d\n", keep);
  }
  for (int r = 0; r < rounds; ++r) {
    double base = 0;
    for (const Mode& m : modes) {
      std::vector<double> steps[kSteps];
      double cpu0 = processCpuUs(), wall0 = nowUs();
      for (int i = 0; i < threads; ++i) std::thread(oneThread, std::cref(m), steps).join();
      double cpu = (processCpuUs() - cpu0) / threads, wall = (nowUs() - wall0) / threads;
      if (!m.open) base = cpu;
      std::printf("round %d %-17s cpu/thread %6.1f us (+%6.1f)  wall/thread %6.1f us |", r, m.name, cpu, cpu - base, wall);
      for (int s = 0; s < kSteps; ++s) {
        if (!steps[s].empty()) std::printf(" %s %.1f", kStepNames[s], median(steps[s]));
      }
      std::printf("\n");
    }
  }
  if (keep >= 0) close(keep);
  return 0;
}
