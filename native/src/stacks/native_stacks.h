#pragma once

#include <cstdint>

// Which unwinder gives a sample its native frames (the agent's nativestacks= option).
enum class NativeStacks : uint8_t {
  kOff,            // Java frames only, as before native frames existed
  kFramePointers,  // the frame-pointer chain: cheap, but blind to code built without it
  kDwarf,          // DWARF CFI from .eh_frame, the frame-pointer chain where there is none
};

inline const char* nativeStacksName(NativeStacks mode) {
  switch (mode) {
    case NativeStacks::kOff: return "off";
    case NativeStacks::kFramePointers: return "fp";
    case NativeStacks::kDwarf: return "dwarf";
  }
  return "off";
}
