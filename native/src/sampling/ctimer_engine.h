#pragma once

#include <signal.h>
#include <time.h>

#include <cstdint>
#include <string>

#include "sampling/jitter.h"
#include "sampling/per_thread_engine.h"
#include "store/tid_table.h"

// event=ctimer: one POSIX timer per thread on that thread's CPU-time clock, delivering
// SIGPROF to that very thread (SIGEV_THREAD_ID). CPU timers expire on the kernel tick
// (4 ms at 250 Hz): each expiry is late by up to a tick, so the timer is set to absolute
// deadlines on the thread's CPU clock (Jitter::nextDeadline) and that lateness is not
// lost. Intervals below a tick are still not honoured; event=cpu has no such limit.
//
// The timer system calls are made directly: the kernel's timer id is a plain int, and
// glibc only moved timer_create from librt into libc in 2.34.
class CtimerEngine : public PerThreadEngine {
 public:
  // `signo`: the timers' sigev_signo (signal=, for an application that owns SIGPROF).
  CtimerEngine(uint64_t intervalNs, Jitter* jitter, int signo = SIGPROF);
  ~CtimerEngine() override;

  const char* name() const override { return "ctimer"; }
  bool start(std::string* error) override;
  void threadStarted(int tid) override;
  bool onSignal(const siginfo_t* info, int tid) override;
  int signal() const override { return signo_; }

 private:
  // A handle is a kernel timer id.
  void release(int timer) override;

  const int signo_;
  TidTable<uint64_t> deadlines_;   // absolute expiry on the thread's CPU clock (ns)
};
