#include "stacks/mixed_walk.h"

#include <string>

#include "stacks/stack_memory.h"

namespace {

// Reads above the stack pointer stay within this window, for want of the thread's own
// stack bounds: the largest default thread stack (the main thread's 8 MiB). A read past
// the real stack's end faults at worst, and the crash guard recovers it.
constexpr size_t kStackWindow = 8u << 20;

// The native part of a walk, run under the crash guard: whether the thread is a
// JavaThread (its JNIEnv), then its native frames.
struct NativePart {
  const StackWalker* walker;
  NativeRegisters registers;
  Frame* frames;  // the native frames, leaf first
  uint32_t maxFrames;
  JNIEnv* env = nullptr;
  NativeWalk walk;
  bool walked = false;
};

// A Thread* is a JavaThread when the word where a JavaThread keeps its JNIEnv holds the
// JNI function table. The word is read through the guarded stack read: a shorter Thread
// object (a GC worker) may end just before it.
JNIEnv* javaThreadEnv(const JavaThreadEnv& threads) {
  uintptr_t thread = threads.currentThread();
  if (thread == 0) return nullptr;
  uintptr_t envAddress = thread + threads.jniOffset();
  StackBounds word{envAddress, envAddress + sizeof(uintptr_t)};
  uintptr_t functions = 0;
  if (readStackWord(word, envAddress, &functions) != StackRead::kOk) return nullptr;
  return threads.isJniFunctionTable(functions) ? reinterpret_cast<JNIEnv*>(envAddress) : nullptr;
}

void runNativePart(void* arg) {
  NativePart& part = *static_cast<NativePart*>(arg);
  const StackWalker& w = *part.walker;
  if (w.javaThreads != nullptr && w.javaThreads->ready()) part.env = javaThreadEnv(*w.javaThreads);
  if (w.native == NativeStacks::kOff || w.codeMap == nullptr || part.maxFrames == 0) return;
  WalkLimits limits;
  limits.maxDepth = static_cast<int>(part.maxFrames);
  limits.maxSteps = static_cast<int>(part.maxFrames) * 2;
  UnwindMode mode = w.native == NativeStacks::kDwarf ? UnwindMode::kDwarf : UnwindMode::kFramePointers;
  part.walk = walkNativeFrames(*w.codeMap, part.registers, mode, stackWindow(part.registers.sp, kStackWindow),
                               limits, part.frames);
  part.walked = true;
}

// Runs `part` under the crash guard where the walker has one; false if a fault ended it.
bool runNativePartGuarded(const StackWalker& walker, int tid, NativePart* part) {
  if (walker.java.guard == nullptr) {
    runNativePart(part);
    return true;
  }
  return walker.java.guard->run(tid, runNativePart, part);
}

}  // namespace

void NativeWalkStats::reset() {
  for (auto& end : ends_) end.store(0, std::memory_order_relaxed);
  faults_.store(0, std::memory_order_relaxed);
}

std::string NativeWalkStats::summary() const {
  std::string out;
  for (int i = 0; i < kEnds; ++i) {
    uint64_t n = ends_[i].load(std::memory_order_relaxed);
    if (n == 0) continue;
    WalkEnd end = static_cast<WalkEnd>(i);
    out += (out.empty() ? "" : " ") + std::string(end == WalkEnd::kUnknownCode ? "java" : walkEndName(end)) + "=" +
           std::to_string(n);
  }
  if (faults() != 0) out += (out.empty() ? "" : " ") + std::string("faulted=") + std::to_string(faults());
  return out.empty() ? "none" : out;
}

namespace {

// Everything below the kernel frames, in at most `depth` frames.
uint32_t walkUserStack(const StackWalker& walker, uint32_t depth, int tid, void* ucontext, AgctFrame* agct,
                       Frame* out, WalkOutcome* outcome, JNIEnv** javaEnv) {
  NativePart part;
  part.walker = &walker;
  part.registers = registersFromContext(ucontext);
  part.frames = out;
  uint32_t nativeRoom = depth > 1 ? depth - 1 : 0;  // leave a Java frame room
  part.maxFrames = nativeRoom < kMaxNativeFrames ? nativeRoom : kMaxNativeFrames;
  bool faulted = !runNativePartGuarded(walker, tid, &part);
  if (javaEnv != nullptr) *javaEnv = part.env;
  if (faulted && walker.nativeStats != nullptr) walker.nativeStats->faulted();

  // The native frames found, and whether they reach what lies below them: Java code for a
  // JavaThread, the thread's entry point otherwise.
  uint32_t native = 0;
  bool reachedJava = false, reachedRoot = false;
  if (part.walked && !faulted) {
    native = static_cast<uint32_t>(part.walk.depth);
    reachedJava = part.walk.end == WalkEnd::kUnknownCode;
    reachedRoot = part.walk.end == WalkEnd::kRoot;
    if (walker.nativeStats != nullptr) walker.nativeStats->count(part.walk.end);
  }
  bool nativeWanted = walker.native != NativeStacks::kOff && walker.codeMap != nullptr;

  uint32_t n = native;
  if (part.env != nullptr && reachedRoot) {
    // A JavaThread whose native stack reached its entry point without passing through
    // Java code has no Java frame now (a JIT compiler thread compiling): no need to ask.
    *outcome = WalkOutcome::kNoJavaFrames;
  } else if (part.env != nullptr) {
    // A thread caught in Java code has no native frame, and the walk ended at once in
    // unknown code: nothing to mark. Anything else that did not reach Java is marked.
    if (nativeWanted && !reachedJava) {
      out[n++] = pseudoFrame(FrameKind::kWalkFailure, static_cast<uint64_t>(WalkFailure::kBrokenNativeStack));
    }
    uint32_t room = depth > n ? depth - n : 1;
    WalkOutcome java;
    uint32_t javaFrames = walkJavaStack(walker.java, part.env, tid, ucontext, room, agct, out + n, &java);
    if (java == WalkOutcome::kJavaFrames || java == WalkOutcome::kFailed) {
      *outcome = java;
      return n + javaFrames;
    }
    if (reachedJava && native != 0) {
      // Native frames called from Java code that AsyncGetCallTrace cannot walk: a runtime
      // call from the interpreter or compiled code leaves no walkable frame anchor. The
      // VM functions are known, the Java frames under them are not.
      out[native] = pseudoFrame(FrameKind::kWalkFailure, static_cast<uint64_t>(WalkFailure::kUnknownJava));
      *outcome = WalkOutcome::kFailed;
      return native + 1;
    }
    // A JavaThread without Java frames (a JIT compiler thread): a native thread below.
    n = native;
    *outcome = java;
  } else {
    *outcome = WalkOutcome::kNotJavaThread;
  }
  if (nativeWanted && (faulted || (!reachedRoot && native != 0))) {
    out[n++] = pseudoFrame(FrameKind::kWalkFailure, static_cast<uint64_t>(WalkFailure::kBrokenNativeStack));
  }
  out[n++] = pseudoFrame(FrameKind::kThreadSelf, static_cast<uint64_t>(tid));
  return n;
}

}  // namespace

uint32_t walkStack(const StackWalker& walker, int tid, void* ucontext, AgctFrame* agct,
                   Frame* out, WalkOutcome* outcome, JNIEnv** javaEnv) {
  uint32_t kernel = 0;
  if (walker.kernel != nullptr && walker.depth > 2) {
    // The kernel part never takes more than half the depth: the user frames matter more.
    uint32_t room = walker.depth / 2;
    kernel = walker.kernel->framesOf(tid, out, room < KernelStacks::kMaxFrames ? room : KernelStacks::kMaxFrames);
  }
  return kernel + walkUserStack(walker, walker.depth - kernel, tid, ucontext, agct, out + kernel, outcome,
                                javaEnv);
}

bool javaThreadWithoutJavaFrames(const StackWalker& walker, int tid, void* ucontext, AgctFrame* agct,
                                 Frame* scratch) {
  NativePart part;
  part.walker = &walker;
  part.registers = registersFromContext(ucontext);
  part.frames = scratch;
  part.maxFrames = 0;  // the JavaThread test only
  if (!runNativePartGuarded(walker, tid, &part) || part.env == nullptr) return false;
  WalkOutcome java;
  walkJavaStack(walker.java, part.env, tid, ucontext, 1, agct, scratch, &java);
  return java == WalkOutcome::kNoJavaFrames;
}
