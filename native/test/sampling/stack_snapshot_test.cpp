#include "sampling/stack_snapshot.h"

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "check.h"

namespace {

// Plays the sampler's handler: a snapshot's signal goes to the snapshot, any other SIGPROF
// (an engine's) is counted and otherwise ignored.
std::atomic<int> g_otherSignals{0};

void onSigprof(int, siginfo_t* info, void* ucontext) {
  if (StackSnapshot::isSnapshotSignal(info)) {
    StackSnapshot::answer(info, ucontext);
  } else {
    g_otherSignals.fetch_add(1);
  }
}

struct Worker {
  pthread_t thread{};
  std::atomic<int> tid{0};
  std::atomic<bool> stop{false};
  bool blockSigprof = false;
};

void* workerMain(void* arg) {
  Worker* w = static_cast<Worker*>(arg);
  if (w->blockSigprof) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPROF);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }
  w->tid.store(static_cast<int>(syscall(SYS_gettid)));
  while (!w->stop.load()) usleep(1000);
  return nullptr;
}

// No JVM here: without a JavaThreadEnv no thread is a JavaThread, and without a code map no
// native frame is walked, so every walk ends as kNotJavaThread without calling the JVM,
// which is all this test needs of it.
StackWalker walkerWithoutJvm() {
  StackWalker walker;
  walker.depth = 8;
  return walker;
}

void everyThreadAnswersOnceAndABlockedOneIsReportedSilent() {
  Worker running, blocked;
  blocked.blockSigprof = true;
  pthread_create(&running.thread, nullptr, workerMain, &running);
  pthread_create(&blocked.thread, nullptr, workerMain, &blocked);
  while (running.tid.load() == 0 || blocked.tid.load() == 0) usleep(1000);
  int self = static_cast<int>(syscall(SYS_gettid));
  int gone = 0x3ffffff0;  // no such thread: the kernel says ESRCH

  StackSnapshot snapshot(walkerWithoutJvm(), {self, running.tid.load(), blocked.tid.load(), gone});
  // Generous: take() returns once every thread that can answer has, so only the blocked
  // thread's wait costs the whole of it; a short one flakes when the machine is loaded.
  snapshot.take(2000);
  std::vector<StackSnapshot::Thread> threads = snapshot.threads();
  CHECK_EQ(threads.size(), 4u);
  CHECK(threads[0].answer == StackSnapshot::Answer::kWalked);
  CHECK(threads[0].outcome == WalkOutcome::kNotJavaThread);
  CHECK_EQ(threads[0].count, 1u);
  CHECK(threads[0].frames[0].kind == FrameKind::kThreadSelf);
  CHECK(threads[1].answer == StackSnapshot::Answer::kWalked);
  CHECK_EQ(static_cast<int>(threads[1].frames[0].id), running.tid.load());
  CHECK(threads[2].answer == StackSnapshot::Answer::kNoAnswer);
  CHECK(threads[3].answer == StackSnapshot::Answer::kExited);
  CHECK_EQ(g_otherSignals.load(), 0);

  // The blocked thread's signals (two: the first and the resend) stay pending; when it
  // unblocks them after the snapshot is gone, the handler ignores them.
  running.stop = true;
  blocked.stop = true;
  pthread_join(running.thread, nullptr);
  pthread_join(blocked.thread, nullptr);
}

std::atomic<bool> g_unblockSoon{false};

void* unblockingWorker(void* arg) {
  Worker* w = static_cast<Worker*>(arg);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPROF);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  w->tid.store(static_cast<int>(syscall(SYS_gettid)));
  while (!g_unblockSoon.load()) usleep(1000);
  usleep(50'000);  // the second snapshot is waiting by now
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  while (!w->stop.load()) usleep(1000);
  return nullptr;
}

// The first snapshot's signal reaches the thread only while the second waits: it carries
// the old generation and is ignored, and since it swallowed the second's (one SIGPROF
// pending at a time), the second's resend is what gets the answer.
void aLateSignalOfAnOldSnapshotIsIgnoredAndTheResendAnswers() {
  Worker late;
  pthread_create(&late.thread, nullptr, unblockingWorker, &late);
  while (late.tid.load() == 0) usleep(1000);
  {
    StackSnapshot first(walkerWithoutJvm(), {late.tid.load()});
    first.take(20);
    CHECK(first.threads()[0].answer == StackSnapshot::Answer::kNoAnswer);
  }
  StackSnapshot second(walkerWithoutJvm(), {late.tid.load()});
  g_unblockSoon = true;
  second.take(10'000);  // returns at the answer: generous for a loaded machine
  CHECK(second.threads()[0].answer == StackSnapshot::Answer::kWalked);
  late.stop = true;
  pthread_join(late.thread, nullptr);
}

}  // namespace

int main() {
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_sigaction = onSigprof;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGPROF, &action, nullptr);
  everyThreadAnswersOnceAndABlockedOneIsReportedSilent();
  aLateSignalOfAnOldSnapshotIsIgnoredAndTheResendAnswers();
  return check::finish("stack_snapshot_test");
}
