#include "stacks/native_registers.h"

#include <ucontext.h>

NativeRegisters registersFromContext(const void* ucontext) {
  NativeRegisters registers;
  if (ucontext == nullptr) return registers;
  const mcontext_t& m = static_cast<const ucontext_t*>(ucontext)->uc_mcontext;
#if defined(__x86_64__)
  registers.pc = static_cast<uintptr_t>(m.gregs[REG_RIP]);
  registers.sp = static_cast<uintptr_t>(m.gregs[REG_RSP]);
  registers.fp = static_cast<uintptr_t>(m.gregs[REG_RBP]);
#elif defined(__aarch64__)
  registers.pc = static_cast<uintptr_t>(m.pc);
  registers.sp = static_cast<uintptr_t>(m.sp);
  registers.fp = static_cast<uintptr_t>(m.regs[29]);
  registers.lr = static_cast<uintptr_t>(m.regs[30]);
#else
#error "jflame's native unwinder supports x86-64 and aarch64"
#endif
  return registers;
}
