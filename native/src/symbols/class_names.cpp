#include "symbols/class_names.h"

#include <cstring>

namespace {

constexpr uint64_t kPublished = uint64_t{1} << 63;

size_t nextPowerOfTwo(size_t n) {
  size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

ClassNames::ClassNames(size_t maxNames, size_t maxBytes) : maxNames_(maxNames), maxBytes_(maxBytes) {
  if (maxNames == 0 || maxBytes == 0 || maxBytes >= (uint64_t{1} << 31)) return;
  slotCount_ = nextPowerOfTwo(2 * maxNames);
  slotMemory_ = MappedMemory(slotCount_ * sizeof(Slot));
  arenaMemory_ = MappedMemory(maxBytes);
  if (!slotMemory_.ok() || !arenaMemory_.ok()) return;
  // Zero pages are empty slots (see TraceStore).
  slots_ = static_cast<Slot*>(slotMemory_.data());
  arena_ = static_cast<char*>(arenaMemory_.data());
}

uint64_t ClassNames::hashOf(const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h != 0 ? h : 1;
}

uint64_t ClassNames::intern(const std::string& name) {
  if (!ok() || name.size() >= (uint64_t{1} << 31)) return 0;
  uint64_t hash = hashOf(name);
  size_t mask = slotCount_ - 1;
  for (size_t probe = 0; probe < slotCount_; ++probe) {
    Slot& slot = slots_[(hash + probe) & mask];
    uint64_t seen = slot.hash.load(std::memory_order_acquire);
    if (seen == hash) return hash;  // 64-bit hashes of class names: equal means same
    if (seen != 0) continue;
    // Claim a name and its bytes before the slot, so a full table never holds a claimed
    // slot without a name.
    if (namesUsed_.fetch_add(1, std::memory_order_relaxed) >= maxNames_) {
      namesUsed_.fetch_sub(1, std::memory_order_relaxed);
      break;
    }
    uint64_t offset = bytesUsed_.fetch_add(name.size(), std::memory_order_relaxed);
    if (offset + name.size() > maxBytes_) break;  // the arena stays full: no give-back needed
    std::memcpy(arena_ + offset, name.data(), name.size());
    uint64_t expected = 0;
    if (slot.hash.compare_exchange_strong(expected, hash, std::memory_order_acq_rel)) {
      slot.ref.store(kPublished | (offset << 32) | name.size(), std::memory_order_release);
      return hash;
    }
    namesUsed_.fetch_sub(1, std::memory_order_relaxed);  // the bytes stay spent, harmlessly
    if (expected == hash) return hash;
  }
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

std::string ClassNames::nameOf(uint64_t key) const {
  if (!ok() || key == 0) return std::string();
  size_t mask = slotCount_ - 1;
  for (size_t probe = 0; probe < slotCount_; ++probe) {
    const Slot& slot = slots_[(key + probe) & mask];
    uint64_t seen = slot.hash.load(std::memory_order_acquire);
    if (seen == 0) break;
    if (seen != key) continue;
    uint64_t ref = slot.ref.load(std::memory_order_acquire);
    if ((ref & kPublished) == 0) break;
    uint64_t offset = (ref & ~kPublished) >> 32;
    return std::string(arena_ + offset, static_cast<size_t>(ref & 0xffffffffULL));
  }
  return std::string();
}
