#include "sampling/thread_registry.h"


#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "check.h"
#include "parked_thread.h"
#include "sampling/engine.h"

namespace {

// Polls `condition` until it holds or 20 s have passed: for what a background thread does
// "soon", without a time bound that a loaded machine can break.
template <typename Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 2000; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}


// Records what the registry asks of it.
class RecordingEngine : public Engine {
 public:
  const char* name() const override { return "recording"; }
  bool start(std::string*) override { return true; }
  void stop() override { stopped = true; }
  void threadStarted(int tid) override {
    std::lock_guard<std::mutex> lock(mutex);
    armed_.insert(tid);
    ++starts_;
    ++startsOf_[tid];
  }
  void threadEnded(int tid) override {
    std::lock_guard<std::mutex> lock(mutex);
    armed_.erase(tid);
  }
  void aliveAtStartArmed() override {
    std::lock_guard<std::mutex> lock(mutex);
    ++aliveAtStartCalls_;
    armedBeforeAliveAtStart_ = armed_;
  }
  bool onSignal(const siginfo_t*, int) override { return false; }

  // The threads armed when the registry said that those alive at start were armed.
  std::set<int> armedAtStart() {
    std::lock_guard<std::mutex> lock(mutex);
    return armedBeforeAliveAtStart_;
  }
  int aliveAtStartCalls() {
    std::lock_guard<std::mutex> lock(mutex);
    return aliveAtStartCalls_;
  }

  bool isArmed(int tid) {
    std::lock_guard<std::mutex> lock(mutex);
    return armed_.count(tid) == 1;
  }
  bool noneArmed() {
    std::lock_guard<std::mutex> lock(mutex);
    return armed_.empty();
  }
  int startsOf(int tid) {
    std::lock_guard<std::mutex> lock(mutex);
    return startsOf_[tid];
  }
  int starts() {
    std::lock_guard<std::mutex> lock(mutex);
    return starts_;
  }

  std::atomic<bool> stopped{false};

 private:
  std::mutex mutex;
  std::set<int> armed_;
  std::map<int, int> startsOf_;
  std::set<int> armedBeforeAliveAtStart_;
  int aliveAtStartCalls_ = 0;
  int starts_ = 0;
};

using test_threads::ParkedThread;
using test_threads::tidNow;


void statLinesWithOddCommsParse() {
  ThreadRegistry::TaskStat stat;
  std::string line =
      "1234 (C2 Compiler) Thr) S 1 1 1 0 -1 4194368 10 0 0 0 5 6 0 0 20 0 12 0 987654 0 0\n";
  CHECK(ThreadRegistry::parseTaskStat(line, &stat));
  CHECK_STR(stat.comm, "C2 Compiler) Thr");
  CHECK_EQ(stat.startTime, uint64_t{987654});
  CHECK(!ThreadRegistry::parseTaskStat("garbage", &stat));
}

void ownThreadIsListedAndReadable() {
  std::vector<int> tids = ThreadRegistry::listTasks();
  CHECK(std::find(tids.begin(), tids.end(), tidNow()) != tids.end());
  ThreadRegistry::TaskStat stat;
  CHECK(ThreadRegistry::readTaskStat(tidNow(), &stat));
  CHECK(stat.startTime > 0);
}

void existingAndLaterThreadsAreArmedAndDisarmed() {
  RecordingEngine engine;
  ThreadRegistry registry;
  registry.javaThreadStarted(tidNow(), "main");  // before start: only the name
  CHECK(engine.noneArmed());
  std::string error;
  CHECK(registry.start(&engine, &error));
  CHECK(engine.isArmed(tidNow()));
  CHECK_STR(registry.nameOf(tidNow()), "main");
  // Told once that the threads alive at start are armed, after arming them (event=cpu
  // maps their kernel-frame rings at once then).
  CHECK_EQ(engine.aliveAtStartCalls(), 1);
  CHECK(engine.armedAtStart().count(tidNow()) == 1);

  // A thread the registry is never told about is found by the rescan, and forgotten
  // once it has exited.
  ParkedThread worker([](int) { pthread_setname_np(pthread_self(), "lazy-worker"); });
  int workerTid = worker.tid();
  // Armed at birth or at the second rescan that sees it, and named by a rescan after it set
  // its name (~100-200 ms): waited for with a generous deadline, not a fixed sleep, so that
  // a loaded machine delays the test instead of failing it.
  CHECK(eventually([&] { return engine.isArmed(workerTid) && registry.nameOf(workerTid) == "lazy-worker"; }));
  CHECK_STR(registry.nameOf(workerTid), "lazy-worker");
  worker.release();
  CHECK(eventually([&] { return !engine.isArmed(workerTid); }));
  CHECK_STR(registry.nameOf(workerTid), "lazy-worker");  // names outlive threads

  // ThreadEnd disarms at once and the rescan does not re-arm the exiting thread.
  int starts = engine.starts();
  registry.javaThreadEnded(tidNow());
  CHECK(!engine.isArmed(tidNow()));
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  CHECK(!engine.isArmed(tidNow()));
  CHECK_EQ(engine.starts(), starts);

  registry.stop();
  CHECK(engine.stopped);
}

// A later attach starts the profile again: the registry arms every live thread for the
// new engine, and the stopped engine is never called again.
void aStoppedRegistryStartsAgainWithANewEngine() {
  ThreadRegistry registry;
  RecordingEngine first;
  std::string error;
  CHECK(registry.start(&first, &error));
  CHECK(!registry.start(&first, &error));  // running: refused
  registry.stop();
  CHECK(first.stopped);
  int firstStarts = first.starts();

  RecordingEngine second;
  CHECK(registry.start(&second, &error));
  CHECK(second.isArmed(tidNow()));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  CHECK_EQ(first.starts(), firstStarts);
  registry.stop();
  CHECK(second.stopped);
}

}  // namespace

// A thread created while profiling is armed on itself at birth (libstdc++'s pthread_create
// is hooked), named from its JVMTI ThreadStart without being armed again, and the rescan
// that later reads its start time (unknown at birth) takes it as the same thread: one arm.
void aThreadArmedAtBirthIsArmedOnce() {
  RecordingEngine engine;
  ThreadRegistry registry;
  std::string error;
  CHECK(registry.start(&engine, &error));
  ParkedThread worker([&](int tid) { registry.javaThreadStarted(tid, "born-java"); });
  int workerTid = worker.tid();
  CHECK_EQ(registry.threadsArmedAtBirth(), uint64_t{1});
  CHECK(engine.isArmed(workerTid));
  CHECK_EQ(engine.startsOf(workerTid), 1);
  CHECK_STR(registry.nameOf(workerTid), "born-java");
  // Past two rescans (100 ms each at most while threads change): still the one arm.
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  CHECK(engine.isArmed(workerTid));
  CHECK_EQ(engine.startsOf(workerTid), 1);
  CHECK_STR(registry.nameOf(workerTid), "born-java");
  registry.javaThreadEnded(workerTid);
  CHECK(!engine.isArmed(workerTid));
  worker.release();
  registry.stop();
}

// A profile that never shows an ended thread's name (event=wall without `threads` or JFR)
// names no thread as it starts: the born thread is armed once all the same, and a thread
// that lives on is named from /proc by the rescan.
void threadsNotNamedAtStartAreArmedAndNamedByTheRescan() {
  RecordingEngine engine;
  ThreadRegistry registry;
  CHECK(registry.namesAtStart());  // the default
  registry.setNamesAtStart(false);
  CHECK(!registry.namesAtStart());
  std::string error;
  CHECK(registry.start(&engine, &error));
  ParkedThread worker([&](int tid) {
    pthread_setname_np(pthread_self(), "quiet-worker");
    registry.javaThreadStarted(tid, "");  // as the JVMTI hook passes it then
  });
  int workerTid = worker.tid();
  CHECK_EQ(registry.threadsArmedAtBirth(), uint64_t{1});
  CHECK(engine.isArmed(workerTid));
  CHECK_EQ(engine.startsOf(workerTid), 1);
  // Not its creator's name, which a birth with names on copies (unless a rescan, 100 ms
  // after start, was quicker and read its own).
  std::string early = registry.nameOf(workerTid);
  CHECK(early.empty() || early == "quiet-worker");
  CHECK(eventually([&] { return registry.nameOf(workerTid) == "quiet-worker"; }));
  CHECK_EQ(engine.startsOf(workerTid), 1);
  registry.javaThreadEnded(workerTid);
  CHECK(!engine.isArmed(workerTid));
  worker.release();
  registry.stop();
}

int main() {
  statLinesWithOddCommsParse();
  ownThreadIsListedAndReadable();
  existingAndLaterThreadsAreArmedAndDisarmed();
  aStoppedRegistryStartsAgainWithANewEngine();
  aThreadArmedAtBirthIsArmedOnce();
  threadsNotNamedAtStartAreArmedAndNamedByTheRescan();
  return check::finish("thread_registry_test");
}
