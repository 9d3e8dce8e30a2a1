#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "stacks/unwind_table.h"
#include "symbols/native_symbols.h"

// One executable segment of a loaded object, as the signal path sees it.
struct CodeRange {
  uintptr_t start = 0;               // runtime addresses [start, end)
  uintptr_t end = 0;
  uintptr_t loadBias = 0;            // runtime address - ELF vaddr
  uint32_t libraryId = 0;            // stable, never reused; 0 is never a library
  const UnwindTable* table = nullptr;  // null when the object has no usable .eh_frame
};

// How the profile writer names a native frame.
struct NativeFrameName {
  std::string function;  // readable symbol name, or "libz.so.1+0x1a2b" when none covers it
  std::string fileName;  // the object's basename ("[vdso]" for the vDSO)
  std::string path;      // full path, empty for the vDSO
  bool symbolFound = false;
};

// Which code is loaded in this process: every object dl_iterate_phdr reports (the main
// executable and the vDSO included), each with a stable library id and its unwind table.
//
// Threads: refresh() and the naming calls lock and allocate (off the signal path only;
// they may run on any thread). find() is signal-safe: it reads the current immutable
// snapshot through an atomic pointer, without locks or allocation. Snapshots, tables and
// library records are never freed while the CodeMap lives, so a handler that loaded an
// older snapshot can finish with it; their memory is reported by snapshotBytes() and
// tableBytes(). A CodeMap must outlive every handler that might still call find().
class CodeMap {
 public:
  explicit CodeMap(const DebugFileSearch& search = DebugFileSearch());
  ~CodeMap();
  CodeMap(const CodeMap&) = delete;
  CodeMap& operator=(const CodeMap&) = delete;

  // Picks up objects loaded or unloaded since the last call; a cheap no-op when the
  // loader's load/unload counters have not moved. New objects get their unwind tables
  // built after the loader's list was read (not under its lock, which dlopen needs), each
  // pinned with dlopen(RTLD_NOLOAD) so it cannot be unmapped meanwhile. Unloaded objects have their symbols read
  // before they are forgotten, so their frames keep their names. True if anything changed.
  bool refresh();

  // Signal-safe. The executable range containing `pc`, or nullptr (code outside every
  // known object: JIT-compiled or interpreter code on a Java thread).
  const CodeRange* find(uintptr_t pc) const;

  // Names the frame at `offset` (pc - load bias, i.e. the ELF vaddr) of library `libraryId`,
  // also after that library was unloaded. An unknown id gives an empty fileName.
  NativeFrameName describe(uint32_t libraryId, uint64_t offset) const;

  struct LibraryInfo {
    uint32_t id;
    std::string path;
    std::string fileName;
    uintptr_t loadBias;
    bool loaded;
    size_t tableRows;
  };
  std::vector<LibraryInfo> libraries() const;

  size_t tableBytes() const;     // all unwind tables ever built
  size_t snapshotBytes() const;  // all range snapshots ever published
  size_t symbolBytes() const;    // symbol tables read so far

 private:
  struct Library;
  struct Snapshot;
  struct Scan;
  static int visitObject(struct dl_phdr_info* info, size_t size, void* scan);
  void addObject(struct dl_phdr_info* info, Scan* scan);
  void buildTables();
  void publish();
  const NativeSymbols& symbolsOf(Library& library) const;

  DebugFileSearch search_;
  mutable std::mutex lock_;  // guards everything below but current_
  std::vector<std::unique_ptr<Library>> libraries_;  // index = id - 1
  std::map<std::string, std::unique_ptr<UnwindTable>> tables_;  // by file identity, shared by reloads
  std::vector<std::unique_ptr<Snapshot>> snapshots_;
  std::atomic<const Snapshot*> current_{nullptr};
  unsigned long long adds_ = 0;
  unsigned long long subs_ = 0;
  bool scanned_ = false;
};
