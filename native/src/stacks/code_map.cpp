#include "stacks/code_map.h"

#include <dlfcn.h>
#include <link.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

struct CodeMap::Library {
  uint32_t id = 0;
  std::string path;
  std::string fileName;
  uintptr_t loadBias = 0;
  const Elf64_Phdr* programHeaders = nullptr;  // identifies the load while it lasts
  bool isVdso = false;
  bool isMainProgram = false;  // the loader gives it no name: its path is /proc/self/exe's
  bool loaded = true;
  bool seen = false;  // in the current scan
  std::vector<CodeRange> ranges;
  const UnwindTable* table = nullptr;
  std::vector<Elf64_Phdr> headers;  // a copy, for building the table after the scan
  bool needsTable = false;
  std::unique_ptr<NativeSymbols> symbols;  // read on first use, or when unloaded
};

struct CodeMap::Snapshot {
  std::vector<CodeRange> ranges;  // sorted by start, disjoint
};

struct CodeMap::Scan {
  CodeMap* map;
  bool unchanged = false;
  bool first = true;
  bool changed = false;
};

namespace {

std::string executablePath() {
  char buffer[4096];
  ssize_t length = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return length > 0 ? std::string(buffer, static_cast<size_t>(length)) : std::string();
}

std::string baseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Reloading the same file gives the same table (rows are bias-relative): key it by the
// file's identity, so dlopen/dlclose cycles do not grow memory.
std::string tableKey(const std::string& path, bool isVdso, uintptr_t address) {
  if (isVdso) return "[vdso]@" + std::to_string(address);
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return path + "@" + std::to_string(address);
  return path + "|" + std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino) + ":" +
         std::to_string(info.st_size) + ":" + std::to_string(info.st_mtim.tv_sec) + "." +
         std::to_string(info.st_mtim.tv_nsec);
}

}  // namespace

CodeMap::CodeMap(const DebugFileSearch& search) : search_(search) {}

CodeMap::~CodeMap() = default;

int CodeMap::visitObject(struct dl_phdr_info* info, size_t size, void* data) {
  Scan* scan = static_cast<Scan*>(data);
  CodeMap* map = scan->map;
  if (scan->first) {
    scan->first = false;
    bool hasCounters = size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs);
    if (hasCounters && map->scanned_ && info->dlpi_adds == map->adds_ && info->dlpi_subs == map->subs_) {
      scan->unchanged = true;
      return 1;  // stops the iteration: nothing was loaded or unloaded
    }
    if (hasCounters) {
      map->adds_ = info->dlpi_adds;
      map->subs_ = info->dlpi_subs;
    }
  }
  map->addObject(info, scan);
  return 0;
}

void CodeMap::addObject(struct dl_phdr_info* info, Scan* scan) {
  std::string path = info->dlpi_name != nullptr ? info->dlpi_name : "";
  uintptr_t vdsoBase = static_cast<uintptr_t>(getauxval(AT_SYSINFO_EHDR));
  bool isVdso = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const Elf64_Phdr& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_LOAD && ph.p_offset == 0 && vdsoBase != 0 && info->dlpi_addr + ph.p_vaddr == vdsoBase) {
      isVdso = true;
    }
  }
  bool isMainProgram = path.empty() && !isVdso;
  if (isMainProgram) path = executablePath();  // the main program has no name here

  for (auto& library : libraries_) {
    if (library->loaded && library->loadBias == info->dlpi_addr && library->programHeaders == info->dlpi_phdr &&
        library->isVdso == isVdso && (isVdso || library->path == path)) {
      library->seen = true;
      return;
    }
  }

  auto library = std::make_unique<Library>();
  library->id = static_cast<uint32_t>(libraries_.size() + 1);
  library->path = isVdso ? std::string() : path;
  library->fileName = isVdso ? std::string("[vdso]") : baseName(path);
  library->loadBias = info->dlpi_addr;
  library->programHeaders = info->dlpi_phdr;
  library->isVdso = isVdso;
  library->isMainProgram = isMainProgram;
  library->seen = true;

  // The unwind table is built after dl_iterate_phdr returns (buildTables): inside it the
  // loader's lock is held, and an application thread calling dlopen meanwhile would wait
  // for the whole parse (a quarter of a second for libjvm).
  library->headers.assign(info->dlpi_phdr, info->dlpi_phdr + info->dlpi_phnum);
  library->needsTable = true;

  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const Elf64_Phdr& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0 || ph.p_memsz == 0) continue;
    CodeRange range;
    range.start = info->dlpi_addr + ph.p_vaddr;
    range.end = range.start + ph.p_memsz;
    range.loadBias = info->dlpi_addr;
    range.libraryId = library->id;
    library->ranges.push_back(range);
  }
  libraries_.push_back(std::move(library));
  scan->changed = true;
}

bool CodeMap::refresh() {
  std::lock_guard<std::mutex> hold(lock_);
  Scan scan;
  scan.map = this;
  for (auto& library : libraries_) library->seen = false;
  dl_iterate_phdr(&CodeMap::visitObject, &scan);
  if (scan.unchanged) {
    for (auto& library : libraries_) library->seen = library->loaded;
    return false;
  }
  scanned_ = true;
  buildTables();
  for (auto& library : libraries_) {
    if (library->loaded && !library->seen) {
      // Unloaded: read its symbols now (from the file, still there in practice) so its
      // recorded frames keep their names; the loader's memory for it may be gone.
      library->loaded = false;
      library->programHeaders = nullptr;
      symbolsOf(*library);
      scan.changed = true;
    }
  }
  if (scan.changed) publish();
  return scan.changed;
}

void CodeMap::buildTables() {
  for (auto& library : libraries_) {
    if (!library->needsTable || !library->seen) continue;
    library->needsTable = false;
    // Pinned while its memory is parsed: RTLD_NOLOAD only takes a reference to an object
    // already loaded, so a dlclose by the application meanwhile cannot unmap it. The main
    // program and the vDSO are never unloaded.
    void* pin = nullptr;
    if (!library->isVdso && !library->isMainProgram) {
      pin = dlopen(library->path.c_str(), RTLD_NOLOAD | RTLD_LAZY);
      if (pin == nullptr) {
        library->seen = false;  // unloaded since the scan: forgotten below
        continue;
      }
    }
    std::unique_ptr<UnwindTable>& table = tables_[tableKey(library->path, library->isVdso, library->loadBias)];
    if (table == nullptr) {
      table = std::make_unique<UnwindTable>();
      table->build(library->loadBias, library->headers.data(), library->headers.size());
    }
    if (pin != nullptr) dlclose(pin);
    if (table->rowCount() != 0) library->table = table.get();
    for (CodeRange& range : library->ranges) range.table = library->table;
  }
}

void CodeMap::publish() {
  std::vector<CodeRange> ranges;
  for (auto& library : libraries_) {
    if (library->loaded) ranges.insert(ranges.end(), library->ranges.begin(), library->ranges.end());
  }
  std::sort(ranges.begin(), ranges.end(), [](const CodeRange& a, const CodeRange& b) { return a.start < b.start; });
  auto snapshot = std::make_unique<Snapshot>();
  snapshot->ranges.assign(ranges.begin(), ranges.end());  // exact capacity
  current_.store(snapshot.get(), std::memory_order_release);
  snapshots_.push_back(std::move(snapshot));
}

const CodeRange* CodeMap::find(uintptr_t pc) const {
  const Snapshot* snapshot = current_.load(std::memory_order_acquire);
  if (snapshot == nullptr) return nullptr;
  const CodeRange* ranges = snapshot->ranges.data();
  size_t low = 0, high = snapshot->ranges.size();
  while (low < high) {  // the last range starting at or before pc
    size_t middle = low + (high - low) / 2;
    if (ranges[middle].start <= pc) low = middle + 1; else high = middle;
  }
  if (low == 0 || pc >= ranges[low - 1].end) return nullptr;
  return &ranges[low - 1];
}

const NativeSymbols& CodeMap::symbolsOf(Library& library) const {
  if (library.symbols == nullptr) {
    if (library.isVdso) {
      library.symbols = std::make_unique<NativeSymbols>(ElfImage::vdso());
    } else {
      library.symbols = std::make_unique<NativeSymbols>(library.path, search_);
    }
  }
  return *library.symbols;
}

NativeFrameName CodeMap::describe(uint32_t libraryId, uint64_t offset) const {
  std::lock_guard<std::mutex> hold(lock_);
  NativeFrameName result;
  if (libraryId == 0 || libraryId > libraries_.size()) return result;
  Library& library = *libraries_[libraryId - 1];
  result.fileName = library.fileName;
  result.path = library.path;
  result.function = symbolsOf(library).name(offset);
  result.symbolFound = !result.function.empty();
  if (!result.symbolFound) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "+0x%" PRIx64, offset);
    result.function = library.fileName + suffix;
  }
  return result;
}

std::vector<CodeMap::LibraryInfo> CodeMap::libraries() const {
  std::lock_guard<std::mutex> hold(lock_);
  std::vector<LibraryInfo> list;
  for (const auto& library : libraries_) {
    list.push_back(LibraryInfo{library->id, library->path, library->fileName, library->loadBias, library->loaded,
                               library->table != nullptr ? library->table->rowCount() : 0});
  }
  return list;
}

size_t CodeMap::tableBytes() const {
  std::lock_guard<std::mutex> hold(lock_);
  size_t bytes = 0;
  for (const auto& entry : tables_) bytes += entry.second->bytes() + sizeof(UnwindTable);
  return bytes;
}

size_t CodeMap::snapshotBytes() const {
  std::lock_guard<std::mutex> hold(lock_);
  size_t bytes = 0;
  for (const auto& snapshot : snapshots_) bytes += sizeof(Snapshot) + snapshot->ranges.capacity() * sizeof(CodeRange);
  return bytes;
}

size_t CodeMap::symbolBytes() const {
  std::lock_guard<std::mutex> hold(lock_);
  size_t bytes = 0;
  for (const auto& library : libraries_) {
    if (library->symbols != nullptr) bytes += library->symbols->memoryBytes();
  }
  return bytes;
}
