#pragma once

#include <signal.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "stacks/frame.h"
#include "stacks/java_walk.h"
#include "stacks/mixed_walk.h"

// Every thread's stack at one moment, for `jflame dump PID`: each thread is sent the
// sampling signal (SIGPROF, queued with a tag in its si_value, so the sampling handler can
// tell it from an engine's signal) and walks its own stack in the handler, with the crash-
// guarded walk the sampler uses (native and Java frames, mixed_walk.h). No safepoint is requested: threads keep running, and
// a thread in a GC shows [gc_active].
//
// All memory (one frame buffer per thread) is allocated by the constructor, before any
// signal; the handler only fills a slot that was reserved for its thread.
class StackSnapshot {
 public:
  // How a thread answered.
  enum class Answer {
    kWalked,     // its stack is in frames()
    kNoAnswer,   // the signal was not handled in time (blocked, or the thread is stuck)
    kExited,     // the thread was gone when signalled
  };

  struct Thread {
    int tid = 0;
    Answer answer = Answer::kNoAnswer;
    WalkOutcome outcome = WalkOutcome::kNotJavaThread;
    JNIEnv* env = nullptr;  // the thread's JNIEnv, if a thread of the JVM's
    const Frame* frames = nullptr;  // leaf first
    uint32_t count = 0;
  };

  // `walker` as the sampler's, with its depth: frames kept per thread.
  StackSnapshot(const StackWalker& walker, const std::vector<int>& tids);
  ~StackSnapshot();
  StackSnapshot(const StackSnapshot&) = delete;
  StackSnapshot& operator=(const StackSnapshot&) = delete;

  // Signals every thread (from the calling thread, which answers at once) and waits up to
  // `timeoutMs` for the answers; threads still silent at half time are signalled again,
  // since a SIGPROF already pending for a thread swallows a second one. Once.
  void take(int timeoutMs);

  std::vector<Thread> threads() const;

  // Called first by the sampling signal's handler: whether this signal is a snapshot's.
  static bool isSnapshotSignal(const siginfo_t* info);
  // The handler's part: walks the interrupted thread into its slot. Signal-safe.
  static void answer(const siginfo_t* info, void* ucontext);

 private:
  struct Slot;
  bool signal(uint32_t index);
  // Takes the snapshot away from late handlers and waits for those running; false if they
  // did not finish, and then the memory is left allocated for good.
  bool retire();

  StackWalker walker_;
  uint32_t generation_ = 0;
  std::unique_ptr<Slot[]> slots_;
  uint32_t count_ = 0;
  std::unique_ptr<Frame[]> frames_;     // count_ * walkFrames(depth)
  std::unique_ptr<AgctFrame[]> agct_;  // count_ * (depth + 1)
  bool taken_ = false;
  bool retired_ = false;
};
