#pragma once

#include <cstdint>

#include "stacks/native_registers.h"

// The registers of the code that called a HotSpot stub, for a second AsyncGetCallTrace.
//
// A sample whose pc lies in one of HotSpot's stubs (the intrinsics with a stub of their
// own: CRC32.update, Math.log/exp/pow/sin/cos, arraycopy, AES, ...) is one AsyncGetCallTrace
// cannot walk: the stub is a BufferBlob without a frame size, so from the signal's pc HotSpot
// finds no safe sender and answers ticks_unknown_Java (or ticks_not_walkable_Java). The Java
// frames are all there under the stub, starting with the compiled code that called it. So
// the walk is tried again from that caller: where the stub keeps its return address
// depends on how far it got in building a frame, hence two shapes.

enum class LeafShape {
  kFrameless,     // no frame (yet, or at all): x86-64 return address at sp, aarch64 in lr
  kFramePointer,  // `push rbp; mov rbp, rsp` (aarch64 `stp x29, x30; mov x29, sp`) done
};

// Signal-safe; reads memory through readStackWord only, so it must run under the crash
// guard (a word taken for a return address may point anywhere within 2 GiB of the pc). The
// caller's pc, sp and fp if the leaf has `shape`; false if that shape does not fit: the
// word taken for the return address must lie within the code cache's span of the leaf's pc
// and follow a call instruction.
bool callerRegisters(const NativeRegisters& leaf, LeafShape shape, NativeRegisters* caller);

// The code bytes a return-address check looks at, before the address.
constexpr int kCodeBytesBefore = 8;

// Pure. Whether `before` (the kCodeBytesBefore bytes that precede a return address, the last
// one just before it) ends with a call: x86-64 `call rel32`, `call reg`, `call [rip+d]`;
// aarch64 `bl`, `blr`.
bool endsWithCall(const uint8_t* before);

// Signal-safe. Writes pc, sp and fp into a ucontext_t (a copy of the signal's), the
// registers AsyncGetCallTrace reads.
void setContextRegisters(void* ucontext, const NativeRegisters& registers);
