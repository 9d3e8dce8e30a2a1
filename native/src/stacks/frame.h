#pragma once

#include <cstdint>

// One recorded frame. The signal handler writes these and the trace store keys on their
// exact bytes, so every field that is not meaningful for a kind must be zero.
enum class FrameKind : uint32_t {
  kJava = 1,         // id = jmethodID, bci = bytecode index (0 unless lines are wanted)
  kThreadRoot = 2,   // id = tid: the `[NAME tid=N]` root added by the `threads` option
  kThreadSelf = 3,   // id = tid: a thread with no Java frame at all (GC, JIT, VM threads)
  kTruncated = 4,    // the stack was deeper than `depth`
  kWalkFailure = 5,  // id = a WalkFailure: why there is no Java stack for this sample
  kThreadState = 6,  // id = the /proc state letter (R, S, D, ...) read just before the
                     // signal (event=wall); named [running], [sleeping], ... when written
  kClassName = 7,    // id = a ClassNames key: the allocated object's or the lock's class,
                     // the leaf of alloc and lock samples, named `[java.lang.String]`
  kNative = 8,       // id = nativeFrameId(library, offset): a C/C++ function of a loaded
                     // object (CodeMap's stable library id, the pc's ELF vaddr), named
                     // `function [library]` when written
  kKernel = 9,       // id = the start of a kernel function (Kallsyms), or 0 for the whole
                     // kernel part of a stack without names; `function_[k]` when written
};

struct Frame {
  uint64_t id;
  int32_t bci;
  FrameKind kind;
};
static_assert(sizeof(Frame) == 16, "frames are packed into the trace store's arena");

// A frame of a kind other than kJava: bci zero, as the store's byte-wise key needs.
inline Frame pseudoFrame(FrameKind kind, uint64_t id) {
  Frame f;
  f.id = id;
  f.bci = 0;
  f.kind = kind;
  return f;
}

// A native frame's id: the library id in the top 24 bits, the pc's offset (ELF vaddr) in
// the low 40, so frames of an object unloaded since still name right.
constexpr int kNativeOffsetBits = 40;
inline uint64_t nativeFrameId(uint32_t library, uint64_t offset) {
  return (static_cast<uint64_t>(library) << kNativeOffsetBits) | (offset & ((uint64_t{1} << kNativeOffsetBits) - 1));
}
inline uint32_t nativeFrameLibrary(uint64_t id) { return static_cast<uint32_t>(id >> kNativeOffsetBits); }
inline uint64_t nativeFrameOffset(uint64_t id) { return id & ((uint64_t{1} << kNativeOffsetBits) - 1); }

// Why a sample has no Java stack. The first ten mirror AsyncGetCallTrace's negative
// num_frames codes (-1..-10, so the index is -code); the rest are ours.
enum class WalkFailure : uint32_t {
  kNoClassLoad = 1,
  kGcActive = 2,
  kUnknownNotJava = 3,
  kNotWalkableNotJava = 4,
  kUnknownJava = 5,
  kNotWalkableJava = 6,
  kUnknownState = 7,
  kThreadExit = 8,
  kDeopt = 9,
  kSafepoint = 10,
  kCrashedWalk = 11,     // AsyncGetCallTrace faulted and the crash guard recovered
  kUnknownFailure = 12,  // a code this agent does not know (a newer JVM)
  kBrokenNativeStack = 13,  // the native walk could not be followed to its root or to Java
                            // code (no unwind rule, a bad read, a fault): the frames above
                            // this one are what is known
  kJavaWalkStopped = 14,    // a thread no longer walked with AsyncGetCallTrace after a fault
                            // recovered in it (crash_guard.h, JDK 21 and later)
};
constexpr int kWalkFailureKinds = 15;  // indices 1..14 are used

// What a thread was doing when a wall-clock sample caught it: the leaf `[state]` frame.
enum class ThreadState : uint32_t { kRunning = 0, kSleeping = 1, kWaiting = 2, kBlocked = 3 };
constexpr int kThreadStates = 4;

// "running", "sleeping", "waiting", "blocked": the frame name and the `state=` value.
const char* threadStateName(ThreadState state);

// The name used both in `[name]` frames and in the `# failed_walks:` header.
const char* walkFailureName(WalkFailure failure);

// Maps AsyncGetCallTrace's negative num_frames to a failure kind.
WalkFailure walkFailureFromAgct(int numFrames);
