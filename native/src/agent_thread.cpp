#include "agent_thread.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <memory>

#include "tid_table.h"

namespace {

TidTable<uint8_t>& agentThreads() {
  static TidTable<uint8_t>* table = std::make_unique<TidTable<uint8_t>>().release();  // never freed
  return *table;
}

struct Start {
  void* (*body)(void*);
  void* arg;
  std::atomic<bool> known{false};
};

void* runAgentThread(void* p) {
  Start* start = static_cast<Start*>(p);
  void* (*body)(void*) = start->body;
  void* arg = start->arg;
  std::atomic<uint8_t>* slot = agentThreads().at(static_cast<int>(syscall(SYS_gettid)));
  if (slot != nullptr) slot->store(1, std::memory_order_release);
  start->known.store(true, std::memory_order_release);  // `start` belongs to the creator from here
  void* result = body(arg);
  if (slot != nullptr) slot->store(0, std::memory_order_release);
  return result;
}

}  // namespace

int startAgentThread(pthread_t* thread, void* (*body)(void*), void* arg) {
  Start start;
  start.body = body;
  start.arg = arg;
  sigset_t all;
  sigfillset(&all);
  sigdelset(&all, SIGSEGV);
  sigdelset(&all, SIGBUS);
  sigdelset(&all, SIGFPE);
  sigdelset(&all, SIGILL);
  sigset_t previous;
  // A new thread inherits its creator's mask: block here, create, restore.
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  int result = pthread_create(thread, nullptr, runAgentThread, &start);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  // Wait until it has recorded its tid (microseconds): `start` lives on this stack.
  while (result == 0 && !start.known.load(std::memory_order_acquire)) {
    timespec pause{0, 50'000};
    nanosleep(&pause, nullptr);
  }
  return result;
}

bool isAgentThread(int tid) {
  std::atomic<uint8_t>* slot = agentThreads().at(tid);
  return slot != nullptr && slot->load(std::memory_order_acquire) != 0;
}
