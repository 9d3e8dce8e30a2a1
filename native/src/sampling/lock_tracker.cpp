#include "sampling/lock_tracker.h"


#include <cstring>

#include "output/collapsed_writer.h"
#include "support/monotonic_clock.h"

namespace {

constexpr int kDrainTimeoutMs = 2000;

std::string formatMs(uint64_t ns) { return std::to_string(ns / 1'000'000) + " ms"; }

}  // namespace

bool LockTracker::addCapability(jvmtiEnv* jvmti) {
  jvmtiCapabilities capabilities;
  std::memset(&capabilities, 0, sizeof(capabilities));
  capabilities.can_generate_monitor_events = 1;
  return jvmti->AddCapabilities(&capabilities) == JVMTI_ERROR_NONE;
}

bool LockTracker::start(jvmtiEnv* jvmti, uint64_t thresholdNs, uint32_t depth, bool lines, bool threads,
                        bool fresh, std::string* error) {
  if (fresh || profile_ == nullptr) {
    auto profile = std::make_unique<EventProfile>(depth, lines, threads);
    if (!profile->ok()) {
      *error = "cannot reserve memory for the lock profile";
      return false;
    }
    profile_ = std::move(profile);
    contentions_.store(0);
    waitedNs_.store(0);
  }
  thresholdNs_ = thresholdNs;
  startedNs_ = monotonicNs();
  const jvmtiEvent events[] = {JVMTI_EVENT_MONITOR_CONTENDED_ENTER, JVMTI_EVENT_MONITOR_CONTENDED_ENTERED};
  for (jvmtiEvent event : events) {
    jvmtiError jerr = jvmti->SetEventNotificationMode(JVMTI_ENABLE, event, nullptr);
    if (jerr != JVMTI_ERROR_NONE) {
      stop(jvmti);
      *error = "cannot record monitor contention (JVMTI error " + std::to_string(jerr) + ")";
      return false;
    }
  }
  gate_.open();
  return true;
}

bool LockTracker::stop(jvmtiEnv* jvmti) {
  jvmti->SetEventNotificationMode(JVMTI_DISABLE, JVMTI_EVENT_MONITOR_CONTENDED_ENTER, nullptr);
  jvmti->SetEventNotificationMode(JVMTI_DISABLE, JVMTI_EVENT_MONITOR_CONTENDED_ENTERED, nullptr);
  return gate_.closeAndDrain(kDrainTimeoutMs);
}

void LockTracker::onContendedEnter(jvmtiEnv* jvmti) {
  CallbackGate::Pass pass(gate_);
  if (!pass.open()) return;
  // The start time itself is the stored "pointer": no allocation per wait.
  jvmti->SetThreadLocalStorage(nullptr, reinterpret_cast<const void*>(static_cast<uintptr_t>(monotonicNs())));
}

void LockTracker::onContendedEntered(jvmtiEnv* jvmti, JNIEnv* jni, jobject object) {
  CallbackGate::Pass pass(gate_);
  void* stored = nullptr;
  if (jvmti->GetThreadLocalStorage(nullptr, &stored) != JVMTI_ERROR_NONE || stored == nullptr) return;
  jvmti->SetThreadLocalStorage(nullptr, nullptr);
  if (!pass.open()) return;
  uint64_t began = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(stored));
  uint64_t now = monotonicNs();
  // A wait that began before this start (stopped between its two events) is not ours.
  if (began < startedNs_ || now <= began) return;
  uint64_t waited = now - began;
  contentions_.fetch_add(1, std::memory_order_relaxed);
  waitedNs_.fetch_add(waited, std::memory_order_relaxed);
  if (waited < thresholdNs_) return;
  jclass klass = object != nullptr ? jni->GetObjectClass(object) : nullptr;
  profile_->record(jvmti, jni, klass, waited);
  if (klass != nullptr) jni->DeleteLocalRef(klass);
}

void LockTracker::collect(Symbols& symbols, CollapsedWriter* writer) const {
  if (profile_ != nullptr) profile_->collect(symbols, writer);
}

std::string LockTracker::summary() const {
  return std::to_string(contentions_.load()) + " contended entries (" + formatMs(waitedNs_.load()) +
         " waited), " + std::to_string(profile_ != nullptr ? profile_->events() : 0) + " over the threshold, " +
         std::to_string(drops()) + " dropped, " +
         std::to_string(profile_ != nullptr ? profile_->recordNsMean() / 1000 : 0) + " us/record mean";
}
