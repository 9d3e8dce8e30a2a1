#include "symbols/symbols.h"

#include <utility>

namespace {

// Frees JVMTI-allocated memory when leaving scope.
class JvmtiString {
 public:
  explicit JvmtiString(jvmtiEnv* jvmti) : jvmti_(jvmti) {}
  ~JvmtiString() {
    if (p_ != nullptr) jvmti_->Deallocate(reinterpret_cast<unsigned char*>(p_));
  }
  JvmtiString(const JvmtiString&) = delete;
  JvmtiString& operator=(const JvmtiString&) = delete;
  char** out() { return &p_; }
  const char* get() const { return p_ != nullptr ? p_ : ""; }

 private:
  jvmtiEnv* jvmti_;
  char* p_ = nullptr;
};

}  // namespace

Symbols::Symbols(jvmtiEnv* jvmti, JNIEnv* jni, bool lines, ThreadNamer threadName, KnownMethods known)
    : jvmti_(jvmti), jni_(jni), lines_(lines), threadName_(std::move(threadName)), known_(std::move(known)) {}

void Symbols::createMethodIds(jvmtiEnv* jvmti, jclass klass) {
  jint count = 0;
  jmethodID* methods = nullptr;
  if (jvmti->GetClassMethods(klass, &count, &methods) == JVMTI_ERROR_NONE && methods != nullptr) {
    jvmti->Deallocate(reinterpret_cast<unsigned char*>(methods));
  }
}

std::string Symbols::javaClassName(const char* signature) {
  std::string name = signature != nullptr ? signature : "";
  if (name.size() >= 2 && name.front() == 'L' && name.back() == ';') {
    name = name.substr(1, name.size() - 2);
  }
  for (char& c : name) {
    if (c == '/') c = '.';
  }
  return name;
}

int Symbols::lineOf(const std::vector<std::pair<int64_t, int>>& table, int bci) {
  int line = -1;
  int64_t best = -1;
  for (const auto& entry : table) {
    if (entry.first <= bci && entry.first > best) {
      best = entry.first;
      line = entry.second;
    }
  }
  return line;
}

Symbols::Method Symbols::resolve(jvmtiEnv* jvmti, JNIEnv* jni, jmethodID id, bool lines) {
  Method m;
  m.withLines = lines;
  if (id == nullptr || jvmti == nullptr) return m;
  // Ids of methods whose class was unloaded are cleared by HotSpot: every call below
  // then fails with JVMTI_ERROR_INVALID_METHODID instead of reading freed metadata.
  JvmtiString methodName(jvmti);
  jvmtiError error = jvmti->GetMethodName(id, methodName.out(), nullptr, nullptr);
  if (error != JVMTI_ERROR_NONE) {
    m.unloaded = error == JVMTI_ERROR_INVALID_METHODID;
    return m;
  }
  jclass klass = nullptr;
  error = jvmti->GetMethodDeclaringClass(id, &klass);
  if (error != JVMTI_ERROR_NONE || klass == nullptr) {
    m.unloaded = error == JVMTI_ERROR_INVALID_METHODID;
    return m;
  }
  JvmtiString signature(jvmti);
  error = jvmti->GetClassSignature(klass, signature.out(), nullptr);
  if (jni != nullptr) jni->DeleteLocalRef(klass);
  if (error != JVMTI_ERROR_NONE) return m;
  m.name = javaClassName(signature.get()) + "." + methodName.get();
  jboolean isNative = JNI_FALSE;
  if (jvmti->IsMethodNative(id, &isNative) == JVMTI_ERROR_NONE) m.isNative = isNative == JNI_TRUE;
  if (lines && !m.isNative) {
    jint count = 0;
    jvmtiLineNumberEntry* table = nullptr;
    // Absent for classes compiled without -g:lines (and for some generated classes).
    if (jvmti->GetLineNumberTable(id, &count, &table) == JVMTI_ERROR_NONE && table != nullptr) {
      for (jint i = 0; i < count; ++i) m.lines.emplace_back(table[i].start_location, table[i].line_number);
      jvmti->Deallocate(reinterpret_cast<unsigned char*>(table));
    }
  }
  return m;
}

const Symbols::Method& Symbols::method(jmethodID id) {
  auto found = methods_.find(id);
  if (found != methods_.end()) return found->second;
  Method m;
  if (!known_ || !known_(id, lines_, &m)) m = resolve(jvmti_, jni_, id, lines_);
  return methods_.emplace(id, std::move(m)).first->second;
}

ThreadState Symbols::offCpuState(const std::string& leafMethod, bool leafIsNative) {
  auto startsWith = [&leafMethod](const char* prefix) { return leafMethod.rfind(prefix, 0) == 0; };
  if (startsWith("java.lang.Thread.sleep")) return ThreadState::kSleeping;
  if (startsWith("java.lang.Object.wait") || startsWith("jdk.internal.misc.Unsafe.park") ||
      startsWith("sun.misc.Unsafe.park")) {
    return ThreadState::kWaiting;
  }
  return leafIsNative ? ThreadState::kSleeping : ThreadState::kBlocked;
}

ThreadState Symbols::threadState(const Frame* frames, uint32_t count) {
  // Runnable (R) counts as running whether or not the CPU was free for it: that wait is
  // the machine's, not the program's.
  if (count == 0 || static_cast<char>(frames[0].id) == 'R') return ThreadState::kRunning;
  // The leaf Java frame, past the native frames (and a [broken_native_stack]) that sit
  // above it: a thread in Object.wait is waiting whatever libjvm and libc do under it.
  uint32_t leaf = 1;
  while (leaf < count && (frames[leaf].kind == FrameKind::kNative || frames[leaf].kind == FrameKind::kWalkFailure ||
                          frames[leaf].kind == FrameKind::kKernel)) {
    ++leaf;
  }
  if (leaf >= count || frames[leaf].kind != FrameKind::kJava) return ThreadState::kSleeping;
  const Method& m = method(reinterpret_cast<jmethodID>(frames[leaf].id));
  return offCpuState(m.name, m.isNative);
}

std::string Symbols::threadFrameName(int tid) {
  std::string name = threadName_(tid);
  return name.empty() ? "tid=" + std::to_string(tid) : name;
}

std::string Symbols::frameName(const Frame& frame) {
  switch (frame.kind) {
    case FrameKind::kJava: {
      const Method& m = method(reinterpret_cast<jmethodID>(frame.id));
      if (m.name.empty()) {
        ++unknownMethods_;
        return m.unloaded ? "[unloaded_method]" : "[unknown_method]";
      }
      if (m.isNative) return m.name + " [native]";
      if (lines_ && frame.bci >= 0) {
        int line = lineOf(m.lines, frame.bci);
        if (line >= 0) return m.name + ":" + std::to_string(line);
      }
      return m.name;
    }
    case FrameKind::kThreadRoot: {
      int tid = static_cast<int>(frame.id);
      std::string name = threadName_(tid);
      return "[" + (name.empty() ? std::string() : name + " ") + "tid=" + std::to_string(tid) + "]";
    }
    case FrameKind::kThreadSelf:
      return "[" + threadFrameName(static_cast<int>(frame.id)) + "]";
    case FrameKind::kTruncated:
      return "[truncated]";
    case FrameKind::kThreadState:
      // Without the stack around it only the kernel's word is known; the writer names
      // it with threadState() instead.
      return std::string("[") +
             threadStateName(static_cast<char>(frame.id) == 'R' ? ThreadState::kRunning : ThreadState::kSleeping) +
             "]";
    case FrameKind::kWalkFailure:
      return std::string("[") + walkFailureName(static_cast<WalkFailure>(frame.id)) + "]";
    case FrameKind::kClassName:
      return "[unknown_class]";  // named from its ClassNames table by the event's writer
    case FrameKind::kNative: {
      auto known = nativeNames_.find(frame.id);
      if (known != nativeNames_.end()) return known->second;
      std::string name = nativeName_ ? nativeName_(frame.id) : std::string();
      if (name.empty()) name = "[unknown_native]";
      return nativeNames_.emplace(frame.id, std::move(name)).first->second;
    }
    case FrameKind::kKernel: {
      // The collapsed convention for kernel code (flamegraph.pl, async-profiler): a
      // `_[k]` suffix, which the java palette colours as kernel.
      std::string name = frame.id != 0 && kernelName_ ? kernelName_(frame.id) : std::string();
      return name.empty() ? "[kernel]" : name + "_[k]";
    }
  }
  return "[unknown_frame]";
}
