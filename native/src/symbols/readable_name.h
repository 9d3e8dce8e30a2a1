#pragma once

#include <string>
#include <string_view>

// Turns a symbol name as the linker sees it into what a flame graph should show:
// Itanium C++ names are demangled (abi::__cxa_demangle, which allocates: never on the
// signal path), then reduced to the qualified function name. The parameter list and
// the qualifiers after it (` const`, ` &`, ` noexcept`), the return type that function
// template names carry, and GCC's clone suffixes (` [clone .cold]`) are dropped, so
// `G1ParScanThreadState::trim_queue_to_threshold(unsigned int)` becomes
// `G1ParScanThreadState::trim_queue_to_threshold`, while template arguments,
// `operator()`, `(anonymous namespace)` and `{lambda(int)#1}` survive intact.
// Names that are not mangled (C functions) come back unchanged; so does a mangled name
// the demangler rejects.
std::string readableSymbolName(std::string_view linkerName);

// The reduction step alone, on an already demangled name (exposed for tests).
std::string withoutParameters(std::string_view demangled);
