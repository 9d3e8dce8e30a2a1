#include "symbols/native_symbols.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "symbols/readable_name.h"

namespace {

bool fileExists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

std::string directoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

// A debug file qualifies if it has a .symtab and, when both carry one, the same build-id.
bool matchesDebugFile(const std::string& candidate, const std::string& buildId) {
  if (!fileExists(candidate)) return false;
  ElfImage debug = ElfImage::openFile(candidate);
  ElfImage::Section symtab;
  if (!debug.ok() || !debug.findSectionOfType(SHT_SYMTAB, &symtab)) return false;
  std::string debugId = debug.buildId();
  return buildId.empty() || debugId.empty() || debugId == buildId;
}

}  // namespace

std::string findDebugFile(const std::string& path, const ElfImage& image, const DebugFileSearch& search) {
  std::string buildId = image.buildId();
  if (buildId.size() > 2) {
    std::string byId = search.debugRoot + "/.build-id/" + buildId.substr(0, 2) + "/" + buildId.substr(2) + ".debug";
    if (matchesDebugFile(byId, buildId)) return byId;
  }
  std::string link;
  uint32_t crc = 0;
  if (image.debugLink(&link, &crc) && link.find('/') == std::string::npos) {
    std::string dir = directoryOf(path);
    for (const std::string& candidate : {dir + "/" + link, dir + "/.debug/" + link, search.debugRoot + dir + "/" + link}) {
      // The object itself may be named like its link; it is stripped, so never the answer.
      if (candidate != path && matchesDebugFile(candidate, buildId)) return candidate;
    }
  }
  return std::string();
}

NativeSymbols::NativeSymbols(const std::string& path, const DebugFileSearch& search) {
  ElfImage image = ElfImage::openFile(path);
  if (!image.ok()) return;
  ElfImage::Section section;
  if (image.findSectionOfType(SHT_SYMTAB, &section)) {
    addFunctions(image, SHT_SYMTAB);
    source_ = Source::kSymtab;
  } else {
    addFunctions(image, SHT_DYNSYM);
    source_ = symbols_.empty() ? Source::kNone : Source::kDynsym;
    std::string debugPath = findDebugFile(path, image, search);
    if (!debugPath.empty()) {
      addFunctions(ElfImage::openFile(debugPath), SHT_SYMTAB);
      source_ = Source::kDebugFile;
      debugFile_ = debugPath;
    }
  }
  finish();
}

NativeSymbols::NativeSymbols(const ElfImage& image) {
  ElfImage::Section section;
  uint32_t type = image.findSectionOfType(SHT_SYMTAB, &section) ? SHT_SYMTAB : SHT_DYNSYM;
  addFunctions(image, type);
  if (!symbols_.empty()) source_ = type == SHT_SYMTAB ? Source::kSymtab : Source::kDynsym;
  finish();
}

const char* NativeSymbols::sourceName(Source source) {
  switch (source) {
    case Source::kSymtab: return ".symtab";
    case Source::kDebugFile: return "debug file";
    case Source::kDynsym: return ".dynsym";
    case Source::kNone: break;
  }
  return "none";
}

void NativeSymbols::addFunctions(const ElfImage& image, uint32_t tableType) {
  ElfImage::Section table, strings, owner;
  if (!image.findSectionOfType(tableType, &table) || table.data == nullptr ||
      !image.section(table.link, &strings) || strings.data == nullptr) {
    return;
  }
  size_t count = table.size / sizeof(Elf64_Sym);
  const char* text = reinterpret_cast<const char*>(strings.data);
  for (size_t i = 1; i < count; ++i) {
    Elf64_Sym sym;
    std::memcpy(&sym, table.data + i * sizeof(Elf64_Sym), sizeof sym);
    int type = ELF64_ST_TYPE(sym.st_info);
    if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
        sym.st_value == 0 || sym.st_name >= strings.size) {
      continue;
    }
    size_t length = strnlen(text + sym.st_name, strings.size - sym.st_name);
    if (length == 0 || names_.size() + length + 1 > UINT32_MAX) continue;
    Symbol s{};
    s.start = sym.st_value;
    s.sized = sym.st_size != 0;
    s.end = sym.st_value + sym.st_size;
    // A zero-size symbol ends with its section at the latest (the next symbol, in finish()).
    if (!s.sized) {
      bool inSection = sym.st_shndx < SHN_LORESERVE && image.section(sym.st_shndx, &owner) &&
                       s.start >= owner.address && s.start < owner.address + owner.size;
      s.end = inSection ? owner.address + owner.size : UINT64_MAX;
    }
    int binding = ELF64_ST_BIND(sym.st_info);
    s.global = binding == STB_GLOBAL ? 2 : binding == STB_WEAK ? 1 : 0;  // preferred among aliases
    s.nameOffset = static_cast<uint32_t>(names_.size());
    names_.append(text + sym.st_name, length);
    names_.push_back('\0');
    symbols_.push_back(s);
  }
}

void NativeSymbols::finish() {
  // Aliases share a start: keep one, preferring a sized, then a global, then a weak symbol.
  std::sort(symbols_.begin(), symbols_.end(), [](const Symbol& a, const Symbol& b) {
    if (a.start != b.start) return a.start < b.start;
    if (a.sized != b.sized) return a.sized > b.sized;
    return a.global > b.global;
  });
  symbols_.erase(std::unique(symbols_.begin(), symbols_.end(),
                             [](const Symbol& a, const Symbol& b) { return a.start == b.start; }),
                 symbols_.end());
  for (size_t i = 0; i + 1 < symbols_.size(); ++i) {
    if (!symbols_[i].sized) symbols_[i].end = std::min(symbols_[i].end, symbols_[i + 1].start);
  }
  // shrink_to_fit() is a no-op in libstdc++ without exceptions: copy to an exact fit.
  std::vector<Symbol>(symbols_.begin(), symbols_.end()).swap(symbols_);
  std::string(names_).swap(names_);
}

int NativeSymbols::indexOf(uint64_t vaddr) const {
  auto after = std::upper_bound(symbols_.begin(), symbols_.end(), vaddr,
                                [](uint64_t a, const Symbol& s) { return a < s.start; });
  if (after == symbols_.begin()) return -1;
  const Symbol& s = *(after - 1);
  return vaddr < s.end ? static_cast<int>(after - 1 - symbols_.begin()) : -1;
}

std::string_view NativeSymbols::linkerName(uint64_t vaddr) const {
  int index = indexOf(vaddr);
  if (index < 0) return std::string_view();
  return std::string_view(names_.c_str() + symbols_[index].nameOffset);
}

std::string NativeSymbols::name(uint64_t vaddr) const {
  int index = indexOf(vaddr);
  if (index < 0) return std::string();
  std::lock_guard<std::mutex> hold(cacheLock_);
  auto found = readable_.find(static_cast<uint32_t>(index));
  if (found != readable_.end()) return found->second;
  std::string readable = readableSymbolName(names_.c_str() + symbols_[index].nameOffset);
  readableBytes_ += readable.capacity() + sizeof(std::pair<const uint32_t, std::string>) + 2 * sizeof(void*);
  readable_.emplace(static_cast<uint32_t>(index), readable);
  return readable;
}

uint64_t NativeSymbols::valueOf(std::string_view linkerName) const {
  for (const Symbol& s : symbols_) {
    if (linkerName == names_.c_str() + s.nameOffset) return s.start;
  }
  return 0;
}

size_t NativeSymbols::memoryBytes() const {
  std::lock_guard<std::mutex> hold(cacheLock_);
  return symbols_.capacity() * sizeof(Symbol) + names_.capacity() + readableBytes_;
}
