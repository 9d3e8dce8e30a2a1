#include "stacks/unwind_table.h"

#include <algorithm>

#include "stacks/eh_frame_reader.h"

namespace {

bool fitsInt16(int64_t v) { return v >= INT16_MIN && v <= INT16_MAX; }

// The compact form of a CFA state; anything a walker could not follow becomes kUnsupported.
// Inlined into its loops: returned through registers, the rule assembled with narrow stores on
// the stack was read back whole, a stalled store-to-load forward on every row (a sixth of the
// table build).
inline __attribute__((always_inline)) UnwindRule compact(const CfaState& s) {
  UnwindRule rule{};
  rule.cfa = s.cfa;
  rule.cfaOffset = static_cast<int32_t>(s.cfaOffset);
  rule.pltThreshold = s.pltThreshold;
  if (s.cfaOffset < INT32_MIN || s.cfaOffset > INT32_MAX) rule.cfa = CfaKind::kUnsupported;
  rule.fp = s.fp;
  rule.fpOffset = static_cast<int16_t>(s.fpOffset);
  if (s.fp == SavedKind::kAtCfa && !fitsInt16(s.fpOffset)) rule.fp = SavedKind::kUnsupported;
  if (s.fp == SavedKind::kUndefined) rule.fp = SavedKind::kUnsupported;
  rule.returnAddress = s.returnAddress;
  rule.returnAddressOffset = static_cast<int16_t>(s.returnAddressOffset);
  if (s.returnAddress == SavedKind::kAtCfa && !fitsInt16(s.returnAddressOffset)) {
    rule.returnAddress = SavedKind::kUnsupported;
  }
#if !defined(__aarch64__)
  // Only aarch64 keeps a return address in a register (lr); on x86-64 it is always in memory.
  if (s.returnAddress == SavedKind::kUnchanged) rule.returnAddress = SavedKind::kUnsupported;
#endif
  return rule;
}

UnwindRule gapRule() {
  UnwindRule gap{};
  gap.cfa = CfaKind::kNoEntry;
  gap.fp = SavedKind::kUnsupported;
  gap.returnAddress = SavedKind::kUnsupported;
  return gap;
}

// Slots of the build's rule cache (a power of two): libjvm's rows use 8 rules on JDK 17, 61 on
// Temurin 25, libc's a few hundred.
constexpr size_t kRecentRules = 4096;

size_t slotOf(const UnwindRule& r) {
  uint64_t h = static_cast<uint32_t>(r.cfaOffset);
  h = h * 31 + static_cast<uint8_t>(r.cfa);
  h = h * 31 + static_cast<uint8_t>(r.fp);
  h = h * 31 + static_cast<uint8_t>(r.returnAddress);
  h = h * 31 + r.pltThreshold;
  h = h * 31 + static_cast<uint16_t>(r.fpOffset);
  h = h * 31 + static_cast<uint16_t>(r.returnAddressOffset);
  h *= 0x9e3779b97f4a7c15ull;
  return static_cast<size_t>(h >> 52) & (kRecentRules - 1);
}

}  // namespace

// The index of `rule` in rules_, added if the cache does not know it. A rule the cache lost
// to a colliding one is added again: a duplicate costs 12 bytes, never a wrong row.
uint32_t UnwindTable::ruleIndex(const UnwindRule& rule) {
  if (recentRules_.empty()) recentRules_.assign(kRecentRules, 0);
  uint32_t& slot = recentRules_[slotOf(rule)];
  if (slot != 0 && rules_[slot - 1] == rule) return slot - 1;
  rules_.push_back(rule);
  slot = static_cast<uint32_t>(rules_.size());
  return slot - 1;
}

void UnwindTable::push(uint32_t pc, const UnwindRule& rule) {
  size_t n = pcs_.size();
  if (n != 0 && pcs_.back() == pc) {
    // an advance by 0, or an FDE starting where a gap marker was put
    if (n >= 2 && rules_[ruleOf_.at(n - 2)] == rule) {
      pcs_.pop_back();
      ruleOf_.pop_back();
    } else {
      ruleOf_.set_back(ruleIndex(rule));
    }
    return;
  }
  if (n != 0 && rules_[ruleOf_.back()] == rule) return;
  pcs_.push_back(pc);
  ruleOf_.push_back(ruleIndex(rule));
}

void UnwindTable::append(const Row& row) {
  if (row.rule.cfa == CfaKind::kUnsupported) ++stats_.unsupportedRows;
  push(row.pc, row.rule);
}

void UnwindTable::appendGap(uint32_t pc) { push(pc, gapRule()); }

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

  FdeList fdes = listFdes(header, memory);
  EhFrameParser parser(memory);
  if (!buildInAddressOrder(fdes, loadBias, parser)) buildStaged(fdes, loadBias, parser);
  recentRules_ = std::vector<uint32_t>();
  buildIndexes();
  return !pcs_.empty();
}

void UnwindTable::buildIndexes() {
  rowIndex_.build(pcs_.size(), [this](size_t i) { return pcs_[i]; });
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
  pcs_.clear();
  ruleOf_.clear();
  rules_.clear();
  recentRules_.clear();
  functionStarts_.clear();
  rowIndex_.build(0, [](size_t) { return uint64_t{0}; });
  startIndex_.build(0, [](size_t) { return uint64_t{0}; });
  stats_ = Stats();
}

void UnwindTable::appendFde(uint32_t begin, uint32_t end, const Row* rows, size_t count, uint32_t* covered,
                            bool* any) {
  if (*any && begin < *covered) return;  // overlapping FDEs (discarded duplicates): first wins
  if (*any && begin > *covered) appendGap(*covered);
  functionStarts_.push_back(begin);
  for (size_t i = 0; i < count; ++i) append(rows[i]);
  *covered = end;
  *any = true;
}

bool UnwindTable::buildInAddressOrder(const FdeList& fdes, uintptr_t loadBias, EhFrameParser& parser) {
  // The header's search table lists FDEs sorted by address: their rows then go straight
  // into the table, with no staging copy and no sort. Each FDE's rows are compacted as
  // soon as its program has run. An FDE whose own start breaks the order (or a list found
  // by walking .eh_frame, which has no starts) sends the build to the staged path.
  if (fdes.size() == 0 || fdes[0].pcBegin == 0) return false;
  // About 4.4 rows per FDE in libjvm and libc: reserved once, so the table is not copied
  // while it grows (pages reserved but never written cost nothing).
  pcs_.reserve(fdes.size() * 5 + 1);
  ruleOf_.reserve(fdes.size() * 5 + 1);
  functionStarts_.reserve(fdes.size());
  std::vector<CfaRow> programRows;  // one FDE's, reused
  std::vector<Row> compacted;
  uint32_t covered = 0;
  uint32_t lastBegin = 0;
  bool any = false;
  for (size_t i = 0; i < fdes.size(); ++i) {
    FdeLocation fde = fdes[i];
    programRows.clear();
    uintptr_t begin = 0, end = 0;
    if (fde.fde == 0 || !parser.parseFde(fde.fde, &begin, &end, &programRows) || begin < loadBias ||
        end - loadBias > UINT32_MAX) {
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
      compacted.push_back(Row{static_cast<uint32_t>(row.pc - loadBias), compact(row.state)});
    }
    appendFde(first, static_cast<uint32_t>(end - loadBias), compacted.data(), compacted.size(), &covered, &any);
  }
  if (any) appendGap(covered);
  return true;
}

void UnwindTable::buildStaged(const FdeList& fdes, uintptr_t loadBias, EhFrameParser& parser) {
  struct Range {
    uint32_t begin, end;  // object vaddrs
    size_t firstRow, rowCount;
  };
  // Programs are run first, rows kept per FDE, then laid out by address: a linear walk
  // finds FDEs in file order, and sorting only the small Range records is cheap. Each
  // FDE's rows are compacted as soon as its program has run: the staged rows are a third
  // of the size of the programs' own, which spares the build most of its page faults.
  std::vector<Range> ranges;
  std::vector<Row> staged;
  std::vector<CfaRow> programRows;  // one FDE's, reused
  ranges.reserve(fdes.size());
  staged.reserve(fdes.size() * 4);
  for (size_t i = 0; i < fdes.size(); ++i) {
    FdeLocation fde = fdes[i];
    programRows.clear();
    uintptr_t begin = 0, end = 0;
    if (fde.fde == 0 || !parser.parseFde(fde.fde, &begin, &end, &programRows) || begin < loadBias ||
        end - loadBias > UINT32_MAX) {
      ++stats_.failedFdes;
      continue;
    }
    ++stats_.fdes;
    size_t mark = staged.size();
    for (const CfaRow& row : programRows) {
      if (row.pc >= end) break;
      staged.push_back(Row{static_cast<uint32_t>(row.pc - loadBias), compact(row.state)});
    }
    ranges.push_back(Range{static_cast<uint32_t>(begin - loadBias), static_cast<uint32_t>(end - loadBias), mark,
                           staged.size() - mark});
  }
  std::stable_sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });

  pcs_.reserve(staged.size() + ranges.size());
  ruleOf_.reserve(staged.size() + ranges.size());
  functionStarts_.reserve(ranges.size());
  uint32_t covered = 0;  // end of the code covered so far
  bool any = false;
  for (const Range& r : ranges) {
    appendFde(r.begin, r.end, staged.data() + r.firstRow, r.rowCount, &covered, &any);
  }
  if (any) appendGap(covered);
}

size_t UnwindTable::rowsAtOrBelow(uint64_t vaddr) const {
  // Hand-written binary search: std::upper_bound would do, but this keeps the signal-path
  // code obviously free of anything but loads and compares.
  size_t low = 0, high = 0;
  rowIndex_.bounds(vaddr, pcs_.size(), &low, &high);
  const uint32_t* pcs = pcs_.data();
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (pcs[middle] <= vaddr) low = middle + 1; else high = middle;
  }
  return low;
}

size_t UnwindTable::findRow(uint64_t vaddr) const {
  size_t below = rowsAtOrBelow(vaddr);
  return below == 0 || ruleOfRow(below - 1).cfa == CfaKind::kNoEntry ? kNoRow : below - 1;
}

const UnwindRule* UnwindTable::find(uint64_t vaddr) const {
  size_t below = rowsAtOrBelow(vaddr);
  if (below == 0) return nullptr;
  const UnwindRule* rule = &ruleOfRow(below - 1);
  return rule->cfa == CfaKind::kNoEntry ? nullptr : rule;
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
