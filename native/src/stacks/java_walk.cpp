#include "stacks/java_walk.h"

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
