#include "stacks/crash_guard.h"

#include <errno.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstring>
#include <initializer_list>

#include "support/thread_id.h"

namespace {

// Plain storage: the handlers run until the process is gone, past static destructors.
std::atomic<CrashGuard*> g_guard{nullptr};
// Cleared by uninstall(): a handler of ours that must stay installed (another one chains
// to it) then passes every fault straight on.
std::atomic<bool> g_active{false};
// Per signal (0: SIGSEGV, 1: SIGBUS): uninstall() found another handler on top of ours, which
// may chain to ours. Installing ours over it again would make ours chain to it: a loop.
bool g_leftInChain[2] = {false, false};
struct sigaction g_previousSegv;
struct sigaction g_previousBus;

uintptr_t faultPc(const void* context) {
  const ucontext_t* uc = static_cast<const ucontext_t*>(context);
#if defined(__x86_64__)
  return static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return static_cast<uintptr_t>(uc->uc_mcontext.pc);
#else
  (void)uc;
  return 0;
#endif
}

}  // namespace

bool CrashGuard::installSignal(int sig, struct sigaction* previous) {
  struct sigaction current;
  if (sigaction(sig, nullptr, &current) != 0) return false;
  // Ours already (left in place as a pass-through by uninstall()): the saved previous
  // action stays what it was; saving ours as our own previous would loop.
  bool& leftInChain = g_leftInChain[sig == SIGBUS ? 1 : 0];
  if (((current.sa_flags & SA_SIGINFO) != 0 && current.sa_sigaction == onFault) || leftInChain) {
    // Under the other handler, ours may not be reached if that one stopped chaining; a
    // guard that misses a fault is better than a loop that hangs every fault.
    return true;
  }
  // Written only while ours is not installed: a fault that entered onFault before the
  // last uninstall() may still read it, and then finds the same JVM handler (or the one
  // installed since, which the kernel would call now anyway).
  *previous = current;
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_sigaction = onFault;
  // SA_NODEFER is not used: the previous handler expects the signal blocked while it
  // runs, as the kernel would have done for it. For the same reason each runs under the
  // previous handler's mask (HotSpot's blocks nearly every signal): the kernel blocks
  // it from the fault on, so no sampling signal nests before the JVM's handler, and
  // chain() needs no rt_sigprocmask of its own.
  action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
  action.sa_mask = previous->sa_mask;
  return sigaction(sig, &action, nullptr) == 0;
}

bool CrashGuard::install() {
  if (!active_.ok()) return false;
  CrashGuard* expected = nullptr;
  if (!g_guard.compare_exchange_strong(expected, this) && expected != this) return false;
  if (!installSignal(SIGSEGV, &g_previousSegv)) return false;
  if (!installSignal(SIGBUS, &g_previousBus)) {
    uninstall();
    return false;
  }
  g_active.store(true, std::memory_order_release);
  return true;
}

void CrashGuard::uninstall() {
  if (g_guard.load(std::memory_order_relaxed) != this) return;
  g_active.store(false, std::memory_order_release);
  for (int sig : {SIGSEGV, SIGBUS}) {
    struct sigaction current;
    if (sigaction(sig, nullptr, &current) != 0) continue;
    if ((current.sa_flags & SA_SIGINFO) == 0 || current.sa_sigaction != onFault) {
      g_leftInChain[sig == SIGBUS ? 1 : 0] = true;  // someone's on top
      continue;
    }
    sigaction(sig, sig == SIGBUS ? &g_previousBus : &g_previousSegv, nullptr);
    g_leftInChain[sig == SIGBUS ? 1 : 0] = false;
  }
}

bool CrashGuard::installed() const {
  return g_guard.load(std::memory_order_relaxed) == this && g_active.load(std::memory_order_relaxed);
}

void CrashGuard::protectOnlyCodeIn(uintptr_t start, uintptr_t end, const uintptr_t* foreignFaultPcs,
                                   int count) {
  codeStart_ = start;
  codeEnd_ = end;
  foreignPcCount_ = 0;
  for (int i = 0; i < count && i < kMaxForeignPcs; ++i) {
    if (foreignFaultPcs[i] != 0) foreignPcs_[foreignPcCount_++] = foreignFaultPcs[i];
  }
}

bool CrashGuard::recoverable(const void* context) const {
  uintptr_t pc = faultPc(context);
  if (pc >= ownStart_ && pc < ownEnd_) return true;
  for (int i = 0; i < foreignPcCount_; ++i) {
    if (pc == foreignPcs_[i]) return false;
  }
  if (codeStart_ < codeEnd_) return pc >= codeStart_ && pc < codeEnd_;
  return true;
}

bool CrashGuard::run(int tid, void (*fn)(void*), void* arg) {
  // volatile: live across sigsetjmp, so it must not sit in a register longjmp restores.
  std::atomic<sigjmp_buf*>* volatile slot = active_.at(tid);
  if (slot == nullptr) {
    fn(arg);
    return true;
  }
  // The signal mask is not saved (that would cost a system call per sample); onFault
  // restores the faulting code's mask itself before jumping back.
  sigjmp_buf target;
  if (sigsetjmp(target, 0) != 0) {
    slot->store(nullptr, std::memory_order_relaxed);
    return false;
  }
  slot->store(&target, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  fn(arg);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  slot->store(nullptr, std::memory_order_relaxed);
  return true;
}

void CrashGuard::onFault(int sig, siginfo_t* info, void* context) {
  // Every fault the JVM takes for itself (implicit null checks, polls, stack banging)
  // comes through here: the common path, chaining, makes no system call (cached tid,
  // the mask set by the kernel from sa_mask).
  CrashGuard* guard = g_active.load(std::memory_order_acquire) ? g_guard.load(std::memory_order_acquire) : nullptr;
  if (guard != nullptr) {
    int savedErrno = errno;
    std::atomic<sigjmp_buf*>* slot = guard->active_.at(callerTid());
    sigjmp_buf* target = slot != nullptr ? slot->load(std::memory_order_relaxed) : nullptr;
    if (target != nullptr && guard->recoverable(context)) {
      slot->store(nullptr, std::memory_order_relaxed);
      guard->recovered_.fetch_add(1, std::memory_order_relaxed);
      uintptr_t pc = faultPc(context);
      uintptr_t none = 0;
      guard->firstPc_.compare_exchange_strong(none, pc, std::memory_order_relaxed);
      // Our own stack reads leave nothing of the JVM's half done; anything else does.
      bool ownRead = pc >= guard->ownStart_ && pc < guard->ownEnd_;
      std::atomic<uint8_t>* abandoned = guard->abandonAfterRecovery_ && !ownRead ? guard->abandoned_.at(callerTid()) : nullptr;
      if (abandoned != nullptr && abandoned->exchange(1, std::memory_order_relaxed) == 0) {
        guard->abandonedThreads_.fetch_add(1, std::memory_order_relaxed);
      }
      // Back to the mask of the faulting code: SIGSEGV/SIGBUS deliverable again, and
      // whatever else sa_mask blocked for this handler unblocked as it was.
      pthread_sigmask(SIG_SETMASK, &static_cast<ucontext_t*>(context)->uc_sigmask, nullptr);
      errno = savedErrno;
      siglongjmp(*target, 1);
    }
    errno = savedErrno;
  }
  chain(sig, info, context);
}

void CrashGuard::chain(int sig, siginfo_t* info, void* context) {
  struct sigaction& previous = sig == SIGBUS ? g_previousBus : g_previousSegv;
  // Our handler runs under the previous handler's sa_mask (install()): it gets the mask
  // the kernel would have given it.
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler == SIG_IGN && info->si_code <= 0) return;  // sent, and ignored
  if (previous.sa_handler == SIG_DFL || previous.sa_handler == SIG_IGN) {
    // What the kernel would do: a fault cannot be ignored, so the default action (core
    // dump) runs. Returning re-executes a faulting instruction; a signal that was sent
    // by someone is raised again, and is delivered once this handler returns.
    struct sigaction deflt;
    std::memset(&deflt, 0, sizeof(deflt));
    deflt.sa_handler = SIG_DFL;
    sigemptyset(&deflt.sa_mask);
    sigaction(sig, &deflt, nullptr);
    if (info->si_code <= 0) raise(sig);
    return;
  }
  previous.sa_handler(sig);
}
