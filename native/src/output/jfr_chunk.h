#pragma once

#include <cstdint>
#include <string>
#include <vector>

// One self-contained chunk of a JDK Flight Recorder file (format 2.0): a 68-byte header,
// the events, then one checkpoint event holding every constant pool the events refer to,
// then the metadata event declaring every type. A file is a sequence of such chunks, so a
// chunk appended whole keeps the file readable up to its last chunk.
//
// What the readers need, and so what is written here:
//  * the JDK (jdk.jfr.consumer, `jfr print/summary`) parses events by the metadata's field
//    lists but expects startTime first and duration second where an event has one, every
//    field type declared, and methods with a class and a "(...)" descriptor;
//  * async-profiler's converter (one.jfr.JfrReader) reads events by position and by event
//    name (jdk.ExecutionSample, profiler.WallClockSample, jdk.ObjectAllocationSample,
//    jdk.JavaMonitorEnter), the thread, class, method and stack trace pools by position,
//    symbols as UTF-8 only, and tells CPU samples (state STATE_DEFAULT) from wall samples
//    (any other state).
// Integers are LEB128 varints (compressed integers); strings are UTF-8 inline (encoding 3).
// Time is in ticks of 1 ns on the monotonic clock, counted from the recording's start; the
// header maps the chunk's first tick to wall-clock time.
class JfrChunk {
 public:
  // Event and pool type ids (metadata ids; 0 and 1 are the metadata and checkpoint events).
  enum TypeId : uint32_t {
    kLong = 10, kInt = 11, kBoolean = 12, kString = 13,
    kThread = 20, kClass = 21, kStackTrace = 22, kStackFrame = 23, kMethod = 24, kSymbol = 25,
    kFrameType = 26, kThreadState = 27, kClassLoader = 28, kPackage = 29,
    kTimestamp = 30, kTimespan = 31, kDataAmount = 32,
    kExecutionSample = 100, kWallClockSample = 101, kAllocationSample = 102, kMonitorEnter = 103,
  };

  // jdk.types.FrameType keys, numbered as async-profiler's converter reads them (it treats
  // 3 as native, and prints no class for it, once key 5 is declared).
  enum FrameTypeKey : uint32_t { kJavaFrame = 0, kNativeFrame = 3, kKernelFrame = 5 };

  // jdk.types.ThreadState keys: 0 marks CPU samples (the converter's "default" state), the
  // others the [state] of wall samples.
  enum StateKey : uint32_t { kStateDefault = 0, kStateRunnable = 1, kStateSleeping = 2, kStateWaiting = 3,
                             kStateBlocked = 4 };

  struct Frame {
    uint32_t method;  // key in the Method pool
    int32_t line;     // -1: unknown
    int32_t bci;      // -1: unknown
    uint32_t type;    // FrameTypeKey
  };
  struct StackTrace {
    uint64_t key;
    bool truncated;
    std::vector<Frame> frames;  // leaf first
  };
  struct Method {
    uint64_t key;
    uint64_t classKey;     // 0: none (native and pseudo frames)
    uint64_t nameSymbol;
    uint64_t descriptorSymbol;
    uint32_t modifiers;
  };
  struct Class {
    uint64_t key;
    uint64_t nameSymbol;  // internal form, pkg/Outer$Inner
  };
  struct Symbol {
    uint64_t key;
    std::string text;
  };
  struct Thread {
    uint64_t key;
    std::string name;
    int tid;
    bool virtualMounted;  // a sample of this carrier while it ran a virtual thread
  };
  // The constant pools one chunk refers to.
  struct Pools {
    std::vector<StackTrace> stackTraces;
    std::vector<Method> methods;
    std::vector<Class> classes;
    std::vector<Symbol> symbols;
    std::vector<Thread> threads;
  };

  // A chunk whose first event is at `startTicks`, which was wall-clock `startEpochNs`.
  JfrChunk(uint64_t startTicks, uint64_t startEpochNs);

  void executionSample(uint64_t ticks, uint64_t thread, uint64_t stackTrace);
  void wallClockSample(uint64_t ticks, uint64_t thread, uint64_t stackTrace, StateKey state, uint64_t samples);
  void allocationSample(uint64_t ticks, uint64_t thread, uint64_t stackTrace, uint64_t objectClass, uint64_t bytes);
  void monitorEnter(uint64_t startTicks, uint64_t durationTicks, uint64_t thread, uint64_t stackTrace,
                    uint64_t monitorClass);

  uint64_t events() const { return events_; }
  size_t bytes() const { return out_.size(); }
  uint64_t startTicks() const { return startTicks_; }

  // Appends the constant pools and the metadata, fills in the header and hands back the
  // whole chunk. `endTicks`: when it ends; the last chunk of a recording sets `last`.
  std::string finish(uint64_t endTicks, const Pools& pools, bool last);

  // LEB128, as JFR's compressed integers.
  static void putVarint(std::string* out, uint64_t value);
  static void putString(std::string* out, const std::string& text);

 private:
  void beginEvent(uint32_t type);
  void endEvent();

  std::string out_;
  std::string event_;  // the event being written, before its size is known
  uint64_t startTicks_;
  uint64_t startEpochNs_;
  uint64_t minTicks_;
  uint64_t maxTicks_;
  uint64_t events_ = 0;
};
