#pragma once

#include <jni.h>
#include <jvmti.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "stacks/frame.h"

// Turns recorded frames into names. The one place that names frames: Java methods
// (`pkg.Class.method`, ` [native]`, `:LINE`), threads (`[GC Thread#0]`, `[main tid=7]`)
// and the pseudo frames (`[truncated]`, `[gc_active]`, ...). Runs on a normal thread
// after sampling stopped, with JVMTI calls allowed.
class Symbols {
 public:
  // What a jmethodID names.
  struct Method {
    std::string name;  // "pkg.Class.method", or empty if the id does not resolve
    bool isNative = false;
    bool unloaded = false;  // the JVM calls the id invalid: its class was unloaded
    bool withLines = false; // `lines` holds the method's line table (if it has one)
    std::vector<std::pair<int64_t, int>> lines;
  };

  using ThreadNamer = std::function<std::string(int tid)>;
  // Names found earlier (by the method namer, while the classes were still loaded).
  using KnownMethods = std::function<bool(jmethodID id, bool lines, Method* out)>;

  Symbols(jvmtiEnv* jvmti, JNIEnv* jni, bool lines, ThreadNamer threadName, KnownMethods known = nullptr);

  // Names kNative frames (`deflate [libz.so.1]`) from their id; without one they are
  // [unknown_native]. Each id is asked once.
  using NativeNamer = std::function<std::string(uint64_t id)>;
  void nameNativeWith(NativeNamer namer) { nativeName_ = std::move(namer); }
  // Names kKernel frames from their function start (`do_syscall_64`); the `_[k]` suffix
  // is added here. Without a namer, or for id 0, they are `[kernel]`.
  void nameKernelWith(NativeNamer namer) { kernelName_ = std::move(namer); }

  // Asks the JVM what `id` names. Safe for ids of unloaded classes: HotSpot checks every
  // id and answers JVMTI_ERROR_INVALID_METHODID, which gives an empty name and
  // `unloaded`. Needs a thread attached to the JVM (for the class's local reference).
  static Method resolve(jvmtiEnv* jvmti, JNIEnv* jni, jmethodID id, bool lines);

  std::string frameName(const Frame& frame);

  // The state of a wall sample, leaf first: frames[0] is its kThreadState frame (the
  // kernel's state letter), then native frames if any, then the leaf Java frame if any.
  ThreadState threadState(const Frame* frames, uint32_t count);

  // A thread the kernel had off the CPU, told apart by its leaf Java method: in
  // Thread.sleep* sleeping, in Object.wait* or Unsafe.park waiting, in another native
  // method (I/O, ...) sleeping, and in plain Java code blocked, which is where a thread
  // waits to enter a monitor (or, rarer, for a safepoint or a class initialiser).
  static ThreadState offCpuState(const std::string& leafMethod, bool leafIsNative);

  uint64_t unknownMethods() const { return unknownMethods_; }  // frames named [unknown_method] or [unloaded_method]

  // Makes sure every method of `klass` has a jmethodID: AsyncGetCallTrace can only
  // report methods whose ids exist. Called at ClassPrepare and for classes loaded
  // before VMInit.
  static void createMethodIds(jvmtiEnv* jvmti, jclass klass);

  // "Lpkg/Outer$Inner;" -> "pkg.Outer$Inner". A hidden class (lambda) keeps its name
  // as given: "Lpkg/Main$$Lambda+0x0000000800c01000;" -> "pkg.Main$$Lambda+0x0000000800c01000".
  static std::string javaClassName(const char* signature);

  // The line of `bci` given a method's line table (start bci, line) in any order: the
  // entry with the greatest start not above bci. -1 if none applies.
  static int lineOf(const std::vector<std::pair<int64_t, int>>& table, int bci);

 private:
  const Method& method(jmethodID id);
  std::string threadFrameName(int tid);

  jvmtiEnv* const jvmti_;
  JNIEnv* const jni_;
  const bool lines_;
  ThreadNamer threadName_;
  KnownMethods known_;
  NativeNamer kernelName_;
  std::unordered_map<jmethodID, Method> methods_;
  NativeNamer nativeName_;
  std::unordered_map<uint64_t, std::string> nativeNames_;
  uint64_t unknownMethods_ = 0;
};
