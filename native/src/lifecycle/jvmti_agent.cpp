// JVMTI entry points and the profile's lifecycle.
//
// Loaded at start (-agentpath, Agent_OnLoad): options are parsed and events requested;
// VMInit starts the profile, VMDeath stops it and writes the collapsed file.
//
// Loaded into a running JVM (Agent_OnAttach), any number of times: the JVM hands every
// load of the same library path to the one copy already in the process, so there is one
// agent, one SIGPROF handler and one trace store however often jflame attaches. Each load
// is a request, `start` (the default), `stop`, `dump` or `status`, answered through a
// status file (`statusfile=`): Agent_OnAttach can only return an int.
//
// A profile runs from a start to its stop:
//   start  enable ClassLoad/ClassPrepare/CompiledMethodLoad, create method ids for the
//          classes already loaded (off the signal path, before any timer is armed), arm
//          the engine for every thread
//   stop   disarm every timer, wait for handlers in flight, write the profile, disable
//          the events again: the JVM then runs as if no agent were there
// VMDeath stops a running profile and writes it. It is posted on every orderly exit:
// return from main, System.exit (also from a worker thread), Runtime.halt and
// SIGTERM/SIGINT (all reach before_exit()).
//
// VMInit, the attach listener thread and VMDeath are serialised by one mutex. The signal
// handler never takes it: stopping clears the sampler's `enabled` flag and waits for
// handlers in flight before anything they use is freed (signal_handler.h).

#include <dlfcn.h>
#include <jni.h>
#include <jvmti.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lifecycle/agent.h"
#include "lifecycle/jvmti_calls.h"
#include "lifecycle/profile_lifecycle.h"
#include "support/agent_thread.h"
#include "sampling/alloc_sampler.h"
#include "output/atomic_file.h"
#include "lifecycle/checkpoint_thread.h"
#include "output/collapsed_writer.h"
#include "output/profile_writer.h"
#include "stacks/crash_guard.h"
#include "symbols/elf_symbols.h"
#include "sampling/engine.h"
#include "sampling/engine_factory.h"
#include "sampling/jitter.h"
#include "sampling/lock_tracker.h"
#include "symbols/method_namer.h"
#include "support/monotonic_clock.h"
#include "support/process_clock.h"
#include "lifecycle/options.h"
#include "sampling/signal_handler.h"
#include "sampling/signal_watch.h"
#include "sampling/stats.h"
#include "symbols/symbols.h"
#include "sampling/thread_registry.h"
#include "store/trace_store.h"
#include "stacks/virtual_threads.h"

namespace {

int currentTid() { return static_cast<int>(syscall(SYS_gettid)); }

// Leaked on purpose: signal handlers and JVM threads may outlive static destructors, and
// the library is linked -z nodelete for the same reason.
Agent* g_agent = nullptr;

void warnIfUnwritable(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  if (access(dir.c_str(), W_OK) != 0) {
    report("warning: cannot write to " + dir + " (" + std::strerror(errno) +
           "); the profile will be lost unless it becomes writable before exit");
  }
}

// --- Attach requests -----------------------------------------------------------------

// The answer to one attach request, as `key: value` lines for the CLI.
struct Reply {
  bool ok = true;
  std::string message;
  std::vector<std::pair<std::string, std::string>> facts;

  void fail(const std::string& why) {
    ok = false;
    message = why;
  }
  void add(const std::string& key, const std::string& value) { facts.emplace_back(key, value); }

  std::string render() const {
    std::string out = "# jflame attach status\n";
    out += std::string("result: ") + (ok ? "ok" : "error") + "\n";
    out += "message: " + CollapsedWriter::oneLine(message) + "\n";
    for (const auto& kv : facts) out += kv.first + ": " + CollapsedWriter::oneLine(kv.second) + "\n";
    return out;
  }
};

void describeState(Agent& agent, Reply* reply) {
  reply->add("state", agent.running ? "running" : agent.profile.store != nullptr ? "stopped" : "idle");
  if (agent.profile.store == nullptr) return;
  const Profile& profile = agent.profile;
  reply->add("sampling", describeSampling(profile.options));
  std::string kinds;
  for (const std::string& kind : profileKinds(profile.options)) kinds += (kinds.empty() ? "" : "+") + kind;
  reply->add("kinds", kinds);
  if (profile.engine != nullptr) reply->add("event", profile.engine->name());
  if (!profile.fallback.empty()) reply->add("warning", profile.fallback + "; used event=ctimer");
  reply->add("samples", std::to_string(agent.stats.recorded()));
  reply->add("sampled_ms", std::to_string(sampledNs(agent) / 1'000'000));
  reply->add("file", profile.outputPath);
  reply->add("classes", std::to_string(profile.classes));
  reply->add("method_ids_ms", formatMs(profile.methodIdsNs));
  reply->add("start_ms", formatMs(profile.startRequestNs));
}

void handleStart(Agent& agent, JNIEnv* jni, const Options& options, const std::string& optionText,
                 Reply* reply) {
  if (agent.running) {
    if (sameSampling(agent.profile.options, options)) {
      reply->message = "already profiling with the same options (" + describeSampling(options) + ")";
    } else {
      reply->fail("already profiling with other options (" + describeSampling(agent.profile.options) +
                  "); stop that profile first, or start with the same options");
    }
    return;
  }
  std::string path, error;
  if (!resolveOutputPath(options.file, &path, &error)) return reply->fail(error);
  if (!startProfile(agent, jni, options, optionText, path, options.statusFile.empty(), &error)) {
    return reply->fail(error + "; not profiling");
  }
  reply->message = "profiling with " + describeSampling(options) +
                   (agent.profile.engine != nullptr ? std::string(" (event ") + agent.profile.engine->name() + ")" : "");
}

void handleStopOrDump(Agent& agent, JNIEnv* jni, const Options& options, const std::string& optionText,
                      bool stop, Reply* reply) {
  if (!agent.running) {
    return reply->fail(agent.profile.store != nullptr ? "not profiling: the profile was stopped already"
                                                      : "not profiling: nothing was started");
  }
  // A file= given with this request wins over the one named at start.
  std::string path = agent.profile.outputPath, error;
  if (!findOptionValue(optionText.c_str(), "file").empty() && !resolveOutputPath(options.file, &path, &error)) {
    return reply->fail(error);
  }
  if (stop && !stopSampling(agent, &error)) return reply->fail(error);
  std::string summary;
  std::vector<std::string> written;
  if (!writeProfile(agent, jni, path, &summary, &error, &written)) {
    return reply->fail(summary + "; NOT written: " + error);
  }
  bool several = written.size() > 1;
  reply->message = std::string(stop ? "stopped, " : "dumped, ") + summary + (several ? "" : ", wrote " + path);
  for (const std::string& file : written) reply->add("written", file);
}

// Loads the agent's process-wide part: JVMTI environment, capabilities, callbacks.
bool createAgent(JavaVM* vm, std::string* error);

jint handleAttach(JavaVM* vm, const char* optionText) {
  std::string text = optionText != nullptr ? optionText : "";
  std::string statusFile = findOptionValue(optionText, "statusfile");
  Reply reply;
  Options options;
  std::string error;
  if (!parseOptions(optionText, &options, &error)) {
    reply.fail(error);
  } else if (g_agent == nullptr && !createAgent(vm, &error)) {
    reply.fail(error);
  } else {
    Agent& agent = *g_agent;
    std::lock_guard<std::timed_mutex> lock(agent.lifecycle);
    JNIEnv* jni = nullptr;
    vm->GetEnv(reinterpret_cast<void**>(&jni), JNI_VERSION_1_6);
    if (agent.vmDead) {
      reply.fail("the JVM is shutting down");
    } else {
      switch (options.action) {
        case Action::kStart: handleStart(agent, jni, options, text, &reply); break;
        case Action::kStop: handleStopOrDump(agent, jni, options, text, true, &reply); break;
        case Action::kDump: handleStopOrDump(agent, jni, options, text, false, &reply); break;
        case Action::kStatus:
          reply.message = agent.running ? "profiling" : "not profiling";
          break;
      }
      describeState(agent, &reply);
    }
  }
  reply.add("pid", std::to_string(getpid()));
  if (statusFile.empty()) {
    report(reply.message);
  } else if (!writeFileAtomically(statusFile, reply.render(), &error)) {
    report(reply.message + " (and the status file could not be written: " + error + ")");
  }
  return reply.ok ? JNI_OK : JNI_ERR;
}

// --- JVMTI callbacks -----------------------------------------------------------------

void JNICALL onVMInit(jvmtiEnv* jvmti, JNIEnv* jni, jthread thread) {
  Agent& agent = *g_agent;
  agent.registry.javaThreadStarted(currentTid(), threadName(jvmti, jni, thread));
  std::lock_guard<std::timed_mutex> lock(agent.lifecycle);
  if (agent.running || agent.vmDead) return;
  Options options;
  std::string error, path;
  // Validated by Agent_OnLoad already.
  parseOptions(agent.profile.optionText.c_str(), &options, &error);
  if (!resolveOutputPath(options.file, &path, &error) ||
      !startProfile(agent, jni, options, agent.profile.optionText, path, true, &error)) {
    report(error + "; not profiling");
  }
}

void JNICALL onVMDeath(jvmtiEnv*, JNIEnv* jni) { finishAtExit(*g_agent, jni); }

void JNICALL onThreadStart(jvmtiEnv* jvmti, JNIEnv* jni, jthread thread) {
  g_agent->registry.javaThreadStarted(currentTid(), threadName(jvmti, jni, thread));
}

void JNICALL onThreadEnd(jvmtiEnv*, JNIEnv*, jthread) { g_agent->registry.javaThreadEnded(currentTid()); }

void JNICALL onClassLoad(jvmtiEnv*, JNIEnv*, jthread, jclass) {}

void JNICALL onClassPrepare(jvmtiEnv* jvmti, JNIEnv*, jthread, jclass klass) {
  Symbols::createMethodIds(jvmti, klass);
}

void JNICALL onSampledObjectAlloc(jvmtiEnv* jvmti, JNIEnv* jni, jthread, jobject object, jclass klass, jlong size) {
  g_agent->alloc.onAlloc(jvmti, jni, object, klass, size);
}

void JNICALL onMonitorContendedEnter(jvmtiEnv* jvmti, JNIEnv*, jthread, jobject) {
  g_agent->lock.onContendedEnter(jvmti);
}

void JNICALL onMonitorContendedEntered(jvmtiEnv* jvmti, JNIEnv* jni, jthread, jobject object) {
  g_agent->lock.onContendedEntered(jvmti, jni, object);
}

// Enabled only for what enabling it makes HotSpot do (see setProfileEvents).
void JNICALL onCompiledMethodLoad(jvmtiEnv*, jmethodID, jint, const void*, jint, const jvmtiAddrLocationMap*,
                                  const void*) {}

bool createAgent(JavaVM* vm, std::string* error) {
  jvmtiEnv* jvmti = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&jvmti), JVMTI_VERSION_1_2) != JNI_OK || jvmti == nullptr) {
    *error = "this JVM offers no JVMTI 1.2 environment";
    return false;
  }
  auto asyncGetCallTrace = reinterpret_cast<AsyncGetCallTraceFn>(dlsym(RTLD_DEFAULT, "AsyncGetCallTrace"));
  if (asyncGetCallTrace == nullptr) {
    *error = "this JVM does not export AsyncGetCallTrace (jflame needs a HotSpot JVM)";
    return false;
  }

  jvmtiCapabilities capabilities;
  std::memset(&capabilities, 0, sizeof(capabilities));
  capabilities.can_get_line_numbers = 1;
  capabilities.can_get_source_file_name = 1;
  jvmtiError jerr = jvmti->AddCapabilities(&capabilities);
  if (jerr != JVMTI_ERROR_NONE) {
    *error = "cannot add JVMTI capabilities: " + jvmtiErrorText(jvmti, jerr);
    return false;
  }
  // Asked for on its own: without it only inlined frames lose precision.
  std::memset(&capabilities, 0, sizeof(capabilities));
  capabilities.can_generate_compiled_method_load_events = 1;
  bool compiledMethodLoad = jvmti->AddCapabilities(&capabilities) == JVMTI_ERROR_NONE;

  jvmtiEventCallbacks callbacks;
  std::memset(&callbacks, 0, sizeof(callbacks));
  callbacks.VMInit = onVMInit;
  callbacks.VMDeath = onVMDeath;
  callbacks.ThreadStart = onThreadStart;
  callbacks.ThreadEnd = onThreadEnd;
  callbacks.ClassLoad = onClassLoad;
  callbacks.ClassPrepare = onClassPrepare;
  callbacks.CompiledMethodLoad = onCompiledMethodLoad;
  callbacks.SampledObjectAlloc = onSampledObjectAlloc;
  callbacks.MonitorContendedEnter = onMonitorContendedEnter;
  callbacks.MonitorContendedEntered = onMonitorContendedEntered;
  jerr = jvmti->SetEventCallbacks(&callbacks, sizeof(callbacks));
  if (jerr != JVMTI_ERROR_NONE) {
    *error = "cannot set JVMTI callbacks: " + jvmtiErrorText(jvmti, jerr);
    return false;
  }

  // From here on the agent exists, whatever happens next: callbacks point into it.
  g_agent = std::make_unique<Agent>().release();
  Agent& agent = *g_agent;
  agent.vm = vm;
  agent.jvmti = jvmti;
  agent.asyncGetCallTrace = asyncGetCallTrace;
  agent.compiledMethodLoad = compiledMethodLoad;

  // Thread events stay on for good, cheap as they are: they name threads and keep the
  // engine armed for new ones. VMInit matters only when loaded at start.
  return setEventModes(jvmti, JVMTI_ENABLE,
                       {JVMTI_EVENT_VM_INIT, JVMTI_EVENT_VM_DEATH, JVMTI_EVENT_THREAD_START,
                        JVMTI_EVENT_THREAD_END},
                       error);
}

jint load(JavaVM* vm, const char* optionText) {
  if (g_agent != nullptr) {
    report("already loaded in this JVM; ignoring the second -agentpath");
    return JNI_OK;
  }
  Options options;
  std::string error, path;
  if (!parseOptions(optionText, &options, &error) || !resolveOutputPath(options.file, &path, &error)) {
    report(error);
    return JNI_ERR;
  }
  if (options.actionGiven && options.action != Action::kStart) {
    report(std::string("invalid option '") + actionName(options.action) +
           "': only an agent loaded into a running JVM takes stop, dump or status");
    return JNI_ERR;
  }
  if (!createAgent(vm, &error)) {
    report(error);
    return JNI_ERR;
  }
  g_agent->profile.optionText = optionText != nullptr ? optionText : "";
  warnIfUnwritable(path);
  return JNI_OK;
}

}  // namespace

extern "C" {

JNIEXPORT jint JNICALL Agent_OnLoad(JavaVM* vm, char* options, void*) { return load(vm, options); }

JNIEXPORT jint JNICALL Agent_OnAttach(JavaVM* vm, char* options, void*) { return handleAttach(vm, options); }

// Nothing to release: the JVM is exiting, and handlers may still fire.
JNIEXPORT void JNICALL Agent_OnUnload(JavaVM*) {}

}  // extern "C"
