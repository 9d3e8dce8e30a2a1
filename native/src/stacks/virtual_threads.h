#pragma once

#include <string>
#include <vector>

// Stacks of virtual threads as AsyncGetCallTrace sees them on their carrier thread.
//
// A mounted virtual thread's frames sit on the carrier's stack above
// jdk.internal.vm.Continuation.enterSpecial, from Continuation.enter down to the leaf.
// When a virtual thread that had unmounted (sleep, yield, blocking I/O) is mounted again,
// HotSpot copies back ("thaws") only its top frames; the ones below stay in the heap
// stack chunk until returned to. A sample in that window walks carrier frames,
// enterSpecial and then the thawed top frames only, so the virtual thread's lower frames
// (Continuation.enter ... VirtualThread.run ... the task's callers) are missing from it.
// Seen on Temurin 25 for about one sample in five of code that yields often.
//
// Such a stack would draw its top frames as if enterSpecial called them, next to the
// complete stacks of the same code. The marker frame keeps them apart and says why.
constexpr const char* kMissingContinuationFrames = "[virtual_thread_frames_missing]";

// If `rootFirst` (resolved frame names) runs through Continuation.enterSpecial but does
// not continue in Continuation.enter, inserts the marker right after enterSpecial.
// Returns whether it did.
bool markMissingContinuationFrames(std::vector<std::string>* rootFirst);
