#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "stacks/frame.h"
#include "store/mapped_memory.h"

// Signal-safe storage of sampled stacks: a fixed-capacity, open-addressing hash table of
// distinct traces, each counted with an atomic, whose frames live in a pre-allocated
// arena handed out by an atomic bump pointer. Nothing allocates, locks or calls the
// JVM after construction, so add() may run in any signal handler on any thread.
//
// Exact counts under concurrency. A slot goes empty -> claimed (hash set by CAS) ->
// published (frame reference stored), and never back. An inserter walks the probe
// sequence of its hash and stops at the first slot that is empty or holds its trace:
//  * at an empty slot it copies its frames into the arena first, then CASes the hash in,
//    then publishes the frame reference, so a claimed slot is published within a few
//    instructions of being claimed;
//  * at a slot with the same hash it waits for publication (a bounded spin), compares
//    the frames and counts there if they are equal.
// Two inserters of the same new trace thus meet at the same first empty slot: one wins
// the CAS, the other sees the winner's hash and counts on that slot, so one trace never
// occupies two slots. If publication does not come within the spin (the claimer was
// preempted between two instructions), the sample is dropped and counted as contended.
// Every add() therefore ends in exactly one of: counted, or one drop counter.
//
// Slots number twice the trace capacity (a power of two) and a separate counter caps the
// distinct traces at that capacity, so the table never exceeds half full and every probe
// ends quickly at an empty slot, even once the capacity is exhausted.
class TraceStore {
 public:
  enum class Result { kCounted, kTableFull, kArenaFull, kContended };

  TraceStore(size_t maxTraces, size_t maxFrames);

  // False if the memory could not be reserved; add() then drops everything.
  bool ok() const { return slots_ != nullptr && arena_ != nullptr; }

  // Signal-safe. Counts `weight` samples of the given frames (their exact bytes are the
  // key): more than one when a sampler stands one thread in for several (event=wall).
  // *slot, if given, gets the counted trace's slot for a later subtract().
  Result add(const Frame* frames, uint32_t count, uint64_t weight = 1, uint32_t* slot = nullptr);

  // Off the signal path, one caller at a time (the method namer's thread, and the profile's
  // start before sampling): commits the hash table and the next kArenaAhead frames of
  // the arena ahead of use, so that recording a new trace takes no page fault in the
  // signal handler (measured: a new trace cost 40 us, mostly faults, against 1 us for a
  // known one). After a call at least kArenaAhead / 2 frames beyond those used are
  // committed, and at most kArenaAhead.
  void prefault();
  static constexpr size_t kArenaAhead = 32768;  // 512 KB of frames
  // Frames of the arena committed by prefault() so far (its caller's thread only).
  uint64_t arenaPrefaulted() const { return arenaPrefaulted_; }

  // Signal-safe. Counts `weight` more samples of the trace counted at `slot` (event=wall: a
  // thread that has not run since that sample stands in for more of its wall time).
  void addAt(uint32_t slot, uint64_t weight) {
    if (ok() && slot < slotCount_) slots_[slot].count.fetch_add(weight, std::memory_order_relaxed);
  }

  // Takes back `weight` once counted at `slot` (alloc --live: an object since collected).
  void subtract(uint32_t slot, uint64_t weight);

  // The frames counted at `slot` (as add() reported it), for a reader that logged the slot
  // (the JFR writer). False if nothing is published there.
  bool traceAt(uint32_t slot, const Frame** frames, uint32_t* count) const {
    if (!ok() || slot >= slotCount_) return false;
    uint64_t ref = slots_[slot].frames.load(std::memory_order_acquire);
    if (ref == 0) return false;
    *frames = arena_ + refOffset(ref);
    *count = refCount(ref);
    return true;
  }

  uint64_t dropped(Result reason) const;
  uint64_t droppedTotal() const;
  size_t distinctTraces() const { return tracesUsed_.load(std::memory_order_relaxed); }
  size_t framesUsed() const { return arenaUsed_.load(std::memory_order_relaxed); }

  // New traces in the order of their publication, for a reader that looks at them while
  // sampling goes on (the method namer). *next is the reader's position (start at 0);
  // fn(const Frame* frames, uint32_t count) sees each trace published since, and *next
  // moves past it. A trace whose publication is still being announced ends the visit
  // early (the next call sees it). False if the reader fell more than kRecentTraces
  // behind: the traces in between are no longer listed, *next is moved to the newest,
  // and the reader must look at all traces once with forEach() (a trace published
  // meanwhile may then be seen by both).
  static constexpr size_t kRecentTraces = 4096;
  template <typename Fn>
  bool forEachNewTrace(uint64_t* next, Fn&& fn) const {
    if (!ok()) return true;
    uint64_t end = published_.load(std::memory_order_acquire);
    if (end - *next > kRecentTraces) {
      *next = end;
      return false;
    }
    for (; *next < end; ++*next) {
      uint64_t entry = recent_[*next & (kRecentTraces - 1)].load(std::memory_order_acquire);
      uint32_t slotPlusOne = static_cast<uint32_t>(entry);
      if (slotPlusOne == 0 || (entry >> 32) < *next) return true;  // not announced yet
      if ((entry >> 32) > *next) {                                 // overwritten: behind
        *next = end;
        return false;
      }
      uint64_t ref = slots_[slotPlusOne - 1].frames.load(std::memory_order_acquire);
      fn(arena_ + refOffset(ref), refCount(ref));
    }
    return true;
  }

  // Visits every published trace: fn(const Frame* frames, uint32_t count, uint64_t samples).
  // Exact once no add() is running any more (sampling stopped, handlers drained). While
  // handlers still add (a `dump`), it is a consistent snapshot minus the samples in
  // flight: a published trace's frames never change after its release-store, and a slot
  // claimed but not yet published reads as empty.
  template <typename Fn>
  void forEach(Fn&& fn) const {
    for (size_t i = 0; i < slotCount_; ++i) {
      const Slot& slot = slots_[i];
      uint64_t ref = slot.frames.load(std::memory_order_acquire);
      uint64_t samples = slot.count.load(std::memory_order_relaxed);
      if (ref == 0 || samples == 0) continue;
      fn(arena_ + refOffset(ref), refCount(ref), samples);
    }
  }

 private:
  struct Slot {
    std::atomic<uint64_t> hash;    // 0 = empty
    std::atomic<uint64_t> frames;  // packed (offset+1, count); 0 = claimed, not yet published
    std::atomic<uint64_t> count;
  };

  static uint64_t hashOf(const Frame* frames, uint32_t count);
  static uint64_t pack(uint64_t offset, uint32_t count) { return ((offset + 1) << 32) | count; }
  static uint64_t refOffset(uint64_t ref) { return (ref >> 32) - 1; }
  static uint32_t refCount(uint64_t ref) { return static_cast<uint32_t>(ref); }

  bool reserveTrace();
  void releaseTrace();
  bool reserveFrames(uint32_t count, uint64_t* offset);
  void releaseFrames(uint64_t offset, uint32_t count);
  uint64_t awaitPublished(const Slot& slot) const;
  bool sameFrames(uint64_t ref, const Frame* frames, uint32_t count) const;
  Result drop(Result reason);

  void announce(size_t slot);

  MappedMemory slotMemory_;
  MappedMemory arenaMemory_;
  MappedMemory recentMemory_;
  Slot* slots_ = nullptr;
  // Ring of published traces: entry n % kRecentTraces = (n << 32) | (slot + 1); 0 = none.
  std::atomic<uint64_t>* recent_ = nullptr;
  std::atomic<uint64_t> published_{0};
  Frame* arena_ = nullptr;
  size_t slotCount_ = 0;
  bool tablePrefaulted_ = false;  // prefault()'s own state
  uint64_t arenaPrefaulted_ = 0;
  size_t maxTraces_ = 0;
  size_t maxFrames_ = 0;
  std::atomic<size_t> tracesUsed_{0};
  std::atomic<uint64_t> arenaUsed_{0};
  std::atomic<uint64_t> dropTableFull_{0};
  std::atomic<uint64_t> dropArenaFull_{0};
  std::atomic<uint64_t> dropContended_{0};
};
