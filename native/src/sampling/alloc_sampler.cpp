#include "sampling/alloc_sampler.h"

#include <cmath>
#include <cstring>

#include "output/collapsed_writer.h"

namespace {

constexpr uint64_t kMaxLiveObjects = 65536;
constexpr int kDrainTimeoutMs = 2000;

}  // namespace

bool AllocSampler::addCapability(jvmtiEnv* jvmti) {
  jvmtiCapabilities capabilities;
  std::memset(&capabilities, 0, sizeof(capabilities));
  capabilities.can_generate_sampled_object_alloc_events = 1;
  return jvmti->AddCapabilities(&capabilities) == JVMTI_ERROR_NONE;
}

uint64_t AllocSampler::weightOf(uint64_t size, uint64_t interval) {
  if (size == 0) return 0;
  double s = static_cast<double>(size);
  double p = -std::expm1(-s / static_cast<double>(interval));  // 1 - e^(-s/I), exact for small s/I
  return p > 0 ? static_cast<uint64_t>(std::llround(s / p)) : size;
}

bool AllocSampler::start(jvmtiEnv* jvmti, JNIEnv* jni, uint64_t intervalBytes, bool live, uint32_t depth,
                         bool lines, bool threads, bool fresh, std::string* error) {
  if (fresh || profile_ == nullptr) {
    auto profile = std::make_unique<EventProfile>(depth, lines, threads);
    if (!profile->ok()) {
      *error = "cannot reserve memory for the allocation profile";
      return false;
    }
    releaseLiveObjects(jni);
    profile_ = std::move(profile);
    liveClaimed_.store(0);
    liveDropped_.store(0);
    liveKept_ = liveCollected_ = 0;
  }
  if (live && liveObjects_ == nullptr) liveObjects_ = std::make_unique<LiveObject[]>(kMaxLiveObjects);
  intervalBytes_ = intervalBytes;
  live_ = live;
  jvmtiError jerr = jvmti->SetHeapSamplingInterval(static_cast<jint>(intervalBytes));
  if (jerr == JVMTI_ERROR_NONE) {
    jerr = jvmti->SetEventNotificationMode(JVMTI_ENABLE, JVMTI_EVENT_SAMPLED_OBJECT_ALLOC, nullptr);
  }
  if (jerr != JVMTI_ERROR_NONE) {
    *error = "cannot sample allocations (JVMTI error " + std::to_string(jerr) + ")";
    return false;
  }
  gate_.open();
  return true;
}

bool AllocSampler::stop(jvmtiEnv* jvmti) {
  jvmti->SetEventNotificationMode(JVMTI_DISABLE, JVMTI_EVENT_SAMPLED_OBJECT_ALLOC, nullptr);
  return gate_.closeAndDrain(kDrainTimeoutMs);
}

void AllocSampler::onAlloc(jvmtiEnv* jvmti, JNIEnv* jni, jobject object, jclass klass, jlong size) {
  CallbackGate::Pass pass(gate_);
  if (!pass.open() || size <= 0) return;
  uint64_t weight = weightOf(static_cast<uint64_t>(size), intervalBytes_);
  if (!live_) {
    profile_->record(jvmti, jni, klass, weight);
    return;
  }
  uint64_t index = liveClaimed_.fetch_add(1, std::memory_order_relaxed);
  if (index >= kMaxLiveObjects) {
    liveDropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  uint32_t slot = 0;
  if (!profile_->record(jvmti, jni, klass, weight, &slot)) return;
  jweak ref = jni->NewWeakGlobalRef(object);
  if (ref == nullptr) {
    profile_->subtract(slot, weight);
    return;
  }
  LiveObject& entry = liveObjects_[index];
  entry.slot = slot;
  entry.weight = weight;
  entry.ref.store(ref, std::memory_order_release);
}

void AllocSampler::prepareToWrite(jvmtiEnv* jvmti, JNIEnv* jni) {
  if (!live_ || liveObjects_ == nullptr || jni == nullptr) return;
  // A full collection clears the weak references of every unreachable sampled object.
  jvmti->ForceGarbageCollection();
  uint64_t claimed = liveClaimed_.load();
  uint64_t used = claimed < kMaxLiveObjects ? claimed : kMaxLiveObjects;
  liveKept_ = 0;
  for (uint64_t i = 0; i < used; ++i) {
    LiveObject& entry = liveObjects_[i];
    jweak ref = entry.ref.load(std::memory_order_acquire);
    if (ref == nullptr) continue;
    if (jni->IsSameObject(ref, nullptr)) {
      profile_->subtract(entry.slot, entry.weight);
      entry.ref.store(nullptr, std::memory_order_relaxed);
      jni->DeleteWeakGlobalRef(ref);
      ++liveCollected_;
    } else {
      ++liveKept_;
    }
  }
}

void AllocSampler::releaseLiveObjects(JNIEnv* jni) {
  if (liveObjects_ == nullptr || jni == nullptr) return;
  uint64_t claimed = liveClaimed_.load();
  uint64_t used = claimed < kMaxLiveObjects ? claimed : kMaxLiveObjects;
  for (uint64_t i = 0; i < used; ++i) {
    jweak ref = liveObjects_[i].ref.exchange(nullptr);
    if (ref != nullptr) jni->DeleteWeakGlobalRef(ref);
  }
}

void AllocSampler::collect(Symbols& symbols, CollapsedWriter* writer) const {
  if (profile_ != nullptr) profile_->collect(symbols, writer);
}

uint64_t AllocSampler::drops() const {
  return (profile_ != nullptr ? profile_->drops() : 0) + liveDropped_.load();
}

std::string AllocSampler::summary() const {
  std::string out = std::to_string(profile_ != nullptr ? profile_->events() : 0) + " samples, " +
                    std::to_string(drops()) + " dropped, " +
                    std::to_string(profile_ != nullptr ? profile_->recordNsMean() / 1000 : 0) + " us/sample mean";
  if (live_) {
    out += ", " + std::to_string(liveKept_) + " objects live, " + std::to_string(liveCollected_) + " collected";
  }
  return out;
}
