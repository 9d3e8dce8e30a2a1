#include "symbols/elf_symbols.h"

#include <elf.h>
#include <link.h>

#include <cstring>

#include "symbols/elf_image.h"

namespace {

// Symbols are read where the file is mapped (ElfImage): libjvm's tables are 4 MB, and a
// copy into fresh memory costs a page fault per page, while mapped pages come from the
// page cache several at a time.
void scanSymbolTable(const ElfImage::Section& symtab, const ElfImage::Section& strtab,
                     const std::vector<std::string>& names, std::vector<uint64_t>* values) {
  if (symtab.data == nullptr || strtab.data == nullptr || symtab.entrySize != sizeof(Elf64_Sym) ||
      strtab.size == 0) {
    return;
  }
  const char* strings = reinterpret_cast<const char*>(strtab.data);
  size_t count = symtab.size / sizeof(Elf64_Sym);
  for (size_t s = 0; s < count; ++s) {
    Elf64_Sym sym;
    std::memcpy(&sym, symtab.data + s * sizeof(Elf64_Sym), sizeof(sym));  // may be misaligned
    if (sym.st_name >= strtab.size || sym.st_value == 0) continue;
    const char* name = strings + sym.st_name;
    size_t room = strtab.size - sym.st_name;  // a damaged table may end without a NUL
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string& wanted = names[i];
      if ((*values)[i] == 0 && wanted.size() < room && name[0] == wanted[0] &&
          std::memcmp(name, wanted.c_str(), wanted.size() + 1) == 0) {
        (*values)[i] = sym.st_value;
      }
    }
  }
}

struct SearchState {
  const char* fileName;
  LoadedObject* out;
  bool found;
};

int visitObject(dl_phdr_info* info, size_t, void* data) {
  SearchState* state = static_cast<SearchState*>(data);
  const char* path = info->dlpi_name;
  if (path == nullptr) return 0;
  const char* slash = std::strrchr(path, '/');
  const char* base = slash != nullptr ? slash + 1 : path;
  if (std::strcmp(base, state->fileName) != 0) return 0;
  LoadedObject& out = *state->out;
  out.path = path;
  out.base = info->dlpi_addr;
  out.codeStart = UINTPTR_MAX;
  out.codeEnd = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (start < out.codeStart) out.codeStart = start;
    if (start + ph.p_memsz > out.codeEnd) out.codeEnd = start + ph.p_memsz;
  }
  state->found = out.codeEnd > out.codeStart;
  return 1;
}

}  // namespace

std::vector<uint64_t> findElfSymbols(const std::string& path, const std::vector<std::string>& names) {
  std::vector<uint64_t> values(names.size(), 0);
  for (const std::string& name : names) {
    if (name.empty()) return values;  // matches nothing, and scanSymbolTable reads name[0]
  }
  ElfImage image = ElfImage::openFile(path);
  if (!image.ok()) return values;
  size_t sections = image.sectionCount();
  for (size_t i = 0; i < sections; ++i) {
    ElfImage::Section table;
    ElfImage::Section strings;
    if (image.section(i, &table) && (table.type == SHT_SYMTAB || table.type == SHT_DYNSYM) &&
        image.section(table.link, &strings)) {
      scanSymbolTable(table, strings, names, &values);
    }
  }
  return values;
}

bool findLoadedObject(const char* fileName, LoadedObject* out) {
  SearchState state{fileName, out, false};
  dl_iterate_phdr(visitObject, &state);
  return state.found;
}
