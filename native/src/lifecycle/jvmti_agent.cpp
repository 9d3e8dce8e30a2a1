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

constexpr size_t kMaxTraces = 65536;
constexpr size_t kMaxFrames = 4 * 1024 * 1024;
constexpr int kDrainTimeoutMs = 2000;

int currentTid() { return static_cast<int>(syscall(SYS_gettid)); }

// Leaked on purpose: signal handlers and JVM threads may outlive static destructors, and
// the library is linked -z nodelete for the same reason.
Agent* g_agent = nullptr;

std::string absolutePath(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[4096];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

bool resolveOutputPath(const std::string& pattern, std::string* path, std::string* error) {
  std::string expanded, why;
  if (!expandFilePattern(pattern, getpid(), &expanded, &why)) {
    *error = "invalid option 'file=" + pattern + "': file " + why;
    return false;
  }
  *path = absolutePath(expanded);
  return true;
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

uint64_t createIdsForLoadedClasses(jvmtiEnv* jvmti, JNIEnv* jni) {
  jint count = 0;
  jclass* classes = nullptr;
  if (jvmti->GetLoadedClasses(&count, &classes) != JVMTI_ERROR_NONE) return 0;
  for (jint i = 0; i < count; ++i) {
    // Classes not yet prepared fail here and come through ClassPrepare later.
    Symbols::createMethodIds(jvmti, classes[i]);
    if (jni != nullptr) jni->DeleteLocalRef(classes[i]);
  }
  jvmti->Deallocate(reinterpret_cast<unsigned char*>(classes));
  return static_cast<uint64_t>(count);
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

// The events a running profile needs. ClassLoad: AsyncGetCallTrace reports
// ticks_no_class_load unless it is enabled. ClassPrepare: method ids for new classes.
// CompiledMethodLoad: while it is enabled HotSpot records debug information at
// non-safepoint pcs too (as -XX:+DebugNonSafepoints does), so that code compiled from
// now on charges inlined frames correctly; code compiled before stays less precise.
bool setProfileEvents(Agent& agent, jvmtiEventMode mode, std::string* error) {
  std::vector<jvmtiEvent> events = {JVMTI_EVENT_CLASS_PREPARE, JVMTI_EVENT_CLASS_LOAD};
  if (agent.compiledMethodLoad) events.push_back(JVMTI_EVENT_COMPILED_METHOD_LOAD);
  return setEventModes(agent.jvmti, mode, events, error);
}

bool startEngine(Agent& agent, Profile& profile, std::string* error) {
  profile.engine = makeEngine(profile.options, &agent.jitter, &profile.fallback);
  if (!profile.fallback.empty() && profile.verbose) report(profile.fallback + "; falling back to event=ctimer");
  std::string why;
  if (!profile.engine->start(&why)) {
    *error = "cannot start event=" + std::string(profile.engine->name()) + ": " + why;
    profile.engine.reset();
    return false;
  }
  return true;
}

// Once per process: the crash guard in front of the JVM's handlers (installed by now,
// whether at VMInit or at attach); once per signal: the sampling handler.
bool installHandlers(Agent& agent, int signo, std::string* error) {
  if (!agent.guardInstalled) {
    if (!agent.guard.install()) {
      *error = "cannot install the SIGSEGV/SIGBUS crash guard";
      return false;
    }
    narrowCrashGuard(agent);
    agent.guardInstalled = true;
  }
  return sampler::install(signo, error);
}

// alloc and lock: JVMTI events rather than signals, each in its own unit.
bool stopEventProfiles(Agent& agent) {
  bool drained = true;
  if (agent.profile.options.allocBytes != 0) drained = agent.alloc.stop(agent.jvmti) && drained;
  if (agent.profile.options.lock) drained = agent.lock.stop(agent.jvmti) && drained;
  return drained;
}

bool startEventProfiles(Agent& agent, JNIEnv* jni, const Options& options, bool fresh, std::string* error) {
  if (options.allocBytes != 0 && !agent.allocCapable) agent.allocCapable = AllocSampler::addCapability(agent.jvmti);
  if (options.lock && !agent.lockCapable) agent.lockCapable = LockTracker::addCapability(agent.jvmti);
  if (options.allocBytes != 0 && !agent.allocCapable) {
    *error = "this JVM cannot sample allocations (SampledObjectAlloc needs JDK 11 or later)";
    return false;
  }
  if (options.lock && !agent.lockCapable) {
    *error = "this JVM does not post monitor contention events to agents";
    return false;
  }
  if (options.allocBytes != 0 &&
      !agent.alloc.start(agent.jvmti, jni, options.allocBytes, options.live, options.depth, options.lines,
                         options.threads, fresh, error)) {
    return false;
  }
  if (options.lock && !agent.lock.start(agent.jvmti, options.lockThresholdNs, options.depth, options.lines,
                                        options.threads, fresh, error)) {
    if (options.allocBytes != 0) agent.alloc.stop(agent.jvmti);
    return false;
  }
  return true;
}

// checkpoint=: one write of the whole profile so far, on the checkpoint thread.
void writeCheckpoint(Agent& agent, JNIEnv* jni);

void startCheckpoints(Agent& agent, const Options& options) {
  agent.checkpointsWritten = 0;
  agent.checkpointFailed = false;
  if (options.checkpointNs == 0) return;
  std::string why;
  if (!agent.checkpoint.start(agent.vm, options.checkpointNs,
                              [&agent](JNIEnv* jni) { writeCheckpoint(agent, jni); }, &why) &&
      agent.profile.verbose) {
    report(why + "; the profile will be written only at the end");
  }
}

// Starts sampling as `options` say. Called with the lifecycle mutex held, not running.
bool startProfile(Agent& agent, JNIEnv* jni, const Options& options, const std::string& optionText,
                  const std::string& outputPath, bool verbose, std::string* error) {
  uint64_t requestStart = monotonicNs();
  if (agent.jvmName.empty()) {
    agent.jvmName = systemProperty(agent.jvmti, "java.vm.name") + " " +
                    systemProperty(agent.jvmti, "java.vm.version");
  }
  int signo = options.event == EventKind::kWall ? wallSignal(options) : SIGPROF;
  if (options.timed && !installHandlers(agent, signo, error)) return false;

  Profile& profile = agent.profile;
  bool keep = options.accumulate && profile.store != nullptr;
  if (keep && !sameSampling(profile.options, options)) {
    *error = "accumulate needs the sampling options of the previous profile (" +
             describeSampling(profile.options) + "), got " + describeSampling(options);
    return false;
  }
  // Events first, then the walk: a class prepared meanwhile is covered by one or the other.
  if (!setProfileEvents(agent, JVMTI_ENABLE, error)) {
    setProfileEvents(agent, JVMTI_DISABLE, error);
    return false;
  }
  uint64_t walkStart = monotonicNs();
  uint64_t classes = createIdsForLoadedClasses(agent.jvmti, jni);
  uint64_t walkNs = monotonicNs() - walkStart;

  if (!keep) {
    auto store = std::make_unique<TraceStore>(kMaxTraces, kMaxFrames);
    if (!store->ok()) {
      *error = "cannot reserve memory for the trace store";
      setProfileEvents(agent, JVMTI_DISABLE, error);
      return false;
    }
    profile.store = std::move(store);  // the previous one is unused: handlers drained at its stop
    agent.stats.reset();
    profile.earlierNs = 0;
    profile.earlierAgentThreadsNs = 0;
  }
  profile.options = options;
  profile.optionText = optionText;
  profile.outputPath = outputPath;
  profile.verbose = verbose;
  profile.classes = classes;
  profile.methodIdsNs = walkNs;
  if (!startEventProfiles(agent, jni, options, !keep, error)) {
    setProfileEvents(agent, JVMTI_DISABLE, error);
    return false;
  }
  if (!options.timed) {
    profile.engine.reset();
    profile.startNs = monotonicNs();
    profile.startRequestNs = monotonicNs() - requestStart;
    agent.running = true;
    startCheckpoints(agent, options);
    return true;
  }
  if (!startEngine(agent, profile, error)) {
    stopEventProfiles(agent);
    setProfileEvents(agent, JVMTI_DISABLE, error);
    return false;
  }

  profile.store->prefault();  // before the first signal; the method namer keeps it ahead
  SamplerConfig config;
  config.vm = agent.vm;
  config.asyncGetCallTrace = agent.asyncGetCallTrace;
  config.engine = profile.engine.get();
  config.store = profile.store.get();
  config.stats = &agent.stats;
  config.guard = &agent.guard;
  config.depth = options.depth;
  config.threads = options.threads;
  config.lines = options.lines;
  if (!sampler::configure(config, error)) {
    profile.engine->stop();
    stopEventProfiles(agent);
    setProfileEvents(agent, JVMTI_DISABLE, error);
    return false;
  }
  sampler::enable();
  profile.startNs = monotonicNs();
  profile.agentThreadsNsAtStart = agentThreadsCpuNs();
  if (!agent.registry.start(profile.engine.get(), error)) {
    sampler::disableAndDrain(kDrainTimeoutMs);
    profile.engine->stop();
    stopEventProfiles(agent);
    setProfileEvents(agent, JVMTI_DISABLE, error);
    return false;
  }
  std::string why;
  if (!agent.namer.start(agent.vm, agent.jvmti, profile.store.get(), options.lines, &why) && verbose) {
    report(why + "; methods of classes unloaded before the profile is written will not be named");
  }
  if (!agent.watch.start(signo, verbose, &why) && verbose) report(why);
  profile.cpuAtStartNs = processCpuNs();
  profile.startRequestNs = monotonicNs() - requestStart;
  agent.running = true;
  startCheckpoints(agent, options);
  return true;
}

// --- Stopping and writing ------------------------------------------------------------

// Disarms every timer and waits for the handlers in flight. False if they did not drain:
// then the store must not be read, nor anything freed, and no new start is allowed.
bool stopSampling(Agent& agent, std::string* error) {
  agent.checkpoint.stop();  // first: it writes what the rest below stops
  bool drained = true;
  if (agent.profile.options.timed) {
    agent.registry.stop();  // no new signals: engine disarmed for every thread
    drained = sampler::disableAndDrain(kDrainTimeoutMs);
  }
  drained = stopEventProfiles(agent) && drained;
  agent.namer.stop();  // before VMDeath returns: it is attached to the JVM
  agent.watch.check();
  agent.watch.stop();
  agent.profile.cpuNs = processCpuNs() - agent.profile.cpuAtStartNs;
  agent.running = false;
  agent.profile.earlierNs += monotonicNs() - agent.profile.startNs;
  agent.profile.earlierAgentThreadsNs += agentThreadsCpuNs() - agent.profile.agentThreadsNsAtStart;
  std::string ignored;
  setProfileEvents(agent, JVMTI_DISABLE, &ignored);
  if (!drained) {
    *error = "signal handlers or event callbacks still running after " + std::to_string(kDrainTimeoutMs) +
             " ms; not reading the trace store";
    agent.vmDead = true;  // refuse any later request: the store and engine stay as they are
  }
  return drained;
}

void writeCheckpoint(Agent& agent, JNIEnv* jni) {
  // A stop holding the lock joins this thread: wait for it only briefly (an attach
  // request holds it for milliseconds; a skipped checkpoint is retried a period later).
  std::unique_lock<std::timed_mutex> lock(agent.lifecycle, std::chrono::milliseconds(200));
  if (!lock.owns_lock() || !agent.running || agent.vmDead) return;
  std::string summary, error;
  agent.inCheckpoint = true;
  bool written = writeProfile(agent, jni, agent.profile.outputPath, &summary, &error);
  agent.inCheckpoint = false;
  if (written) {
    ++agent.checkpointsWritten;
  } else if (agent.profile.verbose && !agent.checkpointFailed) {
    report("checkpoint NOT written: " + error + " (later failures are not reported)");
  }
  agent.checkpointFailed = agent.checkpointFailed || !written;
}

void finishAtExit(JNIEnv* jni) {
  Agent& agent = *g_agent;
  std::lock_guard<std::timed_mutex> lock(agent.lifecycle);
  bool wasRunning = agent.running && !agent.vmDead;
  agent.vmDead = true;
  if (!wasRunning) return;
  const bool verbose = agent.profile.verbose;
  std::string error, summary;
  if (!stopSampling(agent, &error)) {
    if (verbose) report(error);
    return;
  }
  const std::string& path = agent.profile.outputPath;
  bool written = writeProfile(agent, jni, path, &summary, &error);
  bool several = profileKinds(agent.profile.options).size() > 1;
  if (verbose) report(summary + (written ? several ? "" : ", wrote " + path : ", NOT written: " + error));
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

void JNICALL onVMDeath(jvmtiEnv*, JNIEnv* jni) { finishAtExit(jni); }

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
