#include "stacks/jvm_threads.h"

#include <dirent.h>
#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "store/tid_table.h"

namespace {

// Reserved on first use, before any handler runs (ThreadStart or a profile's start come
// first), and never freed: handlers may still run while static destructors do.
TidTable<uint8_t>& table() {
  static TidTable<uint8_t>* t = std::make_unique<TidTable<uint8_t>>().release();
  return *t;
}

void set(int tid, uint8_t value) {
  if (std::atomic<uint8_t>* slot = table().at(tid)) slot->store(value, std::memory_order_release);
}

}  // namespace

namespace jvm_threads {

void started(int tid) { set(tid, 1); }

void ended(int tid) { set(tid, 0); }

void markAllAlive() {
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return;
  while (dirent* entry = readdir(dir)) {
    int tid = atoi(entry->d_name);
    if (tid > 0) started(tid);
  }
  closedir(dir);
}

bool known(int tid) {
  std::atomic<uint8_t>* slot = table().at(tid);
  return slot != nullptr && slot->load(std::memory_order_acquire) != 0;
}

}  // namespace jvm_threads
