#include "stacks/eh_frame_reader.h"

#include <algorithm>
#include <cstring>

namespace {

// Upper bound on FDEs taken from one object: far above libjvm's ~60k, and it keeps a
// corrupt fde_count from asking for gigabytes.
constexpr uint64_t kMaxFdes = 4'000'000;

// A 4-byte length of 0xffffffff announces a 64-bit length (DWARF64).
constexpr uint32_t kDwarf64 = 0xffffffff;

// Bytes of a pointer in a fixed-size DW_EH_PE encoding; 0 for a variable-size one.
size_t fixedSize(uint8_t encoding) {
  switch (encoding & 0x0f) {
    case eh_pe::kUdata2: case eh_pe::kSdata2: return 2;
    case eh_pe::kUdata4: case eh_pe::kSdata4: return 4;
    case eh_pe::kUdata8: case eh_pe::kSdata8: case eh_pe::kAbsPtr: return 8;
    default: return 0;
  }
}

}  // namespace

FdeLocation FdeList::operator[](size_t i) const {
  if (!inPlace_) return walked_[i];
  uintptr_t at = table_ + i * entryBytes_;
  DwarfCursor c(*memory_, at, at + entryBytes_);
  PointerBases bases;
  bases.data = header_;
  uintptr_t pc = c.pointer(encoding_, bases);
  uintptr_t fde = c.pointer(encoding_, bases);
  return c.ok() ? FdeLocation{pc, fde} : FdeLocation{0, 0};
}

FdeList listFdes(uintptr_t header, const ReadableMemory& memory) {
  FdeList fdes;
  uintptr_t limit = memory.endOfRangeAt(header);
  if (limit == 0) return fdes;
  DwarfCursor c(memory, header, limit);
  PointerBases bases;
  bases.data = header;
  uint8_t version = c.u8();
  uint8_t frameEncoding = c.u8();
  uint8_t countEncoding = c.u8();
  uint8_t tableEncoding = c.u8();
  uintptr_t ehFrame = c.pointer(frameEncoding, bases);
  if (!c.ok() || version != 1) return fdes;

  if (countEncoding != eh_pe::kOmit && tableEncoding != eh_pe::kOmit) {
    uint64_t count = c.pointer(countEncoding, bases);
    if (!c.ok() || count > kMaxFdes) return fdes;
    size_t pointerBytes = fixedSize(tableEncoding);
    // Indirect entries make no sense in a search table; anything else is read in place
    // once the whole table is known to be readable.
    if (pointerBytes != 0 && (tableEncoding & eh_pe::kIndirect) == 0) {
      if (!memory.contains(c.position(), count * 2 * pointerBytes)) return fdes;
      fdes.inPlace_ = true;
      fdes.memory_ = &memory;
      fdes.table_ = c.position();
      fdes.header_ = header;
      fdes.encoding_ = tableEncoding;
      fdes.entryBytes_ = 2 * pointerBytes;
      fdes.count_ = static_cast<size_t>(count);
      return fdes;
    }
    fdes.walked_.reserve(count);
    for (uint64_t i = 0; i < count && c.ok(); ++i) {
      uintptr_t pc = c.pointer(tableEncoding, bases);
      uintptr_t fde = c.pointer(tableEncoding, bases);
      if (c.ok()) fdes.walked_.push_back(FdeLocation{pc, fde});
    }
    if (!c.ok()) fdes.walked_.clear();
    return fdes;
  }

  // No search table: walk the records; CIEs have a zero id, everything else is an FDE.
  uintptr_t end = memory.endOfRangeAt(ehFrame);
  DwarfCursor walk(memory, ehFrame, end);
  while (!walk.atEnd() && fdes.walked_.size() < kMaxFdes) {
    uintptr_t record = walk.position();
    uint64_t length = walk.u32();
    if (length == 0) break;
    if (length == kDwarf64) length = walk.u64();
    uintptr_t body = walk.position();
    uint32_t id = walk.u32();
    if (!walk.ok()) break;
    if (id != 0) fdes.walked_.push_back(FdeLocation{0, record});
    if (length > end - body) break;
    walk = DwarfCursor(memory, body + length, end);
  }
  return fdes;
}

bool EhFrameParser::recordBounds(DwarfCursor& c, uintptr_t* end) {
  uint64_t length = c.u32();
  if (length == kDwarf64) length = c.u64();
  if (!c.ok() || length == 0) return false;
  uintptr_t body = c.position();
  if (length > UINTPTR_MAX - body || !memory_.contains(body, length)) return false;
  *end = body + length;
  c = DwarfCursor(memory_, body, *end);
  return true;
}

const EhFrameParser::Cie& EhFrameParser::cie(uintptr_t address) {
  auto found = cies_.find(address);
  if (found != cies_.end()) return found->second;
  Cie& entry = cies_[address];
  uintptr_t end = 0;
  DwarfCursor c(memory_, address, UINTPTR_MAX);
  if (!recordBounds(c, &end) || c.u32() != 0) return entry;  // .eh_frame CIEs have id 0
  uint8_t version = c.u8();
  if (version != 1 && version != 3) return entry;
  char augmentation[16] = {};
  size_t length = 0;
  for (char ch = static_cast<char>(c.u8()); ch != '\0' && c.ok(); ch = static_cast<char>(c.u8())) {
    if (length + 1 == sizeof augmentation) return entry;
    augmentation[length++] = ch;
  }
  if (std::strstr(augmentation, "eh") == augmentation) c.u64();  // old GCC's EH data pointer
  entry.context.codeAlignment = c.uleb();
  entry.context.dataAlignment = c.sleb();
  entry.context.returnAddressRegister = version == 1 ? c.u8() : static_cast<uint32_t>(c.uleb());
  PointerBases bases;
  if (augmentation[0] == 'z') {
    entry.hasAugmentationData = true;
    uint64_t dataLength = c.uleb();
    uintptr_t dataEnd = c.position() + dataLength;
    for (size_t i = 1; i < length && c.ok(); ++i) {
      switch (augmentation[i]) {
        case 'R': entry.fdeEncoding = c.u8(); break;
        case 'L': c.u8(); break;  // LSDA encoding: the unwinder needs no LSDA
        case 'P': c.pointer(c.u8(), bases, /*dereference=*/false); break;
        case 'S': break;          // signal frame: the walker starts from the signal context
        case 'B': break;          // aarch64 BTI
        case 'G': break;          // aarch64 MTE-tagged stack
        default: i = length; break;  // unknown: the data length lets us skip the rest
      }
    }
    if (c.position() > dataEnd) return entry;
    c = DwarfCursor(memory_, dataEnd, end);
  }
  if (!c.ok() || entry.context.codeAlignment == 0) return entry;
  CfaState state;
  entry.context.initial = state;
  if (!runCfaProgram(c, entry.context, 0, UINTPTR_MAX, &state, nullptr)) return entry;
  entry.context.initial = state;
  entry.ok = true;
  return entry;
}

bool EhFrameParser::parseFde(uintptr_t fde, uintptr_t* pcBegin, uintptr_t* pcEnd, std::vector<CfaRow>* rows) {
  uintptr_t end = 0;
  DwarfCursor c(memory_, fde, UINTPTR_MAX);
  if (!recordBounds(c, &end)) return false;
  uintptr_t idAt = c.position();
  uint32_t cieOffset = c.u32();  // from this field back to the CIE
  if (!c.ok() || cieOffset == 0 || cieOffset > idAt) return false;
  const Cie& owner = cie(idAt - cieOffset);
  if (!owner.ok) return false;
  PointerBases bases;
  uintptr_t begin = c.pointer(owner.fdeEncoding, bases);
  uintptr_t range = c.pointer(owner.fdeEncoding & 0x0f, bases);  // a length: no relative part
  if (owner.hasAugmentationData) c.skip(c.uleb());
  if (!c.ok() || range == 0 || begin > UINTPTR_MAX - range) return false;
  *pcBegin = begin;
  *pcEnd = begin + range;
  CfaState state = owner.context.initial;
  return runCfaProgram(c, owner.context, begin, begin + range, &state, rows);
}
