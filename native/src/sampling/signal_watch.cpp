#include "sampling/signal_watch.h"

#include <dlfcn.h>
#include <signal.h>

#include <cstdio>

#include "sampling/signal_handler.h"
#include "stacks/crash_guard.h"
#include "support/monotonic_clock.h"

namespace {

// Below this share of the expected signals, something took them; the CPU events deliver
// well above it (ctimer, limited by the scheduler tick, is not judged).
constexpr double kMinDeliveredShare = 0.5;
// Too few expected signals to judge from.
constexpr uint64_t kMinExpected = 100;

}  // namespace

SignalWatch::~SignalWatch() { stop(); }

bool SignalWatch::start(int signo, bool report, std::string* error, const CrashGuard* guard) {
  stop();
  signo_ = signo;
  report_ = report;
  guard_ = guard;
  startNs_ = monotonicNs();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    replacedAfterMs_ = 0;
  }
  PeriodicThread::Work work;
  work.tick = [this] { check(); };
  return thread_.start("signal watch", "jflame-sigwatch", kCheckMs, std::move(work), error);
}

void SignalWatch::stop() { thread_.stop(); }

bool SignalWatch::check() {
  if (guard_ != nullptr && guard_->recovered() != 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!recoveryReported_ && report_) {
      std::fprintf(stderr, "jflame: warning: %s\n",
                   recoveryMessage(guard_->firstRecoveredPc(), guard_->abandonsThreadsAfterJvmRecovery()).c_str());
    }
    recoveryReported_ = recoveryReported_ || report_;
  }
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

std::string SignalWatch::recoveryMessage(uintptr_t pc, bool threadAbandoned) {
  char where[96];
  std::snprintf(where, sizeof(where), "0x%lx", static_cast<unsigned long>(pc));
  std::string text = where;
  Dl_info info;
  if (pc != 0 && dladdr(reinterpret_cast<void*>(pc), &info) != 0 && info.dli_fname != nullptr) {
    std::string file = info.dli_fname;
    size_t slash = file.rfind('/');
    if (slash != std::string::npos) file = file.substr(slash + 1);
    std::snprintf(where, sizeof(where), "+0x%lx", static_cast<unsigned long>(pc - reinterpret_cast<uintptr_t>(info.dli_fbase)));
    text = file + where;
    if (info.dli_sname != nullptr) text += std::string(" (") + info.dli_sname + ")";
  }
  return "recovered a fault in a stack walk at " + text +
         (threadAbandoned ? "; that thread's Java frames are no longer walked (this JVM leaves it marked as inside "
                            "AsyncGetCallTrace)"
                          : "; the walk was abandoned and sampling goes on") +
         " (later ones are counted in the profile header)";
}
