#include "sampling/stack_snapshot.h"

#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace {

// The tag in si_value: kTagMagic in the top 16 bits, the snapshot's generation in the next
// 16 and the thread's slot in the low 32. A signal of an earlier snapshot that arrives late
// carries an old generation and is ignored.
constexpr uint64_t kTagMagic = 0x6a66;  // "jf"

enum SlotState : int { kWaiting = 0, kWalking = 1, kDone = 2 };

// Static storage, never freed: a handler may run after the snapshot that signalled it is gone.
std::atomic<StackSnapshot*> g_current{nullptr};
std::atomic<int> g_inFlight{0};
std::atomic<uint32_t> g_generation{0};

void sleepMs(int ms) {
  timespec pause{0, static_cast<long>(ms) * 1'000'000L};
  nanosleep(&pause, nullptr);
}

}  // namespace

struct StackSnapshot::Slot {
  std::atomic<int> state{kWaiting};
  int tid = 0;
  bool exited = false;
  WalkOutcome outcome = WalkOutcome::kNotJavaThread;
  JNIEnv* env = nullptr;
  uint32_t count = 0;
};

StackSnapshot::StackSnapshot(const StackWalker& walker, const std::vector<int>& tids)
    : walker_(walker),
      slots_(std::make_unique<Slot[]>(tids.size())),
      count_(static_cast<uint32_t>(tids.size())),
      // Value-initialised: every page is touched here, none for the first time in a handler.
      frames_(std::make_unique<Frame[]>(static_cast<size_t>(count_) * walkFrames(walker.depth))),
      agct_(std::make_unique<AgctFrame[]>(static_cast<size_t>(count_) * (walker.depth + 1))) {
  for (uint32_t i = 0; i < count_; ++i) slots_[i].tid = tids[i];
}

StackSnapshot::~StackSnapshot() {
  if (taken_ && !retired_) {
    // Handlers may still write into these: leave them allocated for good.
    slots_.release();
    frames_.release();
    agct_.release();
  }
}

bool StackSnapshot::signal(uint32_t index) {
  siginfo_t info;
  std::memset(&info, 0, sizeof(info));
  info.si_signo = SIGPROF;
  info.si_code = SI_QUEUE;
  info.si_pid = getpid();
  info.si_uid = getuid();
  uint64_t tag = (kTagMagic << 48) | (static_cast<uint64_t>(generation_ & 0xffff) << 32) | index;
  info.si_value.sival_ptr = reinterpret_cast<void*>(tag);
  return syscall(SYS_rt_tgsigqueueinfo, getpid(), slots_[index].tid, SIGPROF, &info) == 0 || errno != ESRCH;
}

void StackSnapshot::take(int timeoutMs) {
  if (taken_) return;
  taken_ = true;
  generation_ = g_generation.fetch_add(1) + 1;
  g_current.store(this, std::memory_order_seq_cst);
  for (uint32_t i = 0; i < count_; ++i) {
    if (!signal(i)) {
      slots_[i].exited = true;
      slots_[i].state.store(kDone, std::memory_order_release);
    }
  }
  bool resent = false;
  for (int waited = 0; waited < timeoutMs; ++waited) {
    uint32_t pending = 0;
    for (uint32_t i = 0; i < count_; ++i) pending += slots_[i].state.load(std::memory_order_acquire) != kDone;
    if (pending == 0) break;
    if (!resent && waited >= timeoutMs / 2) {
      resent = true;
      for (uint32_t i = 0; i < count_; ++i) {
        if (slots_[i].state.load(std::memory_order_acquire) == kWaiting) signal(i);
      }
    }
    sleepMs(1);
  }
  retired_ = retire();
}

bool StackSnapshot::retire() {
  g_current.store(nullptr, std::memory_order_seq_cst);
  for (int waited = 0; g_inFlight.load(std::memory_order_seq_cst) != 0; ++waited) {
    if (waited >= 2000) return false;
    sleepMs(1);
  }
  return true;
}

std::vector<StackSnapshot::Thread> StackSnapshot::threads() const {
  std::vector<Thread> out(count_);
  for (uint32_t i = 0; i < count_; ++i) {
    const Slot& slot = slots_[i];
    Thread& t = out[i];
    t.tid = slot.tid;
    if (slot.state.load(std::memory_order_acquire) != kDone) continue;
    t.answer = slot.exited ? Answer::kExited : Answer::kWalked;
    t.outcome = slot.outcome;
    t.env = slot.env;
    t.frames = frames_.get() + static_cast<size_t>(i) * walkFrames(walker_.depth);
    t.count = slot.count;
  }
  return out;
}

bool StackSnapshot::isSnapshotSignal(const siginfo_t* info) {
  if (info == nullptr || info->si_code != SI_QUEUE) return false;
  uint64_t tag = reinterpret_cast<uint64_t>(info->si_value.sival_ptr);
  return (tag >> 48) == kTagMagic && info->si_pid == getpid();
}

void StackSnapshot::answer(const siginfo_t* info, void* ucontext) {
  // Announce first, then look (both seq_cst): retire() clears g_current before it waits for
  // g_inFlight to reach zero, so it cannot miss a handler that found the snapshot.
  g_inFlight.fetch_add(1, std::memory_order_seq_cst);
  StackSnapshot* s = g_current.load(std::memory_order_seq_cst);
  uint64_t tag = reinterpret_cast<uint64_t>(info->si_value.sival_ptr);
  uint32_t index = static_cast<uint32_t>(tag);
  if (s != nullptr && ((tag >> 32) & 0xffff) == (s->generation_ & 0xffff) && index < s->count_) {
    Slot& slot = s->slots_[index];
    int tid = static_cast<int>(syscall(SYS_gettid));
    int expected = kWaiting;
    // A resent signal finds the slot taken and returns.
    if (slot.tid == tid && slot.state.compare_exchange_strong(expected, kWalking, std::memory_order_acq_rel)) {
      // The sampler's walk, so a dump sees what a sample would: native frames, then Java
      // frames for a JavaThread (told without calling into the JVM, java_thread_env.h).
      JNIEnv* env = nullptr;
      slot.count = walkStack(s->walker_, tid, ucontext, s->agct_.get() + static_cast<size_t>(index) * (s->walker_.depth + 1),
                             s->frames_.get() + static_cast<size_t>(index) * walkFrames(s->walker_.depth),
                             &slot.outcome, &env);
      slot.env = env;
      slot.state.store(kDone, std::memory_order_release);
    }
  }
  g_inFlight.fetch_sub(1, std::memory_order_seq_cst);
}
