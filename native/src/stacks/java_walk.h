#pragma once

#include <jni.h>

#include <cstdint>

#include "stacks/crash_guard.h"
#include "stacks/frame.h"

// The Java stack of an interrupted thread, walked from inside the sampling signal's
// handler with AsyncGetCallTrace under the crash guard. Signal-safe: no allocation, no
// locks; the caller hands in the buffers. When AsyncGetCallTrace cannot use the top frame
// (a pc in one of HotSpot's stubs: CRC32, Math.log, arraycopy), the walk is tried again
// from the stub's caller (stub_caller.h), so that the time is charged to the Java code that
// called the stub instead of to [unknown_Java].

// The unexported but long-standing HotSpot profiling entry point (forte.cpp).
struct AgctFrame {
  jint bci;  // "lineno": the bytecode index for Java frames, negative for native ones
  jmethodID method;
};
struct AgctTrace {
  JNIEnv* env;
  jint numFrames;
  AgctFrame* frames;
};
using AsyncGetCallTraceFn = void (*)(AgctTrace* trace, jint depth, void* ucontext);

// What every walk uses, fixed while sampling is enabled.
struct JavaWalker {
  AsyncGetCallTraceFn asyncGetCallTrace = nullptr;
  CrashGuard* guard = nullptr;
  bool lines = false;  // keep bytecode indexes (otherwise frames of a method are one key)
};

// What a walk found. All but kJavaFrames leave exactly one frame.
enum class WalkOutcome {
  kNotJavaThread,  // not a JavaThread (no JNIEnv): kThreadSelf
  kNoJavaFrames,   // a Java thread with no Java frame right now: kThreadSelf
  kFailed,         // AsyncGetCallTrace failed or crashed: kWalkFailure, its id the reason
  kJavaFrames,     // the Java frames, leaf first, then kTruncated if deeper than `depth`
};

// Fills `out` (depth + 1 frames) leaf first, using `agct` (depth + 1 frames) as
// AsyncGetCallTrace's buffer; returns the number of frames. `env` is the interrupted
// thread's JNIEnv if it is a JavaThread (java_thread_env.h), else null: AsyncGetCallTrace
// is called for JavaThreads only, and nothing else of the JVM is.
uint32_t walkJavaStack(const JavaWalker& walker, JNIEnv* env, int tid, void* ucontext, uint32_t depth,
                       AgctFrame* agct, Frame* out, WalkOutcome* outcome);
