#include "stacks/crash_guard.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <pthread.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "check.h"

#if defined(__x86_64__)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#endif

namespace {

// Plays the JVM: the handler installed before the guard. It recovers by itself.
sigjmp_buf g_previousTarget;
volatile sig_atomic_t g_previousCalls = 0;
void* volatile g_previousAddr = nullptr;
volatile int g_previousSig = 0;
volatile uintptr_t g_previousPc = 0;
volatile sig_atomic_t g_countSyscalls = 0;  // aFaultOutsideRunCostsNoSystemCall

void previousHandler(int sig, siginfo_t* info, void* context) {
  g_countSyscalls = 0;  // the guard's part of this fault ends here
  ++g_previousCalls;
  g_previousAddr = info->si_addr;
  g_previousSig = sig;
#if defined(__x86_64__)
  g_previousPc = static_cast<uintptr_t>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  g_previousPc = static_cast<uintptr_t>(static_cast<ucontext_t*>(context)->uc_mcontext.pc);
#else
  (void)context;
#endif
  siglongjmp(g_previousTarget, 1);
}

// An address the compiler cannot prove invalid, so the access is really made.
volatile uintptr_t g_badAddress = 16;

void faultingWalk(void*) { *reinterpret_cast<volatile int*>(g_badAddress) = 1; }

void cleanWalk(void* arg) { *static_cast<int*>(arg) = 42; }

int tid() { return static_cast<int>(syscall(SYS_gettid)); }

CrashGuard& guard() {
  static CrashGuard* instance = [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_sigaction = previousHandler;
    action.sa_flags = SA_SIGINFO;
    // As HotSpot's: other signals blocked while it runs (it blocks nearly all).
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGPROF);
    sigaction(SIGSEGV, &action, nullptr);
    sigaction(SIGBUS, &action, nullptr);
    static CrashGuard g;
    CHECK(g.install());
    return &g;
  }();
  return *instance;
}

void faultInsideRunIsRecovered() {
  CHECK(!guard().run(tid(), faultingWalk, nullptr));
  CHECK_EQ(guard().recovered(), uint64_t{1});
  // SIGSEGV is usable again afterwards (the mask was restored), many times over.
  for (int i = 0; i < 100; ++i) CHECK(!guard().run(tid(), faultingWalk, nullptr));
  CHECK_EQ(guard().recovered(), uint64_t{101});
  CHECK_EQ(g_previousCalls, 0);
  // The first recovery's pc is kept for the profile's header: where in the JVM it was.
  uintptr_t walk = reinterpret_cast<uintptr_t>(&faultingWalk);
  CHECK(guard().firstRecoveredPc() >= walk && guard().firstRecoveredPc() < walk + 64);
}

void cleanRunReturnsTrue() {
  int out = 0;
  CHECK(guard().run(tid(), cleanWalk, &out));
  CHECK_EQ(out, 42);
}

void faultOutsideRunGoesToThePreviousHandler() {
  g_previousCalls = 0;
  if (sigsetjmp(g_previousTarget, 1) == 0) {
    faultingWalk(nullptr);
    check::fail(__FILE__, __LINE__, "the fault did not happen");
  }
  CHECK_EQ(g_previousCalls, 1);
  CHECK_EQ(g_previousSig, SIGSEGV);
  CHECK(g_previousAddr == reinterpret_cast<void*>(g_badAddress));  // same siginfo
}

void busErrorOutsideRunIsChainedToo() {
  g_previousCalls = 0;
  char path[] = "/tmp/jflame-bus-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  unlink(path);
  long page = sysconf(_SC_PAGESIZE);
  CHECK(ftruncate(fd, page) == 0);
  char* p = static_cast<char*>(mmap(nullptr, static_cast<size_t>(page) * 2, PROT_READ, MAP_SHARED, fd, 0));
  CHECK(p != MAP_FAILED);
  if (sigsetjmp(g_previousTarget, 1) == 0) {
    volatile char c = p[page];  // beyond the end of the file: SIGBUS
    (void)c;
    check::fail(__FILE__, __LINE__, "no SIGBUS");
  }
  CHECK_EQ(g_previousCalls, 1);
  CHECK_EQ(g_previousSig, SIGBUS);
  munmap(p, static_cast<size_t>(page) * 2);
  close(fd);
}

void faultsOutsideTheWalkersCodeAreChainedEvenInsideRun() {
  // Only faults in [start, end) are ours; this test binary's code is not in the range.
  uintptr_t nowhere = 0x1000;
  guard().protectOnlyCodeIn(nowhere, nowhere + 16, nullptr, 0);
  g_previousCalls = 0;
  if (sigsetjmp(g_previousTarget, 1) == 0) {
    guard().run(tid(), faultingWalk, nullptr);
    check::fail(__FILE__, __LINE__, "the fault was not chained");
  }
  CHECK_EQ(g_previousCalls, 1);

  // A pc the previous handler recovers by itself (HotSpot's SafeFetch) is chained even
  // inside the range.
  uintptr_t pc = g_previousPc;
  CHECK(pc != 0);
  guard().protectOnlyCodeIn(pc - 64, pc + 64, &pc, 1);
  g_previousCalls = 0;
  if (sigsetjmp(g_previousTarget, 1) == 0) {
    guard().run(tid(), faultingWalk, nullptr);
    check::fail(__FILE__, __LINE__, "the SafeFetch-like fault was not chained");
  }
  CHECK_EQ(g_previousCalls, 1);

  // The same range without the exception: recovered.
  guard().protectOnlyCodeIn(pc - 64, pc + 64, nullptr, 0);
  CHECK(!guard().run(tid(), faultingWalk, nullptr));
  guard().protectOnlyCodeIn(0, 0, nullptr, 0);
}

// The kernel runs a handler with its sa_mask blocked; the guard, in front of the JVM's
// handler, must block the same, or a sampling signal can nest between the fault and the
// JVM's handler.
void theGuardRunsUnderThePreviousHandlersMask() {
  guard();
  struct sigaction current;
  CHECK(sigaction(SIGSEGV, nullptr, &current) == 0);
  CHECK(sigismember(&current.sa_mask, SIGPROF) == 1);
}


bool oursIsInstalled(int sig) {
  struct sigaction current;
  CHECK(sigaction(sig, nullptr, &current) == 0);
  return (current.sa_flags & SA_SIGINFO) != 0 && current.sa_sigaction != previousHandler &&
         current.sa_sigaction != nullptr;
}

bool previousIsInstalled(int sig) {
  struct sigaction current;
  CHECK(sigaction(sig, nullptr, &current) == 0);
  return (current.sa_flags & SA_SIGINFO) != 0 && current.sa_sigaction == previousHandler;
}

// After a stop the JVM pays nothing for the guard: its own handler is the installed one
// again; a later start installs the guard in front of it again.
void uninstallGivesThePreviousHandlerBack() {
  guard();
  CHECK(guard().installed());
  CHECK(oursIsInstalled(SIGSEGV) && oursIsInstalled(SIGBUS));
  guard().uninstall();
  CHECK(!guard().installed());
  CHECK(previousIsInstalled(SIGSEGV) && previousIsInstalled(SIGBUS));
  // A fault in run() now is the previous handler's, as if no guard had ever been there.
  g_previousCalls = 0;
  uint64_t before = guard().recovered();
  if (sigsetjmp(g_previousTarget, 1) == 0) {
    guard().run(tid(), faultingWalk, nullptr);
    check::fail(__FILE__, __LINE__, "the fault was not the previous handler's");
  }
  CHECK_EQ(g_previousCalls, 1);
  CHECK_EQ(guard().recovered(), before);

  CHECK(guard().install());
  CHECK(guard().installed() && oursIsInstalled(SIGSEGV));
  CHECK(!guard().run(tid(), faultingWalk, nullptr));
  CHECK_EQ(guard().recovered(), before + 1);
}

// Someone installed a handler after ours (and may chain to ours): ours cannot be taken out
// of the chain, so it stays and passes every fault straight on, until installed again.
struct sigaction g_beneathLater;
volatile sig_atomic_t g_laterCalls = 0;
void laterHandler(int sig, siginfo_t* info, void* context) {
  ++g_laterCalls;
  g_beneathLater.sa_sigaction(sig, info, context);
}

void uninstallUnderALaterHandlerPassesFaultsStraightOn() {
  CHECK(guard().install());
  struct sigaction later;
  std::memset(&later, 0, sizeof(later));
  later.sa_sigaction = laterHandler;
  later.sa_flags = SA_SIGINFO;
  sigemptyset(&later.sa_mask);
  CHECK(sigaction(SIGSEGV, &later, &g_beneathLater) == 0);
  guard().uninstall();
  struct sigaction current;
  CHECK(sigaction(SIGSEGV, nullptr, &current) == 0);
  CHECK(current.sa_sigaction == laterHandler);  // left alone

  uint64_t before = guard().recovered();
  g_previousCalls = 0;
  g_laterCalls = 0;
  if (sigsetjmp(g_previousTarget, 1) == 0) {
    guard().run(tid(), faultingWalk, nullptr);
    check::fail(__FILE__, __LINE__, "the fault was not passed on");
  }
  CHECK_EQ(g_laterCalls, 1);
  CHECK_EQ(g_previousCalls, 1);
  CHECK_EQ(guard().recovered(), before);

  // Installed again while ours is still in the chain: active again, and its previous
  // handler is still the JVM's, not itself (which would loop).
  CHECK(guard().install());
  CHECK(!guard().run(tid(), faultingWalk, nullptr));
  CHECK_EQ(guard().recovered(), before + 1);
  g_previousCalls = 0;
  if (sigsetjmp(g_previousTarget, 1) == 0) {
    faultingWalk(nullptr);
    check::fail(__FILE__, __LINE__, "the fault did not happen");
  }
  CHECK_EQ(g_previousCalls, 1);
  CHECK(sigaction(SIGSEGV, &g_beneathLater, nullptr) == 0);  // ours again, on top
  CHECK(oursIsInstalled(SIGSEGV));
}

// The sampler calls run() from its signal handler, whose own signal is blocked meanwhile:
// a recovery there must leave the handler's mask as it was (SIGSEGV deliverable again, the
// sampling signal still blocked until the handler returns) and the thread's mask after it.
volatile sig_atomic_t g_handlerRunResult = -1;
volatile sig_atomic_t g_segvBlockedAfter = -1;
volatile sig_atomic_t g_usr1BlockedAfter = -1;

void samplingLikeHandler(int) {
  g_handlerRunResult = guard().run(tid(), faultingWalk, nullptr) ? 1 : 0;
  sigset_t now;
  pthread_sigmask(SIG_SETMASK, nullptr, &now);
  g_segvBlockedAfter = sigismember(&now, SIGSEGV);
  g_usr1BlockedAfter = sigismember(&now, SIGUSR1);
}

void aFaultInsideASignalHandlerIsRecovered() {
  CHECK(guard().install());
  struct sigaction action, old;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = samplingLikeHandler;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, SIGPROF);
  CHECK(sigaction(SIGUSR1, &action, &old) == 0);
  sigset_t before;
  pthread_sigmask(SIG_SETMASK, nullptr, &before);
  uint64_t recovered = guard().recovered();
  for (int i = 0; i < 50; ++i) {
    g_handlerRunResult = -1;
    raise(SIGUSR1);
    CHECK_EQ(g_handlerRunResult, 0);
    CHECK_EQ(g_segvBlockedAfter, 0);
    CHECK_EQ(g_usr1BlockedAfter, 1);
  }
  CHECK_EQ(guard().recovered(), recovered + 50);
  sigset_t after;
  pthread_sigmask(SIG_SETMASK, nullptr, &after);
  CHECK_EQ(sigismember(&after, SIGUSR1), sigismember(&before, SIGUSR1));
  CHECK_EQ(sigismember(&after, SIGPROF), sigismember(&before, SIGPROF));
  CHECK_EQ(sigismember(&after, SIGSEGV), 0);
  sigaction(SIGUSR1, &old, nullptr);
}

// With no handler before the guard's (SIG_DFL), a fault it does not recover must end the
// process as the kernel would have: killed by SIGSEGV, not hanging, not exiting normally.
// In a child, outside run() and inside it at a pc outside the protected code.
void aFaultWithNoPreviousHandlerStillKills(bool insideRun) {
  pid_t child = fork();
  if (child == 0) {
    guard().uninstall();
    signal(SIGSEGV, SIG_DFL);
    if (!guard().install()) _exit(98);
    if (insideRun) {
      uintptr_t nowhere = 0x1000;
      guard().protectOnlyCodeIn(nowhere, nowhere + 16, nullptr, 0);
      guard().run(tid(), faultingWalk, nullptr);
    } else {
      faultingWalk(nullptr);
    }
    _exit(0);
  }
  int status = 0;
  CHECK(waitpid(child, &status, 0) == child);
  if (!WIFSIGNALED(status)) std::printf("child status %d\n", status);
  CHECK(WIFSIGNALED(status));
  CHECK_EQ(WIFSIGNALED(status) ? WTERMSIG(status) : 0, SIGSEGV);
}

// JDK 21 and later: a thread with a fault recovered in the JVM's code is marked, once;
// faults in jflame's own stack reads (alsoProtect) mark nothing. JDK 17: nothing marked.
void aRecoveryMarksTheThreadOnlyWhenAsked() {
  CHECK(guard().install());
  guard().protectOnlyCodeIn(0, 0, nullptr, 0);
  guard().abandonThreadsAfterJvmRecovery(false);
  CHECK(!guard().run(tid(), faultingWalk, nullptr));
  CHECK(!guard().javaWalkAbandoned(tid()));
  CHECK_EQ(guard().threadsAbandoned(), uint64_t{0});

  uintptr_t walk = reinterpret_cast<uintptr_t>(&faultingWalk);
  guard().alsoProtect(walk, walk + 64);  // as if it were our own stack read
  guard().abandonThreadsAfterJvmRecovery(true);
  CHECK(!guard().run(tid(), faultingWalk, nullptr));
  CHECK(!guard().javaWalkAbandoned(tid()));
  guard().alsoProtect(0, 0);

  CHECK(!guard().run(tid(), faultingWalk, nullptr));
  CHECK(guard().javaWalkAbandoned(tid()));
  CHECK(!guard().run(tid(), faultingWalk, nullptr));
  CHECK_EQ(guard().threadsAbandoned(), uint64_t{1});
  CHECK(!guard().javaWalkAbandoned(tid() + 1));
  guard().abandonThreadsAfterJvmRecovery(false);
}

#if defined(__x86_64__)
volatile sig_atomic_t g_syscalls = 0;

// seccomp's SECCOMP_RET_TRAP: the system call is not made, a SIGSYS says which it was.
void onSigsys(int, siginfo_t*, void* context) {
  if (g_countSyscalls) ++g_syscalls;
  static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RAX] = 0;  // "succeeded"
}

// Every fault the JVM takes for its own purposes (implicit null checks, polls) passes the
// guard first: outside run() it must cost no system call (gettid, rt_sigprocmask).
void aFaultOutsideRunCostsNoSystemCall() {
  guard();
  pid_t child = fork();
  if (child == 0) {
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_sigaction = onSigsys;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &action, nullptr);
    // A first fault, not counted: a thread's first one may cache its tid.
    if (sigsetjmp(g_previousTarget, 0) == 0) faultingWalk(nullptr);
    sigset_t segv;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    sigprocmask(SIG_UNBLOCK, &segv, nullptr);
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rt_sigprocmask, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_gettid, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
    };
    sock_fprog program{static_cast<unsigned short>(sizeof(filter) / sizeof(filter[0])), filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
      _exit(99);
    }
    g_countSyscalls = 1;
    if (sigsetjmp(g_previousTarget, 0) == 0) faultingWalk(nullptr);
    _exit(g_syscalls);
  }
  int status = 0;
  CHECK(waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 99) {
    std::printf("seccomp unavailable: system calls per fault not checked\n");
    return;
  }
  std::printf("system calls in the guard for a fault outside run(): %d\n", WEXITSTATUS(status));
  CHECK_EQ(WEXITSTATUS(status), 0);
}
#endif

}  // namespace

int main() {
  faultInsideRunIsRecovered();
  cleanRunReturnsTrue();
  faultOutsideRunGoesToThePreviousHandler();
  busErrorOutsideRunIsChainedToo();
  faultsOutsideTheWalkersCodeAreChainedEvenInsideRun();
  theGuardRunsUnderThePreviousHandlersMask();
#if defined(__x86_64__)
  aFaultOutsideRunCostsNoSystemCall();
#endif
  uninstallGivesThePreviousHandlerBack();
  uninstallUnderALaterHandlerPassesFaultsStraightOn();
  aFaultInsideASignalHandlerIsRecovered();
  aFaultWithNoPreviousHandlerStillKills(false);
  aFaultWithNoPreviousHandlerStillKills(true);
  aRecoveryMarksTheThreadOnlyWhenAsked();
  return check::finish("crash_guard_test");
}
