// The agent's threads carry the names they were started with and account for their CPU time
// by those names, while they run and after they ended; the names add up to the total the
// profile header reports as agent_threads_ns.

#include "support/agent_thread.h"

#include <pthread.h>
#include <time.h>

#include <atomic>
#include <cstring>

#include "check.h"
#include "support/thread_clock.h"

namespace {

struct Burner {
  const char* name;
  uint64_t burnNs;
  std::atomic<bool> namedRight{false};
  std::atomic<bool> burned{false};
  std::atomic<bool> release{false};
};

void* burn(void* p) {
  Burner* b = static_cast<Burner*>(p);
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof(name));
  b->namedRight = std::strcmp(name, b->name) == 0;
  volatile uint64_t sink = 0;
  while (thread_clock::ofCaller() < b->burnNs) sink = sink + 1;
  b->burned = true;
  while (!b->release.load()) {
    timespec pause{0, 1'000'000};
    nanosleep(&pause, nullptr);
  }
  return nullptr;
}

uint64_t named(const std::map<std::string, uint64_t>& byName, const char* name) {
  auto it = byName.find(name);
  return it != byName.end() ? it->second : 0;
}

void timeIsKeptByNameWhileRunningAndAfterTheEnd() {
  std::map<std::string, uint64_t> before = agentThreadsCpuByName();
  Burner ended{"jflame-t-ended", 30'000'000};
  Burner running{"jflame-t-runs", 20'000'000};
  pthread_t endedThread, runningThread;
  CHECK_EQ(startAgentThread(&endedThread, ended.name, burn, &ended), 0);
  CHECK_EQ(startAgentThread(&runningThread, running.name, burn, &running), 0);
  while (!ended.burned.load() || !running.burned.load()) {
    timespec pause{0, 1'000'000};
    nanosleep(&pause, nullptr);
  }
  CHECK(ended.namedRight.load() && running.namedRight.load());
  ended.release = true;
  pthread_join(endedThread, nullptr);

  std::map<std::string, uint64_t> byName = agentThreadsCpuByName();
  uint64_t total = agentThreadsCpuNs();
  CHECK(named(byName, "jflame-t-ended") - named(before, "jflame-t-ended") >= 30'000'000);
  CHECK(named(byName, "jflame-t-ended") - named(before, "jflame-t-ended") < 60'000'000);
  CHECK(named(byName, "jflame-t-runs") >= 20'000'000);
  uint64_t sum = 0;
  for (const auto& entry : byName) sum += entry.second;
  // Read one after the other while a thread sleeps in 1 ms naps: a few microseconds apart.
  CHECK(sum <= total && total - sum < 1'000'000);

  running.release = true;
  pthread_join(runningThread, nullptr);
  CHECK(named(agentThreadsCpuByName(), "jflame-t-runs") >= 20'000'000);
  CHECK(!isAgentThread(0));
}

}  // namespace

int main() {
  timeIsKeptByNameWhileRunningAndAfterTheEnd();
  return check::finish("agent_thread_test");
}
