#pragma once

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

class Engine;

// Which threads the process has, and what they are called; keeps the engine armed for
// each of them.
//
// Threads created while profiling are armed at birth, on the new thread before its start
// routine runs (thread_birth.h: the pthread_create of libjvm and other libraries is
// hooked). Java threads also announce themselves through JVMTI ThreadStart/ThreadEnd.
// Anything else (threads alive at start, threads created past the hook) is found by a
// plain pthread that rescans /proc/self/task every 100 ms (and armed at the second scan
// that sees them, once the JVM has set them up). A tid is told apart
// from an earlier thread with the same tid by its start time (/proc/.../stat field 22);
// a thread armed at birth needs no /proc read then (being born, it is new), its start
// time is read by the rescan, if it lives that long.
// All engine calls happen under one mutex, never on the signal path.
class ThreadRegistry {
 public:
  ThreadRegistry() = default;
  ~ThreadRegistry();
  ThreadRegistry(const ThreadRegistry&) = delete;
  ThreadRegistry& operator=(const ThreadRegistry&) = delete;

  // Arms `engine` for every thread alive now and starts the rescan thread. Before this,
  // javaThreadStarted() only records names. May be called again after stop(), with a new
  // engine (a profile started again by a later attach).
  bool start(Engine* engine, std::string* error);

  // Stops the rescan thread, records final names of live threads, then stops the engine.
  // No engine call happens after it returns. Names stay known.
  void stop();

  // A thread created while profiling, on the thread itself (required: it reads its name
  // with prctl) before its start routine.
  void threadBorn(int tid);
  uint64_t threadsArmedAtBirth() const;  // since the last start()

  // Whether threads are named as they start: by their comm at birth (a prctl) and their
  // Java name at JVMTI ThreadStart (GetThreadInfo, ~4 us a thread: the caller asks
  // namesAtStart() first). On by default; a profile that never shows the name of a thread
  // that has ended turns it off (profile_lifecycle: event=wall without `threads` or JFR).
  // Threads still alive are named by the rescan and at stop() either way.
  void setNamesAtStart(bool on) { namesAtStart_.store(on, std::memory_order_relaxed); }
  bool namesAtStart() const { return namesAtStart_.load(std::memory_order_relaxed); }

  // JVMTI ThreadStart / ThreadEnd, on the thread itself. An empty name: not named (see
  // namesAtStart), the thread keeps no earlier thread's name.
  void javaThreadStarted(int tid, const std::string& name);
  void javaThreadEnded(int tid);

  // The Java name if the thread was a Java thread, otherwise its /proc comm (15 chars at
  // most, as the kernel keeps it); empty if never seen.
  std::string nameOf(int tid) const;

  uint64_t threadsSeen() const;  // since the last start()
  // CPU time the started and ended threads spent in the registry (reading their /proc
  // stat, arming and disarming the engine's per-thread timer or event), on their own CPU
  // clocks, since the agent loaded: per-thread cost for the profile's account. Estimated
  // from one call in eight of each hook (SampledCpuTimer).
  uint64_t threadSetupNs() const { return threadSetupNs_.load(std::memory_order_relaxed); }

  // /proc/<pid>/task/<tid>/stat: the comm and start time (clock ticks since boot).
  struct TaskStat {
    std::string comm;
    uint64_t startTime = 0;
  };
  static bool parseTaskStat(const std::string& text, TaskStat* out);
  static bool readTaskStat(int tid, TaskStat* out);
  static std::vector<int> listTasks();

 private:
  // A thread armed at birth: its start time is read by the first rescan that meets it.
  static constexpr uint64_t kStartTimeUnknown = 0;

  struct Live {
    uint64_t startTime = 0;  // kStartTimeUnknown until read
    bool ended = false;      // JVMTI ThreadEnd seen; the thread may linger in /proc a moment
    int nameReads = 0;       // comm re-reads left (a new thread may not have its name yet)
    bool awaitingThreadStart = false;  // armed at birth; a JVMTI ThreadStart for tid is then this thread's
  };

  static void* scannerMain(void* self);
  static void onBirth(int tid);  // thread_birth's callback: the running registry's threadBorn
  // armAtOnce: arm every new thread now (at start), rather than at the scan after the one
  // that first sees it.
  bool scanLocked(bool armAtOnce);  // whether a thread appeared or vanished
  void armLocked(int tid, uint64_t startTime);

  Engine* engine_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable wakeup_;
  bool started_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  bool scannerRunning_ = false;
  pthread_t scanner_{};
  std::unordered_map<int, Live> live_;
  std::unordered_map<int, uint64_t> unarmed_;  // tid -> start time: seen by the last scan only
  struct JavaName {
    std::string name;
    uint64_t startTime = 0;  // of the thread that had the name: tells a reused tid apart
  };
  void forgetStaleJavaNameLocked(int tid, uint64_t startTime);
  void adoptStartTimeLocked(int tid, Live* live, uint64_t startTime);

  std::unordered_map<int, JavaName> javaNames_;
  std::unordered_map<int, std::string> osNames_;
  uint64_t threadsSeen_ = 0;
  std::atomic<uint64_t> threadSetupNs_{0};
  std::atomic<bool> namesAtStart_{true};
  std::atomic<uint32_t> bornCalls_{0}, startCalls_{0}, endCalls_{0};  // which calls are timed
  uint64_t armedAtBirth_ = 0;
};
