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
#include "sampling/task_stat_files.h"
#include "store/tid_table.h"

// event=wall: samples threads by wall-clock time, whatever they are doing. A plain
// pthread (not a Java thread: it must not stop at safepoints, nor show up in the profile)
// wakes every `interval` (+/- 10% jitter, so periodic work cannot alias with it) and, for
// each thread it picks, leaves the weight in a per-tid slot and sends the thread `signo`
// with tgkill. The handler walks the stack with AsyncGetCallTrace as for CPU samples and
// ends it in the thread's state: sleeping if the signal interrupted a blocking system call
// (readContext: the kernel restarts it, or returns EINTR, or ETIMEDOUT from a timed wait
// whose time ran out before the thread got a CPU to take the signal), else running (in its
// own code, or runnable and waiting for a CPU, or in a system call that had completed). That
// is the state at the sample itself, and costs the sampler nothing: reading it from
// /proc/self/task/TID/stat at each visit (an open, a formatted line, a close) was most of
// the sampler's CPU. /proc is still read for the threads whose samples are dropped (below),
// whose sleeping decides whether they need a signal, and on CPUs readContext does not
// know; those files are kept open while the thread lives (TaskStatFiles).
//
// Why not JVMTI GetThreadState: the handler may not call JVMTI, and asking JVMTI from the
// sampler would make it a Java thread holding a jthread per thread. The state says only
// running (R) or not; the writer tells sleeping, waiting and blocked apart by the leaf Java
// frame (Symbols::threadStateName).
//
// Every thread's wall time is counted whole: each thread keeps the time up to which it has
// been accounted for, and a signal carries, as its weight, the whole intervals that passed
// since (the remainder stays for the next one). So a sampler that wakes late (a loaded
// machine: it competes with the threads it samples), a thread visited only every few ticks,
// or a signal that waits for its thread to be scheduled lose no wall time: the sum of the
// weights of a thread's samples is its lifetime over the interval, short of the last one.
// The price: the time of a long gap (the sampler kept off the CPU, often by the very threads
// it samples) all goes to the stack found at its end, so on an overloaded machine shares
// lean towards what kept the sampler waiting.
//
// Cost stays bounded with many threads: at most kThreadsPerTick threads are signalled per
// tick, round-robin, each then standing for the time since its last visit (and at most
// kIdleThreadsPerTick idle ones, below, are visited: a clock read each). The more often a
// thread is visited, the less of its time is left unaccounted when it ends. Threads the
// handler found to be no Java thread (GC and VM threads, jflame's own) are skipped from then
// on; the samples of threads without Java frames (JIT compilers, the service thread) are
// dropped.
//
// Idle threads without Java frames (JIT compilers, the service thread: their samples are
// dropped) are not signalled while they do not run. Such a thread whose last sample caught it
// blocked in a system call (the handler sees the interrupted context at the call, or just
// after it with EINTR, which libc and the JVM answer by waiting again) and that has not run
// since is still where that sample found it, so the sample (dropped, or if it had Java
// frames after all, its trace with the new weight) stands in, without a signal. "Not run
// since" is made sure in two steps. The sampler counts the thread's arrivals on a CPU
// (schedstat) before the signal; at the next visit exactly one arrival more (the one that ran
// the handler) with the thread not running (state not R) means it went back to sleep in the
// same call, and its CPU time (its thread CPU clock, one system call) is then kept. From
// then on each visit reads only that clock: unchanged, the thread has not executed a single
// instruction, so the last sample stands; changed, it is signalled afresh. Two limits: a
// thread woken but not yet given a CPU still counts where it slept (it has not run); and one
// whose wake-up comes within the few microseconds of the handler itself, so that it returns
// from the call and blocks again in the same CPU stay, is not told apart (rare: the next time
// it runs it is sampled afresh).
//
// What that costs the sampler (a stat read and a schedstat open, read and close per probe) is
// spent only where it may pay: a thread counts as one without Java frames after two dropped
// samples in a row (a Java thread's first sample often comes while the JVM is still starting
// it, and the thread may be gone a millisecond later), and a probe that finds the thread ran
// after all (a JVM thread that wakes every few hundred microseconds) is followed by 1, 2, 4,
// ... up to 32 visits that just signal, without /proc.
//
// Java threads that sleep are left unsignalled the same way once they have settled: a thread
// at least 100 ms old whose last three samples all caught it blocked in a system call with
// the same stack (Reference Handler, Finalizer, Common-Cleaner, a pool's idle workers, a
// thread in Thread.sleep or Object.wait: about six in any JVM, each signalled at every tick
// before). Their samples keep their stacks and states: the last one counts again, with each
// visit's weight, only while the thread's CPU clock shows it has not run. The age keeps the
// probes off the threads of a thread churn, which live a few milliseconds (an earlier version
// that probed every Java thread found asleep made such a program run 1.4 to 1.9 times longer
// on a loaded 2-CPU machine).
class WallEngine : public Engine {
 public:
  static constexpr uint32_t kThreadsPerTick = 16;
  static constexpr uint32_t kIdleThreadsPerTick = 64;
  // An idle thread's clock is read after 1, 2, 4, ... intervals while it sleeps on, but at
  // least this often: at 1 ms, the ~6 idle threads of any JVM cost a clock read each per tick
  // (a system call) otherwise. When it has run, the gap is split by its clock (visit()).
  static constexpr uint64_t kIdleCheckGapNs = 8'000'000;
  // The same for threads whose samples are dropped (no Java frames: JIT compiler threads, the
  // Service Thread): asleep, their clocks are read after 1, 2, 4, ... intervals up to this far
  // apart; at work, they are signalled that often, and the ticks between hand their time to
  // nobody, as their samples would. Nothing a profile shows is lost by that; a thread that
  // gains Java frames is found within this time.
  static constexpr uint64_t kDroppedCheckGapNs = 64'000'000;

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
  void describeSample(int tid, const void* ucontext, Sample* sample) override;
  void sampleTaken(int tid, const Sample& sample, bool counted, uint32_t slot, TraceStore* store,
                   SampleLog* log) override;
  void notJavaThread(int tid) override;

  // What the interrupted context says, decoded once per signal (describeSample).
  struct ContextReading {
    // A blocking system call the signal interrupted: at the call (restarted when the handler
    // returns) or just after it with EINTR (waited again): the sample may stand in later.
    bool atSystemCall = false;
    // The state the sample ends in: asleep if atSystemCall, or just back from a timed wait
    // that timed out.
    bool slept = false;
  };
  static ContextReading readContext(const void* ucontext);
  // The third field of /proc/.../schedstat (times the thread arrived on a CPU), or ~0.
  static uint64_t parseArrivals(const char* schedstat, size_t length);

  // The stat files kept open for the threads it tracks (0 once stopped).
  size_t openStatFiles() const { return openStatFiles_.load(std::memory_order_relaxed); }

  // Visits that counted a thread's last sample again instead of signalling it.
  uint64_t samplesReused() const { return reused_.load(std::memory_order_relaxed); }

  // Visits that read an idle thread's CPU clock to see whether its last sample still stands.
  uint64_t idleChecks() const { return idleChecks_.load(std::memory_order_relaxed); }

  // Visits that read /proc to see whether a thread slept on since its last sample.
  uint64_t probes() const { return probes_.load(std::memory_order_relaxed); }

  // Visits that left a thread whose samples are dropped unsignalled (kDroppedCheckGapNs).
  uint64_t droppedSkips() const { return droppedSkips_.load(std::memory_order_relaxed); }

  // The state letter of a /proc/.../stat line ("123 (name) S ..."), 0 if malformed.
  static char parseState(const char* stat, size_t length);

 private:
  static void* samplerMain(void* self);
  void run();
  // What the sampler knows of a thread's last sample (sampler thread only).
  enum class Phase : uint8_t {
    kSignal,   // sample it with a signal
    kProbing,  // signalled while asleep: arrivals counted before, see whether it slept on
    kIdle,     // asleep since its last sample, which stands in while its CPU time stays
  };
  struct Tracked {
    int tid = 0;
    uint64_t sinceNs = 0;      // monotonic time it was first tracked
    uint64_t accountedNs = 0;  // monotonic time up to which its wall time was handed out
    Phase phase = Phase::kSignal;
    uint64_t arrivals = 0;     // kProbing: CPU arrivals read before the signal
    uint64_t idleCpuNs = 0;    // kIdle: its CPU time when found asleep after the sample
    uint64_t note = 0;         // kIdle: the handler's note of that sample (see notes_)
    uint32_t sleptSlot = 0;    // the trace slot of its last counted sample at a system call
    uint8_t sleptInRow = 0;    // counted samples in a row at a system call with that trace (capped)
    uint8_t droppedInRow = 0;  // its samples dropped (no Java frames) since its last counted one
    bool dropsSamples = false; // droppedInRow reached kDropsBeforeProbing: no Java thread, or idle
    uint8_t probeBackoff = 0;  // probes that found it had run, in a row (capped): the next wait
    uint8_t probeSkips = 0;    // visits left that signal without reading /proc (after such a probe)
    uint8_t idleStreak = 0;    // kIdle: checks in a row that found its clock unchanged (capped)
    uint64_t idleCheckNs = 0;  // kIdle: monotonic time of its next check
    uint8_t dropBackoff = 0;   // kSignal, dropsSamples: signals in a row whose samples were dropped (capped)
    uint64_t dropSignalNs = 0; // kSignal, dropsSamples: monotonic time of its next signal
  };
  struct Picked {
    size_t index;  // in threads_
    uint64_t weight;
  };
  struct Change {
    int tid;
    uint64_t timeNs;  // of the start
    bool started;     // else ended
  };
  void applyChanges();
  void tick(uint64_t nowNs, std::vector<Picked>* picked);
  void visit(Tracked* thread, uint64_t weight);
  void countAgain(int tid, uint64_t note, uint64_t weight);
  // When a thread backed off after `streak` waits is next due: 2^streak - 1 intervals after
  // this visit, at most `maxSkips`.
  uint64_t backedOffNs(const Tracked& t, uint8_t streak, uint64_t maxSkips) const;
  // Whether the thread's sample since the sampler's last look at it was counted (a peek: the
  // note stays for that look).
  bool lastSampleCounted(int tid) const;
  void signalThread(Tracked* thread, uint64_t weight, char state);
  // The thread's kernel state letter (R, S, D, ...), 0 if it is gone.
  char readState(int tid);

  const uint64_t intervalNs_;
  const uint64_t maxIdleSkips_;     // intervals an idle thread may go unchecked (kIdleCheckGapNs)
  const uint64_t maxDroppedSkips_;  // the same for threads whose samples are dropped (kDroppedCheckGapNs)
  const int signo_;
  Jitter& jitter_;
  const int pid_;
  // (weight << 8) | state letter | 0x80 if its samples are being dropped (no Java frames:
  // the handler checks that before walking), added to by the sampler before each signal and taken
  // whole by the handler; zero means no signal of ours is pending for that tid.
  TidTable<uint64_t> pending_;
  TidTable<uint8_t> notJava_;
  // Written by the handler at the end of each sample: ((slot << 3) | counted << 1 | 1) if it
  // interrupted a system call, else (counted << 1 | 4). Taken by the sampler at its next
  // visit (0: no sample since).
  TidTable<uint64_t> notes_;
  std::atomic<TraceStore*> store_{nullptr};  // where the handler counts (the profile's)
  std::atomic<SampleLog*> log_{nullptr};
  std::atomic<uint64_t> reused_{0};
  std::atomic<uint64_t> probes_{0};
  std::atomic<uint64_t> idleChecks_{0};
  std::atomic<uint64_t> droppedSkips_{0};

  std::mutex mutex_;  // running_, stopping_
  std::condition_variable wakeup_;
  std::mutex inboxMutex_;
  std::vector<Change> inbox_;     // by inboxMutex_: starts and ends the sampler has not seen
  std::vector<Change> changes_;   // the sampler's: the inbox it took
  std::vector<Tracked> threads_;  // the sampler's: every live thread the registry told us about
  TidTable<uint32_t> indexOf_;    // the sampler's: position + 1 in threads_, 0 if not there
  TaskStatFiles statFiles_;       // the sampler's: each tracked thread's stat file, kept open
  std::atomic<size_t> openStatFiles_{0};  // statFiles_.openFiles() after each tick
  size_t cursor_ = 0;             // round-robin position in threads_
  bool running_ = false;
  bool stopping_ = false;
  pthread_t sampler_{};
  std::atomic<int> samplerTid_{0};
};
