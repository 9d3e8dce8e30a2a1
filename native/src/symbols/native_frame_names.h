#pragma once

#include <cstdint>
#include <string>

class CodeMap;

// The written name of a kNative frame: `function [library]`, e.g. `deflate [libz.so.1]`,
// `G1ParScanThreadState::trim_queue_to_threshold [libjvm.so]`, or, with no symbol
// covering the address, `libfoo.so+0x1a2b [libfoo.so]`. The library suffix is what tells
// a C function from a Java method in every reader of the collapsed format (README,
// "Frame kinds"); the vDSO, which has no file, is `linux-vdso.so.1` as the kernel calls it.
// Off the signal path (reads symbol tables, demangles).
std::string nativeFrameName(const CodeMap& map, uint64_t frameId);
