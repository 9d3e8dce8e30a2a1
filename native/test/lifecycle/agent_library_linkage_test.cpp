// What the linker made of libjflame.so, read from the built file: properties the signal
// path relies on that no behaviour test could catch deterministically.

#include <elf.h>

#include <cstring>
#include <string>
#include <vector>

#include "check.h"
#include "symbols/elf_image.h"

namespace {

std::vector<Elf64_Dyn> dynamicEntries(const ElfImage& image) {
  std::vector<Elf64_Dyn> entries;
  ElfImage::Section dynamic;
  if (!image.findSectionOfType(SHT_DYNAMIC, &dynamic) || dynamic.data == nullptr) return entries;
  for (uint64_t at = 0; at + sizeof(Elf64_Dyn) <= dynamic.size; at += sizeof(Elf64_Dyn)) {
    Elf64_Dyn entry;
    std::memcpy(&entry, dynamic.data + at, sizeof(entry));
    if (entry.d_tag == DT_NULL) break;
    entries.push_back(entry);
  }
  return entries;
}

// Lazy binding resolves a PLT entry at its first call, in the dynamic linker, which takes
// its own lock and may allocate: the first siglongjmp, ioctl or sched_yield of the
// handler would do so inside a signal. -z now resolves them all at load.
void everyFunctionIsBoundAtLoad(const ElfImage& image) {
  bool bindNow = false;
  for (const Elf64_Dyn& entry : dynamicEntries(image)) {
    if (entry.d_tag == DT_BIND_NOW) bindNow = true;
    if (entry.d_tag == DT_FLAGS && (entry.d_un.d_val & DF_BIND_NOW) != 0) bindNow = true;
    if (entry.d_tag == DT_FLAGS_1 && (entry.d_un.d_val & DF_1_NOW) != 0) bindNow = true;
  }
  CHECK(bindNow);
}

// A function-local static with a dynamic initialiser gets a guard variable (_ZGV...),
// taken with __cxa_guard_acquire (a lock, a futex) at its first use: on a path a signal
// can reach, its initialisation must not depend on which code happened to run first.
// Those allowed here run on ordinary threads only: JVMTI callbacks and the writer.
void noGuardedStaticOutsideTheseOrdinaryThreadPaths(const ElfImage& image) {
  const char* allowed[] = {
      "_ZGVZN12EventProfile10walkAndAdd",        // alloc/lock JVMTI callbacks, thread_local
      "_ZGVZN12_GLOBAL__N_125withoutTrailingQualifiers",  // readable_name: the writer
      "_ZGVZN12thread_birth",                    // installing the pthread_create hook
  };
  // The static C++ runtime's own: locale facets' ids and locks (<sstream>/<fstream> in the
  // thread dump and the writers pull them in), never reached from a signal handler.
  const char* runtime[] = {
      "_ZGVNSt", "_ZGVZSt", "_ZGVZNSt", "_ZGVZN9__gnu_cxx", "_ZGVZN12_GLOBAL__N_116get_locale_mutex",
      "_ZGVZN12_GLOBAL__N_122get_locale_cache_mutex",
  };
  ElfImage::Section symtab, strtab;
  CHECK(image.findSectionOfType(SHT_SYMTAB, &symtab) && symtab.data != nullptr);
  CHECK(image.section(symtab.link, &strtab) && strtab.data != nullptr);
  if (symtab.data == nullptr || strtab.data == nullptr) return;
  int guards = 0;
  for (uint64_t at = 0; at + sizeof(Elf64_Sym) <= symtab.size; at += sizeof(Elf64_Sym)) {
    Elf64_Sym symbol;
    std::memcpy(&symbol, symtab.data + at, sizeof(symbol));
    if (symbol.st_name >= strtab.size) continue;
    const char* name = reinterpret_cast<const char*>(strtab.data) + symbol.st_name;
    if (std::strncmp(name, "_ZGV", 4) != 0) continue;
    // jflame's own code only: the static C++ runtime may keep guards of its own.
    bool fromRuntime = false;
    for (const char* prefix : runtime) fromRuntime = fromRuntime || std::strncmp(name, prefix, std::strlen(prefix)) == 0;
    if (fromRuntime) continue;
    bool ok = false;
    for (const char* prefix : allowed) ok = ok || std::strncmp(name, prefix, std::strlen(prefix)) == 0;
    if (!ok) {
      check::fail(__FILE__, __LINE__, std::string("guarded static outside the allowed paths: ") + name);
    }
    ++guards;
  }
  std::printf("%d guard variables in jflame's code\n", guards);
}

}  // namespace

int main() {
  ElfImage image = ElfImage::openFile(AGENT_LIBRARY_PATH);
  CHECK(image.ok());
  if (image.ok()) {
    everyFunctionIsBoundAtLoad(image);
    noGuardedStaticOutsideTheseOrdinaryThreadPaths(image);
  }
  return check::finish("agent_library_linkage_test");
}
