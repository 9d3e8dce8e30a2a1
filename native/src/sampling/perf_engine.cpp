#include "sampling/perf_engine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "support/thread_clock.h"

namespace {

// Below this perf's hrtimer-based software events do not go (the kernel clamps to 10us).
constexpr uint64_t kMinPeriodNs = 10'000;

// A new thread's first period is never shorter: one near perf's 10 us floor was measured
// to cost the thread about 20 ms of kernel time (under a VM, each timer interrupt at that
// rate costs about as much as the period), where 20 us and more cost nothing measurable.
// It matters since a new thread's first period counts from its birth and is often due at
// once (Jitter::firstDeadline).
constexpr uint64_t kShortestFirstPeriodNs = 50'000;

// Signals per random period (see perf_engine.h): the two system calls of a new period
// are shared by this many samples. Setting the period of a running event took 9 us with
// one busy thread but 35-110 us on average in javac (several threads on both CPUs): with
// 8 that was half of javac's 27 us handler at 1 ms, with 32 it is 10-12 us. The phase still
// moves: 32 periods of up to 10% off the interval cover every phase of periodic work.
constexpr int kSamplesPerPeriod = 32;

// Catching up shortens a period, but never below half the interval: a period that ends
// inside the handler's own system call would be signalled (or, user space only, skipped)
// right after it.
uint64_t shortestPeriod(uint64_t interval) {
  uint64_t half = interval / 2;
  return half > kMinPeriodNs ? half : kMinPeriodNs;
}

}  // namespace

PerfEngine::PerfEngine(uint64_t intervalNs, Jitter* jitter, bool kernelFrames, int signo)
    : PerThreadEngine(intervalNs, jitter), signo_(signo), kernelFramesWanted_(kernelFrames) {}

PerfEngine::~PerfEngine() { stop(); }

int PerfEngine::open(int tid, uint64_t firstPeriod, bool kernel, bool callchain, int signo) {
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.size = sizeof(attr);
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_TASK_CLOCK;
  attr.sample_period = firstPeriod;
  attr.disabled = 1;
  // A CPU profile is of user and system time, as the clocks and `time` count it: a thread
  // spending its CPU in system calls and page faults (short-lived threads, I/O) is then
  // sampled at its true share, attributed to the Java code that entered the kernel. User
  // space only is the fallback that perf_event_paranoid=2 allows without privileges.
  attr.exclude_kernel = kernel ? 0 : 1;
  attr.exclude_hv = 1;
  if (callchain) {
    // The kernel part only: the user part is walked by the handler itself, which knows
    // Java frames, and copying it costs the kernel a walk of user memory each sample.
    attr.sample_type = PERF_SAMPLE_CALLCHAIN;
    attr.exclude_callchain_user = 1;
    attr.sample_max_stack = KernelStacks::kMaxFrames;
  }
  int fd = static_cast<int>(
      syscall(SYS_perf_event_open, &attr, tid, -1, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd < 0) return -errno;
  f_owner_ex owner;
  owner.type = F_OWNER_TID;
  owner.pid = tid;
  // A new perf fd has no status flags F_SETFL could change but O_ASYNC: no F_GETFL first.
  if (fcntl(fd, F_SETFL, O_ASYNC) < 0 ||
      fcntl(fd, F_SETSIG, signo) < 0 || fcntl(fd, F_SETOWN_EX, &owner) < 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

namespace {

// strerrorname_np needs glibc 2.32; the agent should load on older systems too.
const char* errnoName(int err) {
  switch (err) {
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOSYS: return "ENOSYS";
    case ENOENT: return "ENOENT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ESRCH: return "ESRCH";
    default: return "errno";
  }
}

}  // namespace

bool PerfEngine::available(std::string* why) {
  int fd = open(static_cast<int>(syscall(SYS_gettid)), 1'000'000'000, false);
  if (fd >= 0) {
    close(fd);
    return true;
  }
  int err = -fd;
  *why = std::string("perf_event_open failed: ") + errnoName(err) + " (" + std::strerror(err) + ")";
  switch (err) {
    case EACCES:
    case EPERM:
      *why += ", check /proc/sys/kernel/perf_event_paranoid or the container's seccomp profile";
      break;
    case ENOSYS:
      *why += ", the kernel has no perf events or a seccomp filter hides them";
      break;
    case ENOENT:
    case EOPNOTSUPP:
      *why += ", the kernel lacks the software task-clock event";
      break;
    default:
      break;
  }
  return false;
}

bool PerfEngine::start(std::string* error) {
  if (!handlesReserved() || !periodSetAt_.ok() || !periods_.ok() || !untilNewPeriod_.ok()) {
    *error = "cannot reserve the per-thread perf event table";
    return false;
  }
  if (!available(error)) return false;
  int fd = open(static_cast<int>(syscall(SYS_gettid)), 1'000'000'000, true);
  kernel_ = fd >= 0;
  if (fd >= 0) close(fd);
  kernelStacks_.reset();
  if (!kernelFramesWanted_) {
    noKernelFrames_ = "off (kernelframes=off)";
    return true;
  }
  fd = kernel_ ? open(static_cast<int>(syscall(SYS_gettid)), 1'000'000'000, true, true) : fd;
  if (fd < 0) {
    noKernelFrames_ = whyNoKernelFrames(-fd);
    return true;
  }
  close(fd);
  // Read before the first signal and never changed after: the handler searches it.
  if (!kallsyms_.named()) kallsyms_.load("/proc/kallsyms", &kallsymsProblem_);
  auto stacks = std::make_unique<KernelStacks>(&kallsyms_);
  if (!stacks->ok()) {
    noKernelFrames_ = "off: cannot reserve the per-thread ring table";
    return true;
  }
  kernelStacks_ = std::move(stacks);
  return true;
}

std::string PerfEngine::whyNoKernelFrames(int err) {
  std::string paranoid = "?";
  std::ifstream in("/proc/sys/kernel/perf_event_paranoid");
  if (in) in >> paranoid;
  if (err == EACCES || err == EPERM) {
    return "off: kernel.perf_event_paranoid=" + paranoid +
           " and the JVM has neither root nor CAP_PERFMON (kernel callchains need one, or the setting at 1 or less)";
  }
  return std::string("off: perf_event_open with kernel callchains failed: ") + errnoName(err) + " (" +
         std::strerror(err) + ")";
}

std::string PerfEngine::kernelFramesFact() const {
  if (kernelStacks_ == nullptr) return noKernelFrames_;
  std::string names = kallsyms_.named()
                          ? std::to_string(kallsyms_.symbols()) + " symbols from /proc/kallsyms (" +
                                std::to_string(kallsyms_.bytes() / 1024) + " KB)"
                          : "unnamed, one [kernel] frame: " + kallsymsProblem_;
  return "on, " + names + ", " + kernelStacks_->summary() + "; " + std::to_string(ringsNeverMapped_.load(std::memory_order_relaxed)) +
         " threads ended before their ring was due";
}

void PerfEngine::threadEnded(int tid) {
  PerThreadEngine::threadEnded(tid);
  // Called for a thread that is gone, or by the thread itself (JVMTI ThreadEnd): its
  // handler cannot be reading the ring now.
  if (kernelStacks_ != nullptr) kernelStacks_->detach(tid);
}

void PerfEngine::stop() {
  PerThreadEngine::stop();
  ringsDue_.clear();
  ringsDueNext_.clear();
  if (kernelStacks_ != nullptr) kernelStacks_->retireAll();
}

void PerfEngine::threadStarted(int tid) {
  threadEnded(tid);  // a reused tid: the old event belonged to a dead thread
  uint64_t cpuNow = thread_clock::ofThread(tid);  // 0 if unreadable: the period starts now
  uint64_t deadline = jitter_.firstDeadline(cpuNow, intervalNs_);
  uint64_t first = deadline > cpuNow + kShortestFirstPeriodNs ? deadline - cpuNow : kShortestFirstPeriodNs;
  int fd = open(tid, first, kernel_, kernelStacks_ != nullptr, signo_);
  if (fd < 0) {
    if (fd != -ESRCH) ++armFailures_;  // ESRCH: the thread is already gone
    return;
  }
  // Its ring comes later, if it lives long enough (rescanned()).
  if (kernelStacks_ != nullptr) ringsDue_.emplace_back(tid, fd);
  // The first period is a random phase, not a period to keep: the first signal sets one.
  if (std::atomic<uint64_t>* slot = periodSetAt_.at(tid)) slot->store(cpuNow, std::memory_order_relaxed);
  if (std::atomic<uint64_t>* slot = periods_.at(tid)) slot->store(first, std::memory_order_relaxed);
  if (std::atomic<int>* slot = untilNewPeriod_.at(tid)) slot->store(1, std::memory_order_relaxed);
  publish(tid, fd);
  // Published before enabling, so the very first signal is recognised as ours.
  ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
}

bool PerfEngine::rescanned() {
  if (kernelStacks_ == nullptr) return false;
  for (const auto& due : ringsDueNext_) {
    // Still the same event: the thread has not ended (its fd is closed then, and the
    // number may be reused by another thread's event, which is then armed anew below).
    if (handleOf(due.first) != due.second) {
      ringsNeverMapped_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    // A refused ring (locked-memory limits) leaves this thread without kernel frames only.
    // The handler, on the thread itself, sees the ring once it is published whole.
    kernelStacks_->attach(due.first, due.second);
  }
  ringsDueNext_.swap(ringsDue_);
  ringsDue_.clear();
  return !ringsDueNext_.empty();
}

void PerfEngine::aliveAtStartArmed() {
  if (kernelStacks_ == nullptr) return;
  for (const auto& due : ringsDue_) kernelStacks_->attach(due.first, due.second);
  ringsDue_.clear();
}

void PerfEngine::release(int fd) { close(fd); }

void PerfEngine::quiesce(int fd) { ioctl(fd, PERF_EVENT_IOC_DISABLE, 0); }

bool PerfEngine::onSignal(const siginfo_t* info, int tid) {
  if (info->si_code != POLL_IN && info->si_code != POLL_HUP) return false;
  int fd = handleOf(tid);
  // An fd of a closed event can be reused by anything; only touch the event we own.
  if (fd < 0 || fd != info->si_fd) return false;
  std::atomic<int>* countdown = untilNewPeriod_.at(tid);
  if (countdown != nullptr && countdown->fetch_sub(1, std::memory_order_relaxed) > 1) return true;
  if (countdown != nullptr) countdown->store(kSamplesPerPeriod, std::memory_order_relaxed);
  setNextPeriod(tid, fd, thread_clock::ofCaller());
  return true;
}

void PerfEngine::setNextPeriod(int tid, int fd, uint64_t now) {
  std::atomic<uint64_t>* setAt = periodSetAt_.at(tid);
  std::atomic<uint64_t>* inForce = periods_.at(tid);
  uint64_t random = jitter_.nextPeriod(intervalNs_);
  uint64_t period = random;
  if (setAt != nullptr && inForce != nullptr && now != 0) {
    uint64_t since = setAt->load(std::memory_order_relaxed);
    uint64_t old = inForce->load(std::memory_order_relaxed);
    // The time since the overflow being handled: overflows fall every `old` ns after
    // the period was set (the ones that ended in kernel mode too, skipped unsignalled).
    uint64_t late = now > since && old != 0 ? (now - since) % old : 0;
    uint64_t catchUp = late / kSamplesPerPeriod;
    uint64_t shortest = shortestPeriod(intervalNs_);
    period = random > shortest + catchUp ? random - catchUp : shortest;
    setAt->store(now, std::memory_order_relaxed);
    inForce->store(period, std::memory_order_relaxed);
  }
  ioctl(fd, PERF_EVENT_IOC_PERIOD, &period);
}
