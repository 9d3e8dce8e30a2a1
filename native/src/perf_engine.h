#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "engine.h"
#include "jitter.h"
#include "tid_table.h"

// event=cpu: one perf event per thread counting that thread's CPU time (software
// task-clock, user space only), overflowing every `interval` ns. The kernel signals
// each overflow to the owning thread as SIGPROF via fasync (O_ASYNC + F_SETSIG +
// F_SETOWN_EX/F_OWNER_TID). Without a ring buffer perf only signals when the event's
// refresh limit runs out, so every event is enabled with REFRESH(1) and the handler
// re-enables it; si_fd names the event that fired. Because the period is measured by an
// hrtimer while the thread runs, it is not bound to the 250 Hz kernel tick.
//
// Jitter: PERF_EVENT_IOC_PERIOD starts a full new period from the moment of the call, so
// the time between the overflow and the handler would be lost every period (measured:
// ~8% at 1 ms). Each thread therefore keeps a deadline on its CPU clock and the handler
// sets the period to "deadline - now"; see Jitter::nextDeadline.
class PerfEngine : public Engine {
 public:
  PerfEngine(uint64_t intervalNs, Jitter* jitter);
  ~PerfEngine() override;

  // Whether perf_event_open works for this process at all. If not, *why names the errno
  // and the likely cause (a container's seccomp profile, perf_event_paranoid, ...).
  static bool available(std::string* why);

  const char* name() const override { return "cpu"; }
  bool start(std::string* error) override;
  void stop() override;
  void threadStarted(int tid) override;
  void threadEnded(int tid) override;
  bool onSignal(const siginfo_t* info, int tid, uint64_t cpuNowNs) override;
  uint64_t armFailures() const override { return armFailures_; }

 private:
  static int open(int tid, uint64_t firstPeriod);  // fd, or -errno

  const uint64_t intervalNs_;
  Jitter& jitter_;
  TidTable<int> fds_;                  // fd + 1 per tid: the handler re-arms only its own
  TidTable<uint64_t> deadlines_;       // next sample due at this thread CPU time (ns)
  std::unordered_map<int, int> open_;  // tid -> fd, off the signal path
  uint64_t armFailures_ = 0;
};
