#pragma once

#include <cstddef>
#include <cstdint>

// The memory a stack walk may read: [low, high), normally the interrupted thread's
// stack. A walk never reads anything else.
struct StackBounds {
  uintptr_t low = 0;
  uintptr_t high = 0;
};

// Signal-safe. [sp, sp + bytes), clamped at the top of the address space: for a thread
// whose real stack bounds are unknown (1-8 MiB is a sensible window). Reads past the
// real stack's end can still hit an unmapped page: see readStackWord.
StackBounds stackWindow(uintptr_t sp, size_t bytes);

enum class StackRead : uint8_t { kOk, kOutOfBounds, kMisaligned };

// Signal-safe. THE one place where a stack walk dereferences memory: reads the
// pointer-sized word at `address` if [address, address + 8) lies inside `bounds` and
// `address` is 8-aligned. Bounds make a fault unlikely but not impossible (a window
// larger than the stack, a guard page inside the bounds), so this function is noinline,
// lives alone in its own section, and stackReadCode() gives its code range: the agent's
// crash guard may recover a SIGSEGV/SIGBUS whose pc lies in that range, abandoning the
// walk. Not instrumented by ASan: another thread's stack (or our own, with its redzones)
// is legitimately read here.
StackRead readStackWord(const StackBounds& bounds, uintptr_t address, uintptr_t* value);

struct CodeAddressRange {
  uintptr_t begin = 0;
  uintptr_t end = 0;
};
// Signal-safe. The code addresses [begin, end) of readStackWord.
CodeAddressRange stackReadCode();
