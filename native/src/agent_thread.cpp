#include "agent_thread.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "thread_clock.h"

namespace {

// The agent's threads that are running, and the CPU time of those that ended. Process-wide
// like the threads themselves; leaked so that no destructor races a thread still ending.
struct AgentThreads {
  std::mutex lock;
  std::vector<int> running;
  std::atomic<uint64_t> endedNs{0};
};

AgentThreads& agentThreads() {
  static AgentThreads* threads = std::make_unique<AgentThreads>().release();
  return *threads;
}

struct Start {
  void* (*body)(void*);
  void* arg;
};

void* accountedBody(void* raw) {
  std::unique_ptr<Start> start(static_cast<Start*>(raw));
  AgentThreads& threads = agentThreads();
  int tid = static_cast<int>(syscall(SYS_gettid));
  {
    std::lock_guard<std::mutex> guard(threads.lock);
    threads.running.push_back(tid);
  }
  void* result = start->body(start->arg);
  std::lock_guard<std::mutex> guard(threads.lock);
  threads.endedNs.fetch_add(thread_clock::ofCaller(), std::memory_order_relaxed);
  threads.running.erase(std::remove(threads.running.begin(), threads.running.end(), tid),
                        threads.running.end());
  return result;
}

}  // namespace

int startAgentThread(pthread_t* thread, void* (*body)(void*), void* arg) {
  sigset_t all;
  sigfillset(&all);
  sigdelset(&all, SIGSEGV);
  sigdelset(&all, SIGBUS);
  sigdelset(&all, SIGFPE);
  sigdelset(&all, SIGILL);
  sigset_t previous;
  auto start = std::make_unique<Start>(Start{body, arg});
  // A new thread inherits its creator's mask: block here, create, restore.
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  int result = pthread_create(thread, nullptr, accountedBody, start.get());
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (result == 0) start.release();  // the thread owns it now
  return result;
}

uint64_t agentThreadsCpuNs() {
  AgentThreads& threads = agentThreads();
  std::lock_guard<std::mutex> guard(threads.lock);
  uint64_t total = threads.endedNs.load(std::memory_order_relaxed);
  for (int tid : threads.running) total += thread_clock::ofThread(tid);
  return total;
}
