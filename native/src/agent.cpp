// JVMTI entry points and the profile's lifecycle:
//   Agent_OnLoad   parse options, request capabilities and events (nothing is sampled yet)
//   VMInit         create jmethodIDs for loaded classes, install the crash guard and the
//                  SIGPROF handler, arm the engine for every thread
//   ThreadStart/End, ClassPrepare   keep threads armed and method ids complete
//   VMDeath        stop, drain handlers, resolve names, write the collapsed file
// VMDeath is posted on every orderly exit: return from main, System.exit (also from a
// worker thread), Runtime.halt and SIGTERM/SIGINT (all reach before_exit()).

#include <dlfcn.h>
#include <jni.h>
#include <jvmti.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "collapsed_writer.h"
#include "crash_guard.h"
#include "ctimer_engine.h"
#include "elf_symbols.h"
#include "engine.h"
#include "itimer_engine.h"
#include "jitter.h"
#include "options.h"
#include "perf_engine.h"
#include "signal_handler.h"
#include "stats.h"
#include "symbols.h"
#include "thread_registry.h"
#include "trace_store.h"

namespace {

constexpr size_t kMaxTraces = 65536;
constexpr size_t kMaxFrames = 4 * 1024 * 1024;
constexpr int kDrainTimeoutMs = 2000;

uint64_t monotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec);
}

int currentTid() { return static_cast<int>(syscall(SYS_gettid)); }

struct Agent {
  Agent() : jitter(monotonicNs() ^ (static_cast<uint64_t>(getpid()) << 32)) {}

  std::string optionText;
  Options options;
  std::string outputPath;
  JavaVM* vm = nullptr;
  jvmtiEnv* jvmti = nullptr;
  AsyncGetCallTraceFn asyncGetCallTrace = nullptr;
  Jitter jitter;
  Stats stats;
  CrashGuard guard;
  ThreadRegistry registry;
  std::unique_ptr<TraceStore> store;
  std::unique_ptr<Engine> engine;
  std::string jvmName;
  std::string fallback;  // why event=cpu became ctimer, if it did
  std::string guardScope;
  uint64_t startNs = 0;
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
};

// Leaked on purpose: signal handlers and JVM threads may outlive static destructors.
Agent* g_agent = nullptr;

void report(const std::string& line) { std::fprintf(stderr, "jflame: %s\n", line.c_str()); }

std::string jvmtiErrorText(jvmtiEnv* jvmti, jvmtiError error) {
  char* name = nullptr;
  std::string text = "JVMTI error " + std::to_string(error);
  if (jvmti != nullptr && jvmti->GetErrorName(error, &name) == JVMTI_ERROR_NONE && name != nullptr) {
    text += std::string(" (") + name + ")";
    jvmti->Deallocate(reinterpret_cast<unsigned char*>(name));
  }
  return text;
}

std::string systemProperty(jvmtiEnv* jvmti, const char* key) {
  char* value = nullptr;
  std::string out;
  if (jvmti->GetSystemProperty(key, &value) == JVMTI_ERROR_NONE && value != nullptr) {
    out = value;
    jvmti->Deallocate(reinterpret_cast<unsigned char*>(value));
  }
  return out;
}

std::string threadName(jvmtiEnv* jvmti, JNIEnv* jni, jthread thread) {
  jvmtiThreadInfo info;
  std::memset(&info, 0, sizeof(info));
  if (jvmti->GetThreadInfo(thread, &info) != JVMTI_ERROR_NONE) return std::string();
  std::string name = info.name != nullptr ? info.name : "";
  if (info.name != nullptr) jvmti->Deallocate(reinterpret_cast<unsigned char*>(info.name));
  if (jni != nullptr) {
    if (info.thread_group != nullptr) jni->DeleteLocalRef(info.thread_group);
    if (info.context_class_loader != nullptr) jni->DeleteLocalRef(info.context_class_loader);
  }
  return name;
}

std::string absolutePath(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[4096];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

void warnIfUnwritable(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  if (access(dir.c_str(), W_OK) != 0) {
    report("warning: cannot write to " + dir + " (" + std::strerror(errno) +
           "); the profile will be lost unless it becomes writable before exit");
  }
}

// --- Starting ------------------------------------------------------------------------

void createIdsForLoadedClasses(jvmtiEnv* jvmti, JNIEnv* jni) {
  jint count = 0;
  jclass* classes = nullptr;
  if (jvmti->GetLoadedClasses(&count, &classes) != JVMTI_ERROR_NONE) return;
  for (jint i = 0; i < count; ++i) {
    // Classes not yet prepared fail here and come through ClassPrepare later.
    Symbols::createMethodIds(jvmti, classes[i]);
    if (jni != nullptr) jni->DeleteLocalRef(classes[i]);
  }
  jvmti->Deallocate(reinterpret_cast<unsigned char*>(classes));
}

// Narrows crash recovery to faults in libjvm's code, except its SafeFetch probes, which
// AsyncGetCallTrace uses on purpose and the JVM's own handler resumes from.
void narrowCrashGuard(Agent& agent) {
  LoadedObject jvm;
  if (!findLoadedObject("libjvm.so", &jvm)) {
    agent.guardScope = "any fault inside AsyncGetCallTrace (libjvm.so not found)";
    return;
  }
  std::vector<uint64_t> offsets = findElfSymbols(jvm.path, {"_SafeFetch32_fault", "_SafeFetchN_fault"});
  uintptr_t safeFetch[2] = {};
  int found = 0;
  for (size_t i = 0; i < offsets.size(); ++i) {
    if (offsets[i] != 0) safeFetch[found++] = jvm.base + offsets[i];
  }
  agent.guard.protectOnlyCodeIn(jvm.codeStart, jvm.codeEnd, safeFetch, found);
  agent.guardScope = "libjvm.so code" + std::string(found == 2 ? ", SafeFetch chained"
                                                                : ", SafeFetch symbols not found");
}

std::unique_ptr<Engine> makeEngine(Agent& agent, EventKind event) {
  switch (event) {
    case EventKind::kCpu: return std::make_unique<PerfEngine>(agent.options.intervalNs, &agent.jitter);
    case EventKind::kCtimer: return std::make_unique<CtimerEngine>(agent.options.intervalNs, &agent.jitter);
    case EventKind::kItimer: return std::make_unique<ItimerEngine>(agent.options.intervalNs);
  }
  return nullptr;
}

bool startEngine(Agent& agent) {
  EventKind event = agent.options.event;
  if (event == EventKind::kCpu) {
    std::string why;
    if (!PerfEngine::available(&why)) {
      agent.fallback = why;
      report(why + "; falling back to event=ctimer");
      event = EventKind::kCtimer;
    }
  }
  agent.engine = makeEngine(agent, event);
  std::string error;
  if (!agent.engine->start(&error)) {
    report("cannot start event=" + std::string(agent.engine->name()) + ": " + error + "; not profiling");
    return false;
  }
  return true;
}

void startProfiling(jvmtiEnv* jvmti, JNIEnv* jni, jthread thread) {
  Agent& agent = *g_agent;
  createIdsForLoadedClasses(jvmti, jni);
  agent.jvmName = systemProperty(jvmti, "java.vm.name") + " " + systemProperty(jvmti, "java.vm.version");
  if (thread != nullptr) agent.registry.javaThreadStarted(currentTid(), threadName(jvmti, jni, thread));

  // Installed now rather than at load: the JVM has installed its own handlers by VMInit,
  // and ours must sit in front of them to chain to them.
  if (!agent.guard.install()) {
    report("cannot install the SIGSEGV/SIGBUS crash guard; not profiling");
    return;
  }
  narrowCrashGuard(agent);

  agent.store = std::make_unique<TraceStore>(kMaxTraces, kMaxFrames);
  if (!agent.store->ok()) {
    report("cannot reserve memory for the trace store; not profiling");
    return;
  }
  if (!startEngine(agent)) return;

  SamplerConfig config;
  config.vm = agent.vm;
  config.asyncGetCallTrace = agent.asyncGetCallTrace;
  config.engine = agent.engine.get();
  config.store = agent.store.get();
  config.stats = &agent.stats;
  config.guard = &agent.guard;
  config.depth = agent.options.depth;
  config.threads = agent.options.threads;
  config.lines = agent.options.lines;
  std::string error;
  if (!sampler::install(config, &error)) {
    agent.engine->stop();
    report(error + "; not profiling");
    return;
  }
  sampler::enable();
  agent.startNs = monotonicNs();
  if (!agent.registry.start(agent.engine.get(), &error)) {
    sampler::disableAndDrain(kDrainTimeoutMs);
    agent.engine->stop();
    report(error + "; not profiling");
    return;
  }
  agent.started.store(true);
}

// --- Finishing -----------------------------------------------------------------------

CollapsedWriter collectStacks(Agent& agent, JNIEnv* jni, uint64_t* unknownMethods) {
  Symbols symbols(agent.jvmti, jni, agent.options.lines,
                  [&agent](int tid) { return agent.registry.nameOf(tid); });
  CollapsedWriter writer;
  std::vector<std::string> names;
  agent.store->forEach([&](const Frame* frames, uint32_t count, uint64_t samples) {
    names.clear();
    for (uint32_t i = count; i > 0; --i) names.push_back(symbols.frameName(frames[i - 1]));
    writer.add(names, samples);
  });
  *unknownMethods = symbols.unknownMethods();
  return writer;
}

std::string formatMs(uint64_t ns) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.1f", static_cast<double>(ns) / 1e6);
  return buffer;
}

void finishProfiling(JNIEnv* jni) {
  Agent& agent = *g_agent;
  if (!agent.started.load() || agent.finished.exchange(true)) return;
  uint64_t durationNs = monotonicNs() - agent.startNs;

  agent.registry.stop();  // no new signals: engine disarmed for every thread
  if (!sampler::disableAndDrain(kDrainTimeoutMs)) {
    report("signal handlers still running after " + std::to_string(kDrainTimeoutMs) +
           " ms; not reading the trace store");
    return;
  }

  uint64_t unknownMethods = 0;
  CollapsedWriter writer = collectStacks(agent, jni, &unknownMethods);
  const TraceStore& store = *agent.store;
  const Stats& stats = agent.stats;
  uint64_t drops = store.droppedTotal() + stats.noBuffers();

  CollapsedWriter::Header header;
  header.event = agent.engine->name();
  header.intervalNs = agent.options.intervalNs;
  header.durationMs = durationNs / 1'000'000;
  header.jvm = agent.jvmName;
  header.drops = drops;
  header.failedWalks = stats.failedWalksSummary();
  header.handlerNsMean = stats.handlerNsMean();
  header.extra.emplace_back("pid", std::to_string(getpid()));
  header.extra.emplace_back("options", agent.optionText.empty() ? "(defaults)" : agent.optionText);
  if (!agent.fallback.empty()) header.extra.emplace_back("fallback", agent.fallback + "; used ctimer");
  header.extra.emplace_back("non_java_samples", std::to_string(stats.threadOnly()));
  if (drops != 0) {
    header.extra.emplace_back(
        "drop_reasons", "table_full=" + std::to_string(store.dropped(TraceStore::Result::kTableFull)) +
                            " arena_full=" + std::to_string(store.dropped(TraceStore::Result::kArenaFull)) +
                            " contended=" + std::to_string(store.dropped(TraceStore::Result::kContended)) +
                            " no_buffer=" + std::to_string(stats.noBuffers()));
  }
  header.extra.emplace_back("handler_ns_max", std::to_string(stats.handlerNsMax()));
  header.extra.emplace_back("distinct_traces", std::to_string(store.distinctTraces()));
  header.extra.emplace_back("threads_seen", std::to_string(agent.registry.threadsSeen()));
  if (agent.engine->armFailures() != 0) {
    header.extra.emplace_back("arm_failures", std::to_string(agent.engine->armFailures()));
  }
  if (unknownMethods != 0) header.extra.emplace_back("unknown_methods", std::to_string(unknownMethods));
  header.extra.emplace_back("crash_guard", agent.guardScope);

  char mean[32];
  std::snprintf(mean, sizeof(mean), "%.1f", static_cast<double>(stats.handlerNsMean()) / 1000.0);
  std::string summary = std::to_string(writer.samples()) + " samples, " + std::to_string(drops) +
                        " dropped, failed walks: " + header.failedWalks + ", handler " + mean +
                        " us/sample mean (" + formatMs(stats.handlerNsTotal()) + " ms total), ";
  std::string error;
  if (writer.write(agent.outputPath, header, &error)) {
    report(summary + "wrote " + agent.outputPath);
  } else {
    report(summary + "NOT written: " + error);
  }
}

// --- JVMTI callbacks -----------------------------------------------------------------

void JNICALL onVMInit(jvmtiEnv* jvmti, JNIEnv* jni, jthread thread) { startProfiling(jvmti, jni, thread); }

void JNICALL onVMDeath(jvmtiEnv*, JNIEnv* jni) { finishProfiling(jni); }

void JNICALL onThreadStart(jvmtiEnv* jvmti, JNIEnv* jni, jthread thread) {
  g_agent->registry.javaThreadStarted(currentTid(), threadName(jvmti, jni, thread));
}

void JNICALL onThreadEnd(jvmtiEnv*, JNIEnv*, jthread) { g_agent->registry.javaThreadEnded(currentTid()); }

// AsyncGetCallTrace reports ticks_no_class_load unless ClassLoad events are enabled.
void JNICALL onClassLoad(jvmtiEnv*, JNIEnv*, jthread, jclass) {}

void JNICALL onClassPrepare(jvmtiEnv* jvmti, JNIEnv*, jthread, jclass klass) {
  Symbols::createMethodIds(jvmti, klass);
}

jint load(JavaVM* vm, const char* optionText) {
  if (g_agent != nullptr) {
    report("already loaded in this JVM; ignoring the second -agentpath");
    return JNI_OK;
  }
  Options options;
  std::string error;
  if (!parseOptions(optionText, &options, &error)) {
    report(error);
    return JNI_ERR;
  }
  std::string path;
  if (!expandFilePattern(options.file, getpid(), &path, &error)) {
    report("invalid option 'file=" + options.file + "': file " + error);
    return JNI_ERR;
  }

  jvmtiEnv* jvmti = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&jvmti), JVMTI_VERSION_1_2) != JNI_OK || jvmti == nullptr) {
    report("this JVM offers no JVMTI 1.2 environment");
    return JNI_ERR;
  }
  auto asyncGetCallTrace = reinterpret_cast<AsyncGetCallTraceFn>(dlsym(RTLD_DEFAULT, "AsyncGetCallTrace"));
  if (asyncGetCallTrace == nullptr) {
    report("this JVM does not export AsyncGetCallTrace (jflame needs a HotSpot JVM)");
    return JNI_ERR;
  }

  jvmtiCapabilities capabilities;
  std::memset(&capabilities, 0, sizeof(capabilities));
  capabilities.can_get_line_numbers = 1;
  capabilities.can_get_source_file_name = 1;
  jvmtiError jerr = jvmti->AddCapabilities(&capabilities);
  if (jerr != JVMTI_ERROR_NONE) {
    report("cannot add JVMTI capabilities: " + jvmtiErrorText(jvmti, jerr));
    return JNI_ERR;
  }
  jvmtiEventCallbacks callbacks;
  std::memset(&callbacks, 0, sizeof(callbacks));
  callbacks.VMInit = onVMInit;
  callbacks.VMDeath = onVMDeath;
  callbacks.ThreadStart = onThreadStart;
  callbacks.ThreadEnd = onThreadEnd;
  callbacks.ClassLoad = onClassLoad;
  callbacks.ClassPrepare = onClassPrepare;
  jerr = jvmti->SetEventCallbacks(&callbacks, sizeof(callbacks));
  if (jerr != JVMTI_ERROR_NONE) {
    report("cannot set JVMTI callbacks: " + jvmtiErrorText(jvmti, jerr));
    return JNI_ERR;
  }

  g_agent = std::make_unique<Agent>().release();
  Agent& agent = *g_agent;
  agent.optionText = optionText != nullptr ? optionText : "";
  agent.options = options;
  agent.outputPath = absolutePath(path);
  agent.vm = vm;
  agent.jvmti = jvmti;
  agent.asyncGetCallTrace = asyncGetCallTrace;
  warnIfUnwritable(agent.outputPath);

  const jvmtiEvent events[] = {JVMTI_EVENT_VM_INIT,     JVMTI_EVENT_VM_DEATH,   JVMTI_EVENT_THREAD_START,
                               JVMTI_EVENT_THREAD_END,  JVMTI_EVENT_CLASS_LOAD, JVMTI_EVENT_CLASS_PREPARE};
  for (jvmtiEvent event : events) {
    jerr = jvmti->SetEventNotificationMode(JVMTI_ENABLE, event, nullptr);
    if (jerr != JVMTI_ERROR_NONE) {
      report("cannot enable JVMTI event " + std::to_string(event) + ": " + jvmtiErrorText(jvmti, jerr));
      return JNI_ERR;
    }
  }
  return JNI_OK;
}

}  // namespace

extern "C" {

JNIEXPORT jint JNICALL Agent_OnLoad(JavaVM* vm, char* options, void*) { return load(vm, options); }

// Loaded into a running JVM: VMInit has passed, so start at once.
JNIEXPORT jint JNICALL Agent_OnAttach(JavaVM* vm, char* options, void*) {
  bool fresh = g_agent == nullptr;
  jint rc = load(vm, options);
  if (rc != JNI_OK || !fresh) return rc;
  JNIEnv* jni = nullptr;
  vm->GetEnv(reinterpret_cast<void**>(&jni), JNI_VERSION_1_6);
  startProfiling(g_agent->jvmti, jni, nullptr);
  return JNI_OK;
}

// Nothing to release: the JVM is exiting, and handlers may still fire.
JNIEXPORT void JNICALL Agent_OnUnload(JavaVM*) {}

}  // extern "C"
