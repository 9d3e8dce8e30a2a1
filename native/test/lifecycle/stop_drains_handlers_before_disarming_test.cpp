#include "lifecycle/profile_lifecycle.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>

#include "check.h"
#include "sampling/engine.h"
#include "sampling/signal_handler.h"
#include "sampling/thread_registry.h"
#include "support/monotonic_clock.h"

namespace {

// An engine whose onSignal, like perf's or ctimer's, has loaded its thread's handle and is
// about to use it (ioctl, timer_settime) when it is held up: it stays inside until the
// engine is stopped or a second has passed. stop() stands for close()/timer_delete():
// called while a handler is inside, that handle may already be another file's.
class HeldUpEngine : public Engine {
 public:
  const char* name() const override { return "held-up"; }
  bool start(std::string*) override { return true; }
  void stop() override {
    if (inOnSignal.load()) releasedUnderHandler.store(true);
    stopped.store(true);
  }
  bool onSignal(const siginfo_t*, int) override {
    inOnSignal.store(true);
    entered.store(true);
    uint64_t until = monotonicNs() + 1'000'000'000;
    while (!stopped.load() && monotonicNs() < until) {
      timespec pause{0, 1'000'000};
      nanosleep(&pause, nullptr);  // async-signal-safe
    }
    inOnSignal.store(false);
    return false;  // nothing to sample: the test is about the handle only
  }

  std::atomic<bool> inOnSignal{false};
  std::atomic<bool> entered{false};
  std::atomic<bool> stopped{false};
  std::atomic<bool> releasedUnderHandler{false};
};

void* raiseSigprof(void*) {
  pthread_kill(pthread_self(), SIGPROF);
  return nullptr;
}

void engineIsReleasedOnlyAfterHandlersInFlightReturn() {
  HeldUpEngine engine;
  std::string error;
  CHECK(sampler::install(SIGPROF, &error));
  SamplerConfig config;
  config.engine = &engine;
  CHECK(sampler::configure(config, &error));
  sampler::enable();
  ThreadRegistry registry;
  CHECK(registry.start(&engine, &error));

  pthread_t sampled;
  CHECK(pthread_create(&sampled, nullptr, raiseSigprof, nullptr) == 0);
  while (!engine.entered.load()) {
    timespec pause{0, 1'000'000};
    nanosleep(&pause, nullptr);
  }
  CHECK(drainThenDisarm(registry, 5000));
  pthread_join(sampled, nullptr);
  CHECK(engine.stopped.load());
  CHECK(!engine.releasedUnderHandler.load());
}

}  // namespace

int main() {
  engineIsReleasedOnlyAfterHandlersInFlightReturn();
  return check::finish("stop_drains_handlers_before_disarming_test");
}
