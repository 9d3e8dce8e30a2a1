#pragma once

#include <atomic>
#include <cstdint>

// Random sampling periods, callable from signal handlers: a xorshift64* generator whose
// state is advanced with a CAS, so concurrent handlers neither lock nor repeat values.
class Jitter {
 public:
  explicit Jitter(uint64_t seed);

  uint64_t next();

  // A thread's first period: uniform in [1, interval]. A thread that uses less than one
  // interval of CPU is then sampled with probability cpu/interval instead of never.
  uint64_t firstPeriod(uint64_t interval);

  // A thread's first expiry on its CPU clock, armed when the thread has used `cpuNow`.
  // A thread armed within its first interval of CPU is new (JVMTI ThreadStart, or just
  // found by the rescan): its first period counts from its birth, so the CPU it used before
  // it could be armed (the JVM starting it, the agent's own ThreadStart work: measured at
  // about half of a 400 us thread) has its chance of a sample too. The result may then lie
  // at or before `cpuNow`: due at once. An older thread (armed by a later attach) starts
  // its first period now, so that attaching gives no burst of samples.
  uint64_t firstDeadline(uint64_t cpuNow, uint64_t interval);

  // Every later period: interval +/- 10%, uniform, with a mean of exactly `interval`,
  // so periodic work in the profiled program cannot alias with the sampling period.
  uint64_t nextPeriod(uint64_t interval);

  // The next expiry on a thread's CPU clock, scheduled from the previous *deadline*
  // rather than from `now`: the delay between a period's end and the handler that re-arms
  // it (signal delivery; the kernel tick for CPU timers) is then not lost each period,
  // and the mean period stays exactly `interval`. A signal more than `maxLateness` late
  // means periods were skipped (perf skips a period that ends in kernel mode), and the
  // schedule restarts from `now` instead of firing a burst of catch-up samples.
  uint64_t nextDeadline(uint64_t previousDeadline, uint64_t now, uint64_t interval,
                        uint64_t maxLateness);

 private:
  std::atomic<uint64_t> state_;
};
