#include "lifecycle/thread_dump.h"

#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "lifecycle/profile_lifecycle.h"
#include "output/atomic_file.h"
#include "sampling/stack_snapshot.h"
#include "sampling/thread_registry.h"
#include "support/monotonic_clock.h"
#include "symbols/native_frame_names.h"
#include "symbols/symbols.h"

namespace {

constexpr uint32_t kDumpDepth = 1024;
// Frame buffers for all threads together: with very many threads each keeps fewer frames.
constexpr size_t kBufferBudget = 64u << 20;
constexpr int kAnswerTimeoutMs = 1000;

struct JavaThreadName {
  std::string name;
  int64_t id = -1;
};

// The Java threads by their JNIEnv, which the handler reads on each thread (GetEnv): the
// JVM tells neither a jthread's tid nor a tid's jthread. java.lang.Thread.eetop holds the
// address of the JVM's thread, and the JNIEnv lies at a fixed offset in it, measured on
// this thread. If either looks wrong (another JVM's layout), threads are named by tid alone.
std::unordered_map<JNIEnv*, JavaThreadName> javaThreadsByEnv(jvmtiEnv* jvmti, JNIEnv* jni) {
  std::unordered_map<JNIEnv*, JavaThreadName> out;
  if (jni == nullptr) return out;
  jclass threadClass = jni->FindClass("java/lang/Thread");
  jfieldID eetop = threadClass != nullptr ? jni->GetFieldID(threadClass, "eetop", "J") : nullptr;
  jfieldID idField = threadClass != nullptr ? jni->GetFieldID(threadClass, "tid", "J") : nullptr;
  if (jni->ExceptionCheck()) jni->ExceptionClear();
  jthread self = nullptr;
  if (eetop == nullptr || jvmti->GetCurrentThread(&self) != JVMTI_ERROR_NONE || self == nullptr) return out;
  intptr_t offset = reinterpret_cast<intptr_t>(jni) - static_cast<intptr_t>(jni->GetLongField(self, eetop));
  jni->DeleteLocalRef(self);
  if (offset <= 0 || offset > 65536) return out;
  jint count = 0;
  jthread* threads = nullptr;
  if (jvmti->GetAllThreads(&count, &threads) != JVMTI_ERROR_NONE) return out;
  for (jint i = 0; i < count; ++i) {
    jlong top = jni->GetLongField(threads[i], eetop);
    jvmtiThreadInfo info{};
    if (top != 0 && jvmti->GetThreadInfo(threads[i], &info) == JVMTI_ERROR_NONE) {
      JavaThreadName& entry = out[reinterpret_cast<JNIEnv*>(static_cast<intptr_t>(top) + offset)];
      entry.name = info.name != nullptr ? info.name : "";
      entry.id = idField != nullptr ? static_cast<int64_t>(jni->GetLongField(threads[i], idField)) : -1;
      jvmti->Deallocate(reinterpret_cast<unsigned char*>(info.name));
      if (info.thread_group != nullptr) jni->DeleteLocalRef(info.thread_group);
      if (info.context_class_loader != nullptr) jni->DeleteLocalRef(info.context_class_loader);
    }
    jni->DeleteLocalRef(threads[i]);
  }
  jvmti->Deallocate(reinterpret_cast<unsigned char*>(threads));
  return out;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The kernel's state letter (/proc/.../stat field 3), '-' if the thread is gone.
char kernelState(int tid) {
  std::string stat = readFile("/proc/self/task/" + std::to_string(tid) + "/stat");
  size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() ? stat[close + 2] : '-';
}

// Whether the thread blocks SIGPROF (/proc/.../status SigBlk, a hex mask, bit signo - 1).
bool blocksSigprof(int tid) {
  std::string status = readFile("/proc/self/task/" + std::to_string(tid) + "/status");
  size_t at = status.find("SigBlk:");
  if (at == std::string::npos) return false;
  uint64_t mask = std::strtoull(status.c_str() + at + 7, nullptr, 16);
  return (mask & (uint64_t{1} << (SIGPROF - 1))) != 0;
}

std::string field(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

const char* answerName(const StackSnapshot::Thread& t, bool blocked) {
  switch (t.answer) {
    case StackSnapshot::Answer::kExited: return "exited";
    case StackSnapshot::Answer::kNoAnswer: return blocked ? "signal_blocked" : "no_answer";
    case StackSnapshot::Answer::kWalked: break;
  }
  return t.outcome == WalkOutcome::kJavaFrames || t.outcome == WalkOutcome::kFailed ? "walked" : "no_java_frames";
}

}  // namespace

bool writeThreadDump(Agent& agent, JNIEnv* jni, const std::string& path,
                     std::vector<std::pair<std::string, std::string>>* facts, std::string* error) {
  uint64_t started = monotonicNs();
  if (!installSamplingHandler(agent, SIGPROF, error)) return false;
  // AsyncGetCallTrace needs ClassLoad events on and method ids for the classes on the
  // stacks; a running profile has both already.
  bool ownEvents = !agent.running;
  if (ownEvents) {
    if (!setSamplingEvents(agent, true, error)) return false;
    createMethodIdsForLoadedClasses(agent, jni);
  }
  prepareStackWalks(agent, jni);
  std::unordered_map<JNIEnv*, JavaThreadName> javaThreads = javaThreadsByEnv(agent.jvmti, jni);

  std::vector<int> tids = ThreadRegistry::listTasks();
  std::sort(tids.begin(), tids.end());
  std::vector<char> states;
  for (int tid : tids) states.push_back(kernelState(tid));
  StackWalker walker;
  walker.java.asyncGetCallTrace = agent.asyncGetCallTrace;
  walker.java.guard = &agent.guard;
  walker.java.lines = true;
  walker.javaThreads = &agent.javaThreads;
  walker.codeMap = agent.codeMap.get();
  walker.native = NativeStacks::kDwarf;
  size_t perFrame = sizeof(Frame) + sizeof(AgctFrame);
  size_t fits = kBufferBudget / (std::max<size_t>(tids.size(), 1) * perFrame);
  walker.depth = static_cast<uint32_t>(std::max<size_t>(std::min<size_t>(fits, kDumpDepth + 1), 3) - 2);
  StackSnapshot snapshot(walker, tids);
  uint64_t signalled = monotonicNs();
  snapshot.take(kAnswerTimeoutMs);
  uint64_t answeredNs = monotonicNs() - signalled;
  if (ownEvents) {
    std::string ignored;
    setSamplingEvents(agent, false, &ignored);
  }

  Symbols symbols(agent.jvmti, jni, true, [&agent](int tid) { return agent.registry.nameOf(tid); },
                  [&agent](jmethodID id, bool lines, Symbols::Method* out) {
                    return agent.namer.lookup(id, lines, out);
                  });
  const CodeMap& map = *agent.codeMap;
  symbols.nameNativeWith([&map](uint64_t id) { return nativeFrameName(map, id); });
  std::string text = "# jflame thread dump\n";
  size_t walked = 0, silent = 0;
  std::vector<StackSnapshot::Thread> threads = snapshot.threads();
  for (size_t i = 0; i < threads.size(); ++i) {
    const StackSnapshot::Thread& t = threads[i];
    bool blocked = t.answer == StackSnapshot::Answer::kNoAnswer && blocksSigprof(t.tid);
    if (t.answer == StackSnapshot::Answer::kWalked) ++walked;
    if (t.answer == StackSnapshot::Answer::kNoAnswer) ++silent;
    auto java = t.env != nullptr ? javaThreads.find(t.env) : javaThreads.end();
    bool javaName = java != javaThreads.end();
    std::string name = javaName ? java->second.name : agent.registry.nameOf(t.tid);
    if (name.empty()) {
      ThreadRegistry::TaskStat stat;
      if (ThreadRegistry::readTaskStat(t.tid, &stat)) name = stat.comm;
    }
    text += "thread\t" + std::to_string(t.tid) + "\t" + std::to_string(javaName ? java->second.id : -1) + "\t" +
            std::string(1, states[i]) + "\t" + answerName(t, blocked) + "\t" + (javaName ? "java" : "os") + "\t" +
            field(name) + "\n";
    // Every frame but the [thread] root of a thread without Java frames: its name is above.
    for (uint32_t f = 0; f < t.count; ++f) {
      if (t.frames[f].kind == FrameKind::kThreadSelf) continue;
      text += "frame\t" + field(symbols.frameName(t.frames[f])) + "\n";
    }
  }
  if (!writeFileAtomically(path, text, error)) return false;
  facts->emplace_back("threads", std::to_string(threads.size()));
  facts->emplace_back("answered", std::to_string(walked));
  facts->emplace_back("no_answer", std::to_string(silent));
  facts->emplace_back("depth", std::to_string(walker.depth));
  facts->emplace_back("signal_ms", std::to_string(answeredNs / 1'000'000));
  facts->emplace_back("dump_ms", std::to_string((monotonicNs() - started) / 1'000'000));
  return true;
}
