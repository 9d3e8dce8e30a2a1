#include "symbols/elf_symbols.h"

#include <dlfcn.h>

#include <cstdint>
#include <string>

#include "check.h"

// findElfSymbols and findLoadedObject against a library built for the tests
// (debug_target.cpp): a local function only .symtab names, and an exported one; once as
// built, once stripped (its symbols only in a separate debug file, which this reader does
// not follow: the locals are then absent).

namespace {

const std::string kDir = DEBUG_TARGET_DIR;
const std::string kLibrary = kDir + "/libsymbols_debug_target.so";
const std::string kStripped = kDir + "/symbols_debug_target.stripped.so";
const char* kLocal = "_ZN12_GLOBAL__N_125debug_only_local_functionEi";
const char* kExported = "debug_target_exported";

void findsLocalAndExportedSymbolsWhereTheyAreLoaded() {
  void* handle = dlopen(kLibrary.c_str(), RTLD_NOW | RTLD_LOCAL);
  CHECK(handle != nullptr);
  if (handle == nullptr) return;
  auto localAddress = reinterpret_cast<void* (*)()>(dlsym(handle, "debug_target_local_address"));
  void* exported = dlsym(handle, kExported);
  CHECK(localAddress != nullptr && exported != nullptr);

  LoadedObject object;
  CHECK(findLoadedObject("libsymbols_debug_target.so", &object));
  CHECK(object.path.find("libsymbols_debug_target.so") != std::string::npos);
  uintptr_t local = reinterpret_cast<uintptr_t>(localAddress());
  CHECK(object.codeStart <= local && local < object.codeEnd);
  CHECK(object.codeStart <= reinterpret_cast<uintptr_t>(exported) &&
        reinterpret_cast<uintptr_t>(exported) < object.codeEnd);

  std::vector<uint64_t> values = findElfSymbols(object.path, {kLocal, kExported, "no_such_symbol_anywhere"});
  CHECK_EQ(values.size(), size_t{3});
  CHECK_EQ(values[0], static_cast<uint64_t>(local - object.base));
  CHECK_EQ(values[1], static_cast<uint64_t>(reinterpret_cast<uintptr_t>(exported) - object.base));
  CHECK_EQ(values[2], uint64_t{0});
  // Order follows the request.
  std::vector<uint64_t> reversed = findElfSymbols(object.path, {kExported, kLocal});
  CHECK(reversed.size() == 2 && reversed[0] == values[1] && reversed[1] == values[0]);
  dlclose(handle);
}

void aStrippedObjectKeepsOnlyItsDynamicSymbols() {
  std::vector<uint64_t> built = findElfSymbols(kLibrary, {kExported});
  std::vector<uint64_t> stripped = findElfSymbols(kStripped, {kLocal, kExported});
  CHECK_EQ(stripped.size(), size_t{2});
  CHECK_EQ(stripped[0], uint64_t{0});
  CHECK(stripped[1] != 0);
  CHECK_EQ(stripped[1], built[0]);
}

void unreadableOrNonElfFilesGiveZeros() {
  std::vector<uint64_t> missing = findElfSymbols(kDir + "/no-such-file.so", {kLocal, kExported});
  CHECK(missing.size() == 2 && missing[0] == 0 && missing[1] == 0);
  std::vector<uint64_t> notElf = findElfSymbols("/proc/self/status", {kLocal});
  CHECK(notElf.size() == 1 && notElf[0] == 0);
  CHECK(findElfSymbols(kLibrary, {}).empty());
  LoadedObject none;
  CHECK(!findLoadedObject("libno-such-object-jflame.so", &none));
}

}  // namespace

int main() {
  findsLocalAndExportedSymbolsWhereTheyAreLoaded();
  aStrippedObjectKeepsOnlyItsDynamicSymbols();
  unreadableOrNonElfFilesGiveZeros();
  return check::finish("elf_symbols_test");
}
