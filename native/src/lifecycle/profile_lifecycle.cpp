#include "lifecycle/profile_lifecycle.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <vector>

#include "lifecycle/java_thread_names.h"
#include "lifecycle/jvmti_calls.h"
#include "lifecycle/method_id_walk.h"
#include "output/profile_writer.h"
#include "sampling/engine_factory.h"
#include "sampling/signal_handler.h"
#include "stacks/stack_memory.h"
#include "store/sample_log.h"
#include "support/agent_thread.h"
#include "support/monotonic_clock.h"
#include "support/process_clock.h"
#include "support/thread_clock.h"
#include "symbols/elf_symbols.h"
#include "symbols/native_frame_names.h"
#include "symbols/symbols.h"

namespace {

constexpr int kDrainTimeoutMs = 2000;
// How often the code map looks for libraries loaded or unloaded (dl_iterate_phdr's
// counters: one cheap call when nothing changed).
constexpr int kCodeMapWatchMs = 50;

std::string absolutePath(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[4096];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

// --- Starting ------------------------------------------------------------------------

// libjvm's loaded object and the symbols read from it, in one pass over its symbol table
// (a pass per symbol cost 2 ms each at every start).
const Agent::JvmSymbols& jvmSymbols(Agent& agent) {
  Agent::JvmSymbols& symbols = agent.jvmSymbols;
  if (symbols.looked) return symbols;
  symbols.looked = true;
  symbols.loaded = findLoadedObject("libjvm.so", &symbols.jvm);
  if (!symbols.loaded) return symbols;
  // `_thread_key`: a file-static `pthread_key_t` in threadLocalStorage_posix.cpp, which
  // C++ mangles as an internal-linkage name.
  std::vector<uint64_t> values = findElfSymbols(
      symbols.jvm.path,
      {"_SafeFetch32_fault", "_SafeFetchN_fault", "_ZL11_thread_key", "_thread_key", "DebugNonSafepoints"});
  symbols.safeFetch32Fault = values[0];
  symbols.safeFetchNFault = values[1];
  symbols.threadKey = values[2] != 0 ? values[2] : values[3];
  symbols.debugNonSafepoints = values[4];
  return symbols;
}

// Narrows crash recovery to faults in libjvm's code, except its SafeFetch probes, which
// AsyncGetCallTrace uses on purpose and the JVM's own handler resumes from.
void narrowCrashGuard(Agent& agent) {
  const Agent::JvmSymbols& symbols = jvmSymbols(agent);
  if (!symbols.loaded) {
    agent.guardScope = "any fault inside AsyncGetCallTrace (libjvm.so not found)";
    return;
  }
  const LoadedObject& jvm = symbols.jvm;
  uintptr_t safeFetch[2] = {};
  int found = 0;
  for (uint64_t offset : {symbols.safeFetch32Fault, symbols.safeFetchNFault}) {
    if (offset != 0) safeFetch[found++] = jvm.base + offset;
  }
  agent.guard.protectOnlyCodeIn(jvm.codeStart, jvm.codeEnd, safeFetch, found);
  agent.guardScope = "libjvm.so code" + std::string(found == 2 ? ", SafeFetch chained"
                                                                : ", SafeFetch symbols not found");
}

// Once per agent, on a JavaThread (`jni` is its JNIEnv): how the handler tells
// JavaThreads without calling into the JVM (java_thread_env.h).
void findJavaThreads(Agent& agent, JNIEnv* jni) {
  if (agent.javaThreads.ready() || !agent.javaThreadsProblem.empty()) return;
  uintptr_t key = 0;
  const Agent::JvmSymbols& symbols = jvmSymbols(agent);
  if (symbols.loaded && symbols.threadKey != 0) key = symbols.jvm.base + symbols.threadKey;
  std::string why;
  if (!agent.javaThreads.init(jni, key, &why)) {
    agent.javaThreadsProblem = why;
    report(why + "; every thread is sampled as a native thread, without Java frames");
  }
}

// nativestacks=: the code map and its watch, for as long as sampling runs. The first
// refresh (unwind tables of every loaded object, ~0.3 s for libjvm's) runs on the watch's
// thread, so a start does not wait for it; samples taken before it have no native frames.
void startCodeMapWatch(Agent& agent, const Options& options) {
  if (options.nativeStacks == NativeStacks::kOff) return;
  if (agent.codeMap == nullptr) agent.codeMap = std::make_unique<CodeMap>();
  PeriodicThread::Work work;
  work.begin = [&agent] {
    agent.codeMap->refresh();
    return true;
  };
  work.tick = [&agent] { agent.codeMap->refresh(); };
  std::string why;
  if (!agent.codeMapWatch.start("code map watch", "jflame-codemap", kCodeMapWatchMs, std::move(work), &why) &&
      agent.profile.verbose) {
    report(why + "; libraries loaded from now on get no native frames");
    agent.codeMap->refresh();
  }
}

// HotSpot records debug information at non-safepoint pcs (which a sample in compiled code
// needs to name the inlined method it is in) for code compiled while -XX:+DebugNonSafepoints
// is on, or while an agent has CompiledMethodLoad enabled. The event costs more: HotSpot
// then builds an address map of every method it compiles and posts it from its Service
// Thread (about 2 % of javac's CPU time in all). Where libjvm's symbol table gives the
// flag's address (a C++ bool), jflame turns the flag on instead, once, before it would
// enable the event; elsewhere the event stays the way.
void recordNonSafepoints(Agent& agent) {
  const Agent::JvmSymbols& symbols = jvmSymbols(agent);
  if (symbols.loaded && symbols.debugNonSafepoints != 0) {
    volatile bool* flag = reinterpret_cast<volatile bool*>(symbols.jvm.base + symbols.debugNonSafepoints);
    agent.nonSafepoints = *flag ? "DebugNonSafepoints was on" : "DebugNonSafepoints turned on by jflame";
    *flag = true;
    agent.nonSafepointsByFlag = true;
    return;
  }
  agent.nonSafepoints = agent.compiledMethodLoad ? "CompiledMethodLoad enabled (DebugNonSafepoints not found)"
                                                 : "none: no CompiledMethodLoad, DebugNonSafepoints not found";
}

// The events a running profile needs. ClassLoad: AsyncGetCallTrace reports
// ticks_no_class_load unless it is enabled. ClassPrepare: method ids for new classes.
// CompiledMethodLoad: while it is enabled HotSpot records debug information at
// non-safepoint pcs too (as -XX:+DebugNonSafepoints does), so that code compiled from
// now on charges inlined frames correctly; code compiled before stays less precise.
bool setProfileEvents(Agent& agent, jvmtiEventMode mode, std::string* error) {
  std::vector<jvmtiEvent> events = {JVMTI_EVENT_CLASS_PREPARE, JVMTI_EVENT_CLASS_LOAD};
  if (agent.compiledMethodLoad && !agent.nonSafepointsByFlag) events.push_back(JVMTI_EVENT_COMPILED_METHOD_LOAD);
  return setEventModes(agent.jvmti, mode, events, error);
}

// Whether the profile can show the name of a thread that has ended, so that threads must
// be named as they start (ThreadRegistry::setNamesAtStart). A time profile names threads
// in `threads` root frames, in JFR's thread records, and in the one frame of a sample
// without Java frames (cpu, ctimer, itimer: GC and JIT threads, a Java thread in the JVM's
// own code); event=wall drops such samples (they say nothing about Java code), so without
// `threads` or JFR it shows no thread's name. Event profiles (alloc, lock; also the only
// ones of event=alloc or event=lock) name a thread in an event without frames.
bool namesThreadsAtStart(const Options& options) {
  bool eventProfile = options.allocBytes != 0 || options.lock;
  return options.threads || options.jfr || eventProfile || options.event != EventKind::kWall;
}

// ThreadStart/ThreadEnd: on only while a profile runs (each costs every thread start a JVMTI
// call, a /proc read and a mutex). Enabled first, then the live threads named: a thread
// started meanwhile is named by one or the other.
bool startThreadEvents(Agent& agent, JNIEnv* jni, std::string* error) {
  if (!setEventModes(agent.jvmti, JVMTI_ENABLE, {JVMTI_EVENT_THREAD_START, JVMTI_EVENT_THREAD_END}, error)) {
    return false;
  }
  for (const auto& thread : liveJavaThreadNames(agent.jvmti, jni)) {
    agent.registry.javaThreadStarted(thread.first, thread.second);
  }
  return true;
}

void stopThreadEvents(Agent& agent) {
  std::string ignored;  // disabling cannot fail (setEventModes)
  setEventModes(agent.jvmti, JVMTI_DISABLE, {JVMTI_EVENT_THREAD_START, JVMTI_EVENT_THREAD_END}, &ignored);
}

// The Java feature release (8 for "1.8", 17 for "17"), 0 if unknown. From the properties
// the VM itself sets: JVMTI does not see java.specification.version, which Java code sets.
int javaFeatureVersion(jvmtiEnv* jvmti) {
  std::string spec = systemProperty(jvmti, "java.vm.specification.version");
  if (spec.empty()) spec = systemProperty(jvmti, "java.vm.version");  // "17.0.9+9-..."
  if (spec.rfind("1.", 0) == 0) spec = spec.substr(2);
  return std::atoi(spec.c_str());
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
  // Again at each start: a stop takes it away (stopSampling).
  if (!agent.guard.installed() && !agent.guard.install()) {
    *error = "cannot install the SIGSEGV/SIGBUS crash guard";
    return false;
  }
  if (!agent.guardInstalled) {
    narrowCrashGuard(agent);
    CodeAddressRange stackRead = stackReadCode();
    agent.guard.alsoProtect(stackRead.begin, stackRead.end);
    agent.guardScope += ", jflame's stack reads";
    // HotSpot recovers only SafeFetch faults itself. JDK 17u marks a thread as inside
    // AsyncGetCallTrace by hand, and its next completed call clears the mark a recovery
    // left; later JDKs restore it by a scoped guard the recovery jumps over, so the mark
    // stays for good: there a recovered thread is not walked again (crash_guard.h). JDKs
    // 18-20 are treated like the later ones.
    int feature = javaFeatureVersion(agent.jvmti);
    agent.guard.abandonThreadsAfterJvmRecovery(feature == 0 || feature > 17);
    agent.guardScope += agent.guard.abandonsThreadsAfterJvmRecovery()
                            ? ", a thread with a fault recovered in libjvm is not Java-walked again"
                            : ", a thread with a fault recovered is walked again (JDK 17 clears its mark)";
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

// alloc and lock samples go to the JFR log too when the output is JFR (log non-null).
void logEventProfiles(Agent& agent, const Options& options, SampleLog* log) {
  if (options.allocBytes != 0 && agent.alloc.profile() != nullptr) {
    agent.alloc.profile()->logTo(log, SampleLog::kAlloc);
  }
  if (options.lock && agent.lock.profile() != nullptr) agent.lock.profile()->logTo(log, SampleLog::kLock);
}

// The JFR writer's thread, reading the stores this profile records into.
bool startJfr(Agent& agent, const Options& options, const std::string& path, uint64_t startNs, std::string* error) {
  JfrWriter::Config config;
  config.vm = agent.vm;
  config.jvmti = agent.jvmti;
  config.path = path;
  config.chunkNs = options.chunkNs;
  config.startNs = startNs;
  config.lines = options.lines;
  config.wall = options.event == EventKind::kWall;
  config.states = options.states;
  config.time = options.timed ? agent.profile.store.get() : nullptr;
  config.alloc = options.allocBytes != 0 ? agent.alloc.profile() : nullptr;
  config.lock = options.lock ? agent.lock.profile() : nullptr;
  config.threadName = [&agent](int tid) { return agent.registry.nameOf(tid); };
  config.knownMethods = [&agent](jmethodID id, bool lines, Symbols::Method* out) {
    return agent.namer.lookup(id, lines, out);
  };
  // The code map exists by the time frames are named (it is made before sampling starts).
  config.nativeName = [&agent](uint64_t id) {
    return agent.codeMap != nullptr ? nativeFrameName(*agent.codeMap, id) : std::string();
  };
  return agent.jfr.start(std::move(config), error);
}

// How far a start got before it failed: undoStart() takes back exactly those steps,
// last first, so a failed start leaves the JVM as it found it.
enum class StartStep { kEvents, kEventProfiles, kEngine, kSampler };

bool undoStart(Agent& agent, StartStep reached) {
  switch (reached) {
    case StartStep::kSampler:
      sampler::disableAndDrain(kDrainTimeoutMs);
      [[fallthrough]];
    case StartStep::kEngine:
      agent.codeMapWatch.stop();  // a no-op unless this start got as far as starting it
      agent.profile.engine->stop();
      [[fallthrough]];
    case StartStep::kEventProfiles:
      stopEventProfiles(agent);
      [[fallthrough]];
    case StartStep::kEvents: {
      std::string ignored;  // disabling cannot fail (setEventModes)
      setProfileEvents(agent, JVMTI_DISABLE, &ignored);
      stopThreadEvents(agent);
    }
  }
  return false;
}

// checkpoint=: one write of the whole profile so far, on the checkpoint thread.
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

}  // namespace

bool installSamplingHandler(Agent& agent, int signo, std::string* error) {
  return installHandlers(agent, signo, error);
}

bool setSamplingEvents(Agent& agent, bool enable, std::string* error) {
  return setProfileEvents(agent, enable ? JVMTI_ENABLE : JVMTI_DISABLE, error);
}

uint64_t createMethodIdsForLoadedClasses(Agent& agent, JNIEnv* jni) {
  return walkLoadedClasses(agent.vm, agent.jvmti, jni).classes;
}

void prepareStackWalks(Agent& agent, JNIEnv* jni) {
  findJavaThreads(agent, jni);
  if (agent.codeMap == nullptr) agent.codeMap = std::make_unique<CodeMap>();
  if (!agent.codeMapWatch.running()) agent.codeMap->refresh();
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

bool startProfile(Agent& agent, JNIEnv* jni, const Options& options, const std::string& optionText,
                  const std::string& outputPath, bool verbose, std::string* error) {
  uint64_t requestStart = monotonicNs();
  uint64_t requestCpuStart = thread_clock::ofCaller();
  if (agent.jvmName.empty()) {
    agent.jvmName = systemProperty(agent.jvmti, "java.vm.name") + " " +
                    systemProperty(agent.jvmti, "java.vm.version");
  }
  int signo = samplingSignal(options);
  if (options.timed && !installHandlers(agent, signo, error)) return false;
  if (options.timed && agent.signalDeliveryNs == 0) agent.signalDeliveryNs = sampler::measureDeliveryNs(signo);
  if (agent.nonSafepoints.empty()) recordNonSafepoints(agent);

  Profile& profile = agent.profile;
  bool keep = options.accumulate && profile.store != nullptr;
  if (keep && !sameSampling(profile.options, options)) {
    *error = "accumulate needs the sampling options of the previous profile (" +
             describeSampling(profile.options) + "), got " + describeSampling(options);
    return false;
  }
  agent.registry.setNamesAtStart(namesThreadsAtStart(options));
  // Events first, then the walk: a class prepared meanwhile is covered by one or the other.
  if (!setProfileEvents(agent, JVMTI_ENABLE, error) || !startThreadEvents(agent, jni, error)) {
    return undoStart(agent, StartStep::kEvents);
  }
  // The caller's own CPU during the walk (the whole walk when it fell back to this thread,
  // next to nothing while it waits for the walker) is left out of start_cpu_ns: the walk has
  // its own key.
  uint64_t walkCpuStart = thread_clock::ofCaller();
  MethodIdWalk walk = walkLoadedClasses(agent.vm, agent.jvmti, jni);
  uint64_t walkCpuNs = thread_clock::ofCaller() - walkCpuStart;

  if (!keep) {
    // Sized by stacks= (options.h): a table that grows would need a resize no signal
    // handler may see half done; a full one drops samples and counts them (drop_reasons).
    auto store = std::make_unique<TraceStore>(options.stacks, traceStoreFrames(options));
    if (!store->ok()) {
      *error = "cannot reserve memory for the trace store";
      return undoStart(agent, StartStep::kEvents);
    }
    profile.store = std::move(store);  // the previous one is unused: handlers drained at its stop
    ++profile.storeGeneration;
    agent.stats.reset();
    agent.nativeStats.reset();
    profile.earlierNs = 0;
    profile.earlierAgentThreadsByName.clear();
    profile.earlierCallbackNs = 0;
    profile.earlierThreadSetupNs = 0;
  }
  profile.options = options;
  profile.optionText = optionText;
  profile.outputPath = outputPath;
  profile.verbose = verbose;
  profile.classes = walk.classes;
  profile.methodIdsNs = walk.ns;
  profile.methodIdsWhere = walk.where;
  // JFR output: the log is emptied before anything can push to it, tick 0 is now.
  SampleLog* log = nullptr;
  uint64_t recordingStartNs = monotonicNs();
  if (options.jfr && (log = agent.jfr.prepareLog(error)) == nullptr) return undoStart(agent, StartStep::kEvents);
  if (!startEventProfiles(agent, jni, options, !keep, error)) return undoStart(agent, StartStep::kEvents);
  logEventProfiles(agent, options, log);
  if (!options.timed) {
    profile.engine.reset();
    if (options.jfr && !startJfr(agent, options, outputPath, recordingStartNs, error)) {
      return undoStart(agent, StartStep::kEventProfiles);
    }
    profile.startNs = monotonicNs();
    profile.startRequestNs = monotonicNs() - requestStart;
    profile.startCpuNs = thread_clock::ofCaller() - requestCpuStart - walkCpuNs;
    agent.running = true;
    startCheckpoints(agent, options);
    return true;
  }
  if (!startEngine(agent, profile, error)) return undoStart(agent, StartStep::kEventProfiles);

  profile.store->prefault();  // before the first signal; the method namer keeps it ahead
  findJavaThreads(agent, jni);
  startCodeMapWatch(agent, options);
  SamplerConfig config;
  config.asyncGetCallTrace = agent.asyncGetCallTrace;
  config.javaThreads = &agent.javaThreads;
  config.codeMap = options.nativeStacks != NativeStacks::kOff ? agent.codeMap.get() : nullptr;
  config.nativeStacks = options.nativeStacks;
  config.nativeStats = &agent.nativeStats;
  config.kernelStacks = profile.engine->kernelStacks();
  config.engine = profile.engine.get();
  config.store = profile.store.get();
  config.stats = &agent.stats;
  config.guard = &agent.guard;
  config.depth = options.depth;
  config.threads = options.threads;
  config.lines = options.lines;
  config.log = log;
  if (!sampler::configure(config, error)) return undoStart(agent, StartStep::kEngine);
  sampler::enable();
  profile.startNs = monotonicNs();
  profile.agentThreadsByNameAtStart = agentThreadsCpuByName();
  profile.callbackNsAtStart = agent.callbackNs.load(std::memory_order_relaxed);
  profile.threadSetupNsAtStart = agent.registry.threadSetupNs();
  if (options.jfr && !startJfr(agent, options, outputPath, recordingStartNs, error)) {
    return undoStart(agent, StartStep::kSampler);
  }
  if (!agent.registry.start(profile.engine.get(), error)) {
    if (options.jfr) agent.jfr.abandon();
    return undoStart(agent, StartStep::kSampler);
  }
  std::string why;
  if (!agent.namer.start(agent.vm, agent.jvmti, profile.store.get(), options.lines, &why) && verbose) {
    report(why + "; methods of classes unloaded before the profile is written will not be named");
  }
  if (!agent.watch.start(signo, verbose, &why, &agent.guard) && verbose) report(why);
  profile.cpuAtStartNs = processCpuNs();
  profile.startRequestNs = monotonicNs() - requestStart;
  profile.startCpuNs = thread_clock::ofCaller() - requestCpuStart - walkCpuNs;
  agent.running = true;
  startCheckpoints(agent, options);
  return true;
}

bool drainThenDisarm(ThreadRegistry& registry, int drainTimeoutMs) {
  // Drain first: a handler in flight may have loaded its thread's perf fd or timer id
  // and be about to ioctl/timer_settime it; released under it, the fd number may already
  // name another file of the JVM's. Signals raised meanwhile find `enabled` clear and
  // touch nothing of the engine.
  if (!sampler::disableAndDrain(drainTimeoutMs)) {
    // A handler still inside may use any handle: release none (the engine stays armed,
    // its signals ignored, for the rest of the process; stopSampling refuses new starts).
    return false;
  }
  registry.stop();
  return true;
}

bool stopSampling(Agent& agent, std::string* error) {
  agent.checkpoint.stop();  // first: it writes what the rest below stops
  bool drained = true;
  if (agent.profile.options.timed) drained = drainThenDisarm(agent.registry, kDrainTimeoutMs);
  drained = stopEventProfiles(agent) && drained;
  agent.namer.stop();  // before VMDeath returns: it is attached to the JVM
  agent.codeMapWatch.stop();
  agent.watch.check();
  agent.watch.stop();
  agent.profile.cpuNs = processCpuNs() - agent.profile.cpuAtStartNs;
  agent.running = false;
  agent.profile.earlierNs += monotonicNs() - agent.profile.startNs;
  for (const auto& [name, ns] : agentThreadsSinceStart(agent.profile.agentThreadsByNameAtStart)) {
    agent.profile.earlierAgentThreadsByName[name] += ns;
  }
  agent.profile.earlierCallbackNs += agent.callbackNs.load(std::memory_order_relaxed) - agent.profile.callbackNsAtStart;
  agent.profile.earlierThreadSetupNs += agent.registry.threadSetupNs() - agent.profile.threadSetupNsAtStart;
  std::string ignored;
  setProfileEvents(agent, JVMTI_DISABLE, &ignored);
  stopThreadEvents(agent);
  // No walk runs any more (drained): the JVM's own faults go straight to its handler again.
  if (drained) agent.guard.uninstall();
  if (!drained) {
    *error = "signal handlers or event callbacks still running after " + std::to_string(kDrainTimeoutMs) +
             " ms; not reading the trace store";
    agent.vmDead = true;  // refuse any later request: the store and engine stay as they are
  }
  return drained;
}

void finishAtExit(Agent& agent, JNIEnv* jni) {
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
