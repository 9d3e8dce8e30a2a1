#pragma once

#include <jni.h>
#include <jvmti.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "sampling/event_profile.h"

class CollapsedWriter;
class Symbols;

// The lock-contention profile (lock[=DURATION]): MonitorContendedEnter notes when a
// thread starts waiting for a monitor held by another, MonitorContendedEntered how long
// it waited; waits of at least the threshold record the waiting thread's stack, ending
// in the lock object's class and weighted by the nanoseconds waited.
//
// Only `synchronized` monitors post these events. java.util.concurrent locks park the
// thread instead (LockSupport.park): the wall profile shows those waits, as [waiting].
//
// The start time is kept in JVMTI thread-local storage, which follows a virtual thread
// that unmounts while it waits and is entered on another carrier.
class LockTracker {
 public:
  // Before the first start that tracks locks (HotSpot grants it in the live phase): false
  // if this JVM posts no monitor events to agents.
  static bool addCapability(jvmtiEnv* jvmti);

  bool start(jvmtiEnv* jvmti, uint64_t thresholdNs, uint32_t depth, bool lines, bool threads, bool fresh,
             std::string* error);
  bool stop(jvmtiEnv* jvmti);

  void onContendedEnter(jvmtiEnv* jvmti);
  void onContendedEntered(jvmtiEnv* jvmti, JNIEnv* jni, jobject object);

  void collect(Symbols& symbols, CollapsedWriter* writer) const;

  std::string summary() const;
  EventProfile* profile() const { return profile_.get(); }  // null before the first start
  uint64_t drops() const { return profile_ != nullptr ? profile_->drops() : 0; }
  uint64_t thresholdNs() const { return thresholdNs_; }

 private:
  CallbackGate gate_;
  std::unique_ptr<EventProfile> profile_;
  uint64_t thresholdNs_ = 0;
  uint64_t startedNs_ = 0;
  std::atomic<uint64_t> contentions_{0};
  std::atomic<uint64_t> waitedNs_{0};
};
