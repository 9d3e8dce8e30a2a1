#pragma once

#include <signal.h>

#include <cstdint>
#include <string>

// A sampling source: makes the kernel deliver SIGPROF to the thread that is using the
// CPU, once per `interval` of that CPU. The sampler (signal_handler.*) does the rest.
//
// start/stop/threadStarted/threadEnded run on ordinary threads and are serialised by
// the caller (ThreadRegistry); onSignal runs inside the SIGPROF handler.
class Engine {
 public:
  virtual ~Engine() = default;

  virtual const char* name() const = 0;

  // Prepares the source (process-wide sources arm here). False with *error if unusable.
  virtual bool start(std::string* error) = 0;

  // Disarms everything: once it returns no new signal is raised (one already pending
  // may still arrive and must be ignored by the handler).
  virtual void stop() = 0;

  // Per-thread sources arm and disarm one thread; `tid` may be any thread, not only the
  // caller. Arming an already armed tid re-arms it (the tid was reused).
  virtual void threadStarted(int tid) { (void)tid; }
  virtual void threadEnded(int tid) { (void)tid; }

  // Signal-safe. Re-arms the source for this thread if it needs that, and says whether
  // this SIGPROF is one of ours (anything else is not sampled).
  virtual bool onSignal(const siginfo_t* info, int tid) = 0;

  // Threads that could not be armed for a reason other than having exited already.
  virtual uint64_t armFailures() const { return 0; }
};
