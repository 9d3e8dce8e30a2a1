#include "lifecycle/agent.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "support/agent_thread.h"
#include "support/monotonic_clock.h"

Agent::Agent() : jitter(monotonicNs() ^ (static_cast<uint64_t>(getpid()) << 32)) {}

void report(const std::string& line) { std::fprintf(stderr, "jflame: %s\n", line.c_str()); }

uint64_t sampledNs(const Agent& agent) {
  return agent.profile.earlierNs + (agent.running ? monotonicNs() - agent.profile.startNs : 0);
}

uint64_t callbacksNs(const Agent& agent) {
  const Profile& p = agent.profile;
  return p.earlierCallbackNs + (agent.running ? agent.callbackNs.load(std::memory_order_relaxed) - p.callbackNsAtStart : 0);
}

uint64_t threadSetupNs(const Agent& agent) {
  const Profile& p = agent.profile;
  return p.earlierThreadSetupNs + (agent.running ? agent.registry.threadSetupNs() - p.threadSetupNsAtStart : 0);
}

namespace {

uint64_t sum(const std::map<std::string, uint64_t>& byName) {
  uint64_t total = 0;
  for (const auto& entry : byName) total += entry.second;
  return total;
}

}  // namespace

uint64_t agentThreadsNs(const Agent& agent) {
  const Profile& p = agent.profile;
  uint64_t sinceStart = agent.running ? agentThreadsCpuNs() - sum(p.agentThreadsByNameAtStart) : 0;
  return sum(p.earlierAgentThreadsByName) + sinceStart;
}

std::map<std::string, uint64_t> agentThreadsSinceStart(const std::map<std::string, uint64_t>& atStart) {
  std::map<std::string, uint64_t> since = agentThreadsCpuByName();
  for (auto& [name, ns] : since) {
    auto before = atStart.find(name);
    if (before != atStart.end()) ns = ns > before->second ? ns - before->second : 0;
  }
  return since;
}

std::vector<std::pair<std::string, uint64_t>> agentThreadsNsByName(const Agent& agent) {
  const Profile& p = agent.profile;
  std::map<std::string, uint64_t> total = p.earlierAgentThreadsByName;
  if (agent.running) {
    for (const auto& [name, ns] : agentThreadsSinceStart(p.agentThreadsByNameAtStart)) total[name] += ns;
  }
  std::vector<std::pair<std::string, uint64_t>> byName;
  for (const auto& entry : total) {
    if (entry.second != 0) byName.push_back(entry);
  }
  std::stable_sort(byName.begin(), byName.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return byName;
}
