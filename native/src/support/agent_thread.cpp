#include "support/agent_thread.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "store/tid_table.h"
#include "support/thread_clock.h"

namespace {

// The agent's threads: a tid table the engines can ask without a lock (isAgentThread),
// and the list of those running with the CPU time of those that ended, for
// agentThreadsCpuNs(). Process-wide like the threads themselves; never freed, so that no
// destructor races a thread still ending.
struct AgentThreads {
  TidTable<uint8_t> byTid;
  std::mutex lock;
  struct Running {
    int tid;
    std::string name;
  };
  std::vector<Running> running;
  uint64_t endedNs = 0;
  std::map<std::string, uint64_t> endedByName;
};

// A plain global, not a function-local static: that one's guard (a lock taken by
// __cxa_guard_acquire) would be initialised by whichever caller came first, and
// isAgentThread() must stay a lock-free read. Created by the first startAgentThread(),
// before any agent thread exists; nullptr until then means "no agent thread yet".
std::atomic<AgentThreads*> g_agentThreads{nullptr};

AgentThreads& createAgentThreads() {
  AgentThreads* threads = g_agentThreads.load(std::memory_order_acquire);
  if (threads != nullptr) return *threads;
  auto created = std::make_unique<AgentThreads>();
  if (g_agentThreads.compare_exchange_strong(threads, created.get(), std::memory_order_acq_rel)) {
    threads = created.release();  // leaked on purpose, see AgentThreads
  }
  return *threads;
}

struct Start {
  const char* name;
  void* (*body)(void*);
  void* arg;
  std::atomic<bool> known{false};
};

void* runAgentThread(void* p) {
  Start* start = static_cast<Start*>(p);
  void* (*body)(void*) = start->body;
  void* arg = start->arg;
  std::string name = start->name;
  pthread_setname_np(pthread_self(), name.c_str());
  AgentThreads& threads = *g_agentThreads.load(std::memory_order_acquire);  // set by startAgentThread
  int tid = static_cast<int>(syscall(SYS_gettid));
  std::atomic<uint8_t>* slot = threads.byTid.at(tid);
  if (slot != nullptr) slot->store(1, std::memory_order_release);
  {
    std::lock_guard<std::mutex> guard(threads.lock);
    threads.running.push_back(AgentThreads::Running{tid, name});
  }
  start->known.store(true, std::memory_order_release);  // `start` belongs to the creator from here
  void* result = body(arg);
  {
    std::lock_guard<std::mutex> guard(threads.lock);
    uint64_t ns = thread_clock::ofCaller();
    threads.endedNs += ns;
    threads.endedByName[name] += ns;
    threads.running.erase(std::remove_if(threads.running.begin(), threads.running.end(),
                                         [tid](const AgentThreads::Running& r) { return r.tid == tid; }),
                          threads.running.end());
  }
  if (slot != nullptr) slot->store(0, std::memory_order_release);
  return result;
}

}  // namespace

int startAgentThread(pthread_t* thread, const char* name, void* (*body)(void*), void* arg) {
  createAgentThreads();
  Start start;
  start.name = name;
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
  AgentThreads* threads = g_agentThreads.load(std::memory_order_acquire);
  if (threads == nullptr) return false;
  std::atomic<uint8_t>* slot = threads->byTid.at(tid);
  return slot != nullptr && slot->load(std::memory_order_acquire) != 0;
}

uint64_t agentThreadsCpuNs() {
  AgentThreads* created = g_agentThreads.load(std::memory_order_acquire);
  if (created == nullptr) return 0;
  AgentThreads& threads = *created;
  std::lock_guard<std::mutex> guard(threads.lock);
  uint64_t total = threads.endedNs;
  for (const AgentThreads::Running& r : threads.running) total += thread_clock::ofThread(r.tid);
  return total;
}

std::map<std::string, uint64_t> agentThreadsCpuByName() {
  AgentThreads* created = g_agentThreads.load(std::memory_order_acquire);
  if (created == nullptr) return {};
  AgentThreads& threads = *created;
  std::lock_guard<std::mutex> guard(threads.lock);
  std::map<std::string, uint64_t> byName = threads.endedByName;
  for (const AgentThreads::Running& r : threads.running) byName[r.name] += thread_clock::ofThread(r.tid);
  return byName;
}

bool attachToJvmAsDaemon(JavaVM* vm, const char* name, JNIEnv** jni) {
  JavaVMAttachArgs args;
  args.version = JNI_VERSION_1_6;
  args.name = const_cast<char*>(name);
  args.group = nullptr;
  *jni = nullptr;
  return vm->AttachCurrentThreadAsDaemon(reinterpret_cast<void**>(jni), &args) == JNI_OK && *jni != nullptr;
}
