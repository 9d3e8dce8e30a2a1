// The JVMTI entry points of libjflame.so (the only symbols it exports, exports.map) and
// the event callbacks they register.
//
// Loaded at start (-agentpath, Agent_OnLoad): options are parsed and events requested;
// VMInit starts the profile, VMDeath stops it and writes the collapsed file
// (profile_lifecycle.h).
//
// Loaded into a running JVM (Agent_OnAttach), any number of times: each load is a
// request, answered by attach_request.h. The process-wide part (JVMTI environment,
// capabilities, callbacks, the Agent) is created once, by whichever load comes first.
//
// VMInit, the attach listener thread and VMDeath are serialised by the agent's
// lifecycle mutex; the signal handler never takes it.

#include <dlfcn.h>
#include <jni.h>
#include <jvmti.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "lifecycle/agent.h"
#include "lifecycle/attach_request.h"
#include "lifecycle/jvmti_calls.h"
#include "lifecycle/options.h"
#include "lifecycle/profile_lifecycle.h"
#include "sampling/signal_handler.h"
#include "support/agent_thread.h"
#include "support/sampled_cpu_timer.h"
#include "support/thread_clock.h"
#include "support/thread_id.h"
#include "symbols/symbols.h"

namespace {

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

// --- JVMTI callbacks -----------------------------------------------------------------

void JNICALL onVMInit(jvmtiEnv* jvmti, JNIEnv* jni, jthread thread) {
  Agent& agent = *g_agent;
  agent.registry.javaThreadStarted(callerTid(), threadName(jvmti, jni, thread));
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
  // The agent's own threads attach for a while now and then (the method namer at each look
  // that names something): nothing to name, arm or read from /proc for them.
  int tid = callerTid();
  if (isAgentThread(tid)) return;
  // The name's cost is a callback's; the registry times its own part (threadSetupNs). On
  // one thread in eight: the clock is two system calls per thread (SampledCpuTimer).
  std::string name;
  if (g_agent->registry.namesAtStart()) {
    SampledCpuTimer timed(&g_agent->callbackNs, &g_agent->threadStartCalls, 8);
    name = threadName(jvmti, jni, thread);
  }
  g_agent->registry.javaThreadStarted(tid, name);
}

void JNICALL onThreadEnd(jvmtiEnv*, JNIEnv*, jthread) {
  int tid = callerTid();
  if (!isAgentThread(tid)) g_agent->registry.javaThreadEnded(tid);
}

void JNICALL onClassLoad(jvmtiEnv*, JNIEnv*, jthread, jclass) {}

void JNICALL onClassPrepare(jvmtiEnv* jvmti, JNIEnv*, jthread, jclass klass) {
  // Timed on the thread's CPU clock for the profile's account of its cost: two system
  // calls, a few percent of what creating the class's method ids costs.
  uint64_t start = thread_clock::ofCaller();
  Symbols::createMethodIds(jvmti, klass);
  g_agent->callbackNs.fetch_add(thread_clock::ofCaller() - start, std::memory_order_relaxed);
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

  // VMInit matters only when loaded at start. ThreadStart/ThreadEnd are on only while a
  // profile runs (profile_lifecycle.cpp): a stopped agent costs a thread start nothing.
  return setEventModes(jvmti, JVMTI_ENABLE, {JVMTI_EVENT_VM_INIT, JVMTI_EVENT_VM_DEATH}, error);
}

// The one agent of this process; the first attach request creates it.
Agent* existingOrNewAgent(JavaVM* vm, std::string* error) {
  if (g_agent == nullptr && !createAgent(vm, error)) return nullptr;
  return g_agent;
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

JNIEXPORT jint JNICALL Agent_OnAttach(JavaVM* vm, char* options, void*) {
  return answerAttachRequest(vm, options, existingOrNewAgent);
}

// Nothing to release: the JVM is exiting, and handlers may still fire.
JNIEXPORT void JNICALL Agent_OnUnload(JavaVM*) {}

}  // extern "C"
