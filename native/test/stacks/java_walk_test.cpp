#include "stacks/java_walk.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "check.h"

// walkJavaStack with a stand-in for AsyncGetCallTrace that faults, as a walk of a stack
// caught mid-change can inside libjvm, and the crash guard in front of SIGSEGV.

namespace {

volatile uintptr_t g_badAddress = 16;
volatile int g_agctCalls = 0;
volatile bool g_fault = true;

void standInAgct(AgctTrace* trace, jint, void*) {
  ++g_agctCalls;
  if (g_fault) *reinterpret_cast<volatile int*>(g_badAddress) = 1;
  trace->numFrames = 1;
  trace->frames[0].bci = 3;
  trace->frames[0].method = reinterpret_cast<jmethodID>(uintptr_t{0x1234});
}

int tid() { return static_cast<int>(syscall(SYS_gettid)); }

struct Walk {
  uint32_t count = 0;
  Frame out[8];
  WalkOutcome outcome = WalkOutcome::kNotJavaThread;
};

Walk walk(const JavaWalker& walker, int asTid) {
  AgctFrame agct[8];
  Walk w;
  JNIEnv* env = reinterpret_cast<JNIEnv*>(uintptr_t{0x1000});  // any non-null: a JavaThread
  w.count = walkJavaStack(walker, env, asTid, nullptr, 4, agct, w.out, &w.outcome);
  return w;
}

bool isFailure(const Walk& w, WalkFailure failure) {
  return w.count == 1 && w.outcome == WalkOutcome::kFailed && w.out[0].kind == FrameKind::kWalkFailure &&
         w.out[0].id == static_cast<uint64_t>(failure);
}

}  // namespace

int main() {
  // No previous handler of note: every fault here happens inside run() and is recovered.
  static CrashGuard guard;
  CHECK(guard.install());
  JavaWalker walker;
  walker.asyncGetCallTrace = standInAgct;
  walker.guard = &guard;

  // JDK 17: a recovered thread is walked again (its next completed call clears the JVM's
  // in-AsyncGetCallTrace mark).
  guard.abandonThreadsAfterJvmRecovery(false);
  CHECK(isFailure(walk(walker, tid()), WalkFailure::kCrashedWalk));
  CHECK(isFailure(walk(walker, tid()), WalkFailure::kCrashedWalk));
  CHECK_EQ(g_agctCalls, 2);
  g_fault = false;
  Walk fine = walk(walker, tid());
  CHECK(fine.outcome == WalkOutcome::kJavaFrames && fine.count == 1 && fine.out[0].kind == FrameKind::kJava);
  CHECK_EQ(g_agctCalls, 3);

  // JDK 21 and later: after one recovery the thread is not walked with it again, its
  // samples end in [java_walk_stopped]; other threads are walked as before.
  guard.abandonThreadsAfterJvmRecovery(true);
  g_fault = true;
  CHECK(isFailure(walk(walker, tid()), WalkFailure::kCrashedWalk));
  CHECK_EQ(g_agctCalls, 4);
  g_fault = false;
  for (int i = 0; i < 3; ++i) CHECK(isFailure(walk(walker, tid()), WalkFailure::kJavaWalkStopped));
  CHECK_EQ(g_agctCalls, 4);
  CHECK_EQ(guard.threadsAbandoned(), uint64_t{1});
  // The marker's name, as the header and flame graph show it.
  CHECK(std::strcmp(walkFailureName(WalkFailure::kJavaWalkStopped), "java_walk_stopped") == 0);
  // Another thread (a tid only: the stand-in does not care who calls it).
  Walk other = walk(walker, tid() + 1);
  CHECK(other.outcome == WalkOutcome::kJavaFrames);
  CHECK_EQ(g_agctCalls, 5);
  CHECK_EQ(guard.recovered(), uint64_t{3});
  return check::finish("java_walk_test");
}
