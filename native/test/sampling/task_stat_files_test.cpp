#include "sampling/task_stat_files.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "check.h"
#include "parked_thread.h"
#include "test_files.h"
#include "sampling/wall_engine.h"

namespace {


using test_files::openFds;

using test_threads::ParkedThread;
using test_threads::tidNow;

// Waits (up to 2 s) until the kernel has removed the task of an exited thread. A join returns
// when the thread has cleared its tid word, which is before its /proc entry goes: in between its
// stat file still reads.
bool awaitTaskGone(int tid) {
  std::string path = "/proc/self/task/" + std::to_string(tid);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (access(path.c_str(), F_OK) == 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// A kept file reads the thread's current line each time, with one descriptor per thread.
void aKeptFileIsReadAgainWithoutReopening() {
  int before = openFds();
  TaskStatFiles files;
  ParkedThread parked;
  char buffer[512];
  for (int i = 0; i < 3; ++i) {
    size_t n = files.read(tidNow(), buffer, sizeof(buffer));
    CHECK(n > 0);
    CHECK_EQ(WallEngine::parseState(buffer, n), 'R');  // the reader runs
    n = files.read(parked.tid(), buffer, sizeof(buffer));
    CHECK(n > 0);
    char state = WallEngine::parseState(buffer, n);
    CHECK(state == 'S' || state == 'R');  // asleep, or just between two
  }
  CHECK_EQ(files.openFiles(), 2u);
  CHECK_EQ(openFds(), before + 2);
  CHECK_EQ(files.unkeptReads(), 0u);
}

// The file of a thread that exited reads as gone and is closed; forget() closes, and so does
// the destructor: no descriptor outlives what it was kept for.
void filesAreClosedWhenThreadsEnd() {
  int before = openFds();
  {
    TaskStatFiles files;
    char buffer[512];
    ParkedThread ending;
    ParkedThread forgotten;
    ParkedThread kept;
    CHECK(files.read(ending.tid(), buffer, sizeof(buffer)) > 0);
    CHECK(files.read(forgotten.tid(), buffer, sizeof(buffer)) > 0);
    CHECK(files.read(kept.tid(), buffer, sizeof(buffer)) > 0);
    CHECK_EQ(files.openFiles(), 3u);
    int endedTid = ending.tid();
    ending.release();
    CHECK(awaitTaskGone(endedTid));
    // Its tid is not reused this soon (the kernel hands tids out in turn).
    CHECK_EQ(files.read(endedTid, buffer, sizeof(buffer)), 0u);
    CHECK_EQ(files.openFiles(), 2u);
    files.forget(forgotten.tid());
    CHECK_EQ(files.openFiles(), 1u);
    CHECK_EQ(openFds(), before + 1);
  }
  CHECK_EQ(openFds(), before);
}

// Past the limit a thread's file is opened and closed at each read, and counted.
void openFilesAreBounded() {
  int before = openFds();
  TaskStatFiles files(2);
  CHECK_EQ(files.limit(), 2u);
  std::vector<std::unique_ptr<ParkedThread>> threads;
  for (int i = 0; i < 4; ++i) threads.push_back(std::make_unique<ParkedThread>());
  char buffer[512];
  for (int round = 0; round < 2; ++round) {
    for (const auto& t : threads) CHECK(files.read(t->tid(), buffer, sizeof(buffer)) > 0);
  }
  CHECK_EQ(files.openFiles(), 2u);
  CHECK_EQ(files.unkeptReads(), 4u);  // two threads, two rounds
  CHECK_EQ(openFds(), before + 2);
  files.forgetAll();
  CHECK_EQ(openFds(), before);
}

}  // namespace

int main() {
  aKeptFileIsReadAgainWithoutReopening();
  filesAreClosedWhenThreadsEnd();
  openFilesAreBounded();
  return check::finish("task_stat_files_test");
}
