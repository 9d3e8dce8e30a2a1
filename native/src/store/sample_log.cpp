#include "store/sample_log.h"

SampleLog::SampleLog(uint32_t capacity) {
  uint64_t size = 1;
  while (size < capacity) size <<= 1;
  memory_ = MappedMemory(size * sizeof(Cell));
  if (!memory_.ok()) return;
  // Committed now: a first touch in the handler would cost a page fault per 128 records.
  memory_.populate(0, memory_.size());
  cells_ = static_cast<Cell*>(memory_.data());
  mask_ = size - 1;
  reset();
}

void SampleLog::reset() {
  if (cells_ == nullptr) return;
  // Cell i is free for the producer at position i: its sequence equals the position.
  for (uint64_t i = 0; i <= mask_; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
  tail_.store(0, std::memory_order_relaxed);
  head_ = 0;
  overflows_.store(0, std::memory_order_relaxed);
  pushed_.store(0, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
}

bool SampleLog::push(const SampleRecord& record) {
  if (cells_ == nullptr) return false;
  uint64_t pos = tail_.load(std::memory_order_relaxed);
  for (;;) {
    Cell& cell = cells_[pos & mask_];
    uint64_t seq = cell.seq.load(std::memory_order_acquire);
    int64_t diff = static_cast<int64_t>(seq) - static_cast<int64_t>(pos);
    if (diff == 0) {
      if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
        cell.record = record;
        cell.seq.store(pos + 1, std::memory_order_release);
        pushed_.fetch_add(1, std::memory_order_relaxed);
        return true;
      }
      // pos was reloaded by the failed CAS; try again there.
    } else if (diff < 0) {
      // The cell a lap back is not consumed yet: the ring is full.
      overflows_.fetch_add(1, std::memory_order_relaxed);
      return false;
    } else {
      pos = tail_.load(std::memory_order_relaxed);
    }
  }
}
