#pragma once

#include <jni.h>
#include <jvmti.h>

#include <cstdint>
#include <string>

// The walk at each start that creates a jmethodID for every method of every loaded class
// (GetLoadedClasses, then GetClassMethods per class): AsyncGetCallTrace names only methods
// that have one, and classes loaded from now on get theirs from ClassPrepare.
//
// With ~20,000 classes it is 40-50 ms of CPU (JDK 17 and 25 on the 2-core test VM), and it
// used to run on the thread that asked for the start: the attach listener, at the
// application's priority, taking that CPU from the application's threads on a busy
// machine. It now runs on a short-lived agent thread at a lower priority (nice
// +kWalkNiceIncrement) while the caller waits for it, so that a profile still starts with
// every loaded class's ids created, and the walk gets only the CPU the application leaves.
// It holds no lock of the JVM's between classes; within one class HotSpot holds its
// jmethodID creation lock, which an application thread needs only to create ids itself
// (jflame's ClassPrepare callback does, for a class loaded during the walk): that thread
// may then wait for the walker's next time slice.
struct MethodIdWalk {
  uint64_t classes = 0;  // loaded classes walked
  uint64_t ns = 0;       // the walk's CPU time (its thread's clock): part of jflame's own cost
  // Where it ran, as the walk itself saw it, and how long it took: "thread 'jflame method
  // ids', nice 10, 40 ms elapsed", or the caller's thread and why no walker thread ran.
  std::string where;
};

constexpr int kWalkNiceIncrement = 10;

// `jni` is the caller's JNIEnv (used only when the walk falls back to the caller's thread).
MethodIdWalk walkLoadedClasses(JavaVM* vm, jvmtiEnv* jvmti, JNIEnv* jni);
