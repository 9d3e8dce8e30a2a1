#include "output/profile_writer.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>

#include "output/atomic_file.h"
#include "output/collapsed_writer.h"
#include "sampling/engine.h"
#include "stacks/kernel_stack.h"
#include "sampling/signal_handler.h"
#include "sampling/signal_watch.h"
#include "stacks/virtual_threads.h"
#include "support/process_clock.h"
#include "symbols/kallsyms.h"
#include "symbols/native_frame_names.h"
#include "symbols/symbols.h"

namespace {

// "N, first at libjvm.so+0x5a1f30 (Symbol)" for the header: each recovery skipped the rest
// of the JVM code it interrupted (issue: HotSpot itself recovers only SafeFetch), so how
// many and where the first was are worth a bug report.
std::string crashRecoveries(const CrashGuard& guard) {
  uint64_t count = guard.recovered();
  uintptr_t pc = guard.firstRecoveredPc();
  if (count == 0 || pc == 0) return std::to_string(count);
  char where[64];
  std::snprintf(where, sizeof(where), "0x%lx", static_cast<unsigned long>(pc));
  std::string text = std::to_string(count) + ", first at " + where;
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(pc), &info) != 0 && info.dli_fname != nullptr) {
    std::string file = info.dli_fname;
    size_t slash = file.rfind('/');
    if (slash != std::string::npos) file = file.substr(slash + 1);
    std::snprintf(where, sizeof(where), "+0x%lx",
                  static_cast<unsigned long>(pc - reinterpret_cast<uintptr_t>(info.dli_fbase)));
    text = std::to_string(count) + ", first at " + file + where;
    if (info.dli_sname != nullptr) text += std::string(" (") + info.dli_sname + ")";
  }
  if (guard.threadsAbandoned() != 0) {
    text += ", " + std::to_string(guard.threadsAbandoned()) + " thread(s) no longer Java-walked";
  }
  return text;
}

}  // namespace

CollapsedWriter collectStacks(Agent& agent, JNIEnv* jni, uint64_t* unknownMethods, const StackCountFn& countOf) {
  Symbols symbols(agent.jvmti, jni, agent.profile.options.lines,
                  [&agent](int tid) { return agent.registry.nameOf(tid); },
                  [&agent](jmethodID id, bool lines, Symbols::Method* out) {
                    return agent.namer.lookup(id, lines, out);
                  });
  if (agent.codeMap != nullptr) {
    const CodeMap& map = *agent.codeMap;
    symbols.nameNativeWith([&map](uint64_t id) { return nativeFrameName(map, id); });
  }
  const KernelStacks* kernel = agent.profile.engine != nullptr ? agent.profile.engine->kernelStacks() : nullptr;
  if (kernel != nullptr && kernel->symbols() != nullptr) {
    const Kallsyms* kallsyms = kernel->symbols();
    symbols.nameKernelWith([kallsyms](uint64_t start) { return kallsyms->nameOf(start); });
  }
  CollapsedWriter writer;
  std::vector<std::string> names;
  const Options& options = agent.profile.options;
  agent.profile.store->forEach([&](const Frame* frames, uint32_t count, uint64_t samples) {
    if (countOf) samples = countOf(frames, count, samples);
    if (samples == 0) return;
    names.clear();
    // A wall sample's leaf is its [state]: named from the kernel's letter and the leaf
    // Java frame together, filtered by state=, left out with nostate.
    uint32_t leaf = 0;
    std::string state;
    if (count > 0 && frames[0].kind == FrameKind::kThreadState) {
      ThreadState s = symbols.threadState(frames, count);
      if ((options.states & (1u << static_cast<uint32_t>(s))) == 0) return;
      if (!options.noState) state = std::string("[") + threadStateName(s) + "]";
      leaf = 1;
    }
    for (uint32_t i = count; i > leaf; --i) names.push_back(symbols.frameName(frames[i - 1]));
    markMissingContinuationFrames(&names);
    if (!state.empty()) names.push_back(state);
    writer.add(names, samples);
  });
  *unknownMethods = symbols.unknownMethods();
  return writer;
}

namespace {

// checkpoint=: how often, and whether this file is one of those writes or the final one.
std::string checkpointFact(const Agent& agent) {
  std::string every = "every " + std::to_string(agent.profile.options.checkpointNs / 1'000'000'000) + " s, ";
  if (agent.inCheckpoint) return every + "this file is checkpoint " + std::to_string(agent.checkpointsWritten + 1);
  return every + std::to_string(agent.checkpointsWritten) + " checkpoints written before this write";
}

// nativestacks=: the unwinder, its tables' memory and how the walks ended.
std::string nativeStacksFact(const Agent& agent) {
  NativeStacks mode = agent.profile.options.nativeStacks;
  std::string fact = nativeStacksName(mode);
  if (mode == NativeStacks::kOff || agent.codeMap == nullptr) return fact;
  size_t objects = agent.codeMap->libraries().size();
  char memory[160];
  std::snprintf(memory, sizeof(memory), ", unwind tables %.1f MB for %zu objects, symbols %.1f MB",
                static_cast<double>(agent.codeMap->tableBytes() + agent.codeMap->snapshotBytes()) / 1e6, objects,
                static_cast<double>(agent.codeMap->symbolBytes()) / 1e6);
  return fact + memory + ", walks ended: " + agent.nativeStats.summary();
}

// What every kind's header starts with: how long, which JVM, which process, which options.
CollapsedWriter::Header headerFor(const Agent& agent, const std::string& event) {
  CollapsedWriter::Header header;
  header.event = event;
  header.durationMs = sampledNs(agent) / 1'000'000;
  header.jvm = agent.jvmName;
  header.extra.emplace_back("pid", std::to_string(getpid()));
  header.extra.emplace_back("options", agent.profile.optionText.empty() ? "(defaults)" : agent.profile.optionText);
  return header;
}

// What the agent's profile cost the process in CPU time, by part: its own account.
struct OwnCost {
  uint64_t handlersNs = 0;   // the signal handlers (from the CPU-timed ones, Stats)
  uint64_t signals = 0;
  uint64_t deliveryNs = 0;   // signals x the measured cost of one delivery
  uint64_t threadsNs = 0;    // the agent's own threads
  uint64_t callbacksNs = 0;  // JVMTI callbacks on the application's threads
  uint64_t threadSetupNs = 0;  // threads armed and disarmed (ThreadRegistry)
  uint64_t methodIdsNs = 0;  // the walk of loaded classes at the last start
  uint64_t startNs = 0;      // the rest of the last start, on the thread that made it
  uint64_t total() const {
    return handlersNs + deliveryNs + threadsNs + callbacksNs + threadSetupNs + methodIdsNs + startNs;
  }
};

OwnCost ownCost(const Agent& agent) {
  OwnCost cost;
  cost.handlersNs = agent.stats.handlerCpuNsEstimate();
  cost.signals = sampler::signalsReceived();
  cost.deliveryNs = cost.signals * agent.signalDeliveryNs;
  cost.threadsNs = agentThreadsNs(agent);
  cost.callbacksNs = callbacksNs(agent);
  cost.threadSetupNs = threadSetupNs(agent);
  cost.methodIdsNs = agent.profile.methodIdsNs;
  cost.startNs = agent.profile.startCpuNs;
  return cost;
}

// Writes the time event's profile so far to `path`; *summary gets the one-line account of it.
bool writeTimeProfile(Agent& agent, JNIEnv* jni, const std::string& path, std::string* summary,
                  std::string* error) {
  const Profile& profile = agent.profile;
  uint64_t unknownMethods = 0;
  CollapsedWriter writer = collectStacks(agent, jni, &unknownMethods);
  const TraceStore& store = *profile.store;
  const Stats& stats = agent.stats;
  uint64_t drops = store.droppedTotal() + stats.noBuffers();

  CollapsedWriter::Header header =
      headerFor(agent, profile.engine != nullptr ? profile.engine->name() : eventName(profile.options.event));
  header.intervalNs = profile.options.intervalNs;
  header.drops = drops;
  header.failedWalks = stats.failedWalksSummary();
  header.handlerNsMean = stats.handlerNsMean();
  if (!profile.fallback.empty()) header.extra.emplace_back("fallback", profile.fallback + ", used ctimer");
  if (profile.engine != nullptr && profile.engine->cpuTimeCounted() != nullptr) {
    header.extra.emplace_back("cpu_time", profile.engine->cpuTimeCounted());
  }
  std::string nonJava = std::to_string(stats.threadOnly());
  if (stats.threadOnlyUnwalked() != 0) {
    nonJava += " (" + std::to_string(stats.threadOnlyUnwalked()) + " dropped before a native walk)";
  }
  header.extra.emplace_back("non_java_samples", nonJava);
  if (drops != 0) {
    header.extra.emplace_back(
        "drop_reasons", "table_full=" + std::to_string(store.dropped(TraceStore::Result::kTableFull)) +
                            " arena_full=" + std::to_string(store.dropped(TraceStore::Result::kArenaFull)) +
                            " contended=" + std::to_string(store.dropped(TraceStore::Result::kContended)) +
                            " no_buffer=" + std::to_string(stats.noBuffers()));
  }
  header.extra.emplace_back("handler_ns_p99", std::to_string(stats.handlerNsP99()));
  header.extra.emplace_back("handler_ns_max", std::to_string(stats.handlerNsMax()));
  header.extra.emplace_back("handler_ns_total", std::to_string(stats.handlerNsTotal()));
  header.extra.emplace_back("agent_threads_ns", std::to_string(agentThreadsNs(agent)));
  std::string byName;
  for (const auto& [name, ns] : agentThreadsNsByName(agent)) {
    byName += (byName.empty() ? "" : ", ") + (name.empty() ? std::string("?") : name) + " " + formatMs(ns) + " ms";
  }
  if (!byName.empty()) header.extra.emplace_back("agent_threads", byName);
  OwnCost cost = ownCost(agent);
  header.extra.emplace_back("handler_cpu_ns_est", std::to_string(cost.handlersNs));
  header.extra.emplace_back("signal_delivery_ns", std::to_string(agent.signalDeliveryNs) + " per signal, " +
                                                      std::to_string(cost.deliveryNs) + " for " +
                                                      std::to_string(cost.signals) + " signals");
  header.extra.emplace_back("jvmti_callbacks_ns", std::to_string(cost.callbacksNs));
  header.extra.emplace_back("thread_setup_ns", std::to_string(cost.threadSetupNs));
  header.extra.emplace_back("method_ids_walk_ns", std::to_string(cost.methodIdsNs));
  header.extra.emplace_back("method_ids_walk_thread", agent.profile.methodIdsWhere);
  header.extra.emplace_back("start_cpu_ns", std::to_string(cost.startNs));
  header.extra.emplace_back("overhead_ns_total", std::to_string(cost.total()));
  header.extra.emplace_back("debug_non_safepoints", agent.nonSafepoints);
  header.extra.emplace_back("distinct_traces", std::to_string(store.distinctTraces()));
  header.extra.emplace_back("threads_seen", std::to_string(agent.registry.threadsSeen()));
  header.extra.emplace_back("threads_armed_at_birth", std::to_string(agent.registry.threadsArmedAtBirth()));
  if (profile.engine != nullptr && profile.engine->armFailures() != 0) {
    header.extra.emplace_back("arm_failures", std::to_string(profile.engine->armFailures()));
  }
  if (unknownMethods != 0) header.extra.emplace_back("unknown_methods", std::to_string(unknownMethods));
  header.extra.emplace_back("methods_named_early", std::to_string(agent.namer.named()) + " (" +
                                                       std::to_string(agent.namer.alreadyUnloaded()) +
                                                       " were unloaded before the namer saw them)");
  header.extra.emplace_back("namer_looks", std::to_string(agent.namer.looks()));
  header.extra.emplace_back("namer_attaches", std::to_string(agent.namer.attaches()));
  header.extra.emplace_back("crash_guard", agent.guardScope);
  std::string recoveries = crashRecoveries(agent.guard);
  header.extra.emplace_back("crash_recoveries", recoveries);
  header.extra.emplace_back("java_threads", agent.javaThreads.ready() ? std::string("told by ") + agent.javaThreads.how()
                                                                      : agent.javaThreadsProblem);
  header.extra.emplace_back("native_stacks", nativeStacksFact(agent));
  if (profile.engine != nullptr && !profile.engine->kernelFramesFact().empty()) {
    header.extra.emplace_back("kernel_frames", profile.engine->kernelFramesFact());
  }
  if (profile.options.checkpointNs != 0) header.extra.emplace_back("checkpoint", checkpointFact(agent));
  if (agent.running) agent.watch.check();
  std::string warnings = agent.watch.replacedMessage();
  if (agent.guard.recovered() != 0) {
    warnings = "faults recovered in stack walks: " + recoveries + (warnings.empty() ? "" : "; " + warnings);
  }
  if (!warnings.empty()) header.extra.emplace_back("signal_handler", warnings);
  if (header.event == "cpu" || header.event == "itimer") {
    uint64_t cpuNs = agent.running ? processCpuNs() - profile.cpuAtStartNs : profile.cpuNs;
    // The agent's own threads never take a sampling signal (they block them): their CPU
    // time, such as the unwind tables' first build, is no signal that went missing.
    uint64_t ownNs = agentThreadsNs(agent);
    uint64_t sampledCpuNs = cpuNs > ownNs ? cpuNs - ownNs : 0;
    std::string delivery =
        SignalWatch::deliveryMessage(sampler::signalsReceived(), sampledCpuNs, profile.options.intervalNs);
    header.extra.emplace_back("signals_received", std::to_string(sampler::signalsReceived()) + " for " +
                                                      formatMs(cpuNs) + " ms of process CPU time");
    if (!delivery.empty()) {
      header.extra.emplace_back("signal_delivery", delivery);
      warnings += (warnings.empty() ? "" : "; ") + delivery;
    }
  }

  char handler[96];
  std::snprintf(handler, sizeof(handler), "handler %.1f us/sample mean, %.1f us p99",
                static_cast<double>(stats.handlerNsMean()) / 1000.0,
                static_cast<double>(stats.handlerNsP99()) / 1000.0);
  *summary = std::to_string(writer.samples()) + " samples, " + std::to_string(drops) +
             " dropped, failed walks: " + header.failedWalks + ", " + handler + ", own cost " +
             formatMs(cost.total()) + " ms CPU (handlers " + formatMs(cost.handlersNs) + ", signal delivery " +
             formatMs(cost.deliveryNs) + ", agent threads " + formatMs(cost.threadsNs) + ", thread set-up " + formatMs(cost.threadSetupNs) + ", JVMTI callbacks " +
             formatMs(cost.callbacksNs + cost.methodIdsNs) + ", start " + formatMs(cost.startNs) + ")" + (warnings.empty() ? "" : "; warning: " + warnings);
  return writer.write(path, header, error);
}

// Writes the alloc or lock profile so far to `path`.
bool writeEventProfile(Agent& agent, JNIEnv* jni, const std::string& kind, const std::string& path,
                       std::string* summary, std::string* error) {
  const Profile& profile = agent.profile;
  bool alloc = kind == "alloc";
  if (alloc) agent.alloc.prepareToWrite(agent.jvmti, jni);
  Symbols symbols(agent.jvmti, jni, profile.options.lines, [&agent](int tid) { return agent.registry.nameOf(tid); });
  CollapsedWriter writer;
  if (alloc) {
    agent.alloc.collect(symbols, &writer);
  } else {
    agent.lock.collect(symbols, &writer);
  }
  CollapsedWriter::Header header = headerFor(agent, kind);
  header.units = alloc ? "bytes" : "ns";
  header.intervalKey = alloc ? "interval_bytes" : "threshold_ns";
  header.intervalNs = alloc ? agent.alloc.intervalBytes() : agent.lock.thresholdNs();
  header.drops = alloc ? agent.alloc.drops() : agent.lock.drops();
  if (alloc && agent.alloc.live()) {
    header.extra.emplace_back("live", "objects still reachable after a forced GC at the dump: " +
                                          std::to_string(agent.alloc.liveObjects()));
  }
  if (symbols.unknownMethods() != 0) {
    header.extra.emplace_back("unknown_methods", std::to_string(symbols.unknownMethods()));
  }
  if (profile.options.checkpointNs != 0) header.extra.emplace_back("checkpoint", checkpointFact(agent));
  *summary = std::to_string(writer.samples()) + (alloc ? " bytes from " : " ns in ") +
             (alloc ? agent.alloc.summary() : agent.lock.summary());
  return writer.write(path, header, error);
}

// Copies a finished recording to `path` (a dump or stop that names another file), through a
// temp file and a rename like every other output, a megabyte at a time.
bool copyFileAtomically(const std::string& from, const std::string& path, std::string* error) {
  FILE* in = std::fopen(from.c_str(), "rb");
  if (in == nullptr) {
    *error = "cannot read " + from;
    return false;
  }
  bool readError = false;
  bool ok = writeFileAtomically(path, [&](std::string* piece) {
    piece->resize(1 << 20);
    size_t n = std::fread(&(*piece)[0], 1, piece->size(), in);
    piece->resize(n);
    readError = readError || std::ferror(in) != 0;
    return n != 0;
  }, error);
  std::fclose(in);
  if (ok && readError) *error = "cannot read " + from;
  return ok && !readError;
}

// JFR output: the recording's chunks are already in its file; a dump ends the current chunk
// there, a stop (or the JVM's end) writes the last one.
bool writeJfrProfile(Agent& agent, JNIEnv* jni, const std::string& path, std::string* summary, std::string* error,
                     std::vector<std::string>* written) {
  const Profile& profile = agent.profile;
  bool ok = agent.running ? agent.jfr.flush(jni, error) : agent.jfr.finish(jni, error);
  if (ok && path != agent.jfr.path()) ok = copyFileAtomically(agent.jfr.path(), path, error);
  std::string parts;
  if (profile.options.timed) {
    const Stats& stats = agent.stats;
    char handler[96];
    std::snprintf(handler, sizeof(handler), "handler CPU %.1f us/sample mean, %.1f us p99",
                  static_cast<double>(stats.handlerNsMean()) / 1000.0,
                  static_cast<double>(stats.handlerNsP99()) / 1000.0);
    parts = std::to_string(stats.recorded()) + " samples, " +
            std::to_string(profile.store->droppedTotal() + stats.noBuffers()) + " dropped, failed walks: " +
            stats.failedWalksSummary() + ", " + handler + ", agent threads " + formatMs(agentThreadsNs(agent)) +
            " ms CPU";
  }
  if (profile.options.allocBytes != 0) parts += (parts.empty() ? "" : "; ") + ("alloc: " + agent.alloc.summary());
  if (profile.options.lock) parts += (parts.empty() ? "" : "; ") + ("lock: " + agent.lock.summary());
  *summary = parts + "; " + agent.jfr.summary();
  if (ok && written != nullptr) written->push_back(path);
  return ok;
}

}  // namespace

std::string formatMs(uint64_t ns) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.1f", static_cast<double>(ns) / 1e6);
  return buffer;
}

bool writeProfile(Agent& agent, JNIEnv* jni, const std::string& path, std::string* summary,
                  std::string* error, std::vector<std::string>* written) {
  if (agent.profile.options.jfr) return writeJfrProfile(agent, jni, path, summary, error, written);
  std::vector<std::string> kinds = profileKinds(agent.profile.options);
  bool ok = true;
  summary->clear();
  for (const std::string& kind : kinds) {
    std::string file = kinds.size() > 1 ? kindFilePath(path, kind) : path;
    std::string part, why;
    bool timeKind = kind != "alloc" && kind != "lock";
    bool done = timeKind ? writeTimeProfile(agent, jni, file, &part, &why)
                         : writeEventProfile(agent, jni, kind, file, &part, &why);
    if (kinds.size() > 1) part = kind + ": " + part + (done ? ", wrote " + file : "");
    if (!done) {
      ok = false;
      *error += (error->empty() ? "" : "; ") + why;
    } else if (written != nullptr) {
      written->push_back(file);
    }
    *summary += (summary->empty() ? "" : "; ") + part;
  }
  return ok;
}
