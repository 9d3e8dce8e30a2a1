#include "stacks/frame.h"

const char* walkFailureName(WalkFailure failure) {
  switch (failure) {
    case WalkFailure::kNoClassLoad: return "no_class_load";
    case WalkFailure::kGcActive: return "gc_active";
    case WalkFailure::kUnknownNotJava: return "unknown_not_Java";
    case WalkFailure::kNotWalkableNotJava: return "not_walkable_not_Java";
    case WalkFailure::kUnknownJava: return "unknown_Java";
    case WalkFailure::kNotWalkableJava: return "not_walkable_Java";
    case WalkFailure::kUnknownState: return "unknown_state";
    case WalkFailure::kThreadExit: return "thread_exit";
    case WalkFailure::kDeopt: return "deopt";
    case WalkFailure::kSafepoint: return "safepoint";
    case WalkFailure::kCrashedWalk: return "crashed_walk";
    case WalkFailure::kBrokenNativeStack: return "broken_native_stack";
    case WalkFailure::kJavaWalkStopped: return "java_walk_stopped";
    case WalkFailure::kUnknownFailure: break;
  }
  return "unknown_failure";
}

const char* threadStateName(ThreadState state) {
  switch (state) {
    case ThreadState::kRunning: return "running";
    case ThreadState::kSleeping: return "sleeping";
    case ThreadState::kWaiting: return "waiting";
    case ThreadState::kBlocked: return "blocked";
  }
  return "running";
}

WalkFailure walkFailureFromAgct(int numFrames) {
  if (numFrames <= -1 && numFrames >= -10) return static_cast<WalkFailure>(-numFrames);
  return WalkFailure::kUnknownFailure;
}
