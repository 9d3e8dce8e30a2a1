#include "sampling/event_profile.h"

#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "output/collapsed_writer.h"
#include "store/sample_log.h"
#include "support/monotonic_clock.h"
#include "support/thread_id.h"
#include "symbols/symbols.h"

namespace {

constexpr size_t kMaxTraces = 32768;
constexpr size_t kMaxFrames = 2 * 1024 * 1024;
constexpr size_t kMaxClassNames = 16384;
constexpr size_t kMaxClassNameBytes = 2 * 1024 * 1024;

}  // namespace

EventProfile::EventProfile(uint32_t depth, bool lines, bool threads)
    : depth_(depth), lines_(lines), threads_(threads), store_(kMaxTraces, kMaxFrames),
      names_(kMaxClassNames, kMaxClassNameBytes) {}

std::string EventProfile::javaTypeName(const char* signature) {
  if (signature == nullptr) return std::string();
  std::string sig = signature;
  size_t dims = 0;
  while (dims < sig.size() && sig[dims] == '[') ++dims;
  std::string base = sig.substr(dims);
  std::string name;
  if (base.size() >= 2 && base.front() == 'L' && base.back() == ';') {
    name = base.substr(1, base.size() - 2);
    for (char& c : name) {
      if (c == '/') c = '.';
    }
  } else if (base.size() == 1) {
    switch (base[0]) {
      case 'Z': name = "boolean"; break;
      case 'B': name = "byte"; break;
      case 'C': name = "char"; break;
      case 'S': name = "short"; break;
      case 'I': name = "int"; break;
      case 'J': name = "long"; break;
      case 'F': name = "float"; break;
      case 'D': name = "double"; break;
      default: name = base; break;
    }
  } else {
    name = base;
  }
  for (size_t i = 0; i < dims; ++i) name += "[]";
  return name;
}

uint64_t EventProfile::classKey(jvmtiEnv* jvmti, jclass klass) {
  char* signature = nullptr;
  if (klass == nullptr || jvmti->GetClassSignature(klass, &signature, nullptr) != JVMTI_ERROR_NONE) return 0;
  uint64_t key = names_.intern(javaTypeName(signature));
  jvmti->Deallocate(reinterpret_cast<unsigned char*>(signature));
  return key;
}

bool EventProfile::record(jvmtiEnv* jvmti, JNIEnv* jni, jclass klass, uint64_t weight, uint32_t* slot) {
  uint64_t start = monotonicNs();
  bool counted = walkAndAdd(jvmti, jni, klass, weight, slot);
  recordNs_.fetch_add(monotonicNs() - start, std::memory_order_relaxed);
  events_.fetch_add(1, std::memory_order_relaxed);
  return counted;
}

bool EventProfile::walkAndAdd(jvmtiEnv* jvmti, JNIEnv*, jclass klass, uint64_t weight, uint32_t* slot) {
  // One buffer per OS thread, grown once: callbacks are frequent, allocations are not free.
  thread_local std::vector<jvmtiFrameInfo> javaFrames;
  thread_local std::vector<Frame> frames;
  if (javaFrames.size() < depth_ + 1) javaFrames.resize(depth_ + 1);
  if (frames.size() < depth_ + 3) frames.resize(depth_ + 3);
  jint count = 0;
  // nullptr: the current thread, virtual or not (the event's thread is the current one).
  if (jvmti->GetStackTrace(nullptr, 0, static_cast<jint>(depth_ + 1), javaFrames.data(), &count) !=
      JVMTI_ERROR_NONE) {
    walkFailures_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  uint32_t n = 0;
  frames[n++] = pseudoFrame(FrameKind::kClassName, classKey(jvmti, klass));
  uint32_t java = static_cast<uint32_t>(count) > depth_ ? depth_ : static_cast<uint32_t>(count);
  for (uint32_t i = 0; i < java; ++i) {
    Frame f = pseudoFrame(FrameKind::kJava, reinterpret_cast<uint64_t>(javaFrames[i].method));
    if (lines_) f.bci = static_cast<int32_t>(javaFrames[i].location);
    frames[n++] = f;
  }
  if (static_cast<uint32_t>(count) > depth_) frames[n++] = pseudoFrame(FrameKind::kTruncated, 0);
  SampleLog* log = log_.load(std::memory_order_acquire);
  int tid = callerTid();  // cached per thread: no system call
  // An event on a thread with no Java frame (native code allocating through JNI: the
  // launcher creating main's arguments, a native thread attached to the JVM) is named after
  // its thread, as CPU samples of such threads are, rather than left without a stack.
  if (count == 0) frames[n++] = pseudoFrame(FrameKind::kThreadSelf, static_cast<uint64_t>(tid));
  if (threads_) frames[n++] = pseudoFrame(FrameKind::kThreadRoot, static_cast<uint64_t>(tid));
  uint32_t counted = 0;
  if (store_.add(frames.data(), n, weight, &counted) != TraceStore::Result::kCounted) return false;
  if (slot != nullptr) *slot = counted;
  if (log != nullptr) log->push(SampleRecord{monotonicNs(), weight, static_cast<uint32_t>(tid), counted, logSource_});
  return true;
}

void EventProfile::collect(Symbols& symbols, CollapsedWriter* writer) const {
  std::vector<std::string> names;
  store_.forEach([&](const Frame* frames, uint32_t count, uint64_t weight) {
    names.clear();
    for (uint32_t i = count; i > 0; --i) {
      const Frame& f = frames[i - 1];
      if (f.kind == FrameKind::kClassName) {
        std::string name = names_.nameOf(f.id);
        names.push_back("[" + (name.empty() ? std::string("unknown_class") : name) + "]");
      } else {
        names.push_back(symbols.frameName(f));
      }
    }
    writer->add(names, weight);
  });
}

bool CallbackGate::closeAndDrain(int timeoutMs) {
  open_.store(false);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (inside_.load() != 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}
