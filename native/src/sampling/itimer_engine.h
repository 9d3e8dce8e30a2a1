#pragma once

#include <cstdint>
#include <string>

#include "sampling/engine.h"

// event=itimer: setitimer(ITIMER_PROF), one process-wide CPU timer; the kernel sends
// SIGPROF to the process and usually delivers it to the thread that was running. Bound
// to the kernel tick (4 ms at 250 Hz), and all threads share one period, so there is no
// per-thread phase or jitter.
class ItimerEngine : public Engine {
 public:
  explicit ItimerEngine(uint64_t intervalNs);
  ~ItimerEngine() override;

  const char* name() const override { return "itimer"; }
  bool start(std::string* error) override;
  void stop() override;
  bool onSignal(const siginfo_t* info, int tid) override;

 private:
  const uint64_t intervalNs_;
  bool armed_ = false;
};
