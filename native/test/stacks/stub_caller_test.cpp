#include "stacks/stub_caller.h"

#include <ucontext.h>

#include <cstdint>
#include <cstring>

#include "check.h"

namespace {

// Code bytes ending in `tail`, padded in front with nops (x86-64) or zeros.
struct Code {
  alignas(16) uint8_t bytes[32] = {};
  uintptr_t after = 0;  // the address just past `tail`: where a call would return
  Code(const uint8_t* tail, int n) {
    std::memset(bytes, 0x90, sizeof(bytes));
    std::memcpy(bytes + 16 - n, tail, static_cast<size_t>(n));
    after = reinterpret_cast<uintptr_t>(bytes + 16);
  }
};

bool endsWith(const uint8_t* tail, int n) {
  uint8_t before[kCodeBytesBefore];
  std::memset(before, 0x90, sizeof(before));
  std::memcpy(before + kCodeBytesBefore - n, tail, static_cast<size_t>(n));
  return endsWithCall(before);
}

#if defined(__x86_64__)
const uint8_t kCallRel32[] = {0xE8, 0x10, 0x20, 0x30, 0x40};
const uint8_t kCallR10[] = {0x41, 0xFF, 0xD2};
const uint8_t kCallRax[] = {0xFF, 0xD0};
const uint8_t kCallRip[] = {0xFF, 0x15, 0x01, 0x02, 0x03, 0x04};
const uint8_t kNotACall[] = {0x48, 0x89, 0xE5};  // mov rbp, rsp
const uint8_t kRet[] = {0xC3};

void recognisesCalls() {
  CHECK(endsWith(kCallRel32, 5));
  CHECK(endsWith(kCallR10, 3));
  CHECK(endsWith(kCallRax, 2));
  CHECK(endsWith(kCallRip, 6));
  CHECK(!endsWith(kNotACall, 3));
  CHECK(!endsWith(kRet, 1));
}

// A frameless stub: the return address at sp. A word there that does not follow a call (a
// saved register) is refused, and the frame-record shape is tried on its own terms.
void findsTheCallerOfAFramelessLeaf() {
  Code call(kCallRel32, 5);
  Code notCall(kNotACall, 3);
  alignas(16) uintptr_t stack[8] = {call.after, 0, 0, 0, 0, 0, 0, 0};
  NativeRegisters leaf;
  leaf.pc = call.after + 64;  // the stub, near its caller
  leaf.sp = reinterpret_cast<uintptr_t>(&stack[0]);
  leaf.fp = 0x77;
  NativeRegisters caller;
  CHECK(callerRegisters(leaf, LeafShape::kFrameless, &caller));
  CHECK_EQ(caller.pc, call.after);
  CHECK_EQ(caller.sp, leaf.sp + 8);
  CHECK_EQ(caller.fp, uintptr_t{0x77});
  CHECK(!callerRegisters(leaf, LeafShape::kFramePointer, &caller));  // fp below sp

  stack[0] = notCall.after;
  CHECK(!callerRegisters(leaf, LeafShape::kFrameless, &caller));
  // Farther from the leaf's pc than HotSpot's code cache spans: not even read.
  stack[0] = call.after;
  leaf.pc = call.after + (uintptr_t{3} << 30);
  CHECK(!callerRegisters(leaf, LeafShape::kFrameless, &caller));
}

// A stub that pushed rbp and set it: {saved rbp, return address} at fp, above a pushed word.
void findsTheCallerOfALeafWithAFrameRecord() {
  Code call(kCallR10, 3);
  Code notCall(kNotACall, 3);
  alignas(16) uintptr_t stack[8] = {};
  stack[0] = notCall.after;                             // something the stub pushed
  stack[2] = reinterpret_cast<uintptr_t>(&stack[6]);    // the caller's rbp
  stack[3] = call.after;
  NativeRegisters leaf;
  leaf.pc = call.after + 64;
  leaf.sp = reinterpret_cast<uintptr_t>(&stack[0]);
  leaf.fp = reinterpret_cast<uintptr_t>(&stack[2]);
  NativeRegisters caller;
  CHECK(!callerRegisters(leaf, LeafShape::kFrameless, &caller));  // no call before what sp holds
  CHECK(callerRegisters(leaf, LeafShape::kFramePointer, &caller));
  CHECK_EQ(caller.pc, call.after);
  CHECK_EQ(caller.sp, reinterpret_cast<uintptr_t>(&stack[4]));
  CHECK_EQ(caller.fp, reinterpret_cast<uintptr_t>(&stack[6]));
}
#endif

void writesTheRegistersAsyncGetCallTraceReads() {
  ucontext_t context;
  std::memset(&context, 0, sizeof(context));
  NativeRegisters r;
  r.pc = 0x1000;
  r.sp = 0x2000;
  r.fp = 0x3000;
  setContextRegisters(&context, r);
  NativeRegisters back = registersFromContext(&context);
  CHECK_EQ(back.pc, r.pc);
  CHECK_EQ(back.sp, r.sp);
  CHECK_EQ(back.fp, r.fp);
}

}  // namespace

int main() {
#if defined(__x86_64__)
  recognisesCalls();
  findsTheCallerOfAFramelessLeaf();
  findsTheCallerOfALeafWithAFrameRecord();
#endif
  writesTheRegistersAsyncGetCallTraceReads();
  return check::finish("stub_caller_test");
}
