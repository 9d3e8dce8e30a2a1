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

// The allocation profile (alloc[=BYTES], `live`): HotSpot samples one allocation per
// BYTES allocated on average (SetHeapSamplingInterval) and posts SampledObjectAlloc on
// the allocating thread, where the allocation site's stack is recorded, ending in the
// object's class and weighted by the bytes the sample stands for.
//
// With `live`, each sample also keeps a JNI weak reference to its object (a bounded
// number; later samples are dropped and counted). Before the profile is written a GC
// is forced and the samples whose object has been collected are taken back, leaving
// what is still reachable: the leak hunter's view.
//
// start/stop/prepareToWrite/collect run under the agent's lifecycle mutex; onAlloc on
// any Java thread.
class AllocSampler {
 public:
  // Before the first start that samples allocations (HotSpot grants it in the live phase):
  // false if this JVM cannot (JDK < 11).
  static bool addCapability(jvmtiEnv* jvmti);

  // Begins sampling; `fresh` drops what an earlier start recorded.
  bool start(jvmtiEnv* jvmti, JNIEnv* jni, uint64_t intervalBytes, bool live, uint32_t depth, bool lines,
             bool threads, bool fresh, std::string* error);

  // Disables the event and waits for callbacks in flight. False if they did not drain.
  bool stop(jvmtiEnv* jvmti);

  // The SampledObjectAlloc callback.
  void onAlloc(jvmtiEnv* jvmti, JNIEnv* jni, jobject object, jclass klass, jlong size);

  // With `live`: forces a GC and takes back the samples whose object is gone.
  void prepareToWrite(jvmtiEnv* jvmti, JNIEnv* jni);

  void collect(Symbols& symbols, CollapsedWriter* writer) const;

  // "1234 samples, 0 dropped" plus the live counts.
  std::string summary() const;
  EventProfile* profile() const { return profile_.get(); }  // null before the first start
  uint64_t drops() const;
  uint64_t intervalBytes() const { return intervalBytes_; }
  bool live() const { return live_; }
  uint64_t liveObjects() const { return liveKept_; }

  // The bytes a sampled object of `size` stands for at a mean interval of `interval`:
  // size / (1 - e^(-size/interval)), the unbiased estimate for Poisson sampling by bytes.
  static uint64_t weightOf(uint64_t size, uint64_t interval);

 private:
  struct LiveObject {
    std::atomic<jweak> ref;  // null until published, and again once taken back
    uint32_t slot;
    uint64_t weight;
  };

  void releaseLiveObjects(JNIEnv* jni);

  CallbackGate gate_;
  std::unique_ptr<EventProfile> profile_;
  std::unique_ptr<LiveObject[]> liveObjects_;
  std::atomic<uint64_t> liveClaimed_{0};
  std::atomic<uint64_t> liveDropped_{0};
  uint64_t liveKept_ = 0;
  uint64_t liveCollected_ = 0;
  uint64_t intervalBytes_ = 0;
  bool live_ = false;
};
