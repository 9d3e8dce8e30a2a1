#pragma once

#include <jni.h>
#include <jvmti.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "frame.h"

// Turns recorded frames into names. The one place that names frames: Java methods
// (`pkg.Class.method`, ` [native]`, `:LINE`), threads (`[GC Thread#0]`, `[main tid=7]`)
// and the pseudo frames (`[truncated]`, `[gc_active]`, ...). Runs on a normal thread
// after sampling stopped, with JVMTI calls allowed.
class Symbols {
 public:
  using ThreadNamer = std::function<std::string(int tid)>;

  Symbols(jvmtiEnv* jvmti, JNIEnv* jni, bool lines, ThreadNamer threadName);

  std::string frameName(const Frame& frame);

  uint64_t unknownMethods() const { return unknownMethods_; }

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
  struct Method {
    bool resolved = false;
    std::string name;  // "pkg.Class.method", or empty if the id no longer resolves
    bool isNative = false;
    std::vector<std::pair<int64_t, int>> lines;
  };

  const Method& method(jmethodID id);
  std::string threadFrameName(int tid);

  jvmtiEnv* const jvmti_;
  JNIEnv* const jni_;
  const bool lines_;
  ThreadNamer threadName_;
  std::unordered_map<jmethodID, Method> methods_;
  uint64_t unknownMethods_ = 0;
};
