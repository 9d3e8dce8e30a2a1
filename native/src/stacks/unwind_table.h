#pragma once

#include <elf.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "stacks/cfa_program.h"
#include "stacks/eh_frame_reader.h"

// A lookup aid over a sorted array of 32-bit addresses (unwind rows, function starts):
// for each code page, how many entries lie below the page's start. A search then only
// bisects the entries of one page: two or three cache lines instead of the ~18 scattered
// loads (each a cache and TLB miss in a sample) of a search over libjvm's 190k rows.
// Immutable once built; lookups are signal-safe.
class PageIndex {
 public:
  // `keys` sorted ascending; `count` of them.
  template <typename KeyAt>
  void build(size_t count, KeyAt keyAt);
  // The index of the first entry > `key` lies in [*low, *high]: bisect only that.
  void bounds(uint64_t key, size_t count, size_t* low, size_t* high) const;
  size_t bytes() const { return below_.size() * sizeof(uint32_t); }

 private:
  static constexpr size_t kMaxPages = 1u << 16;  // at most 256 KB of index per table
  uint64_t first_ = 0;                           // first key, rounded down to a page
  unsigned shift_ = 12;                          // page size: 4 KB, more for huge objects
  std::vector<uint32_t> below_;                  // per page (and one past the last): entries < its start
};

template <typename KeyAt>
void PageIndex::build(size_t count, KeyAt keyAt) {
  below_.clear();
  if (count == 0) return;
  uint64_t lowest = keyAt(0), highest = keyAt(count - 1);
  shift_ = 12;
  while (((highest >> shift_) - (lowest >> shift_)) + 2 > kMaxPages) ++shift_;
  first_ = lowest >> shift_ << shift_;
  size_t pages = static_cast<size_t>((highest - first_) >> shift_) + 2;
  below_.resize(pages);
  size_t at = 0;
  for (size_t page = 0; page < pages; ++page) {
    uint64_t start = first_ + (static_cast<uint64_t>(page) << shift_);
    while (at < count && keyAt(at) < start) ++at;
    below_[page] = static_cast<uint32_t>(at);
  }
}

// Per row, the index of its rule, in as few bytes as the number of distinct rules allows:
// one byte for libjvm (8 rules on JDK 17, 61 on Temurin 25), two or four for objects with
// more. Widened while the table is built; read-only after, and at() is signal-safe.
class RuleIndexes {
 public:
  size_t size() const { return bytes_.size() / width_; }
  size_t bytes() const { return bytes_.size(); }
  void reserve(size_t count) { bytes_.reserve(count * width_); }
  void clear() {
    bytes_.clear();
    width_ = 1;
  }
  uint32_t at(size_t i) const {
    const uint8_t* p = bytes_.data() + i * width_;
    if (width_ == 1) return *p;
    if (width_ == 2) {
      uint16_t v;
      std::memcpy(&v, p, sizeof v);
      return v;
    }
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  uint32_t back() const { return at(size() - 1); }
  void push_back(uint32_t index) {
    widenFor(index);
    bytes_.resize(bytes_.size() + width_);
    store(size() - 1, index);
  }
  void set_back(uint32_t index) {
    widenFor(index);
    store(size() - 1, index);
  }
  void pop_back() { bytes_.resize(bytes_.size() - width_); }

 private:
  void store(size_t i, uint32_t index) {
    uint8_t* p = bytes_.data() + i * width_;
    if (width_ == 1) {
      *p = static_cast<uint8_t>(index);
    } else if (width_ == 2) {
      uint16_t v = static_cast<uint16_t>(index);
      std::memcpy(p, &v, sizeof v);
    } else {
      std::memcpy(p, &index, sizeof index);
    }
  }
  void widenFor(uint32_t index) {
    unsigned need = index <= 0xff ? 1 : index <= 0xffff ? 2 : 4;
    if (need <= width_) return;
    RuleIndexes wider;
    wider.width_ = need;
    wider.bytes_.reserve(bytes_.capacity() / width_ * need);
    wider.bytes_.resize(size() * need);
    for (size_t i = 0; i < size(); ++i) wider.store(i, at(i));
    *this = std::move(wider);
  }

  std::vector<uint8_t> bytes_;
  unsigned width_ = 1;
};

// How to find the caller from a range of code addresses: 12 bytes, and libjvm's 190k rows
// use only 8 distinct ones (61 on Temurin 25), so rows refer to them by index. Offsets are
// relative to the CFA.
struct UnwindRule {
  int32_t cfaOffset;
  CfaKind cfa;                  // kNoEntry marks a gap between FDEs and the end of the table
  SavedKind fp;                 // kUnchanged or kAtCfa (else: the caller's fp is unknown)
  SavedKind returnAddress;      // kAtCfa; aarch64 also kUnchanged (still in lr); kUndefined: outermost
  uint8_t pltThreshold;         // for CfaKind::kPltSp
  int16_t fpOffset;
  int16_t returnAddressOffset;

  bool operator==(const UnwindRule& o) const {
    return cfaOffset == o.cfaOffset && cfa == o.cfa && fp == o.fp && returnAddress == o.returnAddress &&
           pltThreshold == o.pltThreshold && fpOffset == o.fpOffset && returnAddressOffset == o.returnAddressOffset;
  }
  bool operator!=(const UnwindRule& o) const { return !(*this == o); }
};
static_assert(sizeof(UnwindRule) == 12, "rules must stay small");

// The DWARF CFI of one loaded object (.eh_frame via PT_GNU_EH_FRAME), evaluated off the
// signal path into a sorted array of rows; identical consecutive rows are collapsed.
// Immutable once built: find() is signal-safe (no locks, no allocation, only reads of
// the row array).
class UnwindTable {
 public:
  struct Stats {
    size_t fdes = 0;         // FDEs whose programs were run
    size_t failedFdes = 0;   // malformed or with an unknown instruction: left as gaps
    size_t unsupportedRows = 0;
  };

  UnwindTable() = default;
  UnwindTable(const UnwindTable&) = delete;
  UnwindTable& operator=(const UnwindTable&) = delete;

  // Builds the table of an object loaded at `loadBias` from its program headers as
  // mapped (dl_iterate_phdr's dlpi_phdr): PT_GNU_EH_FRAME locates the data, PT_LOAD
  // segments bound every read. False (and an empty table) without usable CFI.
  bool build(uintptr_t loadBias, const Elf64_Phdr* programHeaders, size_t count);

  // Signal-safe. The rule covering `vaddr` (pc - load bias), or nullptr when no FDE covers
  // it (in a gap, before the first or after the last FDE).
  const UnwindRule* find(uint64_t vaddr) const;
  // Signal-safe. The index of the row covering `vaddr`, or kNoRow where find() gives nullptr.
  static constexpr size_t kNoRow = ~size_t{0};
  size_t findRow(uint64_t vaddr) const;

  // Signal-safe. The start of the FDE covering `vaddr` (for compiled code, the start of
  // its function or of a split-off part such as `foo.cold`), or `vaddr` itself where no
  // FDE covers it. Samples are keyed by it, so every pc of a function is one frame and a
  // hot loop does not fill the trace store with one trace per instruction.
  uint64_t functionStart(uint64_t vaddr) const;
  // The same for a `vaddr` the caller already found a row for (find() gave non-null):
  // skips the second search of the rows.
  uint64_t functionStartOfCovered(uint64_t vaddr) const;

  // Rows: from pc `rowPc(i)` (object vaddr) up to the next row's, rule `ruleOfRow(i)`.
  size_t rowCount() const { return pcs_.size(); }
  uint32_t rowPc(size_t i) const { return pcs_[i]; }
  const UnwindRule& ruleOfRow(size_t i) const { return rules_[ruleOf_.at(i)]; }
  size_t ruleCount() const { return rules_.size(); }
  // What the table holds: its vectors keep the room reserved for the build (pages
  // never written cost nothing), and a copy to an exact fit would fault in all of it again.
  size_t bytes() const {
    return pcs_.size() * sizeof(uint32_t) + ruleOf_.bytes() + rules_.size() * sizeof(UnwindRule) +
           functionStarts_.size() * sizeof(uint32_t) + rowIndex_.bytes() + startIndex_.bytes();
  }
  const Stats& stats() const { return stats_; }

 private:
  // A compacted row as the build passes it on: start and rule.
  struct Row {
    uint32_t pc;
    UnwindRule rule;
  };

  void reset();
  // The fast build, for FDEs listed in address order (the header's search table); false
  // (and an empty table) if they are not in order after all.
  bool buildInAddressOrder(const FdeList& fdes, uintptr_t loadBias, EhFrameParser& parser);
  // Any order (a linear walk of .eh_frame): rows staged per FDE, then laid out by address.
  void buildStaged(const FdeList& fdes, uintptr_t loadBias, EhFrameParser& parser);
  // One FDE's compacted rows at [begin, end), after a gap marker if code before it is not
  // covered; an FDE overlapping the covered code is dropped.
  void appendFde(uint32_t begin, uint32_t end, const Row* rows, size_t count, uint32_t* covered, bool* any);
  void push(uint32_t pc, const UnwindRule& rule);
  void append(const Row& row);
  void appendGap(uint32_t pc);
  uint32_t ruleIndex(const UnwindRule& rule);

  void buildIndexes();
  // Signal-safe. How many rows start at or below `vaddr`: the covering row is the last of them.
  size_t rowsAtOrBelow(uint64_t vaddr) const;

  std::vector<uint32_t> pcs_;              // row starts (vaddr), strictly increasing
  RuleIndexes ruleOf_;                     // per row: its index into rules_
  std::vector<UnwindRule> rules_;          // distinct rules (mostly: see ruleIndex)
  std::vector<uint32_t> recentRules_;      // build only: hash of a rule -> its index + 1
  std::vector<uint32_t> functionStarts_;  // sorted FDE starts (vaddr)
  PageIndex rowIndex_;                    // over pcs_
  PageIndex startIndex_;                  // over functionStarts_
  Stats stats_;
};
