#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Reads symbol values from an ELF shared object's .symtab (and .dynsym), including
// local symbols that dlsym cannot see. Used off the signal path only, once.
//
// Returns one value per requested name, in order: the symbol's st_value (an offset from
// the object's load base for a shared object), or 0 if absent. An unreadable or stripped
// file yields all zeros.
std::vector<uint64_t> findElfSymbols(const std::string& path, const std::vector<std::string>& names);

// The shared object loaded in this process whose path ends in `/fileName` (e.g.
// "libjvm.so"): its path, load base and the bounds of its executable segments.
struct LoadedObject {
  std::string path;
  uintptr_t base = 0;
  uintptr_t codeStart = 0;
  uintptr_t codeEnd = 0;
};
bool findLoadedObject(const char* fileName, LoadedObject* out);
