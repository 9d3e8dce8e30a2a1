#include "sampling/ctimer_engine.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "support/thread_clock.h"

// glibc before 2.35 does not name the SIGEV_THREAD_ID target field.
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

namespace {

timespec toTimespec(uint64_t ns) {
  timespec ts;
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  return ts;
}

// Signal-safe: a bare system call. it_interval keeps the timer going even if a handler
// never re-arms it; the handler's absolute deadline replaces each expiry.
int setDeadline(int timer, uint64_t deadlineNs, uint64_t intervalNs) {
  itimerspec spec;
  spec.it_value = toTimespec(deadlineNs);
  spec.it_interval = toTimespec(intervalNs);
  return static_cast<int>(syscall(SYS_timer_settime, timer, TIMER_ABSTIME, &spec, nullptr));
}

}  // namespace

CtimerEngine::CtimerEngine(uint64_t intervalNs, Jitter* jitter, int signo)
    : PerThreadEngine(intervalNs, jitter), signo_(signo) {}

CtimerEngine::~CtimerEngine() { stop(); }

bool CtimerEngine::start(std::string* error) {
  if (!handlesReserved() || !deadlines_.ok()) {
    *error = "cannot reserve the per-thread timer table";
    return false;
  }
  return true;
}

void CtimerEngine::threadStarted(int tid) {
  threadEnded(tid);  // a reused tid: the old timer measured a dead thread
  sigevent sev;
  std::memset(&sev, 0, sizeof(sev));
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = signo_;
  sev.sigev_notify_thread_id = tid;
  int timer = -1;
  if (syscall(SYS_timer_create, thread_clock::of(tid), &sev, &timer) != 0) {
    if (errno != ESRCH && errno != EINVAL) ++armFailures_;  // the thread is already gone
    return;
  }
  uint64_t deadline = jitter_.firstDeadline(thread_clock::ofThread(tid), intervalNs_);
  if (std::atomic<uint64_t>* slot = deadlines_.at(tid)) slot->store(deadline, std::memory_order_relaxed);
  publish(tid, timer);
  setDeadline(timer, deadline, intervalNs_);
}

void CtimerEngine::release(int timer) { syscall(SYS_timer_delete, timer); }

bool CtimerEngine::onSignal(const siginfo_t* info, int tid) {
  if (info->si_code != SI_TIMER) return false;
  int timer = handleOf(tid);
  // SI_TIMER alone is any POSIX timer's: an application's own timer raising SIGPROF on
  // this thread is not a sample (the perf engine likewise checks the fd).
  if (timer < 0 || info->si_timerid != timer) return false;
  std::atomic<uint64_t>* deadline = deadlines_.at(tid);
  uint64_t now = thread_clock::ofCaller();
  if (deadline != nullptr && now != 0) {
    // Up to a tick late is normal for CPU timers; a whole interval late means the
    // kernel merged expiries (interval below the tick), so restart from now.
    uint64_t next = jitter_.nextDeadline(deadline->load(std::memory_order_relaxed), now,
                                         intervalNs_, intervalNs_);
    deadline->store(next, std::memory_order_relaxed);
    setDeadline(timer, next, intervalNs_);
  }
  return true;
}
