#include "sampling/wall_engine.h"

#include "store/sample_log.h"
#include "store/trace_store.h"
#include "support/agent_thread.h"
#include "support/monotonic_clock.h"
#include "support/thread_clock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace {

int currentTid() { return static_cast<int>(syscall(SYS_gettid)); }

// One open/read/close of a small /proc file of `tid`; the bytes read, 0 if it is gone.
size_t readTaskFile(int tid, const char* file, char* buffer, size_t size) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/self/task/%d/%s", tid, file);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buffer, size);
  close(fd);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

uint64_t readArrivals(int tid) {
  char buffer[128];
  size_t n = readTaskFile(tid, "schedstat", buffer, sizeof(buffer));
  return WallEngine::parseArrivals(buffer, n);
}

// Not running: the states a thread sleeps or waits in.
bool asleep(char state) { return state == 'S' || state == 'D' || state == 'I'; }

// Where the handler can tell a thread asleep in a system call from one running by the context
// the signal interrupted (readContext), the sampler does not read /proc for the state.
#if defined(__x86_64__) || defined(__aarch64__)
constexpr bool kStateFromContext = true;
#else
constexpr bool kStateFromContext = false;
#endif

// The low byte of a pending slot: the state letter (ASCII), and whether the thread's last
// samples were dropped for want of Java frames (the handler then asks that first).
constexpr uint64_t kPendingStateMask = 0x7f;
constexpr uint64_t kPendingDropsSamples = 0x80;

constexpr uint64_t kNoteValid = 1;    // the sample interrupted a system call: it may stand in
constexpr uint64_t kNoteCounted = 2;
constexpr uint64_t kNoteElsewhere = 4;  // a sample not at a system call (never stands in)

// Dropped samples in a row (no counted one between) before the sampler takes a thread for
// one without Java frames and reads /proc for it (its state, then its CPU arrivals) to leave
// it unsignalled while it sleeps. A Java thread's first sample often comes before its first
// Java frame (the JVM is still starting it, blocked in a system call): taken at its word, a
// short thread in a churn cost the sampler a stat file opened, a schedstat file read, and
// the stat file closed a millisecond later at its end. The second sample of such a thread
// is in Java; a JIT compiler thread's is dropped again.
constexpr uint8_t kDropsBeforeProbing = 2;

// A probe that finds the thread ran after all (a JVM thread without Java frames that wakes
// every few hundred microseconds: the service thread in a thread churn) cost the sampler a
// stat read and a schedstat open, read and close, and the signal went out anyway: every
// visit, at 1 ms. After each failed probe the next 1, 2, 4, ... up to 32 visits just signal
// (as for a Java thread), without /proc; a probe that finds it idle starts afresh.
constexpr uint8_t kMaxProbeBackoff = 5;

// A Java thread is probed (and left unsignalled while it sleeps) once it lived this long and
// its last samples were this many in a row at a system call with the same trace: the idle
// threads of any JVM qualify within a fraction of a second, the threads of a thread churn
// (milliseconds) never do (see the header).
constexpr uint64_t kSettledAfterNs = 100'000'000;
constexpr uint8_t kSleptBeforeProbing = 3;

}  // namespace

WallEngine::WallEngine(uint64_t intervalNs, int signo, Jitter* jitter)
    : intervalNs_(intervalNs),
      maxIdleSkips_(kIdleCheckGapNs > intervalNs ? kIdleCheckGapNs / intervalNs - 1 : 0),
      maxDroppedSkips_(kDroppedCheckGapNs > intervalNs ? kDroppedCheckGapNs / intervalNs - 1 : 0),
      signo_(signo),
      jitter_(*jitter),
      pid_(getpid()) {}

WallEngine::~WallEngine() { stop(); }

char WallEngine::parseState(const char* stat, size_t length) {
  // The comm may contain spaces and ')': the state follows the LAST ')'.
  size_t close = length;
  for (size_t i = length; i > 0; --i) {
    if (stat[i - 1] == ')') {
      close = i - 1;
      break;
    }
  }
  if (close + 2 >= length || stat[close + 1] != ' ') return 0;
  char state = stat[close + 2];
  return state >= 'A' && state <= 'z' ? state : 0;
}

uint64_t WallEngine::parseArrivals(const char* schedstat, size_t length) {
  // "exec_ns wait_ns arrivals\n"
  size_t i = 0;
  for (int field = 0; field < 2; ++field) {
    while (i < length && schedstat[i] >= '0' && schedstat[i] <= '9') ++i;
    if (i >= length || schedstat[i] != ' ') return ~uint64_t{0};
    ++i;
  }
  if (i >= length || schedstat[i] < '0' || schedstat[i] > '9') return ~uint64_t{0};
  uint64_t value = 0;
  while (i < length && schedstat[i] >= '0' && schedstat[i] <= '9') value = value * 10 + static_cast<uint64_t>(schedstat[i++] - '0');
  return value;
}

namespace {

enum class CallSite { kElsewhere, kAtCall, kAfterCall };

// Whether the interrupted context is at a system call instruction, or just after one (then
// `result` is what it returned).
CallSite callSite(const void* ucontext, int64_t* result) {
  if (ucontext == nullptr) return CallSite::kElsewhere;
  const ucontext_t* uc = static_cast<const ucontext_t*>(ucontext);
  // The thread resumes at this pc, so its code is mapped and readable; the instruction
  // before it is read only when on the same page (it might be the first of a mapping).
#if defined(__x86_64__)
  const unsigned char* pc = reinterpret_cast<const unsigned char*>(uc->uc_mcontext.gregs[REG_RIP]);
  if (pc == nullptr) return CallSite::kElsewhere;
  // pc[1] only when on pc's page too: a one-byte instruction may end a mapping.
  bool lastByteOfPage = (reinterpret_cast<uintptr_t>(pc) & 4095) == 4095;
  if (pc[0] == 0x0f && !lastByteOfPage && pc[1] == 0x05) return CallSite::kAtCall;  // syscall
  bool samePage = (reinterpret_cast<uintptr_t>(pc) & 4095) >= 2;
  if (!samePage || pc[-2] != 0x0f || pc[-1] != 0x05) return CallSite::kElsewhere;
  *result = static_cast<int64_t>(uc->uc_mcontext.gregs[REG_RAX]);
  return CallSite::kAfterCall;
#elif defined(__aarch64__)
  const uint32_t* pc = reinterpret_cast<const uint32_t*>(uc->uc_mcontext.pc);
  if (pc == nullptr) return CallSite::kElsewhere;
  if (*pc == 0xd4000001u) return CallSite::kAtCall;  // svc #0
  bool samePage = (reinterpret_cast<uintptr_t>(pc) & 4095) >= 4;
  if (!samePage || pc[-1] != 0xd4000001u) return CallSite::kElsewhere;
  *result = static_cast<int64_t>(uc->uc_mcontext.regs[0]);
  return CallSite::kAfterCall;
#else
  (void)uc;
  (void)result;
  return CallSite::kElsewhere;  // no reuse: every visit signals
#endif
}

}  // namespace

WallEngine::ContextReading WallEngine::readContext(const void* ucontext) {
  int64_t result = 0;
  CallSite site = callSite(ucontext, &result);
  ContextReading reading;
  // A blocking call the signal interrupted is either restarted (the kernel rewinds the pc to
  // the call) or returns EINTR to its caller (a timed futex wait, nanosleep), which libc and
  // the JVM answer by waiting again: the sample may stand in for later visits.
  reading.atSystemCall = site == CallSite::kAtCall || (site == CallSite::kAfterCall && result == -EINTR);
  // Also asleep: a timed wait that timed out. The signal woke it, and the timeout passed
  // before it got a CPU to take the signal (common on a loaded machine), or the timeout woke
  // it and the signal came while it waited for a CPU; either way it was asleep in that call.
  reading.slept = reading.atSystemCall || (site == CallSite::kAfterCall && result == -ETIMEDOUT);
  return reading;
}

bool WallEngine::start(std::string* error) {
  if (!pending_.ok() || !notJava_.ok() || !notes_.ok() || !indexOf_.ok()) {
    *error = "cannot reserve the per-thread sample slots";
    return false;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = false;
  if (startAgentThread(&sampler_, "jflame-wall", samplerMain, this) != 0) {
    *error = "cannot start the wall-clock sampler thread";
    return false;
  }
  running_ = true;
  return true;
}

void WallEngine::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!running_) return;
    stopping_ = true;
    running_ = false;
  }
  wakeup_.notify_all();
  // Once joined no signal of ours is raised any more.
  pthread_join(sampler_, nullptr);
}

// Both only queue the change for the sampler: they run on the thread's own start and exit
// path (HotSpot starts a thread holding Threads_lock until the new thread has reported in,
// and every thread start and exit takes that lock), so they must never wait for a tick.
void WallEngine::threadStarted(int tid) {
  // A reused tid may be a Java thread now.
  if (std::atomic<uint8_t>* flag = notJava_.at(tid)) flag->store(0, std::memory_order_relaxed);
  Change change{tid, monotonicNs(), true};
  std::lock_guard<std::mutex> lock(inboxMutex_);
  inbox_.push_back(change);
}

void WallEngine::threadEnded(int tid) {
  std::lock_guard<std::mutex> lock(inboxMutex_);
  inbox_.push_back(Change{tid, 0, false});
}

// Sampler thread: the queued starts and ends, in order.
void WallEngine::applyChanges() {
  {
    std::lock_guard<std::mutex> lock(inboxMutex_);
    changes_.swap(inbox_);
  }
  for (const Change& c : changes_) {
    std::atomic<uint32_t>* index = indexOf_.at(c.tid);
    if (index == nullptr) continue;
    uint32_t at = index->load(std::memory_order_relaxed);  // position + 1, 0 if not tracked
    bool tracked = at != 0 && at <= threads_.size() && threads_[at - 1].tid == c.tid;
    if (c.started) {
      if (tracked) continue;  // announced twice (at birth and by ThreadStart)
      // Its wall time counts from its start: what it lived before the profile knew it is
      // not ours.
      Tracked thread;
      thread.tid = c.tid;
      thread.sinceNs = c.timeNs;
      thread.accountedNs = c.timeNs;
      threads_.push_back(thread);
      index->store(static_cast<uint32_t>(threads_.size()), std::memory_order_relaxed);
    } else if (tracked) {
      // Swap with the last, not erase: O(1), and the rotation only needs to visit each
      // thread once per round, not in any order.
      threads_[at - 1] = threads_.back();
      threads_.pop_back();
      statFiles_.forget(c.tid);
      if (at - 1 < threads_.size()) indexOf_.at(threads_[at - 1].tid)->store(at, std::memory_order_relaxed);
      index->store(0, std::memory_order_relaxed);
    }
  }
  changes_.clear();
}

char WallEngine::readState(int tid) {
  char buffer[512];
  size_t n = statFiles_.read(tid, buffer, sizeof(buffer));
  return n > 0 ? parseState(buffer, n) : 0;
}

bool WallEngine::onSignal(const siginfo_t* info, int tid) {
  if (info->si_code != SI_TKILL || info->si_pid != pid_) return false;
  std::atomic<uint64_t>* slot = pending_.at(tid);
  return slot != nullptr && slot->load(std::memory_order_acquire) != 0;
}

void WallEngine::describeSample(int tid, const void* ucontext, Sample* sample) {
  std::atomic<uint64_t>* slot = pending_.at(tid);
  uint64_t value = slot != nullptr ? slot->exchange(0, std::memory_order_acq_rel) : 0;
  sample->weight = value >> 8;
  sample->javaFramesUnlikely = (value & kPendingDropsSamples) != 0;
  // The context is read once: for the state and, in sampleTaken, for whether the sample
  // may stand in for later visits.
  ContextReading context = readContext(ucontext);
  char state = static_cast<char>(value & kPendingStateMask);
  // No letter from the sampler: the state where the signal found the thread, sleeping if
  // it was blocked in a system call (see the header).
  if (state == 0) state = context.slept ? 'S' : 'R';
  sample->state = state;
  sample->javaThreadsOnly = true;
  sample->context = context.atSystemCall ? 1 : 0;
}

void WallEngine::sampleTaken(int tid, const Sample& sample, bool counted, uint32_t slot, TraceStore* store,
                             SampleLog* log) {
  std::atomic<uint64_t>* note = notes_.at(tid);
  if (note == nullptr) return;
  store_.store(store, std::memory_order_relaxed);
  log_.store(log, std::memory_order_relaxed);
  uint64_t value = sample.context != 0 ? (uint64_t{slot} << 3) | (counted ? kNoteCounted : 0) | kNoteValid
                                       : (counted ? kNoteCounted : 0) | kNoteElsewhere;
  note->store(value, std::memory_order_release);
}

void WallEngine::notJavaThread(int tid) {
  if (std::atomic<uint8_t>* flag = notJava_.at(tid)) flag->store(1, std::memory_order_relaxed);
}

void* WallEngine::samplerMain(void* self) {
  // Never the target of our own signal.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, static_cast<WallEngine*>(self)->signo_);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  static_cast<WallEngine*>(self)->run();
  return nullptr;
}

void WallEngine::run() {
  samplerTid_.store(currentTid(), std::memory_order_relaxed);
  using Clock = std::chrono::steady_clock;
  Clock::time_point next = Clock::now() + std::chrono::nanoseconds(jitter_.firstPeriod(intervalNs_));
  std::vector<Picked> picked;
  picked.reserve(kThreadsPerTick + kIdleThreadsPerTick);
  changes_.reserve(64);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (wakeup_.wait_until(lock, next, [this] { return stopping_; })) break;
    // threads_ is the sampler's own: no lock while it ticks.
    lock.unlock();
    applyChanges();
    tick(monotonicNs(), &picked);
    for (Picked& p : picked) visit(&threads_[p.index], p.weight);
    openStatFiles_.store(statFiles_.openFiles(), std::memory_order_relaxed);
    lock.lock();
    next += std::chrono::nanoseconds(jitter_.nextPeriod(intervalNs_));
    // Fell a whole period behind (a stopped process, an overloaded machine): skip ahead
    // rather than burst. No wall time is lost by that: the next signals carry it.
    Clock::time_point now = Clock::now();
    if (next < now) next = now + std::chrono::nanoseconds(jitter_.nextPeriod(intervalNs_));
  }
  statFiles_.forgetAll();
  openStatFiles_.store(0, std::memory_order_relaxed);
}

// Up to kThreadsPerTick Java-or-unknown threads to signal and up to
// kIdleThreadsPerTick idle ones (a clock read each), from the cursor on, each
// with the whole intervals of wall time it lived since it was last accounted for.
void WallEngine::tick(uint64_t nowNs, std::vector<Picked>* picked) {
  picked->clear();
  int self = samplerTid_.load(std::memory_order_relaxed);
  size_t n = threads_.size();
  if (n == 0) return;
  if (cursor_ >= n) cursor_ = 0;
  uint32_t toSignal = 0, idle = 0;
  for (size_t visited = 0; visited < n && toSignal < kThreadsPerTick && idle < kIdleThreadsPerTick; ++visited) {
    Tracked& t = threads_[cursor_];
    cursor_ = (cursor_ + 1) % n;
    std::atomic<uint8_t>* flag = notJava_.at(t.tid);
    if (t.tid == self || (flag != nullptr && flag->load(std::memory_order_relaxed) != 0)) {
      t.accountedNs = nowNs;  // its time is nobody's: a thread that turns Java starts afresh
      continue;
    }
    // Not due yet: its weight keeps growing till then. By time, not by visits: with many
    // threads to signal a round takes several ticks (a hundred at 100 us on a loaded machine).
    if (t.phase == Phase::kIdle && nowNs < t.idleCheckNs) continue;
    // At work without Java frames, between its signals (signalThread): its time is nobody's,
    // unless its last signal found Java frames after all (its note says counted).
    if (t.phase == Phase::kSignal && t.dropsSamples && nowNs < t.dropSignalNs && !lastSampleCounted(t.tid)) {
      if (nowNs - t.accountedNs >= intervalNs_) {
        t.accountedNs = nowNs;
        droppedSkips_.fetch_add(1, std::memory_order_relaxed);
      }
      continue;
    }
    if (nowNs <= t.accountedNs) continue;
    // A sample stands for the time since the last visit, however long: a gap the sampler
    // was kept off the CPU goes to the stack found at its end (left out, as tried with a
    // 10 ms cap, 50 threads at 1 ms kept 40 % of their wall time on the loaded machine).
    uint64_t weight = (nowNs - t.accountedNs) / intervalNs_;
    if (weight == 0) continue;  // less than an interval since its last signal: next time
    t.accountedNs += weight * intervalNs_;
    ++(t.phase == Phase::kIdle ? idle : toSignal);
    picked->push_back(Picked{(cursor_ + n - 1) % n, weight});
  }
}

// Counts the thread's last sample again if it has not run since, else signals.
void WallEngine::visit(Tracked* t, uint64_t weight) {
  if (t->phase == Phase::kIdle) {
    idleChecks_.fetch_add(1, std::memory_order_relaxed);
    uint64_t cpu = thread_clock::ofThread(t->tid);
    if (cpu != 0 && cpu == t->idleCpuNs) {
      countAgain(t->tid, t->note, weight);
      // Checked after 1, 2, 4, ... intervals while it sleeps on, at most kIdleCheckGapNs apart.
      if (t->idleStreak < 16) ++t->idleStreak;
      // Its last sample dropped, nothing is lost while it sleeps unchecked, only found later.
      uint64_t maxSkips = (t->note & kNoteCounted) != 0 ? maxIdleSkips_ : maxDroppedSkips_;
      t->idleCheckNs = backedOffNs(*t, t->idleStreak, maxSkips);
      return;
    }
    // It ran (or is gone): a fresh sample. Of a gap of several intervals (checks skipped, or
    // the sampler late) it ran at least what its clock moved by; the rest is taken to have
    // been spent asleep where its last sample found it, rather than all given to the fresh
    // sample's stack.
    if (cpu > t->idleCpuNs && weight > 1) {
      uint64_t ran = (cpu - t->idleCpuNs + intervalNs_ - 1) / intervalNs_;
      uint64_t slept = weight > ran + 1 ? weight - ran - 1 : 0;
      if (slept != 0) {
        countAgain(t->tid, t->note, slept);
        weight -= slept;
      }
    }
    t->phase = Phase::kSignal;
    t->idleStreak = 0;
    t->idleCheckNs = 0;
  }
  char state = 0;
  if (t->phase == Phase::kProbing) {
    t->phase = Phase::kSignal;
    // Unless it turns out idle below: back off.
    t->probeSkips = static_cast<uint8_t>(1u << t->probeBackoff);
    if (t->probeBackoff < kMaxProbeBackoff) ++t->probeBackoff;
    std::atomic<uint64_t>* note = notes_.at(t->tid);
    std::atomic<uint64_t>* pending = pending_.at(t->tid);
    uint64_t value = note != nullptr ? note->exchange(0, std::memory_order_acquire) : 0;
    if ((value & kNoteValid) != 0 && pending != nullptr && pending->load(std::memory_order_acquire) == 0) {
      // The clock first: a run after it either shows in the arrivals read next, or moves the
      // clock past what is kept, and the next visit signals.
      probes_.fetch_add(1, std::memory_order_relaxed);
      uint64_t cpu = thread_clock::ofThread(t->tid);
      uint64_t arrivals = readArrivals(t->tid);
      state = readState(t->tid);
      if (state == 0) return;  // exited
      // One arrival: the handler's. The thread went back into the call it was sampled in.
      if (cpu != 0 && arrivals == t->arrivals + 1 && asleep(state)) {
        t->phase = Phase::kIdle;
        t->idleStreak = 0;
        t->idleCheckNs = 0;
        t->probeSkips = 0;
        t->probeBackoff = 0;
        t->idleCpuNs = cpu;
        t->note = value;
        countAgain(t->tid, value, weight);
        return;
      }
    }
  }
  signalThread(t, weight, state);
}

uint64_t WallEngine::backedOffNs(const Tracked& t, uint8_t streak, uint64_t maxSkips) const {
  // accountedNs: this tick's time, to an interval.
  return t.accountedNs + std::min((uint64_t{1} << streak) - 1, maxSkips) * intervalNs_;
}

bool WallEngine::lastSampleCounted(int tid) const {
  const std::atomic<uint64_t>* note = notes_.at(tid);
  return note != nullptr && (note->load(std::memory_order_acquire) & kNoteCounted) != 0;
}

void WallEngine::countAgain(int tid, uint64_t note, uint64_t weight) {
  reused_.fetch_add(1, std::memory_order_relaxed);
  if ((note & kNoteCounted) == 0) return;  // a sample that was dropped is dropped again
  TraceStore* store = store_.load(std::memory_order_relaxed);
  if (store == nullptr) return;
  uint32_t slot = static_cast<uint32_t>(note >> 3);
  store->addAt(slot, weight);
  if (SampleLog* log = log_.load(std::memory_order_relaxed)) {
    log->push(SampleRecord{monotonicNs(), weight, static_cast<uint32_t>(tid), slot, SampleLog::kTime});
  }
}

void WallEngine::signalThread(Tracked* t, uint64_t weight, char state) {
  int tid = t->tid;
  std::atomic<uint64_t>* slot = pending_.at(tid);
  if (slot == nullptr) return;
  // What the samples since the last visit were (taken: each is looked at once): a thread
  // is left unsignalled while it sleeps (see the header) only once it dropped
  // kDropsBeforeProbing samples in a row (no Java frames), or, with Java frames, has settled
  // asleep in one place.
  if (std::atomic<uint64_t>* note = notes_.at(tid)) {
    uint64_t last = note->exchange(0, std::memory_order_acquire);
    if ((last & kNoteCounted) != 0) {
      t->droppedInRow = 0;
      uint32_t sampleSlot = static_cast<uint32_t>(last >> 3);
      if ((last & kNoteValid) == 0) {
        t->sleptInRow = 0;  // caught running
      } else if (t->sleptInRow != 0 && sampleSlot == t->sleptSlot) {
        if (t->sleptInRow < kSleptBeforeProbing) ++t->sleptInRow;
      } else {
        t->sleptSlot = sampleSlot;
        t->sleptInRow = 1;
      }
    } else if (last != 0) {
      t->sleptInRow = 0;
      if (t->droppedInRow < kDropsBeforeProbing) ++t->droppedInRow;
    }
    t->dropsSamples = t->droppedInRow >= kDropsBeforeProbing;
  }
  // Whose samples are dropped is signalled after 1, 2, 4, ... intervals (see tick()): a JIT
  // compiler thread at work took a signal, and the handler a look at its stack, every tick.
  if (t->dropsSamples) {
    t->dropSignalNs = backedOffNs(*t, t->dropBackoff, maxDroppedSkips_);
    if (t->dropBackoff < 16) ++t->dropBackoff;
  } else {
    t->dropBackoff = 0;
    t->dropSignalNs = 0;
  }
  bool settledAsleep = t->sleptInRow >= kSleptBeforeProbing && t->accountedNs - t->sinceNs >= kSettledAfterNs;
  bool mayProbe = (t->dropsSamples || settledAsleep) && t->probeSkips == 0;
  if (t->probeSkips > 0) --t->probeSkips;
  // The kernel state is read only where the sampler decides by it (whether a thread whose
  // samples are dropped sleeps) or where the handler cannot tell it; for the others a /proc
  // read per visit was most of the sampler's cost.
  if (state == 0 && (mayProbe || !kStateFromContext)) {
    state = readState(tid);
    if (state == 0) return;  // exited already
  }
  uint64_t pending = slot->load(std::memory_order_relaxed);
  if (pending == 0 && asleep(state) && mayProbe) {
    // Asleep, and no signal of ours outstanding: see at the next visit whether the handler
    // was the only thing it ran for. A running thread is not worth the extra read.
    if (std::atomic<uint64_t>* note = notes_.at(tid)) note->store(0, std::memory_order_relaxed);
    t->arrivals = readArrivals(tid);
    if (t->arrivals != ~uint64_t{0}) t->phase = Phase::kProbing;
  }
  // Added to what is still pending, not written over it: a thread that has not yet
  // taken the previous signal (not scheduled, or the signal blocked a while) gets the
  // ticks coalesced into one signal, and that sample must count for all of them. The
  // state is the latest. The handler takes the whole slot with one exchange.
  uint64_t next;
  do {
    uint64_t total = (pending >> 8) + weight;
    if (total > (UINT64_MAX >> 8)) total = UINT64_MAX >> 8;
    next = (total << 8) | static_cast<uint8_t>(kStateFromContext ? 0 : state) |
           (t->dropsSamples ? kPendingDropsSamples : 0);
  } while (!slot->compare_exchange_weak(pending, next, std::memory_order_release, std::memory_order_relaxed));
  if (syscall(SYS_tgkill, pid_, tid, signo_) != 0) slot->store(0, std::memory_order_relaxed);  // exited
}
