#include "sampling/thread_registry.h"

#include "support/agent_thread.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "sampling/engine.h"
#include "sampling/thread_birth.h"
#include "support/sampled_cpu_timer.h"

namespace {

// The per-thread hooks are timed on one call in this many (SampledCpuTimer): reading the
// thread CPU clock twice in each of the three hooks was 6 system calls per thread.
constexpr uint32_t kTimedOneIn = 8;

// The rescan runs every 100 ms while threads come and go, and backs off to 800 ms while
// nothing changes: each scan reads /proc (about 300 us for 25 threads in a VM), which at
// a fixed 100 ms cost 0.3% of a CPU for nothing in a steady application. Threads created
// while profiling do not wait for it (armed at birth, or by ThreadStart); the rest (created
// past the pthread_create hook) wait at most 1.6 s.
constexpr auto kRescanPeriod = std::chrono::milliseconds(100);
constexpr auto kQuietRescanPeriod = std::chrono::milliseconds(800);
constexpr int kNameReads = 3;  // re-read comm a few scans, until the JVM has named the thread

// The registry that new threads report to; one per process (the agent's).
std::atomic<ThreadRegistry*> g_birthRegistry{nullptr};

}  // namespace

ThreadRegistry::~ThreadRegistry() {
  stop();
  ThreadRegistry* self = this;
  if (g_birthRegistry.compare_exchange_strong(self, nullptr)) thread_birth::setCallback(nullptr);
}

void ThreadRegistry::onBirth(int tid) {
  ThreadRegistry* registry = g_birthRegistry.load(std::memory_order_acquire);
  if (registry != nullptr) registry->threadBorn(tid);
}

void ThreadRegistry::threadBorn(int tid) {
  SampledCpuTimer timed(&threadSetupNs_, &bornCalls_, kTimedOneIn);
  // On the new thread itself, so no /proc read: reading its stat for the start time cost
  // 36 us of its CPU per thread (a third of the registry's per-thread cost in a
  // 3,000-thread churn). The start time is read later by the rescan, if the thread lives
  // that long; most short threads never meet one. Its name so far is its creator's.
  char comm[17] = {};
  bool named = namesAtStart();
  if (named) prctl(PR_GET_NAME, comm);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!started_ || stopped_ || stopping_) return;
  auto it = live_.find(tid);
  if (it != live_.end()) {
    // A thread being born has no entry yet: this one is a previous thread's with the same
    // tid, whose end the rescan has not seen.
    if (!it->second.ended) engine_->threadEnded(tid);
    live_.erase(it);
  }
  unarmed_.erase(tid);
  javaNames_.erase(tid);  // likewise a previous thread's
  if (named) {
    osNames_[tid] = comm;
  } else {
    osNames_.erase(tid);  // a previous thread's
  }
  ++armedAtBirth_;
  armLocked(tid, kStartTimeUnknown);
  live_[tid].awaitingThreadStart = true;
}

uint64_t ThreadRegistry::threadsArmedAtBirth() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return armedAtBirth_;
}

bool ThreadRegistry::parseTaskStat(const std::string& text, TaskStat* out) {
  // "tid (comm) state ppid ...": comm may itself contain spaces and parentheses, so it
  // runs to the LAST ')'. Start time is field 22, i.e. the 20th after the comm.
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return false;
  out->comm = text.substr(open + 1, close - open - 1);
  const char* p = text.c_str() + close + 1;
  for (int field = 3; field < 22; ++field) {
    while (*p == ' ') ++p;
    while (*p != ' ' && *p != '\0') ++p;
  }
  while (*p == ' ') ++p;
  if (*p < '0' || *p > '9') return false;
  out->startTime = std::strtoull(p, nullptr, 10);
  return true;
}

bool ThreadRegistry::readTaskStat(int tid, TaskStat* out) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buffer[1024];
  ssize_t n = read(fd, buffer, sizeof(buffer) - 1);
  close(fd);
  if (n <= 0) return false;
  return parseTaskStat(std::string(buffer, static_cast<size_t>(n)), out);
}

std::vector<int> ThreadRegistry::listTasks() {
  std::vector<int> tids;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return tids;
  while (dirent* entry = readdir(dir)) {
    int tid = atoi(entry->d_name);
    if (tid > 0) tids.push_back(tid);
  }
  closedir(dir);
  return tids;
}

bool ThreadRegistry::start(Engine* engine, std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_ && !stopped_) {
    *error = "the thread registry is already running";
    return false;
  }
  engine_ = engine;
  started_ = true;
  stopping_ = false;
  stopped_ = false;
  live_.clear();  // armed by the previous engine, which is stopped
  threadsSeen_ = 0;
  armedAtBirth_ = 0;
  unarmed_.clear();
  // Every thread alive now, at once: a thread the JVM is creating at this very moment is a
  // rare race here, where the rescan would meet every new thread.
  scanLocked(true);
  engine_->aliveAtStartArmed();
  if (startAgentThread(&scanner_, "jflame-rescan", scannerMain, this) != 0) {
    *error = "cannot start the thread rescan thread";
    return false;
  }
  scannerRunning_ = true;
  // From here on, new threads arm themselves (threadBorn takes mutex_, held till we return).
  thread_birth::hookLoadedObjects();
  g_birthRegistry.store(this, std::memory_order_release);
  thread_birth::setCallback(&ThreadRegistry::onBirth);
  return true;
}

void ThreadRegistry::stop() {
  pthread_t scanner{};
  bool join = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopped_ || !started_) return;
    stopping_ = true;
    join = scannerRunning_;
    // New threads start as if unhooked from here on: no /proc read and no lock per thread
    // start while stopped (a thread past this load finds no registry and returns).
    ThreadRegistry* self = this;
    if (g_birthRegistry.compare_exchange_strong(self, nullptr)) thread_birth::setCallback(nullptr);
    scanner = scanner_;
    scannerRunning_ = false;
  }
  wakeup_.notify_all();
  if (join) pthread_join(scanner, nullptr);
  std::lock_guard<std::mutex> lock(mutex_);
  // Final names of the threads still alive: a writer cannot read /proc for dead ones.
  for (auto& entry : live_) {
    TaskStat stat;
    if (!entry.second.ended && readTaskStat(entry.first, &stat)) osNames_[entry.first] = stat.comm;
  }
  engine_->stop();
  stopped_ = true;
}

void* ThreadRegistry::scannerMain(void* self) {
  ThreadRegistry& registry = *static_cast<ThreadRegistry*>(self);
  std::unique_lock<std::mutex> lock(registry.mutex_);
  auto period = kRescanPeriod;
  while (!registry.stopping_) {
    registry.wakeup_.wait_for(lock, period);
    if (registry.stopping_) break;
    bool changed = registry.scanLocked(false);
    if (registry.engine_->rescanned()) changed = true;
    period = changed ? kRescanPeriod : std::min(period * 2, std::chrono::milliseconds(kQuietRescanPeriod));
  }
  return nullptr;
}

void ThreadRegistry::armLocked(int tid, uint64_t startTime) {
  Live& live = live_[tid];
  live.startTime = startTime;
  live.nameReads = kNameReads;
  // The agent's own threads block the sampling signals: a timer for them only costs, and
  // event=wall would count them among the threads it stands for.
  live.ended = isAgentThread(tid);
  if (live.ended) return;
  ++threadsSeen_;
  engine_->threadStarted(tid);
}

bool ThreadRegistry::scanLocked(bool armAtOnce) {
  bool changed = false;
  // Listing under the lock: a thread announced by ThreadStart meanwhile cannot be
  // mistaken for one that vanished.
  std::vector<int> tids = listTasks();
  std::unordered_map<int, bool> present;
  std::unordered_map<int, uint64_t> unarmed;
  present.reserve(tids.size());
  for (int tid : tids) {
    present[tid] = true;
    auto it = live_.find(tid);
    if (it != live_.end() && it->second.nameReads > 0 && !it->second.ended) {
      TaskStat stat;
      if (readTaskStat(tid, &stat)) {
        if (it->second.startTime == kStartTimeUnknown) adoptStartTimeLocked(tid, &it->second, stat.startTime);
        if (stat.startTime == it->second.startTime) {
          osNames_[tid] = stat.comm;
          --it->second.nameReads;
          continue;
        }
        // The tid was reused between two scans: a new thread, armed as below.
        engine_->threadEnded(tid);
        live_.erase(it);
        it = live_.end();
      }
    }
    if (it != live_.end()) continue;
    TaskStat stat;
    if (!readTaskStat(tid, &stat)) continue;  // gone already
    // A thread seen for the first time may be one the JVM is still creating, before even
    // its thread-local storage exists: a signal then (the handler's GetEnv allocates that
    // storage, and the signal may have interrupted malloc) was seen to deadlock the JVM.
    // So it is armed at the next scan; a Java thread is armed sooner by its ThreadStart.
    auto seen = unarmed_.find(tid);
    changed = true;
    if (!armAtOnce && (seen == unarmed_.end() || seen->second != stat.startTime)) {
      unarmed[tid] = stat.startTime;
      continue;
    }
    forgetStaleJavaNameLocked(tid, stat.startTime);
    osNames_[tid] = stat.comm;
    armLocked(tid, stat.startTime);
  }
  unarmed_ = std::move(unarmed);
  for (auto it = live_.begin(); it != live_.end();) {
    if (present.count(it->first) != 0) {
      ++it;
      continue;
    }
    if (!it->second.ended) engine_->threadEnded(it->first);
    it = live_.erase(it);
    changed = true;
  }
  return changed;
}

void ThreadRegistry::adoptStartTimeLocked(int tid, Live* live, uint64_t startTime) {
  // Taken as the born thread's own: another thread with its tid would have needed the
  // kernel's tids to wrap around since the birth, within one rescan period.
  live->startTime = startTime;
  auto named = javaNames_.find(tid);
  if (named != javaNames_.end() && named->second.startTime == kStartTimeUnknown) named->second.startTime = startTime;
}

void ThreadRegistry::forgetStaleJavaNameLocked(int tid, uint64_t startTime) {
  auto it = javaNames_.find(tid);
  if (it != javaNames_.end() && it->second.startTime != startTime) javaNames_.erase(it);
}

void ThreadRegistry::javaThreadStarted(int tid, const std::string& name) {
  SampledCpuTimer timed(&threadSetupNs_, &startCalls_, kTimedOneIn);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = live_.find(tid);
    if (started_ && !stopped_ && !stopping_ && it != live_.end() && it->second.awaitingThreadStart &&
        !it->second.ended) {
      // Armed at its birth, on this very thread: nothing to read from /proc (21 us a thread).
      it->second.awaitingThreadStart = false;
      if (!name.empty()) javaNames_[tid] = JavaName{name, it->second.startTime};
      return;
    }
  }
  TaskStat stat;
  bool known = readTaskStat(tid, &stat);
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t startTime = known ? stat.startTime : 0;
  auto named = javaNames_.find(tid);
  // The same OS thread attaching again (the launcher's main thread comes back as
  // "DestroyJavaVM") keeps the name it had while it did the work.
  bool stale = named != javaNames_.end() && (startTime == 0 || named->second.startTime != startTime);
  if (!name.empty() && (named == javaNames_.end() || stale)) {
    javaNames_[tid] = JavaName{name, startTime};
  } else if (name.empty() && stale) {
    javaNames_.erase(named);  // a previous thread's
  }
  if (!started_ || stopped_ || stopping_) return;
  auto it = live_.find(tid);
  if (it != live_.end() && known && it->second.startTime == stat.startTime && !it->second.ended) {
    return;  // the rescan got here first
  }
  armLocked(tid, known ? stat.startTime : 0);
}

void ThreadRegistry::javaThreadEnded(int tid) {
  SampledCpuTimer timed(&threadSetupNs_, &endCalls_, kTimedOneIn);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!started_ || stopped_ || stopping_) return;
  auto it = live_.find(tid);
  if (it == live_.end() || it->second.ended) return;
  // Kept as a tombstone until the tid leaves /proc, so the rescan does not re-arm a
  // thread that is only finishing its exit.
  it->second.ended = true;
  engine_->threadEnded(tid);
}

std::string ThreadRegistry::nameOf(int tid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto java = javaNames_.find(tid);
  if (java != javaNames_.end()) return java->second.name;
  auto os = osNames_.find(tid);
  return os != osNames_.end() ? os->second : std::string();
}

uint64_t ThreadRegistry::threadsSeen() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threadsSeen_;
}
