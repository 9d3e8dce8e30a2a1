#pragma once

#include <setjmp.h>
#include <signal.h>

#include <atomic>
#include <cstdint>

#include "store/tid_table.h"

// Lets the sampler call AsyncGetCallTrace, which can fault inside the JVM on a stack
// caught mid-change, without taking the process down.
//
// Our SIGSEGV/SIGBUS handlers recover a fault only when it happens on a thread that is
// inside run() (a per-tid slot points at that call's sigjmp_buf on its own stack) and,
// once narrowed with protectOnlyCodeIn(), only at a pc inside the JVM's own code but
// not at its SafeFetch probes. Everything else goes to the handler that was installed
// before ours, with the same siginfo and ucontext: HotSpot relies on SIGSEGV for
// implicit null checks, safepoint polls, stack banging and SafeFetch (which
// AsyncGetCallTrace itself uses to validate Method pointers), so chaining must be exact.
//
// install() must therefore run after the JVM has installed its handlers (VMInit, not
// Agent_OnLoad), otherwise the JVM would replace ours or treat ours as a user handler.
// Caveats: with -Xcheck:jni the JVM periodically compares its handlers with what is
// installed and prints "Warning: SIGSEGV handler modified!" (harmless). With libjsig
// preloaded, sigaction() calls after JVM start are recorded for chaining instead of
// installed; the JVM then calls our handler only for faults it does not recognise,
// which is exactly the set we want to recover from.
class CrashGuard {
 public:
  CrashGuard() = default;
  CrashGuard(const CrashGuard&) = delete;
  CrashGuard& operator=(const CrashGuard&) = delete;

  // Installs the handlers in front of the current ones. Only one guard may be installed.
  // After uninstall() it installs again; while our handlers are still the installed ones
  // (someone installed theirs after ours, chaining to ours) it only makes them active again.
  bool install();

  // What a stopped profile leaves behind must cost the JVM nothing: the previous SIGSEGV and
  // SIGBUS actions are restored where ours is still the installed one; where another was
  // installed after ours (and may chain to it), ours stays but passes every fault straight
  // on. Only with no walk in progress (the sampling handlers drained).
  void uninstall();
  bool installed() const;

  // Recover only faults at a pc in [start, end) and not at one of `foreignFaultPcs`
  // (code whose faults the previous handler recovers by itself).
  void protectOnlyCodeIn(uintptr_t start, uintptr_t end, const uintptr_t* foreignFaultPcs,
                         int count);

  // Also recover faults at a pc in [start, end): jflame's own fault-tolerant stack read
  // (stack_memory.h), the one place where the native unwinder touches thread stacks.
  void alsoProtect(uintptr_t start, uintptr_t end) {
    ownStart_ = start;
    ownEnd_ = end;
  }

  // Signal-safe. Runs fn(arg); true if it returned, false if it faulted and was
  // abandoned. A tid outside the table runs unprotected.
  bool run(int tid, void (*fn)(void*), void* arg);

  // JDK 21 and later restore the thread's in-AsyncGetCallTrace flag through a scoped guard
  // whose destructor a recovery jumps over, so the flag stays set on that thread for good
  // (JDK 17u clears it at the next completed call). With this on, a thread that had a
  // fault recovered in the JVM's code is not walked with AsyncGetCallTrace again
  // (javaWalkAbandoned): its samples keep their native frames and end in a marker.
  void abandonThreadsAfterJvmRecovery(bool abandon) { abandonAfterRecovery_ = abandon; }
  bool abandonsThreadsAfterJvmRecovery() const { return abandonAfterRecovery_; }
  // Signal-safe.
  bool javaWalkAbandoned(int tid) const {
    const std::atomic<uint8_t>* slot = abandoned_.at(tid);
    return slot != nullptr && slot->load(std::memory_order_relaxed) != 0;
  }
  uint64_t threadsAbandoned() const { return abandonedThreads_.load(std::memory_order_relaxed); }

  uint64_t recovered() const { return recovered_.load(std::memory_order_relaxed); }
  // The pc of the first fault recovered, 0 if none: for the profile's header and the
  // summary on stderr (a recovery skips the rest of the JVM's code it interrupted, so
  // each one is worth knowing about).
  uintptr_t firstRecoveredPc() const { return firstPc_.load(std::memory_order_relaxed); }

 private:
  static void onFault(int sig, siginfo_t* info, void* context);
  static void chain(int sig, siginfo_t* info, void* context);
  bool recoverable(const void* context) const;
  bool installSignal(int sig, struct sigaction* previous);

  static constexpr int kMaxForeignPcs = 8;

  TidTable<sigjmp_buf*> active_;  // the jump target of the run() in progress per tid
  TidTable<uint8_t> abandoned_;   // 1: no more AsyncGetCallTrace on this thread
  bool abandonAfterRecovery_ = false;
  std::atomic<uint64_t> abandonedThreads_{0};
  uintptr_t codeStart_ = 0;
  uintptr_t codeEnd_ = 0;
  uintptr_t ownStart_ = 0;
  uintptr_t ownEnd_ = 0;
  uintptr_t foreignPcs_[kMaxForeignPcs] = {};
  int foreignPcCount_ = 0;
  std::atomic<uint64_t> recovered_{0};
  std::atomic<uintptr_t> firstPc_{0};
};
