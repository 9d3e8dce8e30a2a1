#include "stacks/java_walk.h"

#include <ucontext.h>

#include <cstring>
#include <initializer_list>

#include "stacks/stub_caller.h"

namespace {

struct AgctCall {
  AsyncGetCallTraceFn fn;
  AgctTrace* trace;
  jint depth;
  void* ucontext;
};

void callAgct(void* arg) {
  AgctCall* call = static_cast<AgctCall*>(arg);
  call->fn(call->trace, call->depth, call->ucontext);
}

// AsyncGetCallTrace's answers for a thread in Java whose top frame it could not use.
constexpr jint kAgctUnknownJava = -5;
constexpr jint kAgctNotWalkableJava = -6;

// A second AsyncGetCallTrace from the caller of the code at the signal's pc, for a leaf in a
// HotSpot stub (stub_caller.h), assuming the leaf has `shape`. Runs under the crash guard:
// it reads the stack and the code before a return address.
struct CallerRetry {
  AgctCall call;
  const void* ucontext;
  LeafShape shape;
  ucontext_t copy;  // the signal's context with the caller's registers
};

void retryFromCaller(void* arg) {
  CallerRetry* retry = static_cast<CallerRetry*>(arg);
  NativeRegisters caller;
  if (!callerRegisters(registersFromContext(retry->ucontext), retry->shape, &caller)) return;
  // AsyncGetCallTrace charges a compiled frame's pc to the first debug record that ends
  // after it (C2 records where each run of code from one inlining scope ends). A return
  // address is the first byte after the call, so it would find the record of the code
  // after the call (often the caller's loop): one byte back, inside the call instruction,
  // finds the call's own record, which names the intrinsic's Java method (CRC32.updateBytes).
  caller.pc -= 1;
  std::memcpy(&retry->copy, retry->ucontext, sizeof(ucontext_t));
  setContextRegisters(&retry->copy, caller);
  retry->call.ucontext = &retry->copy;
  callAgct(&retry->call);
}

// The stub first as frameless (its first and last instructions, and stubs that build no
// frame), then as having an rbp frame record (most of a stub's body): a frameless guess
// on a stub with a frame finds the saved rbp at sp, no return address, and is refused.
bool walkFromStubCaller(const JavaWalker& walker, int tid, const AgctCall& call, const void* ucontext) {
  for (LeafShape shape : {LeafShape::kFrameless, LeafShape::kFramePointer}) {
    CallerRetry retry{call, ucontext, shape, {}};
    call.trace->numFrames = 0;
    if (walker.guard->run(tid, retryFromCaller, &retry) && call.trace->numFrames > 0) return true;
  }
  return false;
}

uint32_t oneFrame(Frame* out, FrameKind kind, uint64_t id, WalkOutcome* outcome, WalkOutcome what) {
  out[0] = pseudoFrame(kind, id);
  *outcome = what;
  return 1;
}

}  // namespace

uint32_t walkJavaStack(const JavaWalker& walker, JNIEnv* env, int tid, void* ucontext, uint32_t depth,
                       AgctFrame* agct, Frame* out, WalkOutcome* outcome) {
  if (env == nullptr) {
    // Not a Java thread (GC, VM thread, an application's native thread, ...): no Java
    // frame can exist.
    return oneFrame(out, FrameKind::kThreadSelf, static_cast<uint64_t>(tid), outcome, WalkOutcome::kNotJavaThread);
  }

  if (walker.guard->javaWalkAbandoned(tid)) {
    // A fault was recovered inside AsyncGetCallTrace on this thread, and this JVM keeps the
    // thread marked as inside it for good (crash_guard.h): no more calls on it.
    return oneFrame(out, FrameKind::kWalkFailure, static_cast<uint64_t>(WalkFailure::kJavaWalkStopped), outcome,
                    WalkOutcome::kFailed);
  }
  AgctTrace trace;
  trace.env = env;
  trace.numFrames = 0;
  trace.frames = agct;
  // One frame more than wanted tells a stack of exactly `depth` from a deeper one.
  AgctCall call{walker.asyncGetCallTrace, &trace, static_cast<jint>(depth + 1), ucontext};
  if (!walker.guard->run(tid, callAgct, &call)) {
    return oneFrame(out, FrameKind::kWalkFailure, static_cast<uint64_t>(WalkFailure::kCrashedWalk), outcome,
                    WalkOutcome::kFailed);
  }
  if ((trace.numFrames == kAgctUnknownJava || trace.numFrames == kAgctNotWalkableJava) && ucontext != nullptr) {
    jint failed = trace.numFrames;
    if (!walkFromStubCaller(walker, tid, call, ucontext)) trace.numFrames = failed;
  }
  if (trace.numFrames == 0) {
    // A Java thread with no Java frame (a JIT compiler thread, a thread in native
    // code before its first Java call): named after the thread, like non-Java threads.
    return oneFrame(out, FrameKind::kThreadSelf, static_cast<uint64_t>(tid), outcome, WalkOutcome::kNoJavaFrames);
  }
  if (trace.numFrames < 0) {
    WalkFailure failure = walkFailureFromAgct(trace.numFrames);
    if (failure == WalkFailure::kUnknownNotJava || failure == WalkFailure::kNotWalkableNotJava) {
      // What JVM-internal Java threads (JIT compiler, service, signal dispatcher threads)
      // give when not in Java: they have no Java frame to find, so the sample is the
      // thread's own work and is named after it (`[C2 CompilerThread0]`), like the GC's.
      return oneFrame(out, FrameKind::kThreadSelf, static_cast<uint64_t>(tid), outcome, WalkOutcome::kNoJavaFrames);
    }
    return oneFrame(out, FrameKind::kWalkFailure, static_cast<uint64_t>(failure), outcome, WalkOutcome::kFailed);
  }
  uint32_t n = static_cast<uint32_t>(trace.numFrames);
  bool truncated = n > depth;
  if (truncated) n = depth;
  for (uint32_t i = 0; i < n; ++i) {
    out[i].id = reinterpret_cast<uint64_t>(agct[i].method);
    // Without `lines` all frames of one method are the same key.
    out[i].bci = walker.lines ? agct[i].bci : 0;
    out[i].kind = FrameKind::kJava;
  }
  if (truncated) out[n++] = pseudoFrame(FrameKind::kTruncated, 0);
  *outcome = WalkOutcome::kJavaFrames;
  return n;
}
