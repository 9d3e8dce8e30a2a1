#pragma once

#include <signal.h>

#include <cstdint>
#include <string>

// A sampling source: makes the kernel deliver a signal (SIGPROF for the CPU sources) to a
// thread to be sampled: the thread using the CPU, once per `interval` of that CPU, or for
// event=wall each thread in turn by wall-clock time. The sampler (signal_handler.*) does
// the rest.
//
// start/stop/threadStarted/threadEnded run on ordinary threads and are serialised by
// the caller (ThreadRegistry); onSignal runs inside the signal handler.
class KernelStacks;
class SampleLog;
class TraceStore;

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

  // Called by the registry's rescan thread after each rescan, under the same lock as
  // threadStarted/threadEnded: per-thread work deferred off the thread's birth (so that a
  // short-lived thread never pays for it). True if work is still due at the next rescan,
  // which then comes at the short period.
  virtual bool rescanned() { return false; }

  // Called by the registry once, at its start, right after arming the threads alive then
  // (under the same lock): those are long-lived by definition, so work deferred for new
  // threads (rescanned()) is done for them now.
  virtual void aliveAtStartArmed() {}

  // Signal-safe. Re-arms the source for this thread if it needs that, and says whether
  // this signal is one of ours (anything else is not sampled).
  virtual bool onSignal(const siginfo_t* info, int tid) = 0;

  // The signal this source raises; the handler ignores any other while it is active.
  virtual int signal() const { return SIGPROF; }

  // What one accepted signal stands for. CPU sources take the defaults.
  struct Sample {
    uint64_t weight = 1;          // samples it counts as (a sampler that skips threads scales up)
    char state = 0;               // state letter (R running, else not) to end the stack with, 0 for none
    bool javaThreadsOnly = false; // drop it if the thread turns out to have no Java frames
    bool javaFramesUnlikely = false;  // javaThreadsOnly: its last samples had none, so ask
                                      // that before any native walk
    uint8_t context = 0;          // the source's own reading of the interrupted context, handed
                                  // from describeSample to sampleTaken (read once per signal)
  };

  // Signal-safe, right after onSignal accepted the signal; `ucontext` is where it
  // interrupted the thread.
  virtual void describeSample(int tid, const void* ucontext, Sample* sample) {
    (void)tid;
    (void)ucontext;
    (void)sample;
  }

  // Signal-safe, at the end of a sample of `tid` that describeSample described as `sample`:
  // counted at `slot` of `store` (and logged to `log` if not null), or not counted
  // (`counted` false: dropped, e.g. a thread without Java frames). A source that stands a
  // thread's last sample in for later ones while it has not run (event=wall) keeps what it
  // needs of this.
  virtual void sampleTaken(int tid, const Sample& sample, bool counted, uint32_t slot, TraceStore* store,
                           SampleLog* log) {
    (void)tid;
    (void)sample;
    (void)counted;
    (void)slot;
    (void)store;
    (void)log;
  }

  // Signal-safe: the handler found that `tid` is not a Java thread (no JNIEnv); a source
  // that only wants Java threads may stop signalling it.
  virtual void notJavaThread(int tid) { (void)tid; }

  // For CPU sources, the CPU time their periods count: "user+system", or "user" where
  // only that is allowed; nullptr for wall-clock sources.
  virtual const char* cpuTimeCounted() const { return "user+system"; }

  // Where the source records kernel frames (event=cpu), their reader; set by start().
  virtual const KernelStacks* kernelStacks() const { return nullptr; }
  // For the profile header: whether samples carry kernel frames and if not why; empty for
  // sources that never could.
  virtual std::string kernelFramesFact() const { return std::string(); }

  // Threads that could not be armed for a reason other than having exited already.
  virtual uint64_t armFailures() const { return 0; }
};
