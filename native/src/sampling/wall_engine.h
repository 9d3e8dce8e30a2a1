#pragma once

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "sampling/engine.h"
#include "sampling/jitter.h"
#include "store/tid_table.h"

// event=wall: samples threads by wall-clock time, whatever they are doing. A plain
// pthread (not a Java thread: it must not stop at safepoints, nor show up in the profile)
// wakes every `interval` (+/- 10% jitter, so periodic work cannot alias with it) and, for
// each thread it picks, reads the thread's state from /proc/self/task/TID/stat, leaves it
// in a per-tid slot and sends the thread `signo` with tgkill. The handler walks the stack
// with AsyncGetCallTrace as for CPU samples and ends it in the state it finds in the slot.
//
// Why /proc and not JVMTI GetThreadState: the handler may not call JVMTI, and asking
// JVMTI from the sampler would make it a Java thread holding a jthread per thread. The
// kernel state says only running (R) or not (S, D, ...); the writer tells sleeping,
// waiting and blocked apart by the leaf Java frame (Symbols::threadStateName).
//
// Cost stays bounded with many threads: at most kThreadsPerTick threads are signalled per
// tick, round-robin, and each sample then counts for (threads / signalled) samples, so the
// totals still estimate wall time per thread. Threads the handler found to be no Java
// thread (GC and VM threads, jflame's own) are skipped from then on; JVM-internal Java
// threads that never run Java code (JIT compilers, the service thread) stay in the
// rotation, but their samples are dropped, as are those of any thread without Java frames.
class WallEngine : public Engine {
 public:
  static constexpr uint32_t kThreadsPerTick = 16;

  WallEngine(uint64_t intervalNs, int signo, Jitter* jitter);
  ~WallEngine() override;

  const char* name() const override { return "wall"; }
  bool start(std::string* error) override;
  void stop() override;
  void threadStarted(int tid) override;
  void threadEnded(int tid) override;
  int signal() const override { return signo_; }
  bool onSignal(const siginfo_t* info, int tid) override;
  const char* cpuTimeCounted() const override { return nullptr; }
  void describeSample(int tid, Sample* sample) override;
  void notJavaThread(int tid) override;

  // The state letter of a /proc/.../stat line ("123 (name) S ..."), 0 if malformed.
  static char parseState(const char* stat, size_t length);

 private:
  static void* samplerMain(void* self);
  void run();
  void tick(std::vector<int>* picked, uint64_t* eligible);
  void signalThread(int tid, uint64_t weight);

  const uint64_t intervalNs_;
  const int signo_;
  Jitter& jitter_;
  const int pid_;
  // (weight << 8) | state letter, added to by the sampler before each signal and taken
  // whole by the handler; zero means no signal of ours is pending for that tid.
  TidTable<uint64_t> pending_;
  TidTable<uint8_t> notJava_;

  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::vector<int> tids_;  // every live thread the registry told us about
  size_t cursor_ = 0;      // round-robin position in tids_
  uint64_t carry_ = 0;     // remainder of the weight scaling, carried to the next sample
  bool running_ = false;
  bool stopping_ = false;
  pthread_t sampler_{};
  std::atomic<int> samplerTid_{0};
};
