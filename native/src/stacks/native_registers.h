#pragma once

#include <cstdint>

// The registers a native stack walk starts from.
struct NativeRegisters {
  uintptr_t pc = 0;
  uintptr_t sp = 0;
  uintptr_t fp = 0;  // rbp on x86-64, x29 on aarch64
  uintptr_t lr = 0;  // aarch64 x30: the leaf's return address until it saves it; 0 on x86-64
};

// Signal-safe. The interrupted registers from the `ucontext_t*` a SA_SIGINFO handler gets.
NativeRegisters registersFromContext(const void* ucontext);
