#include <algorithm>
#include "stacks/unwind_table.h"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "check.h"
#include "stacks/dwarf_cursor.h"
#include "stacks/loaded_image.h"
#include "symbols/native_symbols.h"

extern "C" int fp_chain_b(const volatile int* stop);

namespace {

int countKind(const UnwindTable& table, CfaKind kind) {
  int n = 0;
  for (size_t i = 0; i < table.rowCount(); ++i) n += table.ruleOfRow(i).cfa == kind;
  return n;
}

// Every function's first instruction has the same rule on x86-64 (the call just pushed
// the return address): CFA = sp + 8, return address at CFA - 8, fp untouched. Checking
// that at every symbol of libjvm that has an FDE exercises the whole pipeline.
void checkFunctionEntries(const UnwindTable& table, const NativeSymbols& symbols, const char* path) {
#if defined(__x86_64__)
  (void)path;
  size_t checked = 0, wrong = 0, noEntry = 0;
  // Each FDE start (a row after a gap marker) where a function symbol starts must have it.
  for (size_t i = 0; i + 1 < table.rowCount(); ++i) {
    bool fdeStart = i == 0 || table.ruleOfRow(i - 1).cfa == CfaKind::kNoEntry;
    const UnwindRule& r = table.ruleOfRow(i);
    uint32_t pc = table.rowPc(i);
    if (!fdeStart || r.cfa == CfaKind::kNoEntry) continue;
    if (!symbols.name(pc).empty() && symbols.linkerName(pc) != symbols.linkerName(pc - 1)) {
      ++checked;
      bool entryRule = r.cfa == CfaKind::kSpOffset && r.cfaOffset == 8 && r.returnAddress == SavedKind::kAtCfa &&
                       r.returnAddressOffset == -8 && r.fp == SavedKind::kUnchanged;
      bool plt = r.cfa == CfaKind::kPltSp;
      if (!entryRule && !plt) ++wrong;
    }
    if (table.find(pc) == nullptr) ++noEntry;
  }
  std::printf("  %zu function entries checked, %zu with another rule\n", checked, wrong);
  CHECK(checked > 1000);
  CHECK(wrong * 100 < checked);  // hand-written assembly may differ; compiled code never does
  CHECK_EQ(noEntry, size_t{0});
#else
  (void)table;
  (void)symbols;
  (void)path;
#endif
}

// find() and functionStart() bisect only one code page's entries (PageIndex): for every
// row start, the byte before it and pcs between rows, the answer must be the one a plain
// search of all rows gives.
void checkIndexedSearchesMatchPlainOnes(const UnwindTable& table) {
  size_t rows = table.rowCount();
  std::vector<uint32_t> pcs(rows);
  for (size_t i = 0; i < rows; ++i) pcs[i] = table.rowPc(i);
  auto plainFind = [&](uint64_t vaddr) -> size_t {
    auto it = std::upper_bound(pcs.begin(), pcs.end(), vaddr, [](uint64_t v, uint32_t pc) { return v < pc; });
    if (it == pcs.begin()) return UnwindTable::kNoRow;
    size_t row = static_cast<size_t>(it - pcs.begin()) - 1;
    return table.ruleOfRow(row).cfa == CfaKind::kNoEntry ? UnwindTable::kNoRow : row;
  };
  // FDE starts as the rows show them: the first row after a gap, or a row where the
  // plain function start changes, is checked through functionStart below.
  size_t mismatches = 0, checked = 0;
  for (size_t i = 0; i < rows; ++i) {
    uint64_t next = i + 1 < rows ? pcs[i + 1] : uint64_t{pcs[i]} + 64;
    uint64_t probes[] = {pcs[i], uint64_t{pcs[i]} - 1, (pcs[i] + next) / 2, next - 1, uint64_t{pcs[i]} + 4096};
    for (uint64_t vaddr : probes) {
      ++checked;
      size_t row = table.findRow(vaddr);
      if (row != plainFind(vaddr)) ++mismatches;
      const UnwindRule* rule = table.find(vaddr);
      if ((row == UnwindTable::kNoRow) != (rule == nullptr) || (rule != nullptr && *rule != table.ruleOfRow(row))) {
        ++mismatches;
      }
    }
  }
  CHECK_EQ(mismatches, size_t{0});
  // Function starts: each covered pc's start is at or below it, and is the start of an
  // FDE whose rows cover the pc (the row found at the start is not a gap).
  size_t badStarts = 0;
  for (size_t i = 0; i + 1 < rows; i += 3) {
    if (table.ruleOfRow(i).cfa == CfaKind::kNoEntry) continue;
    uint64_t vaddr = (uint64_t{pcs[i]} + pcs[i + 1]) / 2;
    uint64_t start = table.functionStart(vaddr);
    if (start > vaddr || table.find(start) == nullptr || table.functionStart(start) != start) ++badStarts;
  }
  CHECK_EQ(badStarts, size_t{0});
  CHECK(table.find(~uint64_t{0} >> 1) == nullptr);
  std::printf("  %zu indexed lookups match a plain search\n", checked);
}

void measuresLibjvm(const char* path) {
  if (access(path, R_OK) != 0) {
    std::printf("skipped: %s missing\n", path);
    return;
  }
  LoadedImage image(path);
  CHECK(image.ok());
  UnwindTable table;
  auto begin = std::chrono::steady_clock::now();
  CHECK(table.build(image.loadBias(), image.programHeaders(), image.programHeaderCount()));
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
  std::printf("%s:\n  %zu FDEs (%zu failed), %zu rows, %zu rules, %zu bytes (%.2f MiB), %zu unsupported rules, "
              "%d gap markers, %d PLT rows, built in %.0f ms\n",
              path, table.stats().fdes, table.stats().failedFdes, table.rowCount(), table.ruleCount(), table.bytes(),
              table.bytes() / 1048576.0, table.stats().unsupportedRows, countKind(table, CfaKind::kNoEntry),
              countKind(table, CfaKind::kPltSp), ms);
  CHECK(table.stats().fdes > 10000);
  CHECK_EQ(table.stats().failedFdes, size_t{0});
#if defined(__x86_64__)
  CHECK(countKind(table, CfaKind::kPltSp) > 0);
#endif
  // Rows are sorted and strictly increasing; before the first and after the last: no entry.
  bool sorted = true;
  for (size_t i = 1; i < table.rowCount(); ++i) sorted = sorted && table.rowPc(i - 1) < table.rowPc(i);
  CHECK(sorted);
  CHECK(table.find(0) == nullptr);
  CHECK(table.find(table.rowPc(0) - 1) == nullptr);
  CHECK(table.find(table.rowPc(table.rowCount() - 1)) == nullptr);
  // Rows share their rules: libjvm's use a few hundred.
  CHECK(table.ruleCount() * 20 < table.rowCount());
  CHECK(table.find(~uint64_t{0}) == nullptr);
  NativeSymbols symbols{std::string(path)};
  checkFunctionEntries(table, symbols, path);
  checkIndexedSearchesMatchPlainOnes(table);
}

struct Found {
  uintptr_t address;
  uintptr_t bias = 0;
  const Elf64_Phdr* headers = nullptr;
  size_t count = 0;
};

int findObject(struct dl_phdr_info* info, size_t, void* data) {
  Found* found = static_cast<Found*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const Elf64_Phdr& ph = info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && found->address >= start && found->address < start + ph.p_memsz) {
      found->bias = info->dlpi_addr;
      found->headers = info->dlpi_phdr;
      found->count = info->dlpi_phnum;
      return 1;
    }
  }
  return 0;
}

// The rules inside a function compiled with frame pointers, in the loaded library.
void describesAFramePointerFunction() {
  Found found{reinterpret_cast<uintptr_t>(&fp_chain_b)};
  dl_iterate_phdr(findObject, &found);
  CHECK(found.headers != nullptr);
  UnwindTable table;
  CHECK(table.build(found.bias, found.headers, found.count));
  uint64_t entry = reinterpret_cast<uintptr_t>(&fp_chain_b) - found.bias;
  const UnwindRule* atEntry = table.find(entry);
  CHECK(atEntry != nullptr);
  if (atEntry == nullptr) return;
  bool sawFpRule = false;
  for (uint64_t pc = entry; pc < entry + 64; ++pc) {
    const UnwindRule* row = table.find(pc);
    if (row == nullptr) break;
#if defined(__x86_64__)
    if (row->cfa == CfaKind::kFpOffset && row->cfaOffset == 16 && row->fp == SavedKind::kAtCfa && row->fpOffset == -16) {
      sawFpRule = true;
    }
#else
    if (row->cfa == CfaKind::kFpOffset || row->fp == SavedKind::kAtCfa) sawFpRule = true;
#endif
  }
  CHECK(sawFpRule);
  // Functions are 16-byte aligned and FDEs cover only their code: the padding in front of
  // this one is a gap, unless the previous function ends exactly there.
  int gaps = countKind(table, CfaKind::kNoEntry);
  CHECK(gaps >= 1);
  std::printf("unwind_chain_fp: %zu rows, %d gap markers\n", table.rowCount(), gaps);
}

}  // namespace

// A cursor reads only within the readable range it starts in, and never past its own end:
// a record that runs off its segment fails at the boundary (sticky), as one past the end.
void aCursorReadsOnlyWithinTheRangeItStartsIn() {
  alignas(8) static uint8_t bytes[64];
  for (size_t i = 0; i < sizeof bytes; ++i) bytes[i] = static_cast<uint8_t>(i);
  auto at = [](size_t offset) { return reinterpret_cast<uintptr_t>(bytes) + offset; };
  ReadableMemory memory;
  memory.add(at(0), at(16));
  memory.add(at(32), at(64));
  DwarfCursor inside(memory, at(8), at(16));
  CHECK_EQ(inside.u32(), 0x0b0a0908u);
  CHECK_EQ(inside.u32(), 0x0f0e0d0cu);
  CHECK(inside.ok() && inside.atEnd());
  DwarfCursor offTheRange(memory, at(12), at(24));  // its end lies past the range
  CHECK_EQ(offTheRange.u32(), 0x0f0e0d0cu);
  CHECK_EQ(offTheRange.u8(), 0u);
  CHECK(!offTheRange.ok());
  CHECK_EQ(offTheRange.u8(), 0u);  // sticky
  DwarfCursor unreadable(memory, at(20), at(28));
  CHECK_EQ(unreadable.u8(), 0u);
  CHECK(!unreadable.ok());
  DwarfCursor pastItsEnd(memory, at(32), at(36));
  CHECK_EQ(pastItsEnd.u32(), 0x23222120u);
  CHECK_EQ(pastItsEnd.u8(), 0u);
  CHECK(!pastItsEnd.ok());
  DwarfCursor skipped(memory, at(4), at(16));
  skipped.skip(10);  // to 14: two bytes left in the range
  CHECK_EQ(skipped.u16(), 0x0f0eu);
  CHECK(skipped.ok());
  CHECK_EQ(skipped.u8(), 0u);
  CHECK(!skipped.ok());
}

// Rule indexes take one byte per row while there are at most 256 rules, and widen to two and
// four bytes, keeping every index, when a larger one comes.
void ruleIndexesWidenKeepingTheirValues() {
  RuleIndexes indexes;
  std::vector<uint32_t> expected;
  for (uint32_t v : {0u, 7u, 255u}) {
    indexes.push_back(v);
    expected.push_back(v);
  }
  CHECK_EQ(indexes.bytes(), size_t{3});
  for (uint32_t v : {256u, 65535u, 3u}) {
    indexes.push_back(v);
    expected.push_back(v);
  }
  CHECK_EQ(indexes.bytes(), size_t{12});
  indexes.set_back(70000u);
  expected.back() = 70000u;
  indexes.push_back(1u);
  expected.push_back(1u);
  CHECK_EQ(indexes.bytes(), size_t{28});
  indexes.pop_back();
  expected.pop_back();
  CHECK_EQ(indexes.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) CHECK_EQ(indexes.at(i), expected[i]);
  CHECK_EQ(indexes.back(), 70000u);
}

int main() {
  ruleIndexesWidenKeepingTheirValues();
  aCursorReadsOnlyWithinTheRangeItStartsIn();
  measuresLibjvm("/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so");
  measuresLibjvm("/usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so");
  describesAFramePointerFunction();
  return check::finish("unwind_table_test");
}
