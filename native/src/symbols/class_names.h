#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "store/mapped_memory.h"

// Class names interned for the leaf frame of alloc and lock samples: a fixed-capacity,
// lock-free table from a 64-bit hash of the name to its bytes in a pre-allocated arena.
// The hash is the key stored in the frame (FrameKind::kClassName), so a trace stays a
// plain array of frames. JVMTI callbacks on many threads intern concurrently; names are
// read once recording has stopped (or, for a dump, as a snapshot: a name not yet
// published reads as empty).
class ClassNames {
 public:
  ClassNames(size_t maxNames, size_t maxBytes);

  bool ok() const { return slots_ != nullptr && arena_ != nullptr; }

  // The key of `name` (never 0), interning it if new; 0 if the table or arena is full.
  uint64_t intern(const std::string& name);

  // The name of a key from intern(); empty if unknown.
  std::string nameOf(uint64_t key) const;

  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  struct Slot {
    std::atomic<uint64_t> hash;  // 0 = empty
    std::atomic<uint64_t> ref;   // (offset << 32) | length, + published bit; 0 = not yet
  };

  static uint64_t hashOf(const std::string& name);

  MappedMemory slotMemory_;
  MappedMemory arenaMemory_;
  Slot* slots_ = nullptr;
  char* arena_ = nullptr;
  size_t slotCount_ = 0;
  size_t maxNames_ = 0;
  size_t maxBytes_ = 0;
  std::atomic<size_t> namesUsed_{0};
  std::atomic<uint64_t> bytesUsed_{0};
  std::atomic<uint64_t> dropped_{0};
};
