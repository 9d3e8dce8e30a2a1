#pragma once

#include <jni.h>
#include <jvmti.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "store/trace_store.h"
#include "symbols/class_names.h"

class CollapsedWriter;
class SampleLog;
class Symbols;

// A profile recorded from JVMTI event callbacks rather than signals (alloc, lock): the
// stack of the thread the event is posted on, from GetStackTrace (callbacks run in
// normal context, so JVMTI is allowed), ending in a frame naming a class, counted with
// a weight (bytes, nanoseconds) in a pre-sized TraceStore. Memory is bounded by the
// store and the class-name table; what does not fit is dropped and counted.
class EventProfile {
 public:
  EventProfile(uint32_t depth, bool lines, bool threads);

  bool ok() const { return store_.ok() && names_.ok(); }

  // Records the current thread's stack with `klass` as the leaf, `weight` times. False
  // (and counted as dropped) if it could not be stored. *slot as in TraceStore::add.
  bool record(jvmtiEnv* jvmti, JNIEnv* jni, jclass klass, uint64_t weight, uint32_t* slot = nullptr);

  // Takes back a weight recorded at `slot` (an alloc --live object that has died).
  void subtract(uint32_t slot, uint64_t weight) { store_.subtract(slot, weight); }

  // Adds every stack, named, to `writer`. A snapshot if callbacks still record.
  void collect(Symbols& symbols, CollapsedWriter* writer) const;

  uint64_t events() const { return events_.load(std::memory_order_relaxed); }
  // Time spent in record(), stack walk and class name included: the cost per event.
  uint64_t recordNsMean() const {
    uint64_t n = events();
    return n == 0 ? 0 : recordNs_.load(std::memory_order_relaxed) / n;
  }
  uint64_t drops() const { return store_.droppedTotal() + walkFailures_.load(std::memory_order_relaxed); }
  size_t distinctTraces() const { return store_.distinctTraces(); }

  // Also logs each recorded sample, with its time, to `log` (JFR output; nullptr: none)
  // as coming from `source` (SampleLog::Source).
  void logTo(SampleLog* log, uint32_t source) {
    logSource_ = source;
    log_.store(log, std::memory_order_release);
  }

  // For the JFR writer: the store's traces by slot, and the class a kClassName frame names.
  const TraceStore& store() const { return store_; }
  std::string className(uint64_t key) const { return names_.nameOf(key); }

  // "[I" -> "int[]", "Ljava/lang/String;" -> "java.lang.String", "[[Lp/A;" -> "p.A[][]".
  static std::string javaTypeName(const char* signature);

 private:
  bool walkAndAdd(jvmtiEnv* jvmti, JNIEnv* jni, jclass klass, uint64_t weight, uint32_t* slot);
  uint64_t classKey(jvmtiEnv* jvmti, jclass klass);

  const uint32_t depth_;
  const bool lines_;
  const bool threads_;
  TraceStore store_;
  ClassNames names_;
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> walkFailures_{0};
  std::atomic<uint64_t> recordNs_{0};
  std::atomic<SampleLog*> log_{nullptr};
  uint32_t logSource_ = 0;
};

// Lets callbacks in flight finish before what they use is replaced: a callback enters
// (and leaves) around its work, stop() closes the gate and waits for those inside. The
// gate itself lives as long as the agent.
class CallbackGate {
 public:
  class Pass {
   public:
    explicit Pass(CallbackGate& gate) : gate_(gate) {
      gate_.inside_.fetch_add(1);
      open_ = gate_.open_.load();
    }
    ~Pass() { gate_.inside_.fetch_sub(1); }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;
    bool open() const { return open_; }

   private:
    CallbackGate& gate_;
    bool open_ = false;
  };

  void open() { open_.store(true); }

  // Closes, then waits (bounded) for callbacks inside; false if some are still inside.
  bool closeAndDrain(int timeoutMs);

 private:
  std::atomic<bool> open_{false};
  std::atomic<int> inside_{0};
};
