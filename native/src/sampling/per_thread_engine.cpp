#include "sampling/per_thread_engine.h"

void PerThreadEngine::publish(int tid, int handle) {
  armed_[tid] = handle;
  if (std::atomic<int>* slot = handles_.at(tid)) slot->store(handle + 1, std::memory_order_release);
}

void PerThreadEngine::unpublish(int tid) {
  if (std::atomic<int>* slot = handles_.at(tid)) slot->store(0, std::memory_order_release);
}

void PerThreadEngine::threadEnded(int tid) {
  auto it = armed_.find(tid);
  if (it == armed_.end()) return;
  unpublish(tid);
  release(it->second);
  armed_.erase(it);
}

void PerThreadEngine::stop() {
  for (const auto& entry : armed_) {
    unpublish(entry.first);
    quiesce(entry.second);
    release(entry.second);
  }
  armed_.clear();
}
