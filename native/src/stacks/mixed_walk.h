#pragma once

#include <jni.h>

#include <atomic>
#include <cstdint>

#include "stacks/code_map.h"
#include "stacks/frame.h"
#include "stacks/java_thread_env.h"
#include "stacks/java_walk.h"
#include "stacks/kernel_stack.h"
#include "stacks/native_stacks.h"
#include "stacks/native_unwinder.h"

// The whole stack of an interrupted thread, leaf first, as the sampler records it:
//  * first, where the engine records them (event=cpu), the kernel frames of the sample:
//    the system call, page fault or interrupt the CPU time was spent in (KernelStacks);
//  * a JavaThread: the native frames between the interrupted pc and the first pc in code
//    outside every loaded object (JIT-compiled or interpreter code), then its Java frames
//    from AsyncGetCallTrace: `...;Deflater.deflateBytesBytes [native];
//    Java_java_util_zip_Deflater_deflateBytesBytes;deflate` read root first;
//  * any other thread (GC workers, the VM thread, an application's native threads) and a
//    JavaThread with no Java frame (JIT compilers): its native stack down to its entry
//    point, under the thread's own [name] frame.
// Where the native walk cannot reach its root or Java code, a [broken_native_stack]
// frame stands where the unknown frames would be: nothing is dropped.
//
// Signal-safe. Every read of thread memory (the JavaThread test, the native walk) runs
// under the crash guard, whose scope covers jflame's one stack-read function.


// Native walks by how they ended, for the profile header.
class NativeWalkStats {
 public:
  void count(WalkEnd end) { ends_[static_cast<int>(end)].fetch_add(1, std::memory_order_relaxed); }
  void faulted() { faults_.fetch_add(1, std::memory_order_relaxed); }
  uint64_t ended(WalkEnd end) const { return ends_[static_cast<int>(end)].load(std::memory_order_relaxed); }
  uint64_t faults() const { return faults_.load(std::memory_order_relaxed); }
  void reset();
  // "root=812 java=1210 no_rule=3", or "none".
  std::string summary() const;

 private:
  static constexpr int kEnds = static_cast<int>(WalkEnd::kStepLimit) + 1;
  std::atomic<uint64_t> ends_[kEnds] = {};
  std::atomic<uint64_t> faults_{0};
};

// What every walk uses, fixed while sampling is enabled.
struct StackWalker {
  JavaWalker java;
  const JavaThreadEnv* javaThreads = nullptr;  // null or not ready: no thread is taken for Java
  const CodeMap* codeMap = nullptr;            // null: no native frames
  NativeStacks native = NativeStacks::kDwarf;
  NativeWalkStats* nativeStats = nullptr;
  const KernelStacks* kernel = nullptr;       // null: no kernel frames
  uint32_t depth = 2048;                       // frames in all, leaf first
};

// Native frames a walk records at most (the rest of a deeper native stack ends in
// [broken_native_stack]).
constexpr uint32_t kMaxNativeFrames = 128;
// Frames `out` must hold for a walk of `depth`: the probe frame of AsyncGetCallTrace and a
// [broken_native_stack] beyond it.
constexpr uint32_t walkFrames(uint32_t depth) { return depth + 2; }

// Fills `out` (walkFrames(depth)) leaf first; `agct` (depth + 1 frames) is scratch. Returns the number of frames; *outcome says what the
// Java part found (kNotJavaThread for threads that are not JavaThreads).
// *javaEnv, if given, gets the thread's JNIEnv when it is a JavaThread (else null). A
// walker without a crash guard (unit tests without a JVM) walks unguarded.
uint32_t walkStack(const StackWalker& walker, int tid, void* ucontext, AgctFrame* agct,
                   Frame* out, WalkOutcome* outcome, JNIEnv** javaEnv = nullptr);

// Signal-safe: whether the thread is a JavaThread in which AsyncGetCallTrace finds no Java
// frame right now (a JIT compiler thread at work), asked before any native walk. A sampler
// that drops such samples anyway (event=wall) asks it first for threads whose samples it
// dropped before, and so skips the native walk through a compiler's deep stack (tens of
// microseconds of DWARF rules). `agct` as for walkStack; `scratch` holds 2 frames.
bool javaThreadWithoutJavaFrames(const StackWalker& walker, int tid, void* ucontext, AgctFrame* agct,
                                 Frame* scratch);
