#include "symbols/native_symbols.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "check.h"

namespace {

bool exists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

void namesLocalSymbolsOfLibjvm(const char* path) {
  if (!exists(path)) {
    std::printf("skipped: %s missing\n", path);
    return;
  }
  auto begin = std::chrono::steady_clock::now();
  NativeSymbols symbols{std::string(path)};
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
  CHECK(symbols.source() == NativeSymbols::Source::kSymtab);
  // A local (non-exported) function: only .symtab has it.
  const char* local = "_ZN20G1ParScanThreadState23trim_queue_to_thresholdEj";
  uint64_t value = symbols.valueOf(local);
  CHECK(value != 0);
  CHECK_STR(symbols.linkerName(value + 1), local);
  CHECK_STR(symbols.name(value + 1), "G1ParScanThreadState::trim_queue_to_threshold");
  CHECK_STR(symbols.name(value), "G1ParScanThreadState::trim_queue_to_threshold");  // cached
  uint64_t exported = symbols.valueOf("JNI_CreateJavaVM");
  CHECK(exported != 0);
  CHECK_STR(symbols.name(exported + 4), "JNI_CreateJavaVM");
  CHECK(symbols.name(0).empty());
  CHECK(symbols.name(~uint64_t{0} - 16).empty());
  std::printf("%s: %zu functions from %s in %.0f ms, %zu KiB\n", path, symbols.count(),
              NativeSymbols::sourceName(symbols.source()), ms, symbols.memoryBytes() / 1024);
}

void namesDynamicSymbolsOfLibz() {
  const char* path = "/lib/x86_64-linux-gnu/libz.so.1";
  if (!exists(path)) {
    std::printf("skipped: %s missing\n", path);
    return;
  }
  NativeSymbols symbols{std::string(path)};
  CHECK(symbols.source() == NativeSymbols::Source::kDynsym);
  // Cross-check with the loader: dlsym's address minus the load bias is the vaddr.
  void* handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) handle = dlopen(path, RTLD_NOW);
  CHECK(handle != nullptr);
  if (handle == nullptr) return;
  void* deflate = dlsym(handle, "deflate");
  Dl_info info{};
  CHECK(deflate != nullptr && dladdr(deflate, &info) != 0);
  uint64_t vaddr = reinterpret_cast<uintptr_t>(deflate) - reinterpret_cast<uintptr_t>(info.dli_fbase);
  CHECK_EQ(symbols.valueOf("deflate"), vaddr);
  CHECK_STR(symbols.name(vaddr + 10), "deflate");
  std::printf("%s: %zu functions from %s\n", path, symbols.count(), NativeSymbols::sourceName(symbols.source()));
  dlclose(handle);
}

void namesTheVdso() {
  NativeSymbols symbols(ElfImage::vdso());
  CHECK(symbols.count() > 0);
  uint64_t value = symbols.valueOf("__vdso_clock_gettime");
  CHECK(value != 0);
  CHECK(!symbols.name(value).empty());  // the name or an alias at the same address
  std::printf("vdso: %zu functions; %s -> %s\n", symbols.count(), "__vdso_clock_gettime", symbols.name(value).c_str());
}

bool copyFile(const std::string& from, const std::string& to) {
  std::string command = "cp '" + from + "' '" + to + "'";
  return std::system(command.c_str()) == 0;
}

// A stripped library resolves its local function through its debug file, found by
// build-id under a configurable debug root, then by .gnu_debuglink next to it.
void findsSeparateDebugFiles() {
  std::string built = DEBUG_TARGET_DIR;
  std::string stripped = built + "/symbols_debug_target.stripped.so";
  std::string debug = built + "/symbols_debug_target.debug";
  std::string unstripped = built + "/libsymbols_debug_target.so";
  CHECK(exists(stripped) && exists(debug) && exists(unstripped));

  NativeSymbols full(unstripped);
  uint64_t local = full.valueOf("_ZN12_GLOBAL__N_125debug_only_local_functionEi");
  CHECK(local != 0);
  CHECK_STR(full.name(local + 1), "(anonymous namespace)::debug_only_local_function");

  char root[] = "/tmp/jflame-debug-XXXXXX";
  CHECK(mkdtemp(root) != nullptr);
  std::string dir = std::string(root) + "/lib";
  std::string debugRoot = std::string(root) + "/debug";
  mkdir(dir.c_str(), 0700);
  mkdir(debugRoot.c_str(), 0700);
  std::string library = dir + "/libsymbols_debug_target.so";
  CHECK(copyFile(stripped, library));
  DebugFileSearch search;
  search.debugRoot = debugRoot;

  NativeSymbols withoutDebug(library, search);
  CHECK(withoutDebug.source() == NativeSymbols::Source::kDynsym);
  CHECK(withoutDebug.name(local + 1).empty());
  CHECK(withoutDebug.valueOf("debug_target_exported") != 0);

  std::string buildId = ElfImage::openFile(library).buildId();
  CHECK(buildId.size() > 2);
  std::string idDir = debugRoot + "/.build-id/" + buildId.substr(0, 2);
  mkdir((debugRoot + "/.build-id").c_str(), 0700);
  mkdir(idDir.c_str(), 0700);
  std::string byId = idDir + "/" + buildId.substr(2) + ".debug";
  CHECK(copyFile(debug, byId));
  NativeSymbols viaBuildId(library, search);
  CHECK(viaBuildId.source() == NativeSymbols::Source::kDebugFile);
  CHECK_STR(viaBuildId.debugFilePath(), byId);
  CHECK_STR(viaBuildId.name(local + 1), "(anonymous namespace)::debug_only_local_function");
  CHECK_STR(viaBuildId.name(viaBuildId.valueOf("debug_target_exported")), "debug_target_exported");
  unlink(byId.c_str());

  mkdir((dir + "/.debug").c_str(), 0700);
  std::string byLink = dir + "/.debug/symbols_debug_target.debug";
  CHECK(copyFile(debug, byLink));
  NativeSymbols viaLink(library, search);
  CHECK(viaLink.source() == NativeSymbols::Source::kDebugFile);
  CHECK_STR(viaLink.debugFilePath(), byLink);
  CHECK_STR(viaLink.name(local + 1), "(anonymous namespace)::debug_only_local_function");

  std::string cleanup = std::string("rm -rf '") + root + "'";
  CHECK(std::system(cleanup.c_str()) == 0);
}

}  // namespace

int main() {
  namesLocalSymbolsOfLibjvm("/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so");
  namesLocalSymbolsOfLibjvm("/usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so");
  namesDynamicSymbolsOfLibz();
  namesTheVdso();
  findsSeparateDebugFiles();
  return check::finish("native_symbols_test");
}
