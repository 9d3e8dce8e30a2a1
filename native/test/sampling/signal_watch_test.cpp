#include "sampling/signal_watch.h"

#include <signal.h>

#include <cstring>
#include <string>

#include "check.h"
#include "sampling/signal_handler.h"

// SignalWatch: the delivery judgement (a pure function of counts), the replaced-handler
// check against the real sigaction, and the first-recovery line.

namespace {

constexpr uint64_t kMs = 1'000'000;

void deliveryIsJudgedOnlyWithEnoughExpectedSignals() {
  // 10 ms interval, 10 s of CPU: 1000 expected.
  CHECK(SignalWatch::deliveryMessage(1000, 10'000 * kMs, 10 * kMs).empty());
  CHECK(SignalWatch::deliveryMessage(500, 10'000 * kMs, 10 * kMs).empty());  // half is still fine
  std::string few = SignalWatch::deliveryMessage(499, 10'000 * kMs, 10 * kMs);
  CHECK(few.find("only 499 sampling signals arrived for about 1000 expected") == 0);
  CHECK(few.find('\n') == std::string::npos);  // one line
  CHECK(SignalWatch::deliveryMessage(0, 10'000 * kMs, 10 * kMs).find("only 0 ") == 0);
  // Fewer than 100 expected: too little to judge, whatever arrived.
  CHECK(SignalWatch::deliveryMessage(0, 990 * kMs, 10 * kMs).empty());
  CHECK(!SignalWatch::deliveryMessage(0, 1000 * kMs, 10 * kMs).empty());
  // No interval (not a CPU event): nothing to judge.
  CHECK(SignalWatch::deliveryMessage(0, 10'000 * kMs, 0).empty());
  // More than expected is never a problem.
  CHECK(SignalWatch::deliveryMessage(5000, 10'000 * kMs, 10 * kMs).empty());
}

void onForeign(int) {}

void aReplacedHandlerIsNoticedOnceAndNamed() {
  std::string error;
  CHECK(sampler::install(SIGPROF, &error));
  SignalWatch watch;
  CHECK(watch.start(SIGPROF, false, &error));
  CHECK(watch.check());
  CHECK(watch.replacedMessage().empty());
  struct sigaction foreign, ours;
  std::memset(&foreign, 0, sizeof(foreign));
  foreign.sa_handler = onForeign;
  sigemptyset(&foreign.sa_mask);
  CHECK(sigaction(SIGPROF, &foreign, &ours) == 0);
  CHECK(!watch.check());
  std::string message = watch.replacedMessage();
  CHECK(message.find("another handler replaced jflame's for signal " + std::to_string(SIGPROF) + " (SIGPROF)") == 0);
  CHECK(!watch.check());
  CHECK(watch.replacedMessage() == message);  // the first time it was seen, kept
  watch.stop();
  CHECK(sigaction(SIGPROF, &ours, nullptr) == 0);
}

void theRecoveryLineNamesWhereAndWhatFollows() {
  uintptr_t pc = reinterpret_cast<uintptr_t>(&onForeign) + 1;
  std::string abandoned = SignalWatch::recoveryMessage(pc, true);
  CHECK(abandoned.find("recovered a fault in a stack walk at ") == 0);
  CHECK(abandoned.find("no longer walked") != std::string::npos);
  CHECK(abandoned.find('\n') == std::string::npos);
  std::string walkedAgain = SignalWatch::recoveryMessage(pc, false);
  CHECK(walkedAgain.find("sampling goes on") != std::string::npos);
  // An address in no object: the bare address.
  CHECK(SignalWatch::recoveryMessage(0x10, false).find("at 0x10;") != std::string::npos);
}

}  // namespace

int main() {
  deliveryIsJudgedOnlyWithEnoughExpectedSignals();
  aReplacedHandlerIsNoticedOnceAndNamed();
  theRecoveryLineNamesWhereAndWhatFollows();
  return check::finish("signal_watch_test");
}
