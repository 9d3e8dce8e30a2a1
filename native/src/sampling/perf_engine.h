#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sampling/jitter.h"
#include "sampling/per_thread_engine.h"
#include "stacks/kernel_stack.h"
#include "symbols/kallsyms.h"
#include "store/tid_table.h"

// event=cpu: one perf event per thread counting that thread's CPU time (software
// task-clock, user space only), overflowing every `interval` ns. The kernel signals
// each overflow to the owning thread as SIGPROF via fasync (O_ASYNC + F_SETSIG +
// F_SETOWN_EX/F_OWNER_TID), as POLL_IN; si_fd names the event that fired. Because the
// period is measured by an hrtimer while the thread runs, it is not bound to the 250 Hz
// kernel tick.
//
// The event counts on without a break, so most signals need no system call at all: the
// hrtimer keeps its grid, and the time between an overflow and its handler (61 us on
// average in this VM) is not lost. That is what the handler's cost was made of: re-arming
// each overflow with PERF_EVENT_IOC_REFRESH (which stops the event at every overflow)
// cost 5 us a sample, setting a new period 1.7 us more, reading the thread's CPU clock
// for the catch-up 2.5 us more — 9.8 of the handler's 12 us (measured at 1 ms).
//
// Kernel frames (kernelFrames): where the kernel allows callchains of kernel code (root,
// CAP_PERFMON, or perf_event_paranoid <= 1: the same rule as counting system time), each
// event also records its callchain's kernel part into a per-thread ring buffer that the
// handler reads (KernelStacks), named from /proc/kallsyms read once at start().
// The ring is mapped lazily: a thread's event records callchains from its birth, but its
// ring is mapped only by the registry's rescan (rescanned()) once the thread has lived
// through one full rescan period (100-200 ms, the scan backing off to 800 ms only once no
// ring is due); threads alive when profiling starts get theirs at once (aliveAtStartArmed:
// long-lived by definition). Mapping and unmapping a ring cost ~110 us of process CPU per thread (the
// munmap's TLB shootdown across the JVM's CPUs most of all, measured with a 3,000-thread
// churn), while most short threads never take a sample; their overflows before the ring
// exists record nothing and their samples have no kernel frames.
//
// Jitter: every kSamplesPerPeriod-th signal the handler sets a fresh random period
// (PERF_EVENT_IOC_PERIOD, 9-110 us on a running event) and reads the thread's CPU clock.
// Setting the period restarts it from the moment of the call, so the time since the
// overflow (d) would be lost once per cycle; the new period is shortened by d / K, and
// the K periods that follow, together with d, last exactly K times the random period.
class PerfEngine : public PerThreadEngine {
 public:
  // kernelFrames: record kernel frames where the kernel allows it. `signo`: the signal
  // F_SETSIG makes the kernel send (signal=, for an application that owns SIGPROF).
  PerfEngine(uint64_t intervalNs, Jitter* jitter, bool kernelFrames = true, int signo = SIGPROF);
  ~PerfEngine() override;

  // Whether perf_event_open works for this process at all. If not, *why names the errno
  // and the likely cause (a container's seccomp profile, perf_event_paranoid, ...).
  static bool available(std::string* why);

  const char* name() const override { return "cpu"; }
  // Known after start(): with kernel time wherever the kernel allows it.
  const char* cpuTimeCounted() const override { return kernel_ ? "user+system" : "user"; }
  bool start(std::string* error) override;
  void threadStarted(int tid) override;
  void threadEnded(int tid) override;
  // Maps the kernel-frame rings of threads armed before the previous rescan (see below).
  bool rescanned() override;
  // Maps the rings of the threads alive at start at once: they are not short-lived.
  void aliveAtStartArmed() override;
  void stop() override;
  bool onSignal(const siginfo_t* info, int tid) override;
  int signal() const override { return signo_; }

  // Known after start(): the kernel frames' source, null where there are none.
  const KernelStacks* kernelStacks() const override { return kernelStacks_.get(); }
  // The profile header's line: "on, ..." with names and ring buffers, or "off: why".
  std::string kernelFramesFact() const override;

 private:
  // fd, or -errno. `kernel`: the period also runs out in kernel mode (system calls, page
  // faults) and is signalled on the way back to user space. `callchain`: each overflow
  // also records the kernel part of the callchain (for a ring buffer). `signo`: see above.
  static int open(int tid, uint64_t firstPeriod, bool kernel, bool callchain = false, int signo = SIGPROF);
  // Why there are no kernel frames, from the settings that decide it.
  static std::string whyNoKernelFrames(int err);

  // A handle is the event's fd.
  void release(int fd) override;
  void quiesce(int fd) override;
  // Signal-safe: a fresh random period for `fd` from `now` (the thread's CPU clock).
  void setNextPeriod(int tid, int fd, uint64_t now);

  // Threads armed since the last rescan (tid, fd), and those armed before it: a thread
  // in ringsDueNext_ at a rescan has lived at least one rescan period and gets its ring.
  std::vector<std::pair<int, int>> ringsDue_;
  std::vector<std::pair<int, int>> ringsDueNext_;
  std::atomic<uint64_t> ringsNeverMapped_{0};  // threads that ended before their ring was due (read by the writer)
  TidTable<uint64_t> periodSetAt_;     // thread CPU time (ns) when the period was last set
  TidTable<uint64_t> periods_;         // the period in force (ns)
  TidTable<int> untilNewPeriod_;       // signals to go before the next random period
  const int signo_;
  bool kernel_ = false;  // counting kernel time too: allowed where perf_event_paranoid < 2 or privileged
  const bool kernelFramesWanted_;
  std::string noKernelFrames_;                 // why not, when kernelStacks_ is null
  Kallsyms kallsyms_;
  std::string kallsymsProblem_;                // why kernel frames are unnamed, if they are
  std::unique_ptr<KernelStacks> kernelStacks_;
};
