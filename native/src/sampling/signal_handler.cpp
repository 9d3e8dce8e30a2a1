#include "sampling/signal_handler.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>

#include "sampling/engine.h"
#include "sampling/stack_snapshot.h"
#include "sampling/stats.h"
#include "stacks/crash_guard.h"
#include "stacks/frame.h"
#include "stacks/java_walk.h"
#include "stacks/mixed_walk.h"
#include "store/mapped_memory.h"
#include "store/sample_log.h"
#include "store/trace_store.h"
#include "support/monotonic_clock.h"
#include "support/thread_clock.h"
#include "support/thread_id.h"

namespace {

// Buffers for one sample each, claimed with a CAS. Handlers on one thread never nest
// (SIGPROF is blocked while its handler runs), so the pool needs about one buffer per
// CPU; a handler that finds none drops its sample and counts it.
class BufferPool {
 public:
  BufferPool(uint32_t buffers, uint32_t framesPerBuffer)
      : buffers_(buffers),
        framesPerBuffer_(framesPerBuffer),
        busy_(buffers * sizeof(std::atomic<int>)),
        agct_(static_cast<size_t>(buffers) * framesPerBuffer * sizeof(AgctFrame)),
        frames_(static_cast<size_t>(buffers) * framesPerBuffer * sizeof(Frame)) {}

  bool ok() const { return busy_.ok() && agct_.ok() && frames_.ok(); }

  // Commits the buffers before the first signal (see MappedMemory::populate): a first
  // touch inside the handler costs 7-13 us a page in a VM.
  void populate() {
    busy_.populate(0, busy_.size());
    agct_.populate(0, agct_.size());
    frames_.populate(0, frames_.size());
  }

  int acquire(int tid) {
    std::atomic<int>* busy = static_cast<std::atomic<int>*>(busy_.data());
    for (uint32_t i = 0; i < buffers_; ++i) {
      uint32_t index = (static_cast<uint32_t>(tid) + i) % buffers_;
      int expected = 0;
      if (busy[index].compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
        return static_cast<int>(index);
      }
    }
    return -1;
  }

  void release(int index) {
    static_cast<std::atomic<int>*>(busy_.data())[index].store(0, std::memory_order_release);
  }

  AgctFrame* agctFrames(int index) {
    return static_cast<AgctFrame*>(agct_.data()) + static_cast<size_t>(index) * framesPerBuffer_;
  }
  Frame* frames(int index) {
    return static_cast<Frame*>(frames_.data()) + static_cast<size_t>(index) * framesPerBuffer_;
  }

 private:
  const uint32_t buffers_;
  const uint32_t framesPerBuffer_;
  MappedMemory busy_;
  MappedMemory agct_;
  MappedMemory frames_;
};

// The pool holds about kBuffersPerCpu buffers for each CPU the process may run on: one
// per handler running at once, with room for handlers preempted midway. Bounded in
// memory whatever the host (kMaxPoolBytes: 64 MiB, reached only with very deep stacks),
// but never fewer than kFewestBuffers; a handler that finds none counts a drop.
constexpr uint64_t kBuffersPerCpu = 4;
constexpr uint64_t kMinBuffers = 8;
constexpr uint64_t kFewestBuffers = 4;
constexpr uint64_t kMaxPoolBytes = 64ull << 20;

// The CPUs this process may run on (taskset, a container's cpuset), not the host's:
// a 2-CPU container on a 64-CPU host would otherwise commit 32 times the memory.
uint32_t allowedCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0) return static_cast<uint32_t>(count);
  }
  long online = sysconf(_SC_NPROCESSORS_ONLN);  // more than 1024 CPUs, or no affinity
  return online > 0 ? static_cast<uint32_t>(online) : 1;
}

struct Sampler {
  SamplerConfig config;
  StackWalker walker;  // from config
  std::unique_ptr<BufferPool> pool;
  uint32_t poolFrames = 0;
  std::atomic<bool> enabled{false};
  std::atomic<int> inHandler{0};
  std::atomic<uint64_t> signals{0};
};

// Set once, never freed: a SIGPROF may still be pending when the JVM exits.
std::atomic<Sampler*> g_sampler{nullptr};

void sample(Sampler& s, int tid, void* ucontext) {
  int buffer = s.pool->acquire(tid);
  if (buffer < 0) {
    s.config.stats->noBuffer();
    return;
  }
  Engine::Sample what;
  s.config.engine->describeSample(tid, ucontext, &what);
  Frame* frames = s.pool->frames(buffer);
  if (what.javaThreadsOnly && what.javaFramesUnlikely &&
      javaThreadWithoutJavaFrames(s.walker, tid, ucontext, s.pool->agctFrames(buffer), frames)) {
    // Dropped as below, without the native walk (a JIT compiler thread at work).
    s.config.stats->threadOnlySample(true);
    s.config.engine->sampleTaken(tid, what, false, 0, s.config.store, s.config.log);
    s.pool->release(buffer);
    return;
  }
  // frames[0] is kept for the state frame, which is the leaf.
  uint32_t stateFrames = what.state != 0 ? 1 : 0;
  WalkOutcome outcome;
  uint32_t n = walkStack(s.walker, tid, ucontext, s.pool->agctFrames(buffer), frames + stateFrames, &outcome);
  switch (outcome) {
    case WalkOutcome::kNotJavaThread:
    case WalkOutcome::kNoJavaFrames: s.config.stats->threadOnlySample(); break;
    // A failed Java walk is the walk's last frame.
    case WalkOutcome::kFailed: s.config.stats->walkFailed(static_cast<WalkFailure>(frames[stateFrames + n - 1].id)); break;
    case WalkOutcome::kJavaFrames: break;
  }
  // A failed walk is still of a Java stack.
  bool javaFrames = outcome == WalkOutcome::kFailed || outcome == WalkOutcome::kJavaFrames;
  bool javaThread = outcome != WalkOutcome::kNotJavaThread;
  if (what.javaThreadsOnly && !javaFrames) {
    // A wall sample of a thread without Java frames says nothing about Java code.
    if (!javaThread) s.config.engine->notJavaThread(tid);
    else s.config.engine->sampleTaken(tid, what, false, 0, s.config.store, s.config.log);
    s.pool->release(buffer);
    return;
  }
  if (stateFrames != 0) {
    frames[0] = pseudoFrame(FrameKind::kThreadState, static_cast<uint64_t>(static_cast<uint8_t>(what.state)));
    n += stateFrames;
  }
  if (s.config.threads) frames[n++] = pseudoFrame(FrameKind::kThreadRoot, static_cast<uint64_t>(tid));
  uint32_t slot = 0;
  if (what.weight != 0 && s.config.store->add(frames, n, what.weight, &slot) == TraceStore::Result::kCounted) {
    s.config.stats->sampleRecorded();
    // JFR output: the sample's time, by trace slot; written out by the JFR writer's thread.
    if (s.config.log != nullptr) {
      s.config.log->push(SampleRecord{monotonicNs(), what.weight, static_cast<uint32_t>(tid), slot, SampleLog::kTime});
    }
    s.config.engine->sampleTaken(tid, what, true, slot, s.config.store, s.config.log);
  }
  s.pool->release(buffer);
}

void onSignal(int signo, siginfo_t* info, void* ucontext) {
  Sampler* s = g_sampler.load(std::memory_order_acquire);
  if (s == nullptr) return;
  int savedErrno = errno;
  if (StackSnapshot::isSnapshotSignal(info)) {
    // Not an engine's signal but a thread dump's (stack_snapshot.h), whether or not a
    // profile samples: it keeps its own count of handlers in flight.
    StackSnapshot::answer(info, ucontext);
    errno = savedErrno;
    return;
  }
  // Announce first, then check `enabled` (both seq_cst): disableAndDrain() clears
  // `enabled` before it waits for the count to reach zero, so it cannot miss us.
  s->inHandler.fetch_add(1, std::memory_order_seq_cst);
  if (s->enabled.load(std::memory_order_seq_cst)) {
    uint64_t nth = s->signals.fetch_add(1, std::memory_order_relaxed);
    // The handler's own duration is timed on the monotonic clock: a thread CPU clock is a
    // system call (~2 us in a VM), a sixth of the cost it would measure. A handler preempted
    // midway counts its wait, rare enough (a few us of a scheduler slice) to leave mean and
    // p99 as they are.
    uint64_t start = monotonicNs();
    // One in kCpuTimedEvery also on the thread's CPU clock (two system calls), for the
    // account of what the handlers cost (Stats::handlerCpuTime).
    bool cpuTimed = nth % Stats::kCpuTimedEvery == 0;
    uint64_t cpuStart = cpuTimed ? thread_clock::ofCaller() : 0;
    int tid = callerTid();
    // The engine re-arms first, so the time this sample takes is not lost to the next
    // period; its system calls are part of the handler's cost.
    if (signo == s->config.engine->signal() && s->config.engine->onSignal(info, tid)) {
      sample(*s, tid, ucontext);
      s->config.stats->handlerTime(monotonicNs() - start);
      if (cpuTimed) s->config.stats->handlerCpuTime(thread_clock::ofCaller() - cpuStart);
    }
  }
  s->inHandler.fetch_sub(1, std::memory_order_seq_cst);
  errno = savedErrno;
}

}  // namespace

namespace sampler {

bool install(int signo, std::string* error) {
  // Called under the agent's lifecycle mutex only, so these need no atomics.
  static uint64_t installed = 0;
  if (g_sampler.load() == nullptr) {
    // Leaked on purpose, see g_sampler.
    Sampler* s = std::make_unique<Sampler>().release();
    g_sampler.store(s, std::memory_order_release);
  }
  if (signo <= 0 || signo >= 64) {
    *error = "signal " + std::to_string(signo) + " is out of range";
    return false;
  }
  if ((installed & (uint64_t{1} << signo)) != 0) return true;
  installed |= uint64_t{1} << signo;

  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_sigaction = onSignal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  // Every sampling signal blocks the others while its handler runs: handlers on one
  // thread never nest, whichever signals a stopped profile left pending.
  sigemptyset(&action.sa_mask);
  for (int i = 1; i < 64; ++i) {
    if ((installed & (uint64_t{1} << i)) != 0) sigaddset(&action.sa_mask, i);
  }
  for (int i = 1; i < 64; ++i) {
    if ((installed & (uint64_t{1} << i)) == 0) continue;
    if (sigaction(i, &action, nullptr) != 0) {
      *error = "cannot install the handler for signal " + std::to_string(i) + ": " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

bool configure(const SamplerConfig& config, std::string* error) {
  Sampler* s = g_sampler.load(std::memory_order_acquire);
  if (s == nullptr || s->enabled.load()) {
    *error = "the sampler is not installed, or still enabled";
    return false;
  }
  // depth + 1 for the probe frame, + 1 for [broken_native_stack], + 3 for the state,
  // [truncated] and thread root frames.
  uint32_t frames = config.depth + 5;
  uint32_t buffers = bufferCount(allowedCpus(), frames);
  if (s->pool == nullptr || s->poolFrames < frames) {
    auto pool = std::make_unique<BufferPool>(buffers, frames);
    if (!pool->ok()) {
      *error = "cannot reserve memory for the sample buffers";
      return false;
    }
    pool->populate();
    s->pool = std::move(pool);
    s->poolFrames = frames;
  }
  // Published to handlers by enable()'s seq_cst store of `enabled`.
  s->config = config;
  s->walker.java.asyncGetCallTrace = config.asyncGetCallTrace;
  s->walker.java.guard = config.guard;
  s->walker.java.lines = config.lines;
  s->walker.javaThreads = config.javaThreads;
  s->walker.codeMap = config.codeMap;
  s->walker.native = config.nativeStacks;
  s->walker.nativeStats = config.nativeStats;
  s->walker.kernel = config.kernelStacks;
  s->walker.depth = config.depth;
  s->signals.store(0, std::memory_order_relaxed);
  return true;
}

void enable() {
  Sampler* s = g_sampler.load(std::memory_order_acquire);
  if (s != nullptr) s->enabled.store(true, std::memory_order_seq_cst);
}

bool disableAndDrain(int timeoutMs) {
  Sampler* s = g_sampler.load(std::memory_order_acquire);
  if (s == nullptr) return true;
  s->enabled.store(false, std::memory_order_seq_cst);
  for (int waited = 0; s->inHandler.load(std::memory_order_seq_cst) != 0; ++waited) {
    if (waited >= timeoutMs * 10) return false;
    timespec pause{0, 100'000};  // 100us
    nanosleep(&pause, nullptr);
  }
  return true;
}

uint32_t bufferCount(uint32_t cpus, uint32_t framesPerBuffer) {
  uint64_t buffers = static_cast<uint64_t>(cpus) * kBuffersPerCpu;
  if (buffers < kMinBuffers) buffers = kMinBuffers;
  uint64_t fit = kMaxPoolBytes / bufferBytes(framesPerBuffer);
  if (buffers > fit) buffers = fit;
  return static_cast<uint32_t>(buffers < kFewestBuffers ? kFewestBuffers : buffers);
}

uint64_t bufferBytes(uint32_t framesPerBuffer) {
  return static_cast<uint64_t>(framesPerBuffer) * (sizeof(AgctFrame) + sizeof(Frame)) + sizeof(std::atomic<int>);
}

uint64_t measureDeliveryNs(int signo) {
  Sampler* s = g_sampler.load(std::memory_order_acquire);
  if (s == nullptr || s->enabled.load() || !stillInstalled(signo)) return 0;
  sigset_t current;
  if (pthread_sigmask(SIG_BLOCK, nullptr, &current) != 0 || sigismember(&current, signo) == 1) return 0;
  // Signals sent to this thread are delivered before tgkill returns; with sampling off
  // the handler returns at once, so what is timed is entry, delivery and sigreturn.
  constexpr int kSignals = 64;
  pid_t pid = getpid();
  int tid = callerTid();
  uint64_t begin = thread_clock::ofCaller();
  for (int i = 0; i < kSignals; ++i) syscall(SYS_tgkill, pid, tid, signo);
  uint64_t end = thread_clock::ofCaller();
  return end > begin ? (end - begin) / kSignals : 0;
}

uint64_t signalsReceived() {
  Sampler* s = g_sampler.load(std::memory_order_acquire);
  return s != nullptr ? s->signals.load(std::memory_order_relaxed) : 0;
}

bool stillInstalled(int signo) {
  struct sigaction current;
  if (sigaction(signo, nullptr, &current) != 0) return false;
  return (current.sa_flags & SA_SIGINFO) != 0 && current.sa_sigaction == onSignal;
}

}  // namespace sampler
