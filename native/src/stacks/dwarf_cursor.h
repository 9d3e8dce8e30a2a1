#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

// The address ranges of a loaded object that may be read while parsing its unwind data
// (its PT_LOAD segments as mapped). Off the signal path.
class ReadableMemory {
 public:
  void add(uintptr_t begin, uintptr_t end);
  bool contains(uintptr_t address, size_t bytes) const;
  // End of the range holding `address`, or 0.
  uintptr_t endOfRangeAt(uintptr_t address) const;

 private:
  struct Range {
    uintptr_t begin;
    uintptr_t end;
  };
  std::vector<Range> ranges_;
};

// Base addresses for the DW_EH_PE_textrel / datarel / funcrel pointer encodings.
struct PointerBases {
  uintptr_t text = 0;
  uintptr_t data = 0;      // .eh_frame_hdr's start for its own table
  uintptr_t function = 0;
};

// Sequential reader of DWARF-encoded data (.eh_frame, .eh_frame_hdr, CFA programs) in
// mapped memory: every read is checked against the cursor's end and must lie in the readable
// range of `memory` the cursor starts in.
// A failed read sets a sticky failure flag and yields 0, so a parser may read a whole
// record and check ok() once. Reads go through memcpy: .eh_frame fields are unaligned.
class DwarfCursor {
 public:
  DwarfCursor(const ReadableMemory& memory, uintptr_t position, uintptr_t end);

  bool ok() const { return ok_; }
  void fail() { ok_ = false; }
  uintptr_t position() const { return position_; }
  uintptr_t end() const { return end_; }
  bool atEnd() const { return !ok_ || position_ >= end_; }

  // Inline: building libjvm's table reads ~2 million values, most of them single bytes.
  uint8_t u8() { return read<uint8_t>(); }
  uint16_t u16() { return read<uint16_t>(); }
  uint32_t u32() { return read<uint32_t>(); }
  uint64_t u64() { return read<uint64_t>(); }
  uint64_t uleb();
  int64_t sleb();
  void skip(uint64_t bytes);
  // A pointer in DW_EH_PE_* `encoding` (0xff, omit, yields 0). Indirect pointers are
  // followed only when `dereference` (personality routines are never needed).
  uint64_t pointer(uint8_t encoding, const PointerBases& bases, bool dereference = true);

 private:
  bool take(void* out, size_t bytes) {
    if (!ok_ || position_ > readableEnd_ || bytes > readableEnd_ - position_) {
      ok_ = false;
      std::memset(out, 0, bytes);
      return false;
    }
    std::memcpy(out, reinterpret_cast<const void*>(position_), bytes);
    position_ += bytes;
    return true;
  }
  template <typename T>
  T read() {
    T v;
    take(&v, sizeof v);
    return v;
  }

  const ReadableMemory* memory_;  // a pointer, so cursors can be reassigned
  uintptr_t position_;
  uintptr_t end_;
  // Where reads must stop: `end_`, or before it the end of the readable range the cursor
  // starts in (a record lies within one segment), found once rather than at every read:
  // building libjvm's unwind table reads ~2 million values.
  uintptr_t readableEnd_;
  bool ok_ = true;
};

// DW_EH_PE_* constants (LSB 5.0, "DWARF Exception Header Encoding").
namespace eh_pe {
constexpr uint8_t kAbsPtr = 0x00, kUleb128 = 0x01, kUdata2 = 0x02, kUdata4 = 0x03, kUdata8 = 0x04,
                  kSleb128 = 0x09, kSdata2 = 0x0a, kSdata4 = 0x0b, kSdata8 = 0x0c;
constexpr uint8_t kPcRel = 0x10, kTextRel = 0x20, kDataRel = 0x30, kFuncRel = 0x40, kAligned = 0x50;
constexpr uint8_t kIndirect = 0x80, kOmit = 0xff;
}  // namespace eh_pe
