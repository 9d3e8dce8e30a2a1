#include "sampling/signal_watch.h"

#include <signal.h>

#include <cstdio>

#include "sampling/signal_handler.h"
#include "support/monotonic_clock.h"

namespace {

// Below this share of the expected signals, something took them; the CPU events deliver
// well above it (ctimer, limited by the scheduler tick, is not judged).
constexpr double kMinDeliveredShare = 0.5;
// Too few expected signals to judge from.
constexpr uint64_t kMinExpected = 100;

}  // namespace

SignalWatch::~SignalWatch() { stop(); }

bool SignalWatch::start(int signo, bool report, std::string* error) {
  stop();
  signo_ = signo;
  report_ = report;
  startNs_ = monotonicNs();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    replacedAfterMs_ = 0;
  }
  PeriodicThread::Work work;
  work.tick = [this] { check(); };
  return thread_.start("signal watch", kCheckMs, std::move(work), error);
}

void SignalWatch::stop() { thread_.stop(); }

bool SignalWatch::check() {
  if (signo_ == 0 || sampler::stillInstalled(signo_)) return true;
  std::lock_guard<std::mutex> lock(mutex_);
  if (replacedAfterMs_ == 0) {
    replacedAfterMs_ = (monotonicNs() - startNs_) / 1'000'000 + 1;
    if (report_) std::fprintf(stderr, "jflame: warning: %s\n", messageLocked().c_str());
  }
  return false;
}

std::string SignalWatch::replacedMessage() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return messageLocked();
}

std::string SignalWatch::messageLocked() const {
  if (replacedAfterMs_ == 0) return std::string();
  return "another handler replaced jflame's for signal " + std::to_string(signo_) +
         (signo_ == SIGPROF ? " (SIGPROF)" : "") + " about " + std::to_string(replacedAfterMs_) +
         " ms into the profile; no samples arrive after that";
}

std::string SignalWatch::deliveryMessage(uint64_t received, uint64_t cpuNs, uint64_t intervalNs) {
  uint64_t expected = intervalNs != 0 ? cpuNs / intervalNs : 0;
  if (expected < kMinExpected || static_cast<double>(received) >= kMinDeliveredShare * static_cast<double>(expected)) {
    return std::string();
  }
  return "only " + std::to_string(received) + " sampling signals arrived for about " + std::to_string(expected) +
         " expected from the process's CPU time: the application blocks the signal in busy threads, or handles it "
         "itself";
}
