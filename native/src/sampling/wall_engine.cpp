#include "sampling/wall_engine.h"

#include "support/agent_thread.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace {

int currentTid() { return static_cast<int>(syscall(SYS_gettid)); }

// One open/read/close per sampled thread: the only per-sample cost outside the handler.
char readState(int tid) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buffer[512];
  ssize_t n = read(fd, buffer, sizeof(buffer));
  close(fd);
  return n > 0 ? WallEngine::parseState(buffer, static_cast<size_t>(n)) : 0;
}

}  // namespace

WallEngine::WallEngine(uint64_t intervalNs, int signo, Jitter* jitter)
    : intervalNs_(intervalNs), signo_(signo), jitter_(*jitter), pid_(getpid()) {}

WallEngine::~WallEngine() { stop(); }

char WallEngine::parseState(const char* stat, size_t length) {
  // The comm may contain spaces and ')': the state follows the LAST ')'.
  size_t close = length;
  for (size_t i = length; i > 0; --i) {
    if (stat[i - 1] == ')') {
      close = i - 1;
      break;
    }
  }
  if (close + 2 >= length || stat[close + 1] != ' ') return 0;
  char state = stat[close + 2];
  return state >= 'A' && state <= 'z' ? state : 0;
}

bool WallEngine::start(std::string* error) {
  if (!pending_.ok() || !notJava_.ok()) {
    *error = "cannot reserve the per-thread sample slots";
    return false;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = false;
  if (startAgentThread(&sampler_, samplerMain, this) != 0) {
    *error = "cannot start the wall-clock sampler thread";
    return false;
  }
  running_ = true;
  return true;
}

void WallEngine::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!running_) return;
    stopping_ = true;
    running_ = false;
  }
  wakeup_.notify_all();
  // Once joined no signal of ours is raised any more.
  pthread_join(sampler_, nullptr);
}

void WallEngine::threadStarted(int tid) {
  std::lock_guard<std::mutex> lock(mutex_);
  // A reused tid may be a Java thread now.
  if (std::atomic<uint8_t>* flag = notJava_.at(tid)) flag->store(0, std::memory_order_relaxed);
  if (std::find(tids_.begin(), tids_.end(), tid) == tids_.end()) tids_.push_back(tid);
}

void WallEngine::threadEnded(int tid) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::find(tids_.begin(), tids_.end(), tid);
  if (it != tids_.end()) tids_.erase(it);
}

bool WallEngine::onSignal(const siginfo_t* info, int tid) {
  if (info->si_code != SI_TKILL || info->si_pid != pid_) return false;
  std::atomic<uint64_t>* slot = pending_.at(tid);
  return slot != nullptr && slot->load(std::memory_order_acquire) != 0;
}

void WallEngine::describeSample(int tid, Sample* sample) {
  std::atomic<uint64_t>* slot = pending_.at(tid);
  uint64_t value = slot != nullptr ? slot->exchange(0, std::memory_order_acq_rel) : 0;
  sample->weight = value >> 8;
  sample->state = static_cast<char>(value & 0xff);
  sample->javaThreadsOnly = true;
}

void WallEngine::notJavaThread(int tid) {
  if (std::atomic<uint8_t>* flag = notJava_.at(tid)) flag->store(1, std::memory_order_relaxed);
}

void* WallEngine::samplerMain(void* self) {
  pthread_setname_np(pthread_self(), "jflame-wall");
  // Never the target of our own signal.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, static_cast<WallEngine*>(self)->signo_);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  static_cast<WallEngine*>(self)->run();
  return nullptr;
}

void WallEngine::run() {
  samplerTid_.store(currentTid(), std::memory_order_relaxed);
  using Clock = std::chrono::steady_clock;
  Clock::time_point next = Clock::now() + std::chrono::nanoseconds(jitter_.firstPeriod(intervalNs_));
  std::vector<int> picked;
  picked.reserve(kThreadsPerTick);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (wakeup_.wait_until(lock, next, [this] { return stopping_; })) break;
    uint64_t eligible = 0;
    tick(&picked, &eligible);
    lock.unlock();
    for (int tid : picked) {
      // Spread the eligible count over the picked threads, carrying the remainder, so
      // the weights of one tick add up to the number of threads it stands for.
      carry_ += eligible;
      uint64_t weight = carry_ / picked.size();
      carry_ -= weight * picked.size();
      if (weight != 0) signalThread(tid, weight);
    }
    lock.lock();
    next += std::chrono::nanoseconds(jitter_.nextPeriod(intervalNs_));
    // Fell a whole period behind (a stopped process, an overloaded machine): skip
    // ahead rather than burst.
    Clock::time_point now = Clock::now();
    if (next < now) next = now + std::chrono::nanoseconds(jitter_.nextPeriod(intervalNs_));
  }
}

// Under the lock: up to kThreadsPerTick Java-or-unknown threads, from the cursor on.
void WallEngine::tick(std::vector<int>* picked, uint64_t* eligible) {
  picked->clear();
  int self = samplerTid_.load(std::memory_order_relaxed);
  uint64_t count = 0;
  for (int tid : tids_) {
    std::atomic<uint8_t>* flag = notJava_.at(tid);
    if (tid != self && (flag == nullptr || flag->load(std::memory_order_relaxed) == 0)) ++count;
  }
  *eligible = count;
  size_t n = tids_.size();
  if (n == 0) return;
  if (cursor_ >= n) cursor_ = 0;
  for (size_t visited = 0; visited < n && picked->size() < kThreadsPerTick; ++visited) {
    int tid = tids_[cursor_];
    cursor_ = (cursor_ + 1) % n;
    std::atomic<uint8_t>* flag = notJava_.at(tid);
    if (tid == self || (flag != nullptr && flag->load(std::memory_order_relaxed) != 0)) continue;
    picked->push_back(tid);
  }
}

void WallEngine::signalThread(int tid, uint64_t weight) {
  std::atomic<uint64_t>* slot = pending_.at(tid);
  if (slot == nullptr) return;
  char state = readState(tid);
  if (state == 0) return;  // exited already
  // Added to what is still pending, not written over it: a thread that has not yet
  // taken the previous signal (not scheduled, or the signal blocked a while) gets the
  // ticks coalesced into one signal, and that sample must count for all of them. The
  // state is the latest. The handler takes the whole slot with one exchange.
  uint64_t pending = slot->load(std::memory_order_relaxed);
  uint64_t next;
  do {
    uint64_t total = (pending >> 8) + weight;
    if (total > (UINT64_MAX >> 8)) total = UINT64_MAX >> 8;
    next = (total << 8) | static_cast<uint8_t>(state);
  } while (!slot->compare_exchange_weak(pending, next, std::memory_order_release, std::memory_order_relaxed));
  if (syscall(SYS_tgkill, pid_, tid, signo_) != 0) slot->store(0, std::memory_order_relaxed);  // exited
}
