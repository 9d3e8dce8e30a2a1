// What the thread registry's per-thread hooks cost a thread start, outside any JVM (issue 17,
// thread churn under event=wall): THREADS empty threads are started and joined one after
// another; each new thread calls what the JVM's threads reach through jflame's hooks
// (ThreadRegistry::threadBorn as the pthread_create hook does, then javaThreadStarted and
// javaThreadEnded as the JVMTI callbacks do), against an engine that only queues the change
// as the wall engine does. Reported: process CPU (user+sys, getrusage) per thread, and what
// the registry's own account (threadSetupNs, one call in eight timed and scaled) says.
//
// Modes: 0 no registry, 1 threads named as they start (event=cpu, or `threads`/JFR),
// 2 not named (event=wall without them, ThreadRegistry::setNamesAtStart(false)).
//
// Build, after a CMake build of the agent in BUILD (e.g. /tmp/b):
//   g++ -O2 -std=c++17 -Inative/src scripts/bench/registry_thread_bench.cpp BUILD/libjflame_core.a -ldl -pthread -o /tmp/registry_thread_bench
// Run: for r in 1 2 3; do for m in 0 1 2; do /tmp/registry_thread_bench $m 20000; done; done
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "sampling/engine.h"
#include "sampling/thread_registry.h"

namespace {

// Queues starts and ends under a mutex, as WallEngine::threadStarted/threadEnded do.
class QueueingEngine : public Engine {
 public:
  const char* name() const override { return "queueing"; }
  bool start(std::string*) override { return true; }
  void stop() override {}
  void threadStarted(int tid) override { push(tid); }
  void threadEnded(int tid) override { push(-tid); }
  bool onSignal(const siginfo_t*, int) override { return false; }

 private:
  void push(int change) {
    std::lock_guard<std::mutex> lock(mutex_);
    changes_.push_back(change);
    if (changes_.size() > 1024) changes_.clear();  // a sampler would have taken them
  }
  std::mutex mutex_;
  std::vector<int> changes_;
};

struct Run {
  ThreadRegistry* registry = nullptr;
};

void* emptyThread(void* p) {
  ThreadRegistry* registry = static_cast<Run*>(p)->registry;
  if (registry != nullptr) {
    int tid = static_cast<int>(syscall(SYS_gettid));
    // This program holds the registry's code, so its own pthread_create is not hooked
    // (thread_birth.h): the birth is announced here, first thing, as the hook would.
    registry->threadBorn(tid);
    registry->javaThreadStarted(tid, registry->namesAtStart() ? "worker-thread-1" : "");
    registry->javaThreadEnded(tid);
  }
  return nullptr;
}

double processCpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

void startAndJoin(Run* run, int threads) {
  for (int i = 0; i < threads; ++i) {
    pthread_t thread;
    if (pthread_create(&thread, nullptr, emptyThread, run) != 0) {
      std::perror("pthread_create");
      std::exit(1);
    }
    pthread_join(thread, nullptr);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: registry_thread_bench MODE(0|1|2) THREADS\n");
    return 2;
  }
  int mode = std::atoi(argv[1]);
  int threads = std::atoi(argv[2]);
  QueueingEngine engine;
  ThreadRegistry registry;
  Run run;
  if (mode > 0) {
    std::string error;
    registry.setNamesAtStart(mode == 1);
    if (!registry.start(&engine, &error)) {
      std::fprintf(stderr, "registry: %s\n", error.c_str());
      return 1;
    }
    run.registry = &registry;
  }
  constexpr int kWarmUp = 2000;
  startAndJoin(&run, kWarmUp);
  uint64_t setupBefore = registry.threadSetupNs();
  double before = processCpuSeconds();
  startAndJoin(&run, threads);
  double cpuUs = (processCpuSeconds() - before) * 1e6 / threads;
  double setupUs = static_cast<double>(registry.threadSetupNs() - setupBefore) / 1e3 / threads;
  std::printf("mode %d: %.2f us of process CPU a thread; registry's own account %.2f us a thread\n", mode, cpuUs,
              setupUs);
  if (mode > 0) registry.stop();
  return 0;
}
