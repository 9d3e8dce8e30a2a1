#include "stacks/stack_memory.h"

// readStackWord is the only function in the section "jflame_stack_read". The linker
// defines __start_/__stop_ symbols for any section whose name is a C identifier, which
// gives its exact code range without relying on function order or size guesses.
#define JFLAME_STACK_READ_SECTION "jflame_stack_read"

extern "C" {
extern const char __start_jflame_stack_read[] __attribute__((visibility("hidden")));
extern const char __stop_jflame_stack_read[] __attribute__((visibility("hidden")));
}

StackBounds stackWindow(uintptr_t sp, size_t bytes) {
  StackBounds bounds;
  bounds.low = sp;
  bounds.high = bytes > UINTPTR_MAX - sp ? UINTPTR_MAX : sp + bytes;
  return bounds;
}

__attribute__((noinline, section(JFLAME_STACK_READ_SECTION), no_sanitize("address")))
StackRead readStackWord(const StackBounds& bounds, uintptr_t address, uintptr_t* value) {
  if ((address & (sizeof(uintptr_t) - 1)) != 0) return StackRead::kMisaligned;
  if (address < bounds.low || address >= bounds.high || bounds.high - address < sizeof(uintptr_t)) {
    return StackRead::kOutOfBounds;
  }
  // volatile: one real load, here, at a pc the crash guard recognises.
  *value = *reinterpret_cast<const volatile uintptr_t*>(address);
  return StackRead::kOk;
}

CodeAddressRange stackReadCode() {
  CodeAddressRange range;
  range.begin = reinterpret_cast<uintptr_t>(__start_jflame_stack_read);
  range.end = reinterpret_cast<uintptr_t>(__stop_jflame_stack_read);
  return range;
}
