#include "lifecycle/live_counts.h"

#include <algorithm>

#include "lifecycle/agent.h"
#include "output/collapsed_writer.h"
#include "output/profile_writer.h"
#include "sampling/thread_registry.h"
#include "support/monotonic_clock.h"
#include "support/process_clock.h"

bool LiveCounts::answer(Agent& agent, JNIEnv* jni, const std::string& path,
                        std::vector<std::pair<std::string, std::string>>* facts, std::string* error) {
  const Profile& profile = agent.profile;
  if (!agent.running || profile.store == nullptr) {
    *error = "not profiling";
    return false;
  }
  if (!profile.options.timed) {
    *error = "the running profile records " + std::string(eventName(profile.options.event)) +
             " events only; live counts need a time profile (cpu, ctimer, itimer, wall)";
    return false;
  }
  ++requests_;
  auto found = askers_.find(path);
  if (found == askers_.end() && askers_.size() >= kMaxAskers) {
    // One that stopped asking (a `top` killed by SIGKILL): forget the least recent.
    askers_.erase(std::min_element(askers_.begin(), askers_.end(), [](const auto& a, const auto& b) {
      return a.second.lastUse < b.second.lastUse;
    }));
  }
  Baseline& base = askers_[path];
  if (base.generation != profile.storeGeneration) {
    // A fresh profile: its counts all came after the asker's last look.
    base = Baseline();
    base.generation = profile.storeGeneration;
    base.atNs = profile.startNs;
    base.cpuNs = profile.cpuAtStartNs;
    base.agentThreadsNs = agentThreadsNs(agent);
  }
  base.lastUse = requests_;

  uint64_t unknownMethods = 0;
  CollapsedWriter writer =
      collectStacks(agent, jni, &unknownMethods, [&base](const Frame* frames, uint32_t, uint64_t samples) {
        uint64_t& seen = base.traces[frames];
        uint64_t grown = samples > seen ? samples - seen : 0;
        seen = samples;
        return grown;
      });
  uint64_t now = monotonicNs();
  const Stats& stats = agent.stats;
  uint64_t drops = profile.store->droppedTotal() + stats.noBuffers();
  uint64_t cpu = processCpuNs();
  uint64_t agentThreads = agentThreadsNs(agent);

  CollapsedWriter::Header header;
  header.event = profile.engine != nullptr ? profile.engine->name() : eventName(profile.options.event);
  header.intervalNs = profile.options.intervalNs;
  header.durationMs = (now - base.atNs) / 1'000'000;
  header.jvm = agent.jvmName;
  header.drops = drops - std::min(drops, base.drops);
  if (!writer.write(path, header, error)) return false;

  auto add = [facts](const char* key, uint64_t value) { facts->emplace_back(key, std::to_string(value)); };
  auto delta = [](uint64_t now, uint64_t before) { return now > before ? now - before : 0; };
  add("window_ms", (now - base.atNs) / 1'000'000);
  add("window_samples", writer.samples());
  add("handler_ns", delta(stats.handlerNsTotal(), base.handlerNs));
  add("handler_calls", delta(stats.handlerCalls(), base.handlerCalls));
  add("drops", delta(drops, base.drops));
  add("cpu_ns", delta(cpu, base.cpuNs));
  add("agent_threads_ns", delta(agentThreads, base.agentThreadsNs));
  add("samples", stats.recorded());
  add("elapsed_ms", sampledNs(agent) / 1'000'000);
  add("threads", ThreadRegistry::listTasks().size());
  facts->emplace_back("event", header.event);
  add("interval_ns", profile.options.intervalNs);
  facts->emplace_back("thread_frames", profile.options.threads ? "yes" : "no");
  base.handlerNs = stats.handlerNsTotal();
  base.handlerCalls = stats.handlerCalls();
  base.drops = drops;
  base.cpuNs = cpu;
  base.agentThreadsNs = agentThreads;
  base.atNs = now;
  return true;
}
