#pragma once

#include <jni.h>
#include <jvmti.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "support/periodic_thread.h"
#include "symbols/symbols.h"

class TraceStore;

// Names the methods of new traces while sampling goes on, so that a method whose class
// is unloaded before the profile is written (throw-away class loaders, hidden classes,
// lambdas) keeps its name: once the class is gone the JVM only answers
// JVMTI_ERROR_INVALID_METHODID for its ids.
//
// Its own thread (started with signals blocked, see agent_thread.h) every kPollMs reads the
// traces the store published since its last look. Polling is cheap (one atomic load when
// nothing is new), and a short period is what keeps short-lived classes named: a class that
// lives 30 ms is missed whenever no look falls between its first sample and its unloading. A
// wake-up is not free though (tens of microseconds of kernel time in a busy VM): after a look
// that named no new method the period doubles, up to kIdlePollMs, and a new method brings it
// back to kPollMs. New traces of known methods do not: a long javac meets new traces for its
// whole run, nearly all of methods already named, and woke the namer 100 times a second.
//
// JVMTI's method and class functions need a thread the JVM knows (they hand out local
// references), so the namer attaches to the JVM, but only for a look that found methods to
// name, and detaches after it. Staying attached all run cost more than the attaches: on javac
// compiling 24 times (JDK 17) G1 grew the heap in 7-10 of 10 runs with the namer attached
// throughout, against 0-2 of 10 without a profiler, at 2-4 s of CPU a run that grew (see
// docs/performance.md); attached only while naming, as rarely as without jflame.
// The names it found are kept for the agent's life: HotSpot never reuses a jmethodID.
class MethodNamer {
 public:
  static constexpr int kPollMs = 10;
  static constexpr int kIdlePollMs = 80;

  MethodNamer() = default;
  ~MethodNamer();
  MethodNamer(const MethodNamer&) = delete;
  MethodNamer& operator=(const MethodNamer&) = delete;

  // Starts naming the traces of `store` (which must outlive the next stop()).
  bool start(JavaVM* vm, jvmtiEnv* jvmti, TraceStore* store, bool lines, std::string* error);

  // Stops and joins the thread; the names found stay available.
  void stop();

  // The name found earlier for `id`; false if none (or none with lines when `lines`).
  bool lookup(jmethodID id, bool lines, Symbols::Method* out) const;

  uint64_t named() const;          // methods named while their class was loaded
  uint64_t alreadyUnloaded() const;  // ids whose class was gone before the namer saw them
  uint64_t looks() const { return looks_.load(std::memory_order_relaxed); }  // this profile's
  // How many of this profile's looks attached to the JVM (those that found methods to name).
  uint64_t attaches() const { return attaches_.load(std::memory_order_relaxed); }

 private:
  void look();    // names what the store published since the last look
  // Adds the frames' methods that are not named yet to *unnamed.
  void collectUnnamed(const Frame* frames, uint32_t count, std::unordered_set<jmethodID>* unnamed);
  // Names `unnamed` (attached for the while); returns how many it named (or found unloaded).
  uint32_t nameUnnamed(const std::unordered_set<jmethodID>& unnamed);

  JavaVM* vm_ = nullptr;
  jvmtiEnv* jvmti_ = nullptr;
  TraceStore* store_ = nullptr;  // read, and prefault()ed
  bool lines_ = false;
  uint64_t next_ = 0;  // the store's next trace to look at
  int periodMs_ = kPollMs;  // the namer thread's only
  // The namer thread's own: ids it need not look at again in this profile.
  std::unordered_set<jmethodID> settled_;
  PeriodicThread thread_;
  std::atomic<uint64_t> looks_{0};
  std::atomic<uint64_t> attaches_{0};

  mutable std::mutex mutex_;  // guards what follows: the writer looks names up meanwhile
  std::unordered_map<jmethodID, Symbols::Method> names_;
  uint64_t named_ = 0;
  uint64_t alreadyUnloaded_ = 0;
};
