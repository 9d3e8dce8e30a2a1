#include "stacks/native_unwinder.h"

namespace {

// The caller's registers, or why they could not be found.
struct Step {
  NativeRegisters caller;
  WalkEnd failure;  // kRoot: the outermost frame; kDepthLimit (unused) marks success
  bool ok;
};

Step succeeded(const NativeRegisters& caller) { return Step{caller, WalkEnd::kDepthLimit, true}; }
Step failed(WalkEnd why) { return Step{NativeRegisters(), why, false}; }

WalkEnd readFailure(StackRead r) {
  return r == StackRead::kMisaligned ? WalkEnd::kMisaligned : WalkEnd::kOutOfBounds;
}

// aarch64 pointer authentication signs saved return addresses in their top bits; user
// addresses fit in 48 bits.
uintptr_t stripPointerAuthentication(uintptr_t address) {
#if defined(__aarch64__)
  return address & 0x0000ffffffffffffULL;
#else
  return address;
#endif
}

// One frame by the frame-pointer chain: [fp] = caller's fp, [fp + 8] = return address,
// the caller's sp just above them (x86-64 push rbp after call; aarch64 frame record).
// A zero fp reached through the chain is its terminator (the thread entry clears it); in
// the interrupted frame it only means fp is not used as a frame pointer there.
Step stepByFramePointer(const NativeRegisters& regs, const StackBounds& bounds, bool leaf) {
  if (regs.fp == 0) return failed(leaf ? WalkEnd::kNoRule : WalkEnd::kRoot);
  uintptr_t savedFp = 0, returnAddress = 0;
  StackRead r = readStackWord(bounds, regs.fp, &savedFp);
  if (r != StackRead::kOk) return failed(readFailure(r));
  r = readStackWord(bounds, regs.fp + sizeof(uintptr_t), &returnAddress);
  if (r != StackRead::kOk) return failed(readFailure(r));
  NativeRegisters caller;
  caller.pc = stripPointerAuthentication(returnAddress);
  caller.sp = regs.fp + 2 * sizeof(uintptr_t);
  caller.fp = savedFp;
  return succeeded(caller);
}

// One frame by a DWARF rule. `leaf`: regs are the interrupted ones (lr is valid, pc exact).
Step stepByRule(const UnwindRule& rule, const NativeRegisters& regs, const StackBounds& bounds, bool leaf) {
  uintptr_t cfa = 0;
  switch (rule.cfa) {
    case CfaKind::kSpOffset: cfa = regs.sp + static_cast<intptr_t>(rule.cfaOffset); break;
    case CfaKind::kFpOffset: cfa = regs.fp + static_cast<intptr_t>(rule.cfaOffset); break;
    case CfaKind::kPltSp:
      cfa = regs.sp + static_cast<intptr_t>(rule.cfaOffset) + ((regs.pc & 15) >= rule.pltThreshold ? 8 : 0);
      break;
    case CfaKind::kNoEntry:
    case CfaKind::kUnsupported: return failed(WalkEnd::kNoRule);
  }
  NativeRegisters caller;
  caller.sp = cfa;
  switch (rule.returnAddress) {
    case SavedKind::kUndefined: return failed(WalkEnd::kRoot);
    case SavedKind::kAtCfa: {
      uintptr_t value = 0;
      StackRead r = readStackWord(bounds, cfa + static_cast<intptr_t>(rule.returnAddressOffset), &value);
      if (r != StackRead::kOk) return failed(readFailure(r));
      caller.pc = stripPointerAuthentication(value);
      break;
    }
    case SavedKind::kUnchanged:  // still in lr: known only in the interrupted frame
      if (!leaf) return failed(WalkEnd::kNoRule);
      caller.pc = stripPointerAuthentication(regs.lr);
      break;
    case SavedKind::kUnsupported: return failed(WalkEnd::kNoRule);
  }
  switch (rule.fp) {
    case SavedKind::kAtCfa: {
      StackRead r = readStackWord(bounds, cfa + static_cast<intptr_t>(rule.fpOffset), &caller.fp);
      if (r != StackRead::kOk) return failed(readFailure(r));
      break;
    }
    case SavedKind::kUnchanged: caller.fp = regs.fp; break;
    default: caller.fp = 0; break;  // unknown: a later fp-based rule then fails cleanly
  }
  return succeeded(caller);
}

}  // namespace

const char* walkEndName(WalkEnd end) {
  switch (end) {
    case WalkEnd::kRoot: return "root";
    case WalkEnd::kUnknownCode: return "unknown code";
    case WalkEnd::kOutOfBounds: return "read out of bounds";
    case WalkEnd::kMisaligned: return "misaligned read";
    case WalkEnd::kSpNotIncreasing: return "sp not increasing";
    case WalkEnd::kZeroPc: return "zero pc";
    case WalkEnd::kNoRule: return "no unwind rule";
    case WalkEnd::kDepthLimit: return "depth limit";
    case WalkEnd::kStepLimit: return "step limit";
  }
  return "?";
}

namespace {

// The walk itself; emit(index, lookupPc, range, row) records each frame found (row: the
// DWARF row used for it, or null).
template <typename Emit>
NativeWalk walkWith(const CodeMap& map, const NativeRegisters& start, UnwindMode mode, const StackBounds& bounds,
                    const WalkLimits& limits, Emit emit) {
  NativeWalk walk;
  NativeRegisters regs = start;
  for (bool leaf = true;; leaf = false) {
    walk.stoppedAt = regs;
    // A return address points after the call; pc - 1 is inside it, in the caller.
    uintptr_t lookupPc = leaf ? regs.pc : regs.pc - 1;
    const CodeRange* range = map.find(lookupPc);
    if (range == nullptr) {
      walk.end = WalkEnd::kUnknownCode;
      return walk;
    }
    if (walk.depth >= limits.maxDepth) {
      walk.end = WalkEnd::kDepthLimit;
      return walk;
    }
    if (walk.steps >= limits.maxSteps) {
      walk.end = WalkEnd::kStepLimit;
      return walk;
    }
    const UnwindRule* row = nullptr;
    if (mode == UnwindMode::kDwarf && range->table != nullptr) row = range->table->find(lookupPc - range->loadBias);
    emit(walk.depth++, lookupPc, *range, row);
    ++walk.steps;

    Step step = failed(WalkEnd::kNoRule);
    if (row != nullptr) step = stepByRule(*row, regs, bounds, leaf);
    // No row, or a rule we cannot follow: the frame-pointer chain is the fallback. Not
    // after kRoot (the CFI said this is the outermost frame) or a failed read.
    if (row == nullptr || (!step.ok && step.failure == WalkEnd::kNoRule)) {
      step = stepByFramePointer(regs, bounds, leaf);
    }
    if (!step.ok) {
      walk.end = step.failure;
      return walk;
    }
    const NativeRegisters& caller = step.caller;
    if (caller.pc == 0) {
      walk.end = caller.fp == 0 ? WalkEnd::kRoot : WalkEnd::kZeroPc;
      return walk;
    }
    if (caller.sp <= regs.sp) {
      walk.end = WalkEnd::kSpNotIncreasing;
      return walk;
    }
    regs = caller;
  }
}

}  // namespace

NativeWalk walkNativeStack(const CodeMap& map, const NativeRegisters& start, UnwindMode mode,
                           const StackBounds& bounds, const WalkLimits& limits, uintptr_t* pcs) {
  return walkWith(map, start, mode, bounds, limits,
                  [pcs](int i, uintptr_t pc, const CodeRange&, const UnwindRule*) { pcs[i] = pc; });
}

NativeWalk walkNativeFrames(const CodeMap& map, const NativeRegisters& start, UnwindMode mode,
                            const StackBounds& bounds, const WalkLimits& limits, Frame* out) {
  return walkWith(map, start, mode, bounds, limits,
                  [out](int i, uintptr_t pc, const CodeRange& range, const UnwindRule* row) {
                    uint64_t offset = pc - range.loadBias;
                    if (range.table != nullptr) {
                      // The row found for the step says an FDE covers the pc: no second search.
                      offset = row != nullptr ? range.table->functionStartOfCovered(offset)
                                              : range.table->functionStart(offset);
                    }
                    out[i].id = nativeFrameId(range.libraryId, offset);
                    out[i].bci = 0;
                    out[i].kind = FrameKind::kNative;
                  });
}
