#pragma once

#include <jni.h>

#include <cstdint>
#include <string>

#include "stacks/java_walk.h"
#include "stacks/mixed_walk.h"

class Engine;
class SampleLog;
class Stats;
class TraceStore;

// The sampler: the handler of the engine's signal (SIGPROF, or SIGVTALRM for event=wall).
// On each signal from the engine it walks the interrupted thread's stack, native frames
// and (for JavaThreads, through AsyncGetCallTrace) Java frames, see mixed_walk.h, and
// counts it in the trace store. Everything slow (names, files) happens later on a normal
// thread.
//
// Signal-safety rules kept here: no malloc, no locks, no stdio, no exceptions, no JVMTI
// or JNI besides AsyncGetCallTrace on a JavaThread, no thread_local (its first touch in a
// dlopen'ed library may allocate); per-thread state lives in tid-indexed tables and
// frame buffers in a pool pre-allocated at configure().

struct SamplerConfig {
  AsyncGetCallTraceFn asyncGetCallTrace = nullptr;
  const JavaThreadEnv* javaThreads = nullptr;  // tells JavaThreads (may not be ready)
  const CodeMap* codeMap = nullptr;            // loaded code, for native frames
  NativeStacks nativeStacks = NativeStacks::kDwarf;
  NativeWalkStats* nativeStats = nullptr;
  const KernelStacks* kernelStacks = nullptr;  // the engine's kernel frames, if any
  Engine* engine = nullptr;
  TraceStore* store = nullptr;
  Stats* stats = nullptr;
  CrashGuard* guard = nullptr;
  uint32_t depth = 2048;
  bool threads = false;  // add a [thread] root frame
  bool lines = false;    // keep bytecode indexes (otherwise frames of a method are one key)
  SampleLog* log = nullptr;  // JFR output: each counted sample also logged with its time
};

namespace sampler {

// Installs the handler for `signo` (SIGPROF, or event=wall's signal), once per process
// and signal. It stays installed for good: a signal raised before a stop may still
// arrive after it, and the default action of SIGPROF or SIGVTALRM would end the process.
// Sampling stays disabled until configure() and enable(). Lifecycle mutex held.
bool install(int signo, std::string* error);

// Sets what the handler samples with, (re)allocating the frame buffers for its depth.
// Only while disabled and drained (before the first enable(), or after disableAndDrain()
// returned true): no handler reads the configuration then, so the previous engine, store
// and buffers may be freed once this returns.
bool configure(const SamplerConfig& config, std::string* error);

void enable();

// Stops recording, then waits (bounded) until no handler is running any more. True if
// the handlers drained; after that the store may be read and the engine freed.
bool disableAndDrain(int timeoutMs);

// The sample buffers configure() commits: how many for `cpus` CPUs the process may run
// on, and the bytes of one buffer of `framesPerBuffer` frames.
uint32_t bufferCount(uint32_t cpus, uint32_t framesPerBuffer);
uint64_t bufferBytes(uint32_t framesPerBuffer);

// Signals the handler took while enabled, since the last configure().
uint64_t signalsReceived();

// The CPU time one signal costs the thread it interrupts outside the handler (the kernel's
// delivery and the return from it), measured by sending `signo` to the calling thread a
// few dozen times while sampling is off; 0 when it cannot be measured here (sampling on,
// the handler not installed, or the signal blocked on this thread). An estimate: a perf
// event's overflow takes another way into the kernel than tgkill does.
uint64_t measureDeliveryNs(int signo);

// Whether the handler of `signo` is still ours: an application or library may install
// its own afterwards (sigaction), and then no sample arrives any more.
bool stillInstalled(int signo);

}  // namespace sampler
