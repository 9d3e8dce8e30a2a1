#include "sampling/signal_handler.h"

#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "check.h"

namespace {

uint64_t residentBytes() {
  FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  int read = std::fscanf(statm, "%lu %lu", &size, &resident);
  std::fclose(statm);
  return read == 2 ? resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

// The sample buffers are committed up front, one set per handler that may run at once:
// that is a matter of the CPUs the process may run on (taskset, a container's cpuset),
// not of the host's. Pinned to one CPU (as `taskset -c 0`), the deepest stacks jflame
// takes (depth=65536, about 2 MB a buffer) must not commit tens of megabytes.
void buffersFollowTheCpusTheProcessMayUse() {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  CHECK(sched_setaffinity(0, sizeof(one), &one) == 0);
  std::string error;
  CHECK(sampler::install(SIGPROF, &error));
  SamplerConfig config;
  config.depth = 65536;
  uint64_t before = residentBytes();
  CHECK(sampler::configure(config, &error));
  uint64_t grown = residentBytes() - before;
  std::printf("sample buffers at depth 65536 on one CPU: %.1f MB resident\n", static_cast<double>(grown) / 1e6);
  CHECK(grown < 20'000'000);
}

// However many CPUs, the pool's memory stays bounded.
void buffersAreCappedOnLargeHosts() {
  uint32_t framesPerBuffer = 65536 + 5;
  uint32_t buffers = sampler::bufferCount(256, framesPerBuffer);
  uint64_t bytes = static_cast<uint64_t>(buffers) * sampler::bufferBytes(framesPerBuffer);
  std::printf("256 CPUs at depth 65536: %u buffers, %.1f MB\n", buffers, static_cast<double>(bytes) / 1e6);
  CHECK(bytes <= 64ull << 20);
  CHECK(buffers >= 4);
  CHECK_EQ(sampler::bufferCount(4, 2048 + 5), 16u);  // 4 per CPU at the default depth
}

// The cost of one signal's delivery, for the profile's account: measured while the
// handler is installed and sampling is off, and refused (0) where the signal is blocked on
// the measuring thread, since a blocked signal would stay pending until sampling is on.
void deliveryIsMeasuredOnlyWhereItCanBe() {
  std::string error;
  CHECK(sampler::install(SIGPROF, &error));
  uint64_t ns = sampler::measureDeliveryNs(SIGPROF);
  std::printf("one SIGPROF delivered to this thread: %llu ns of its CPU\n", static_cast<unsigned long long>(ns));
  CHECK(ns > 0 && ns < 1'000'000);
  sigset_t prof, old;
  sigemptyset(&prof);
  sigaddset(&prof, SIGPROF);
  CHECK(pthread_sigmask(SIG_BLOCK, &prof, &old) == 0);
  CHECK_EQ(sampler::measureDeliveryNs(SIGPROF), uint64_t{0});
  sigset_t pending;
  sigpending(&pending);
  CHECK(sigismember(&pending, SIGPROF) == 0);  // nothing left to arrive later
  CHECK(pthread_sigmask(SIG_SETMASK, &old, nullptr) == 0);
  CHECK_EQ(sampler::measureDeliveryNs(SIGUSR2), uint64_t{0});  // not a handler of ours
}

}  // namespace

int main() {
  buffersFollowTheCpusTheProcessMayUse();
  buffersAreCappedOnLargeHosts();
  deliveryIsMeasuredOnlyWhereItCanBe();
  return check::finish("sample_buffers_test");
}
