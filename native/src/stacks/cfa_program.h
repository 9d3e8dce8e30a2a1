#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

#include "stacks/dwarf_cursor.h"

// DWARF register numbers of the registers an unwinder needs (x86-64 psABI 3.6.2;
// AAPCS64 DWARF: x29 = fp, x30 = lr, 31 = sp).
namespace dwarf_reg {
#if defined(__aarch64__)
constexpr uint32_t kSp = 31, kFp = 29, kReturnAddress = 30;
#else
constexpr uint32_t kSp = 7, kFp = 6, kReturnAddress = 16;
#endif
}  // namespace dwarf_reg

// How the canonical frame address is computed at a pc.
enum class CfaKind : uint8_t {
  kNoEntry,      // no FDE covers the pc (only in compacted tables: a gap marker)
  kSpOffset,     // CFA = sp + offset
  kFpOffset,     // CFA = fp + offset
  kPltSp,        // x86-64 PLT: CFA = sp + offset + ((pc & 15) >= threshold ? 8 : 0)
  kUnsupported,  // another register or an expression we cannot evaluate: cannot unwind here
};

// Where the caller's value of a register (fp, or the return address) is.
enum class SavedKind : uint8_t {
  kUnchanged,    // the register still holds it (for the return address on aarch64: in lr)
  kAtCfa,        // in memory at CFA + offset
  kUndefined,    // DW_CFA_undefined: for the return address, the outermost frame
  kUnsupported,  // an expression or another register: unknown
};

// The unwind rule in effect at a pc, as the CFA program leaves it.
// (Wide fields first: 32 bytes, not 48 with the padding between mixed ones. A table build
// copies a state for every row of every FDE.)
struct CfaState {
  int64_t cfaOffset = 0;
  int64_t fpOffset = 0;
  int64_t returnAddressOffset = 0;
  uint32_t cfaRegister = 0;
  CfaKind cfa = CfaKind::kUnsupported;
  uint8_t pltThreshold = 0;
  SavedKind fp = SavedKind::kUnchanged;
  SavedKind returnAddress = SavedKind::kUnchanged;
};
static_assert(std::is_trivially_copyable<CfaState>::value, "runCfaProgram keeps remembered states as bytes");

// The row of the unwind table that starts at `pc` (runtime address).
struct CfaRow {
  uintptr_t pc;
  CfaState state;
};

// What a CIE contributes to running its FDEs' programs.
struct CfaContext {
  uint64_t codeAlignment = 1;
  int64_t dataAlignment = 1;
  uint32_t returnAddressRegister = dwarf_reg::kReturnAddress;
  CfaState initial;  // the state after the CIE's initial instructions
};

// Runs the CFA instructions in [cursor position, cursor end) for the code range
// [startPc, endPc), starting from `state`, and appends a row wherever the location
// advances (rows at the same pc: the later one holds). Returns false on a malformed or
// unknown instruction; the rows appended so far stay valid. `rows` may be null (a CIE's
// initial instructions: only the final state matters). Off the signal path.
bool runCfaProgram(DwarfCursor& cursor, const CfaContext& context, uintptr_t startPc, uintptr_t endPc,
                   CfaState* state, std::vector<CfaRow>* rows);
