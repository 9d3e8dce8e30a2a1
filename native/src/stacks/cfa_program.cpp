#include "stacks/cfa_program.h"

#include <cstring>

namespace {

// DW_CFA_* opcodes (DWARF 4, 6.4.2; GNU extensions as in LSB 5.0).
enum : uint8_t {
  kAdvanceLoc = 0x40, kOffset = 0x80, kRestore = 0xc0,  // high two bits; operand in low six
  kNop = 0x00, kSetLoc = 0x01, kAdvanceLoc1 = 0x02, kAdvanceLoc2 = 0x03, kAdvanceLoc4 = 0x04,
  kOffsetExtended = 0x05, kRestoreExtended = 0x06, kUndefined = 0x07, kSameValue = 0x08,
  kRegister = 0x09, kRememberState = 0x0a, kRestoreState = 0x0b, kDefCfa = 0x0c,
  kDefCfaRegister = 0x0d, kDefCfaOffset = 0x0e, kDefCfaExpression = 0x0f, kExpression = 0x10,
  kOffsetExtendedSf = 0x11, kDefCfaSf = 0x12, kDefCfaOffsetSf = 0x13, kValOffset = 0x14,
  kValOffsetSf = 0x15, kValExpression = 0x16, kGnuWindowSave = 0x2d, kGnuArgsSize = 0x2e,
  kGnuNegativeOffsetExtended = 0x2f,
};

void setCfaRegister(CfaState* s, uint32_t reg) {
  s->cfaRegister = reg;
  s->cfa = reg == dwarf_reg::kSp ? CfaKind::kSpOffset
           : reg == dwarf_reg::kFp ? CfaKind::kFpOffset
                                   : CfaKind::kUnsupported;
}

// Records a rule for `reg`; only fp and the return address matter to a stack walk.
void setSaved(CfaState* s, uint32_t reg, SavedKind kind, int64_t offset) {
  if (reg == dwarf_reg::kFp) {
    s->fp = kind;
    s->fpOffset = offset;
  } else if (reg == dwarf_reg::kReturnAddress) {
    s->returnAddress = kind;
    s->returnAddressOffset = offset;
  }
}

void restoreSaved(CfaState* s, uint32_t reg, const CfaState& initial) {
  if (reg == dwarf_reg::kFp) {
    s->fp = initial.fp;
    s->fpOffset = initial.fpOffset;
  } else if (reg == dwarf_reg::kReturnAddress) {
    s->returnAddress = initial.returnAddress;
    s->returnAddressOffset = initial.returnAddressOffset;
  }
}

// Recognises the CFA expressions that compilers and linkers actually emit for code an
// unwinder meets: a plain `DW_OP_breg<sp|fp> N`, and the x86-64 PLT's
// `breg7 8; breg16 0; lit15; and; lit<10|11>; ge; lit3; shl; plus` (the push in each
// 16-byte PLT entry moves sp by 8 after byte 10 or 11). Anything else is unsupported.
void defineCfaByExpression(const uint8_t* e, uint64_t size, CfaState* s) {
  s->cfa = CfaKind::kUnsupported;
  if (size == 2 && (e[0] == 0x70 + dwarf_reg::kSp || e[0] == 0x70 + dwarf_reg::kFp) && e[1] < 0x40) {
    setCfaRegister(s, e[0] - 0x70u);
    s->cfaOffset = e[1];
    return;
  }
#if defined(__x86_64__)
  static const uint8_t kPlt[] = {0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x00, 0x2a, 0x33, 0x24, 0x22};
  if (size == sizeof kPlt && std::memcmp(e, kPlt, 6) == 0 && (e[6] == 0x3a || e[6] == 0x3b) &&
      std::memcmp(e + 7, kPlt + 7, 4) == 0) {
    s->cfa = CfaKind::kPltSp;
    s->cfaRegister = dwarf_reg::kSp;
    s->cfaOffset = 8;
    s->pltThreshold = static_cast<uint8_t>(e[6] - 0x30);  // DW_OP_lit<n> is 0x30 + n
  }
#endif
}

}  // namespace

bool runCfaProgram(DwarfCursor& c, const CfaContext& context, uintptr_t startPc, uintptr_t endPc,
                   CfaState* state, std::vector<CfaRow>* rows) {
  // remember_state nests rarely beyond 2; a small fixed stack bounds a hostile program.
  // Raw bytes, not CfaState[16]: those would be initialised (512 bytes) at every call, and
  // most FDEs never remember a state.
  constexpr int kMaxRemembered = 16;
  alignas(CfaState) unsigned char remembered[kMaxRemembered * sizeof(CfaState)];
  int rememberedCount = 0;
  uintptr_t pc = startPc;
  const CfaState& initial = context.initial;
  auto advance = [&](uint64_t delta) {
    if (rows != nullptr) rows->push_back(CfaRow{pc, *state});
    pc += delta * context.codeAlignment;
  };

  while (!c.atEnd() && pc < endPc) {
    uint8_t op = c.u8();
    uint8_t low = op & 0x3f;
    switch (op & 0xc0) {
      case kAdvanceLoc: advance(low); continue;
      case kOffset: setSaved(state, low, SavedKind::kAtCfa, static_cast<int64_t>(c.uleb()) * context.dataAlignment); continue;
      case kRestore: restoreSaved(state, low, initial); continue;
      default: break;
    }
    switch (op) {
      case kNop: break;
      case kSetLoc: return false;  // needs the FDE's pointer encoding; GCC never emits it in .eh_frame
      case kAdvanceLoc1: advance(c.u8()); break;
      case kAdvanceLoc2: advance(c.u16()); break;
      case kAdvanceLoc4: advance(c.u32()); break;
      case kOffsetExtended: {
        uint32_t reg = static_cast<uint32_t>(c.uleb());
        setSaved(state, reg, SavedKind::kAtCfa, static_cast<int64_t>(c.uleb()) * context.dataAlignment);
        break;
      }
      case kOffsetExtendedSf: {
        uint32_t reg = static_cast<uint32_t>(c.uleb());
        setSaved(state, reg, SavedKind::kAtCfa, c.sleb() * context.dataAlignment);
        break;
      }
      case kGnuNegativeOffsetExtended: {
        uint32_t reg = static_cast<uint32_t>(c.uleb());
        setSaved(state, reg, SavedKind::kAtCfa, -static_cast<int64_t>(c.uleb()) * context.dataAlignment);
        break;
      }
      case kRestoreExtended: restoreSaved(state, static_cast<uint32_t>(c.uleb()), initial); break;
      case kUndefined: setSaved(state, static_cast<uint32_t>(c.uleb()), SavedKind::kUndefined, 0); break;
      case kSameValue: setSaved(state, static_cast<uint32_t>(c.uleb()), SavedKind::kUnchanged, 0); break;
      case kRegister: {
        uint32_t reg = static_cast<uint32_t>(c.uleb());
        uint32_t from = static_cast<uint32_t>(c.uleb());
        // aarch64 leaf code may park the return address back in lr: that is "unchanged".
        bool identity = reg == from;
        setSaved(state, reg, identity ? SavedKind::kUnchanged : SavedKind::kUnsupported, 0);
        break;
      }
      case kValOffset:
      case kValOffsetSf: {
        uint32_t reg = static_cast<uint32_t>(c.uleb());
        if (op == kValOffset) c.uleb(); else c.sleb();
        setSaved(state, reg, SavedKind::kUnsupported, 0);
        break;
      }
      case kRememberState:
        if (rememberedCount == kMaxRemembered) return false;
        std::memcpy(remembered + sizeof(CfaState) * rememberedCount++, state, sizeof(CfaState));
        break;
      case kRestoreState: {
        if (rememberedCount == 0) return false;
        // The CFA rule is part of the remembered row, as DWARF 4 (6.4.2.4) specifies.
        std::memcpy(state, remembered + sizeof(CfaState) * --rememberedCount, sizeof(CfaState));
        break;
      }
      case kDefCfa:
        setCfaRegister(state, static_cast<uint32_t>(c.uleb()));
        state->cfaOffset = static_cast<int64_t>(c.uleb());
        break;
      case kDefCfaSf:
        setCfaRegister(state, static_cast<uint32_t>(c.uleb()));
        state->cfaOffset = c.sleb() * context.dataAlignment;
        break;
      case kDefCfaRegister: setCfaRegister(state, static_cast<uint32_t>(c.uleb())); break;
      case kDefCfaOffset:
        if (state->cfa == CfaKind::kPltSp) state->cfa = CfaKind::kUnsupported;
        state->cfaOffset = static_cast<int64_t>(c.uleb());
        break;
      case kDefCfaOffsetSf:
        if (state->cfa == CfaKind::kPltSp) state->cfa = CfaKind::kUnsupported;
        state->cfaOffset = c.sleb() * context.dataAlignment;
        break;
      case kDefCfaExpression: {
        uint64_t size = c.uleb();
        uintptr_t at = c.position();
        c.skip(size);
        if (c.ok()) defineCfaByExpression(reinterpret_cast<const uint8_t*>(at), size, state);
        break;
      }
      case kExpression:
      case kValExpression: {
        uint32_t reg = static_cast<uint32_t>(c.uleb());
        c.skip(c.uleb());
        setSaved(state, reg, SavedKind::kUnsupported, 0);
        break;
      }
      case kGnuArgsSize: c.uleb(); break;
      case kGnuWindowSave: break;  // aarch64 negate_ra_state: pointer auth, masked by the walker
      default: return false;
    }
  }
  if (rows != nullptr && c.ok()) rows->push_back(CfaRow{pc, *state});
  return c.ok();
}
