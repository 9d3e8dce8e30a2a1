#include "store/trace_store.h"

#include <sched.h>

#include <cstring>

namespace {

size_t nextPowerOfTwo(size_t n) {
  size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

inline uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace

TraceStore::TraceStore(size_t maxTraces, size_t maxFrames)
    : maxTraces_(maxTraces), maxFrames_(maxFrames) {
  if (maxTraces == 0 || maxFrames == 0 || maxFrames >= (uint64_t{1} << 31)) return;
  slotCount_ = nextPowerOfTwo(2 * maxTraces);
  slotMemory_ = MappedMemory(slotCount_ * sizeof(Slot));
  arenaMemory_ = MappedMemory(maxFrames * sizeof(Frame));
  recentMemory_ = MappedMemory(kRecentTraces * sizeof(std::atomic<uint64_t>));
  if (!slotMemory_.ok() || !arenaMemory_.ok() || !recentMemory_.ok()) return;
  recent_ = static_cast<std::atomic<uint64_t>*>(recentMemory_.data());
  // Fresh anonymous pages are zero, which is an empty slot: std::atomic<uint64_t> is a
  // plain lock-free word, so no constructor has to run over the whole table.
  slots_ = static_cast<Slot*>(slotMemory_.data());
  arena_ = static_cast<Frame*>(arenaMemory_.data());
}

uint64_t TraceStore::hashOf(const Frame* frames, uint32_t count) {
  uint64_t h = mix(count + 0x9e3779b97f4a7c15ULL);
  for (uint32_t i = 0; i < count; ++i) {
    const Frame& f = frames[i];
    h = mix(h ^ f.id);
    h = mix(h ^ ((static_cast<uint64_t>(static_cast<uint32_t>(f.bci)) << 32) |
                 static_cast<uint32_t>(f.kind)));
  }
  return h != 0 ? h : 1;  // 0 marks an empty slot
}

bool TraceStore::reserveTrace() {
  size_t used = tracesUsed_.load(std::memory_order_relaxed);
  do {
    if (used >= maxTraces_) return false;
  } while (!tracesUsed_.compare_exchange_weak(used, used + 1, std::memory_order_relaxed));
  return true;
}

void TraceStore::releaseTrace() { tracesUsed_.fetch_sub(1, std::memory_order_relaxed); }

bool TraceStore::reserveFrames(uint32_t count, uint64_t* offset) {
  uint64_t used = arenaUsed_.load(std::memory_order_relaxed);
  do {
    if (used + count > maxFrames_) return false;
  } while (!arenaUsed_.compare_exchange_weak(used, used + count, std::memory_order_relaxed));
  *offset = used;
  return true;
}

void TraceStore::releaseFrames(uint64_t offset, uint32_t count) {
  // Give the frames back only if nobody reserved after us; otherwise they stay unused
  // (bounded by the number of threads that raced on one new trace).
  uint64_t expected = offset + count;
  arenaUsed_.compare_exchange_strong(expected, offset, std::memory_order_relaxed);
}

uint64_t TraceStore::awaitPublished(const Slot& slot) const {
  // The claimer copied its frames before its CAS, so publication is normally a store
  // away. Spinning must stay bounded: this runs in signal handlers, and the claimer
  // may be descheduled right between the two instructions.
  for (int i = 0; i < 4096; ++i) {
    uint64_t ref = slot.frames.load(std::memory_order_acquire);
    if (ref != 0) return ref;
    cpuRelax();
  }
  for (int i = 0; i < 64; ++i) {
    uint64_t ref = slot.frames.load(std::memory_order_acquire);
    if (ref != 0) return ref;
    sched_yield();
  }
  return slot.frames.load(std::memory_order_acquire);
}

void TraceStore::prefault() {
  if (!ok()) return;
  if (!tablePrefaulted_) {
    tablePrefaulted_ = true;
    slotMemory_.populate(0, slotMemory_.size());
    recentMemory_.populate(0, recentMemory_.size());
  }
  // Only once the committed headroom falls below half of kArenaAhead, then up to
  // kArenaAhead again: each populate call costs the kernel ~20 us whatever its size (the
  // method namer's madvise calls, a few pages each, were a quarter of its CPU on a long javac).
  uint64_t used = arenaUsed_.load(std::memory_order_relaxed);
  if (arenaPrefaulted_ >= maxFrames_ || arenaPrefaulted_ >= used + kArenaAhead / 2) return;
  uint64_t want = used + kArenaAhead;
  if (want > maxFrames_) want = maxFrames_;
  if (arenaMemory_.populate(arenaPrefaulted_ * sizeof(Frame), (want - arenaPrefaulted_) * sizeof(Frame))) {
    arenaPrefaulted_ = want;
  }
}

bool TraceStore::sameFrames(uint64_t ref, const Frame* frames, uint32_t count) const {
  return refCount(ref) == count &&
         std::memcmp(arena_ + refOffset(ref), frames, count * sizeof(Frame)) == 0;
}

TraceStore::Result TraceStore::drop(Result reason) {
  switch (reason) {
    case Result::kTableFull: dropTableFull_.fetch_add(1, std::memory_order_relaxed); break;
    case Result::kArenaFull: dropArenaFull_.fetch_add(1, std::memory_order_relaxed); break;
    case Result::kContended: dropContended_.fetch_add(1, std::memory_order_relaxed); break;
    case Result::kCounted: break;
  }
  return reason;
}

void TraceStore::subtract(uint32_t slot, uint64_t weight) {
  if (ok() && slot < slotCount_) slots_[slot].count.fetch_sub(weight, std::memory_order_relaxed);
}

TraceStore::Result TraceStore::add(const Frame* frames, uint32_t count, uint64_t weight, uint32_t* slotOut) {
  if (!ok() || count == 0 || count > maxFrames_) return drop(Result::kArenaFull);
  const uint64_t h = hashOf(frames, count);
  const size_t mask = slotCount_ - 1;
  bool haveFrames = false;
  uint64_t offset = 0;

  for (size_t probe = 0, i = h & mask; probe < slotCount_; ++probe, i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    uint64_t seen = slot.hash.load(std::memory_order_acquire);
    if (seen == 0) {
      if (!reserveTrace()) {
        if (haveFrames) releaseFrames(offset, count);
        return drop(Result::kTableFull);
      }
      if (!haveFrames) {
        if (!reserveFrames(count, &offset)) {
          releaseTrace();
          return drop(Result::kArenaFull);
        }
        std::memcpy(arena_ + offset, frames, count * sizeof(Frame));
        haveFrames = true;
      }
      if (slot.hash.compare_exchange_strong(seen, h, std::memory_order_acq_rel)) {
        slot.frames.store(pack(offset, count), std::memory_order_release);
        slot.count.fetch_add(weight, std::memory_order_relaxed);
        if (slotOut != nullptr) *slotOut = static_cast<uint32_t>(i);
        announce(i);
        return Result::kCounted;
      }
      // Lost the slot; keep the copied frames for a later empty slot and look at what
      // the winner put there (`seen` now holds its hash).
      releaseTrace();
    }
    if (seen == h) {
      uint64_t ref = awaitPublished(slot);
      if (ref == 0) {
        if (haveFrames) releaseFrames(offset, count);
        return drop(Result::kContended);
      }
      if (sameFrames(ref, frames, count)) {
        if (haveFrames) releaseFrames(offset, count);
        slot.count.fetch_add(weight, std::memory_order_relaxed);
        if (slotOut != nullptr) *slotOut = static_cast<uint32_t>(i);
        return Result::kCounted;
      }
    }
  }
  // Unreachable while the table is at most half full; kept as a hard bound on the loop.
  if (haveFrames) releaseFrames(offset, count);
  return drop(Result::kTableFull);
}

void TraceStore::announce(size_t slot) {
  uint64_t n = published_.fetch_add(1, std::memory_order_acq_rel);
  // Traces are capped far below 2^32, and slots fit in 32 bits (twice that cap).
  recent_[n & (kRecentTraces - 1)].store((n << 32) | (static_cast<uint64_t>(slot) + 1), std::memory_order_release);
}

uint64_t TraceStore::dropped(Result reason) const {
  switch (reason) {
    case Result::kTableFull: return dropTableFull_.load(std::memory_order_relaxed);
    case Result::kArenaFull: return dropArenaFull_.load(std::memory_order_relaxed);
    case Result::kContended: return dropContended_.load(std::memory_order_relaxed);
    case Result::kCounted: break;
  }
  return 0;
}

uint64_t TraceStore::droppedTotal() const {
  return dropped(Result::kTableFull) + dropped(Result::kArenaFull) + dropped(Result::kContended);
}
