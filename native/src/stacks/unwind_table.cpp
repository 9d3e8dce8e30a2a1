#include "stacks/unwind_table.h"

#include <algorithm>

#include "stacks/eh_frame_reader.h"

namespace {

bool sameRule(const UnwindRow& a, const UnwindRow& b) {
  return a.cfa == b.cfa && a.cfaOffset == b.cfaOffset && a.fp == b.fp && a.fpOffset == b.fpOffset &&
         a.returnAddress == b.returnAddress && a.returnAddressOffset == b.returnAddressOffset &&
         a.pltThreshold == b.pltThreshold;
}

bool fitsInt16(int64_t v) { return v >= INT16_MIN && v <= INT16_MAX; }

// The compact form of a CFA state; anything a walker could not follow becomes kUnsupported.
UnwindRow compact(uint32_t pc, const CfaState& s) {
  UnwindRow row{};
  row.pc = pc;
  row.cfa = s.cfa;
  row.cfaOffset = static_cast<int32_t>(s.cfaOffset);
  row.pltThreshold = s.pltThreshold;
  if (s.cfaOffset < INT32_MIN || s.cfaOffset > INT32_MAX) row.cfa = CfaKind::kUnsupported;
  row.fp = s.fp;
  row.fpOffset = static_cast<int16_t>(s.fpOffset);
  if (s.fp == SavedKind::kAtCfa && !fitsInt16(s.fpOffset)) row.fp = SavedKind::kUnsupported;
  if (s.fp == SavedKind::kUndefined) row.fp = SavedKind::kUnsupported;
  row.returnAddress = s.returnAddress;
  row.returnAddressOffset = static_cast<int16_t>(s.returnAddressOffset);
  if (s.returnAddress == SavedKind::kAtCfa && !fitsInt16(s.returnAddressOffset)) {
    row.returnAddress = SavedKind::kUnsupported;
  }
#if !defined(__aarch64__)
  // Only aarch64 keeps a return address in a register (lr); on x86-64 it is always in memory.
  if (s.returnAddress == SavedKind::kUnchanged) row.returnAddress = SavedKind::kUnsupported;
#endif
  return row;
}

}  // namespace

void UnwindTable::push(const UnwindRow& row) {
  if (!rows_.empty() && rows_.back().pc == row.pc) {
    rows_.back() = row;  // an advance by 0, or an FDE starting where a gap marker was put
    if (rows_.size() >= 2 && sameRule(rows_[rows_.size() - 2], row)) rows_.pop_back();
    return;
  }
  if (!rows_.empty() && sameRule(rows_.back(), row)) return;
  rows_.push_back(row);
}

void UnwindTable::append(const UnwindRow& row) {
  if (row.cfa == CfaKind::kUnsupported) ++stats_.unsupportedRows;
  push(row);
}

void UnwindTable::appendGap(uint32_t pc) {
  UnwindRow gap{};
  gap.pc = pc;
  gap.cfa = CfaKind::kNoEntry;
  gap.fp = SavedKind::kUnsupported;
  gap.returnAddress = SavedKind::kUnsupported;
  push(gap);
}

bool UnwindTable::build(uintptr_t loadBias, const Elf64_Phdr* programHeaders, size_t count) {
  reset();
  ReadableMemory memory;
  uintptr_t header = 0;
  for (size_t i = 0; i < count; ++i) {
    const Elf64_Phdr& ph = programHeaders[i];
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_R) != 0) {
      memory.add(loadBias + ph.p_vaddr, loadBias + ph.p_vaddr + ph.p_filesz);
    }
    if (ph.p_type == PT_GNU_EH_FRAME) header = loadBias + ph.p_vaddr;
  }
  if (header == 0) return false;

  std::vector<FdeLocation> fdes = listFdes(header, memory);
  EhFrameParser parser(memory);
  if (!buildInAddressOrder(fdes, loadBias, parser)) buildStaged(fdes, loadBias, parser);
  buildIndexes();
  return !rows_.empty();
}

void UnwindTable::buildIndexes() {
  rowIndex_.build(rows_.size(), [this](size_t i) { return rows_[i].pc; });
  startIndex_.build(functionStarts_.size(), [this](size_t i) { return functionStarts_[i]; });
}

void PageIndex::bounds(uint64_t key, size_t count, size_t* low, size_t* high) const {
  if (below_.empty() || key < first_) {
    *low = 0;
    *high = below_.empty() ? count : below_[0];
    return;
  }
  uint64_t page = (key - first_) >> shift_;
  if (page + 1 >= below_.size()) {  // at or past the last key's page
    *low = below_.back();
    *high = count;
    return;
  }
  *low = below_[page];
  *high = below_[page + 1];
}

void UnwindTable::reset() {
  rows_.clear();
  functionStarts_.clear();
  rowIndex_.build(0, [](size_t) { return uint64_t{0}; });
  startIndex_.build(0, [](size_t) { return uint64_t{0}; });
  stats_ = Stats();
}

void UnwindTable::appendFde(uint32_t begin, uint32_t end, const UnwindRow* rows, size_t count, uint32_t* covered,
                            bool* any) {
  if (*any && begin < *covered) return;  // overlapping FDEs (discarded duplicates): first wins
  if (*any && begin > *covered) appendGap(*covered);
  functionStarts_.push_back(begin);
  for (size_t i = 0; i < count; ++i) append(rows[i]);
  *covered = end;
  *any = true;
}

bool UnwindTable::buildInAddressOrder(const std::vector<FdeLocation>& fdes, uintptr_t loadBias,
                                      EhFrameParser& parser) {
  // The header's search table lists FDEs sorted by address: their rows then go straight
  // into the table, with no staging copy and no sort. Each FDE's rows are compacted as
  // soon as its program has run. A table out of order, or an FDE whose own start
  // disagrees with the order, sends the build to the staged path.
  for (size_t i = 0; i < fdes.size(); ++i) {
    if (fdes[i].pcBegin == 0 || (i > 0 && fdes[i].pcBegin < fdes[i - 1].pcBegin)) return false;
  }
  // About 4.4 rows per FDE in libjvm and libc: reserved once, so the table is not copied
  // while it grows (pages reserved but never written cost nothing).
  rows_.reserve(fdes.size() * 5 + 1);
  functionStarts_.reserve(fdes.size());
  std::vector<CfaRow> programRows;  // one FDE's, reused
  std::vector<UnwindRow> compacted;
  uint32_t covered = 0;
  uint32_t lastBegin = 0;
  bool any = false;
  for (const FdeLocation& fde : fdes) {
    programRows.clear();
    uintptr_t begin = 0, end = 0;
    if (!parser.parseFde(fde.fde, &begin, &end, &programRows) || begin < loadBias || end - loadBias > UINT32_MAX) {
      ++stats_.failedFdes;
      continue;
    }
    ++stats_.fdes;
    uint32_t first = static_cast<uint32_t>(begin - loadBias);
    if (first < lastBegin) {
      reset();
      return false;
    }
    lastBegin = first;
    compacted.clear();
    for (const CfaRow& row : programRows) {
      if (row.pc >= end) break;
      compacted.push_back(compact(static_cast<uint32_t>(row.pc - loadBias), row.state));
    }
    appendFde(first, static_cast<uint32_t>(end - loadBias), compacted.data(), compacted.size(), &covered, &any);
  }
  if (any) appendGap(covered);
  return true;
}

void UnwindTable::buildStaged(const std::vector<FdeLocation>& fdes, uintptr_t loadBias, EhFrameParser& parser) {
  struct Range {
    uint32_t begin, end;  // object vaddrs
    size_t firstRow, rowCount;
  };
  // Programs are run first, rows kept per FDE, then laid out by address: a linear walk
  // finds FDEs in file order, and sorting only the small Range records is cheap. Each
  // FDE's rows are compacted as soon as its program has run: the staged rows are a third
  // of the size of the programs' own, which spares the build most of its page faults.
  std::vector<Range> ranges;
  std::vector<UnwindRow> staged;
  std::vector<CfaRow> programRows;  // one FDE's, reused
  ranges.reserve(fdes.size());
  staged.reserve(fdes.size() * 4);
  for (const FdeLocation& fde : fdes) {
    programRows.clear();
    uintptr_t begin = 0, end = 0;
    if (!parser.parseFde(fde.fde, &begin, &end, &programRows) || begin < loadBias ||
        end - loadBias > UINT32_MAX) {
      ++stats_.failedFdes;
      continue;
    }
    ++stats_.fdes;
    size_t mark = staged.size();
    for (const CfaRow& row : programRows) {
      if (row.pc >= end) break;
      staged.push_back(compact(static_cast<uint32_t>(row.pc - loadBias), row.state));
    }
    ranges.push_back(Range{static_cast<uint32_t>(begin - loadBias), static_cast<uint32_t>(end - loadBias), mark,
                           staged.size() - mark});
  }
  std::stable_sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });

  rows_.reserve(staged.size() + ranges.size());
  functionStarts_.reserve(ranges.size());
  uint32_t covered = 0;  // end of the code covered so far
  bool any = false;
  for (const Range& r : ranges) {
    appendFde(r.begin, r.end, staged.data() + r.firstRow, r.rowCount, &covered, &any);
  }
  if (any) appendGap(covered);
}

const UnwindRow* UnwindTable::find(uint64_t vaddr) const {
  // Hand-written binary search: std::upper_bound would do, but this keeps the signal-path
  // code obviously free of anything but loads and compares.
  size_t low = 0, high = 0;
  rowIndex_.bounds(vaddr, rows_.size(), &low, &high);
  const UnwindRow* rows = rows_.data();
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (rows[middle].pc <= vaddr) low = middle + 1; else high = middle;
  }
  if (low == 0) return nullptr;
  const UnwindRow* row = &rows[low - 1];
  return row->cfa == CfaKind::kNoEntry ? nullptr : row;
}

uint64_t UnwindTable::functionStart(uint64_t vaddr) const {
  return find(vaddr) == nullptr ? vaddr : functionStartOfCovered(vaddr);
}

uint64_t UnwindTable::functionStartOfCovered(uint64_t vaddr) const {
  size_t low = 0, high = 0;
  startIndex_.bounds(vaddr, functionStarts_.size(), &low, &high);
  const uint32_t* starts = functionStarts_.data();
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (starts[middle] <= vaddr) low = middle + 1; else high = middle;
  }
  return low == 0 ? vaddr : starts[low - 1];
}
