#include "stacks/stub_caller.h"

#include <ucontext.h>

#include "stacks/stack_memory.h"

namespace {

// Return addresses and saved frame pointers lie on the thread's stack above sp.
constexpr size_t kStackWindow = 8u << 20;
// HotSpot keeps all its generated code (stubs, interpreter, compiled methods) in one code
// cache of at most 2 GiB, so that its calls reach with 32-bit displacements: a stub's
// caller is less than that away from it. Cheaply rules out most words that are not one
// before their bytes are read.
constexpr uintptr_t kCodeCacheSpan = uintptr_t{2} << 30;

// The kCodeBytesBefore bytes before `address`, read as the two aligned words that cover them.
bool codeBefore(uintptr_t address, uint8_t* out) {
  if (address < 2 * sizeof(uintptr_t)) return false;
  uintptr_t low = (address - kCodeBytesBefore) & ~uintptr_t{sizeof(uintptr_t) - 1};
  StackBounds bounds{low, low + 2 * sizeof(uintptr_t)};
  uintptr_t words[2];
  if (readStackWord(bounds, low, &words[0]) != StackRead::kOk ||
      readStackWord(bounds, low + sizeof(uintptr_t), &words[1]) != StackRead::kOk) {
    return false;
  }
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(words);
  uintptr_t first = address - kCodeBytesBefore - low;
  for (int i = 0; i < kCodeBytesBefore; ++i) out[i] = bytes[first + static_cast<uintptr_t>(i)];
  return true;
}

bool isReturnAddress(uintptr_t address) {
  uint8_t before[kCodeBytesBefore];
  return address != 0 && codeBefore(address, before) && endsWithCall(before);
}

}  // namespace

bool endsWithCall(const uint8_t* before) {
  auto back = [before](int n) { return before[kCodeBytesBefore - n]; };  // back(1): the last byte
#if defined(__x86_64__)
  if (back(5) == 0xE8) return true;                                 // call rel32
  if (back(2) == 0xFF && (back(1) & 0xF8) == 0xD0) return true;     // call r64 (REX.B or not)
  if (back(6) == 0xFF && back(5) == 0x15) return true;              // call [rip + disp32]
  return false;
#elif defined(__aarch64__)
  uint32_t insn = static_cast<uint32_t>(back(4)) | static_cast<uint32_t>(back(3)) << 8 |
                  static_cast<uint32_t>(back(2)) << 16 | static_cast<uint32_t>(back(1)) << 24;
  return (insn & 0xFC000000u) == 0x94000000u ||  // bl
         (insn & 0xFFFFFC1Fu) == 0xD63F0000u;    // blr
#endif
}

bool callerRegisters(const NativeRegisters& leaf, LeafShape shape, NativeRegisters* caller) {
  StackBounds stack = stackWindow(leaf.sp, kStackWindow);
  NativeRegisters out;
  if (shape == LeafShape::kFrameless) {
#if defined(__x86_64__)
    if (readStackWord(stack, leaf.sp, &out.pc) != StackRead::kOk) return false;
    out.sp = leaf.sp + sizeof(uintptr_t);
#elif defined(__aarch64__)
    out.pc = leaf.lr;
    out.sp = leaf.sp;
#endif
    out.fp = leaf.fp;
  } else {
    // The frame record {saved fp, return address} at fp, which must lie above sp.
    if (leaf.fp < leaf.sp) return false;
    if (readStackWord(stack, leaf.fp, &out.fp) != StackRead::kOk ||
        readStackWord(stack, leaf.fp + sizeof(uintptr_t), &out.pc) != StackRead::kOk) {
      return false;
    }
    out.sp = leaf.fp + 2 * sizeof(uintptr_t);
  }
  uintptr_t distance = out.pc > leaf.pc ? out.pc - leaf.pc : leaf.pc - out.pc;
  if (distance >= kCodeCacheSpan || !isReturnAddress(out.pc)) return false;
  *caller = out;
  return true;
}

void setContextRegisters(void* ucontext, const NativeRegisters& registers) {
  mcontext_t& m = static_cast<ucontext_t*>(ucontext)->uc_mcontext;
#if defined(__x86_64__)
  m.gregs[REG_RIP] = static_cast<greg_t>(registers.pc);
  m.gregs[REG_RSP] = static_cast<greg_t>(registers.sp);
  m.gregs[REG_RBP] = static_cast<greg_t>(registers.fp);
#elif defined(__aarch64__)
  m.pc = registers.pc;
  m.sp = registers.sp;
  m.regs[29] = registers.fp;
#endif
}
