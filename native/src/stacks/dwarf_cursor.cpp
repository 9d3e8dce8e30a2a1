#include "stacks/dwarf_cursor.h"

#include <cstring>

void ReadableMemory::add(uintptr_t begin, uintptr_t end) {
  if (begin < end) ranges_.push_back(Range{begin, end});
}

bool ReadableMemory::contains(uintptr_t address, size_t bytes) const {
  for (const Range& r : ranges_) {
    if (address >= r.begin && address <= r.end && bytes <= r.end - address) return true;
  }
  return false;
}

uintptr_t ReadableMemory::endOfRangeAt(uintptr_t address) const {
  for (const Range& r : ranges_) {
    if (address >= r.begin && address < r.end) return r.end;
  }
  return 0;
}

DwarfCursor::DwarfCursor(const ReadableMemory& memory, uintptr_t position, uintptr_t end)
    : memory_(&memory), position_(position), end_(end) {
  uintptr_t rangeEnd = memory.endOfRangeAt(position);  // 0 if unreadable: every read fails
  readableEnd_ = rangeEnd < end ? rangeEnd : end;
}

uint64_t DwarfCursor::uleb() {
  uint64_t value = 0;
  for (unsigned shift = 0; ok_; shift += 7) {
    uint8_t byte = u8();
    if (shift < 64) value |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) break;
  }
  return value;
}

int64_t DwarfCursor::sleb() {
  uint64_t value = 0;
  unsigned shift = 0;
  uint8_t byte = 0;
  do {
    byte = u8();
    if (shift < 64) value |= uint64_t{byte & 0x7fu} << shift;
    shift += 7;
  } while (ok_ && (byte & 0x80) != 0);
  if (shift < 64 && (byte & 0x40) != 0) value |= ~uint64_t{0} << shift;  // sign-extend
  return static_cast<int64_t>(value);
}

void DwarfCursor::skip(uint64_t bytes) {
  if (!ok_ || position_ > end_ || bytes > end_ - position_) {
    ok_ = false;
    return;
  }
  position_ += bytes;
}

uint64_t DwarfCursor::pointer(uint8_t encoding, const PointerBases& bases, bool dereference) {
  if (encoding == eh_pe::kOmit) return 0;
  uintptr_t at = position_;
  uint64_t value = 0;
  switch (encoding & 0x0f) {
    case eh_pe::kAbsPtr: value = u64(); break;
    case eh_pe::kUleb128: value = uleb(); break;
    case eh_pe::kUdata2: value = u16(); break;
    case eh_pe::kUdata4: value = u32(); break;
    case eh_pe::kUdata8: value = u64(); break;
    case eh_pe::kSleb128: value = static_cast<uint64_t>(sleb()); break;
    case eh_pe::kSdata2: value = static_cast<uint64_t>(int64_t{static_cast<int16_t>(u16())}); break;
    case eh_pe::kSdata4: value = static_cast<uint64_t>(int64_t{static_cast<int32_t>(u32())}); break;
    case eh_pe::kSdata8: value = u64(); break;
    default: fail(); return 0;
  }
  switch (encoding & 0x70) {
    case 0: break;
    case eh_pe::kPcRel: value += at; break;
    case eh_pe::kTextRel: value += bases.text; break;
    case eh_pe::kDataRel: value += bases.data; break;
    case eh_pe::kFuncRel: value += bases.function; break;
    default: fail(); return 0;  // kAligned is not used in .eh_frame
  }
  if ((encoding & eh_pe::kIndirect) != 0 && dereference) {
    if (!memory_->contains(static_cast<uintptr_t>(value), sizeof(uint64_t))) {
      fail();
      return 0;
    }
    std::memcpy(&value, reinterpret_cast<const void*>(static_cast<uintptr_t>(value)), sizeof value);
  }
  return ok_ ? value : 0;
}
