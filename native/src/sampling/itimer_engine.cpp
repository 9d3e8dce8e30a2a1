#include "sampling/itimer_engine.h"

#include <errno.h>
#include <sys/time.h>

#include <cstring>

ItimerEngine::ItimerEngine(uint64_t intervalNs) : intervalNs_(intervalNs) {}

ItimerEngine::~ItimerEngine() { stop(); }

bool ItimerEngine::start(std::string* error) {
  itimerval value;
  value.it_interval.tv_sec = static_cast<time_t>(intervalNs_ / 1'000'000'000);
  value.it_interval.tv_usec = static_cast<suseconds_t>(intervalNs_ % 1'000'000'000 / 1000);
  value.it_value = value.it_interval;
  if (setitimer(ITIMER_PROF, &value, nullptr) != 0) {
    *error = std::string("setitimer(ITIMER_PROF) failed: ") + std::strerror(errno);
    return false;
  }
  armed_ = true;
  return true;
}

void ItimerEngine::stop() {
  if (!armed_) return;
  itimerval zero;
  std::memset(&zero, 0, sizeof(zero));
  setitimer(ITIMER_PROF, &zero, nullptr);
  armed_ = false;
}

bool ItimerEngine::onSignal(const siginfo_t* info, int) {
  // The kernel's own SIGPROF for ITIMER_PROF; a kill(SIGPROF) from elsewhere is SI_USER.
  return info->si_code == SI_KERNEL;
}
