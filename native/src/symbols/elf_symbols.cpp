#include "symbols/elf_symbols.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <unistd.h>

#include <cstring>

namespace {

// RAII for the file descriptor.
class File {
 public:
  explicit File(const std::string& path) : fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~File() {
    if (fd_ >= 0) close(fd_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool read(uint64_t offset, void* out, size_t size) const {
    char* p = static_cast<char*>(out);
    while (size > 0) {
      ssize_t n = pread(fd_, p, size, static_cast<off_t>(offset));
      if (n <= 0) return false;
      p += n;
      offset += static_cast<uint64_t>(n);
      size -= static_cast<size_t>(n);
    }
    return true;
  }

 private:
  int fd_;
};

void scanSymbolTable(const File& file, const Elf64_Shdr& symtab, const Elf64_Shdr& strtab,
                     const std::vector<std::string>& names, std::vector<uint64_t>* values) {
  if (symtab.sh_entsize != sizeof(Elf64_Sym) || strtab.sh_size == 0 ||
      strtab.sh_size > (256u << 20) || symtab.sh_size > (256u << 20)) {
    return;
  }
  std::vector<char> strings(strtab.sh_size + 1, '\0');
  std::vector<Elf64_Sym> symbols(symtab.sh_size / sizeof(Elf64_Sym));
  if (!file.read(strtab.sh_offset, strings.data(), strtab.sh_size) ||
      !file.read(symtab.sh_offset, symbols.data(), symbols.size() * sizeof(Elf64_Sym))) {
    return;
  }
  for (const Elf64_Sym& sym : symbols) {
    if (sym.st_name >= strtab.sh_size || sym.st_value == 0) continue;
    const char* name = strings.data() + sym.st_name;
    for (size_t i = 0; i < names.size(); ++i) {
      if ((*values)[i] == 0 && names[i] == name) (*values)[i] = sym.st_value;
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
  File file(path);
  Elf64_Ehdr header;
  if (!file.ok() || !file.read(0, &header, sizeof(header)) ||
      std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_shentsize != sizeof(Elf64_Shdr) || header.e_shnum == 0) {
    return values;
  }
  std::vector<Elf64_Shdr> sections(header.e_shnum);
  if (!file.read(header.e_shoff, sections.data(), sections.size() * sizeof(Elf64_Shdr))) {
    return values;
  }
  for (const Elf64_Shdr& section : sections) {
    if ((section.sh_type == SHT_SYMTAB || section.sh_type == SHT_DYNSYM) &&
        section.sh_link < sections.size()) {
      scanSymbolTable(file, section, sections[section.sh_link], names, &values);
    }
  }
  return values;
}

bool findLoadedObject(const char* fileName, LoadedObject* out) {
  SearchState state{fileName, out, false};
  dl_iterate_phdr(visitObject, &state);
  return state.found;
}
