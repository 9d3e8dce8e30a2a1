#include "stacks/code_map.h"

#include <dlfcn.h>
#include <sys/auxv.h>

#include <cstdio>
#include <cstring>

#include "check.h"

namespace {

const CodeMap::LibraryInfo* libraryNamed(const std::vector<CodeMap::LibraryInfo>& list, const char* fileName) {
  for (const auto& library : list) {
    if (library.fileName.find(fileName) == 0 && library.loaded) return &library;
  }
  return nullptr;
}

// libc's own qsort: under ASan, &qsort is the sanitizer's interceptor.
uintptr_t libcQsort() {
  void* libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  return libc == nullptr ? 0 : reinterpret_cast<uintptr_t>(dlsym(libc, "qsort"));
}

void mapsLoadedCode() {
  CodeMap map;
  CHECK(map.find(reinterpret_cast<uintptr_t>(&strlen)) == nullptr);  // nothing before refresh()
  CHECK(map.refresh());
  CHECK(!map.refresh());  // nothing loaded since: a no-op

  // libc, the main executable and the vDSO are all there.
  const CodeRange* libc = map.find(libcQsort());
  CHECK(libc != nullptr && libc->table != nullptr);
  if (libc != nullptr) {
    NativeFrameName name = map.describe(libc->libraryId, libcQsort() - libc->loadBias);
    CHECK_STR(name.fileName, "libc.so.6");
    CHECK_STR(name.function, "qsort");
  }
  const CodeRange* self = map.find(reinterpret_cast<uintptr_t>(&mapsLoadedCode));
  CHECK(self != nullptr && self->table != nullptr);
  if (self != nullptr) {
    NativeFrameName name = map.describe(self->libraryId, reinterpret_cast<uintptr_t>(&mapsLoadedCode) - self->loadBias);
    CHECK_STR(name.fileName, "code_map_test");
    CHECK_STR(name.function, "(anonymous namespace)::mapsLoadedCode");
  }
  auto vdso = static_cast<uintptr_t>(getauxval(AT_SYSINFO_EHDR));
  const auto list = map.libraries();
  const CodeMap::LibraryInfo* vdsoInfo = libraryNamed(list, "[vdso]");
  CHECK(vdsoInfo != nullptr);
  if (vdsoInfo != nullptr) {
    CHECK(vdsoInfo->tableRows > 0);
    CHECK(vdsoInfo->path.empty());
    // Some executable address of the vDSO (its text follows the headers, within 2 pages).
    const CodeRange* inVdso = nullptr;
    for (uintptr_t pc = vdso; pc < vdso + 8192 && inVdso == nullptr; pc += 16) inVdso = map.find(pc);
    CHECK(inVdso != nullptr && inVdso->libraryId == vdsoInfo->id);
  }
  // An address that is not code: heap, stack, zero.
  int local = 0;
  CHECK(map.find(reinterpret_cast<uintptr_t>(&local)) == nullptr);
  CHECK(map.find(0) == nullptr);
  CHECK(map.find(~uintptr_t{0}) == nullptr);
  // No symbol: "file+0xoffset".
  if (libc != nullptr) {
    NativeFrameName name = map.describe(libc->libraryId, 0x10);
    CHECK_STR(name.function, "libc.so.6+0x10");
    CHECK(!name.symbolFound);
  }
  CHECK(map.describe(0, 0).fileName.empty());
  CHECK(map.describe(100000, 0).fileName.empty());
  std::printf("%zu objects, unwind tables %zu KiB, snapshots %zu bytes, symbols %zu KiB\n", list.size(),
              map.tableBytes() / 1024, map.snapshotBytes(), map.symbolBytes() / 1024);
  for (const auto& library : list) {
    std::printf("  #%u %-28s rows %zu\n", library.id, library.fileName.c_str(), library.tableRows);
  }
}

// A dlopen'ed library appears with a new id; after dlclose its (id, offset) still names
// the function, and a reload gets a fresh id but reuses the unwind table.
void followsDlopenAndDlclose() {
  CodeMap map;
  map.refresh();
  size_t tablesBefore = map.tableBytes();
  void* handle = dlopen(DLOPEN_TARGET_PATH, RTLD_NOW);
  CHECK(handle != nullptr);
  if (handle == nullptr) return;
  auto function = reinterpret_cast<uintptr_t>(dlsym(handle, "dlopen_target_call"));
  CHECK(map.find(function) == nullptr);
  CHECK(map.refresh());
  const CodeRange* range = map.find(function);
  CHECK(range != nullptr && range->table != nullptr);
  if (range == nullptr) return;
  uint32_t id = range->libraryId;
  uint64_t offset = function - range->loadBias + 3;
  CHECK_STR(map.describe(id, offset).function, "dlopen_target_call");
  size_t tablesLoaded = map.tableBytes();
  CHECK(tablesLoaded > tablesBefore);

  CHECK(dlclose(handle) == 0);
  CHECK(map.refresh());
  CHECK(map.find(function) == nullptr);
  NativeFrameName after = map.describe(id, offset);
  CHECK_STR(after.function, "dlopen_target_call");
  CHECK_STR(after.fileName, "libunwind_dlopen_target.so");
  CHECK_STR(after.path, DLOPEN_TARGET_PATH);

  handle = dlopen(DLOPEN_TARGET_PATH, RTLD_NOW);
  CHECK(map.refresh());
  function = reinterpret_cast<uintptr_t>(dlsym(handle, "dlopen_target_call"));
  const CodeRange* again = map.find(function);
  CHECK(again != nullptr && again->libraryId != id);
  CHECK_EQ(map.tableBytes(), tablesLoaded);  // the same file's table is shared
  dlclose(handle);
  map.refresh();
  std::printf("dlopen/dlclose: library #%u named after unload; snapshots %zu bytes\n", id, map.snapshotBytes());
}

}  // namespace

int main() {
  mapsLoadedCode();
  followsDlopenAndDlclose();
  return check::finish("code_map_test");
}
