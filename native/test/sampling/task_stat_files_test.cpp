#include "sampling/task_stat_files.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "check.h"
#include "test_files.h"
#include "sampling/wall_engine.h"

namespace {

int currentTid() { return static_cast<int>(syscall(SYS_gettid)); }

using test_files::openFds;

// A thread parked until released, and its tid.
class ParkedThread {
 public:
  ParkedThread() : thread_([this] {
    tid_ = currentTid();
    while (!released_.load()) usleep(1000);
  }) {
    while (tid_.load() == 0) usleep(100);
  }
  ~ParkedThread() { end(); }
  int tid() const { return tid_.load(); }
  void end() {
    released_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<int> tid_{0};
  std::atomic<bool> released_{false};
  std::thread thread_;
};

// A kept file reads the thread's current line each time, with one descriptor per thread.
void aKeptFileIsReadAgainWithoutReopening() {
  int before = openFds();
  TaskStatFiles files;
  ParkedThread parked;
  char buffer[512];
  for (int i = 0; i < 3; ++i) {
    size_t n = files.read(currentTid(), buffer, sizeof(buffer));
    CHECK(n > 0);
    CHECK_EQ(WallEngine::parseState(buffer, n), 'R');  // the reader runs
    n = files.read(parked.tid(), buffer, sizeof(buffer));
    CHECK(n > 0);
    char state = WallEngine::parseState(buffer, n);
    CHECK(state == 'S' || state == 'R');  // in usleep, or just between two
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
    ending.end();
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
