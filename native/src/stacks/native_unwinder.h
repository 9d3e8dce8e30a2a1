#pragma once

#include <cstdint>

#include "stacks/code_map.h"
#include "stacks/frame.h"
#include "stacks/native_registers.h"
#include "stacks/stack_memory.h"

enum class UnwindMode : uint8_t {
  kFramePointers,  // follow the fp chain only
  kDwarf,          // DWARF CFI; the fp chain where an object has no rule for the pc
};

// How a walk ended. Everything from kOutOfBounds on means the stack could not be
// followed further (the frames found so far are still valid).
enum class WalkEnd : uint8_t {
  kRoot,           // the outermost frame: return address undefined by CFI (_start, clone3),
                   // or a zero return address with a zero fp, or a zero saved fp reached
                   // through the fp chain (the chain's terminator)
  kUnknownCode,    // reached a pc in no known object (JIT/interpreter code): see stoppedAt
  kOutOfBounds,    // a read outside the stack bounds
  kMisaligned,     // a read at a misaligned address
  kSpNotIncreasing,
  kZeroPc,         // a zero return address in the middle of the stack
  kNoRule,         // no rule to unwind this frame: no usable CFI row and no frame pointer
                   // (fp 0 in the leaf), or the return address still in lr on aarch64 for
                   // a frame that is not the leaf
  kDepthLimit,     // the output is full
  kStepLimit,
};
const char* walkEndName(WalkEnd end);
inline bool walkBroken(WalkEnd end) { return end != WalkEnd::kRoot && end != WalkEnd::kUnknownCode; }

struct NativeWalk {
  int depth = 0;                 // pcs written
  int steps = 0;                 // frames attempted
  WalkEnd end = WalkEnd::kRoot;
  // For kUnknownCode: the registers of the frame in unknown code (exact pc, not minus 1),
  // from which a Java stack walk can take over. Otherwise where the walk stopped.
  NativeRegisters stoppedAt;
};

struct WalkLimits {
  int maxDepth = 128;  // capacity of the pcs array
  int maxSteps = 256;
};

// Signal-safe: no allocation, locks, syscalls or thread-locals; every stack read goes
// through readStackWord (stack_memory.h), so an agent that guards that function can
// survive a fault on a mapped-but-unreadable page.
//
// Walks the native stack from `start` and writes pcs leaf first: pcs[0] is the
// interrupted pc itself; every other entry is a return address MINUS 1, so that it lies
// inside the call instruction and a symbol (or unwind row) lookup lands in the calling
// function even when the call was its last instruction. To turn an entry into
// (library id, offset) use map.find(pc) and pc - range->loadBias.
// A pc outside every object in `map` is never followed: the walk ends with kUnknownCode.
NativeWalk walkNativeStack(const CodeMap& map, const NativeRegisters& start, UnwindMode mode,
                           const StackBounds& bounds, const WalkLimits& limits, uintptr_t* pcs);

// The same walk, writing each frame as the sampler keys it instead of its pc: kNative,
// nativeFrameId(library id, start of the function covering the pc — see
// UnwindTable::functionStart — or the pc's offset where no FDE covers it). Uses the range
// and row the walk found for each pc rather than looking them up again.
NativeWalk walkNativeFrames(const CodeMap& map, const NativeRegisters& start, UnwindMode mode,
                            const StackBounds& bounds, const WalkLimits& limits, Frame* out);
