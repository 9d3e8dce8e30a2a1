#pragma once

#include <jvmti.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lifecycle/checkpoint_thread.h"
#include "lifecycle/live_counts.h"
#include "lifecycle/options.h"
#include "output/jfr_writer.h"
#include "sampling/alloc_sampler.h"
#include "sampling/engine.h"
#include "sampling/jitter.h"
#include "sampling/lock_tracker.h"
#include "sampling/signal_handler.h"
#include "sampling/signal_watch.h"
#include "sampling/stats.h"
#include "sampling/thread_registry.h"
#include "stacks/code_map.h"
#include "stacks/crash_guard.h"
#include "stacks/java_thread_env.h"
#include "stacks/mixed_walk.h"
#include "store/trace_store.h"
#include "support/periodic_thread.h"
#include "symbols/elf_symbols.h"
#include "symbols/method_namer.h"

// The agent's state, shared by the units of its lifecycle (entry points, start/stop,
// attach requests) and by the profile writer. One Agent per process, created at the
// first load and never freed (jvmti_agent.cpp); everything in it but the sampler's own
// flags is touched only with `lifecycle` held.

// One profile: what a start asked for and what it recorded.
struct Profile {
  Options options;
  std::string optionText;
  std::string outputPath;   // where VMDeath writes it
  bool verbose = true;      // messages to the JVM's stderr (no status file to carry them)
  std::unique_ptr<TraceStore> store;
  std::unique_ptr<Engine> engine;
  std::string fallback;     // why event=cpu became ctimer, if it did
  uint64_t startNs = 0;
  uint64_t earlierNs = 0;   // sampled time of earlier starts accumulated into this profile
  // CPU time of the agent's own threads (rescan, wall sampler) by thread name
  // (agentThreadsCpuByName): at this start, and the total of earlier starts, like
  // startNs/earlierNs. The totals are their sums.
  std::map<std::string, uint64_t> agentThreadsByNameAtStart;
  std::map<std::string, uint64_t> earlierAgentThreadsByName;
  // The same for the agent's JVMTI callbacks on the application's threads (Agent::callbackNs).
  uint64_t callbackNsAtStart = 0;
  uint64_t earlierCallbackNs = 0;
  // And for the threads' own set-up and tear-down in the registry (ThreadRegistry::threadSetupNs).
  uint64_t threadSetupNsAtStart = 0;
  uint64_t earlierThreadSetupNs = 0;
  uint64_t classes = 0;     // loaded classes walked for method ids at the last start
  uint64_t methodIdsNs = 0; // CPU time that walk took
  std::string methodIdsWhere;  // the thread it ran on (method_id_walk.h)
  uint64_t startRequestNs = 0;
  // CPU time the last start took on the thread that made it, without the method-id walk:
  // the crash guard, /proc/kallsyms, libjvm's symbols, perf events, buffers committed.
  uint64_t startCpuNs = 0;
  uint64_t cpuAtStartNs = 0;  // the process's CPU time at the last start
  uint64_t cpuNs = 0;         // ... and from there to the stop
  uint64_t storeGeneration = 0;  // one more for each fresh store: live counts start over
};

struct Agent {
  Agent();

  std::timed_mutex lifecycle;  // timed: a checkpoint gives up waiting for it (checkpoint_thread.h)
  JavaVM* vm = nullptr;
  jvmtiEnv* jvmti = nullptr;
  AsyncGetCallTraceFn asyncGetCallTrace = nullptr;
  bool compiledMethodLoad = false;  // the capability was granted
  // The libjvm symbols the agent reads (profile_lifecycle.cpp's jvmSymbols): looked up
  // together once, since each look-up reads the whole of libjvm's symbol table.
  struct JvmSymbols {
    bool looked = false;
    bool loaded = false;  // libjvm.so found among the loaded objects: `jvm` is valid
    LoadedObject jvm;
    uint64_t safeFetch32Fault = 0;   // offsets from jvm.base; 0 when absent
    uint64_t safeFetchNFault = 0;
    uint64_t threadKey = 0;
    uint64_t debugNonSafepoints = 0;
  } jvmSymbols;
  // Debug information at non-safepoint pcs: how it is had (see recordNonSafepoints in
  // profile_lifecycle.cpp); true once the JVM's own flag is on, and then CompiledMethodLoad
  // need not be enabled.
  bool nonSafepointsByFlag = false;
  std::string nonSafepoints;
  // CPU time of the agent's JVMTI callbacks on the application's threads (ClassPrepare:
  // method ids for every method of every class), thread CPU clock, since the agent loaded.
  std::atomic<uint64_t> callbackNs{0};
  std::atomic<uint32_t> threadStartCalls{0};  // which ThreadStart callbacks are timed
  // What one sampling signal costs the interrupted thread outside the handler, measured
  // at the first start that could (sampler::measureDeliveryNs); 0 if not measured.
  uint64_t signalDeliveryNs = 0;
  Jitter jitter;
  Stats stats;
  CrashGuard guard;
  bool guardInstalled = false;
  std::string guardScope;
  ThreadRegistry registry;
  // How the handler tells JavaThreads (found at the first timed start), or why it cannot.
  JavaThreadEnv javaThreads;
  std::string javaThreadsProblem;
  // The loaded code, for native frames: created at the first start that wants them and
  // never freed (a pending signal's handler may still read it), kept current by its watch
  // while sampling, so libraries dlopen'ed later are unwound and named.
  std::unique_ptr<CodeMap> codeMap;
  PeriodicThread codeMapWatch;
  NativeWalkStats nativeStats;
  MethodNamer namer;
  SignalWatch watch;
  CheckpointThread checkpoint;
  LiveCounts live;  // what each `jflame top PID` has been sent so far
  uint64_t checkpointsWritten = 0;  // by this profile's checkpoint thread
  bool inCheckpoint = false;        // the write in progress is a checkpoint
  bool checkpointFailed = false;    // reported once per profile, not every period
  std::string jvmName;
  Profile profile;
  AllocSampler alloc;        // alloc and lock live as long as the agent: JVMTI callbacks
  LockTracker lock;          // may still be inside them when a profile stops
  JfrWriter jfr;             // JFR output: its sample log outlives every profile likewise
  bool allocCapable = false;  // the capabilities were granted (asked for at the first start
  bool lockCapable = false;   // that needs them: a CPU-only profile leaves the JVM as it was)
  bool running = false;
  bool vmDead = false;
};

// A message to the JVM's stderr, prefixed "jflame: ".
void report(const std::string& line);

// Wall-clock time sampled so far by this profile, earlier accumulated starts included.
uint64_t sampledNs(const Agent& agent);

// CPU time of the agent's own threads during this profile, likewise.
uint64_t agentThreadsNs(const Agent& agent);
// The CPU time of the agent's threads by name since `atStart` was taken (agentThreadsCpuByName).
std::map<std::string, uint64_t> agentThreadsSinceStart(const std::map<std::string, uint64_t>& atStart);
// The same as agentThreadsNs by thread name, largest first; threads that spent nothing are left out.
std::vector<std::pair<std::string, uint64_t>> agentThreadsNsByName(const Agent& agent);
// CPU time of the agent's JVMTI callbacks during the profile (all its starts).
uint64_t callbacksNs(const Agent& agent);
// CPU time threads spent being armed and disarmed during the profile (all its starts).
uint64_t threadSetupNs(const Agent& agent);
