#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "support/periodic_thread.h"

class CrashGuard;

// Notices when the application takes the sampling signal away from jflame, which would
// otherwise only show as a profile that is silently too small:
//  * another SIGPROF handler installed after ours (a library's own profiler, a signal
//    handler set up with sigaction or sun.misc.Signal): checked every kCheckMs by its own
//    thread (started with signals blocked) and at every stop and dump;
//  * the signal blocked in the threads that do the work: the signals that arrived are
//    compared with those the process's CPU time should have brought (event=cpu and
//    itimer; ctimer is limited by the scheduler tick and wall by design).
// Each is reported once on stderr and in the collapsed header; sampling is left alone:
// the application asked for its handler.
// It also says, once per process on stderr, when the crash guard first recovered a fault
// in a stack walk (each one skipped the rest of the JVM code it interrupted).
class SignalWatch {
 public:
  static constexpr int kCheckMs = 200;

  SignalWatch() = default;
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  // Starts watching the handler of `signo`; `report` says whether to print on stderr.
  // `guard`, if not null, is watched for its first recovery; it outlives the watch.
  bool start(int signo, bool report, std::string* error, const CrashGuard* guard = nullptr);
  void stop();

  // Checks the handler now; true if it is still ours.
  bool check();

  // "" while all is well, else what happened, one line.
  std::string replacedMessage() const;

  // "" unless far fewer signals arrived than `cpuNs` of CPU time at `intervalNs` should
  // bring; then one line saying so.
  static std::string deliveryMessage(uint64_t received, uint64_t cpuNs, uint64_t intervalNs);

  // The one line for the first recovered fault: where (library+offset and symbol when
  // known) and what became of the thread.
  static std::string recoveryMessage(uintptr_t pc, bool threadAbandoned);

 private:
  std::string messageLocked() const;

  int signo_ = 0;
  bool report_ = false;
  uint64_t startNs_ = 0;
  PeriodicThread thread_;
  mutable std::mutex mutex_;
  uint64_t replacedAfterMs_ = 0;  // 0: not replaced (ms since start, at least 1)
  const CrashGuard* guard_ = nullptr;
  bool recoveryReported_ = false;  // for the life of the process, not per profile
};
