#include "lifecycle/agent.h"

#include <unistd.h>

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

uint64_t agentThreadsNs(const Agent& agent) {
  const Profile& p = agent.profile;
  return p.earlierAgentThreadsNs + (agent.running ? agentThreadsCpuNs() - p.agentThreadsNsAtStart : 0);
}
