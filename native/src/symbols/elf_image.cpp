#include "symbols/elf_image.h"

#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace {

// Copies a T from [offset, offset + sizeof(T)) of the image; false if outside.
template <typename T>
bool copyOut(const ElfImage& image, uint64_t offset, T* out) {
  const uint8_t* p = image.bytes(offset, sizeof(T));
  if (p == nullptr) return false;
  std::memcpy(out, p, sizeof(T));
  return true;
}

uint64_t alignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

}  // namespace

ElfImage::~ElfImage() { release(); }

ElfImage::ElfImage(ElfImage&& other) noexcept
    : data_(other.data_), size_(other.size_), owned_(other.owned_), header_(other.header_) {
  other.data_ = nullptr;
  other.size_ = 0;
  other.owned_ = false;
}

ElfImage& ElfImage::operator=(ElfImage&& other) noexcept {
  if (this != &other) {
    release();
    data_ = other.data_;
    size_ = other.size_;
    owned_ = other.owned_;
    header_ = other.header_;
    other.data_ = nullptr;
    other.size_ = 0;
    other.owned_ = false;
  }
  return *this;
}

void ElfImage::release() {
  if (owned_ && data_ != nullptr) munmap(const_cast<uint8_t*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
  owned_ = false;
}

ElfImage ElfImage::openFile(const std::string& path) {
  ElfImage image;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return image;
  struct stat info {};
  if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
      info.st_size >= static_cast<off_t>(sizeof(Elf64_Ehdr))) {
    void* mapped = mmap(nullptr, static_cast<size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped != MAP_FAILED) {
      image.data_ = static_cast<const uint8_t*>(mapped);
      image.size_ = static_cast<size_t>(info.st_size);
      image.owned_ = true;
    }
  }
  close(fd);
  if (image.data_ != nullptr && !image.readHeader()) image.release();
  return image;
}

ElfImage ElfImage::inMemory(const void* base, size_t size) {
  ElfImage image;
  if (base == nullptr || size < sizeof(Elf64_Ehdr)) return image;
  image.data_ = static_cast<const uint8_t*>(base);
  image.size_ = size;
  if (!image.readHeader()) image.release();
  return image;
}

ElfImage ElfImage::vdso() {
  auto base = static_cast<uintptr_t>(getauxval(AT_SYSINFO_EHDR));
  if (base == 0) return ElfImage();
  // The vDSO's extent is not published; its headers (trusted: the kernel wrote them) say
  // how far the file image reaches, and all of that is mapped.
  ElfImage headerOnly = inMemory(reinterpret_cast<const void*>(base), sizeof(Elf64_Ehdr));
  if (!headerOnly.ok()) return ElfImage();
  const Elf64_Ehdr& h = headerOnly.header();
  uint64_t end = uint64_t{h.e_shoff} + uint64_t{h.e_shnum} * h.e_shentsize;
  uint64_t phEnd = uint64_t{h.e_phoff} + uint64_t{h.e_phnum} * h.e_phentsize;
  if (phEnd > end) end = phEnd;
  for (uint16_t i = 0; i < h.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, reinterpret_cast<const uint8_t*>(base) + h.e_phoff + i * sizeof(Elf64_Phdr), sizeof ph);
    if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > end) end = ph.p_offset + ph.p_filesz;
  }
  return inMemory(reinterpret_cast<const void*>(base), end);
}

bool ElfImage::readHeader() {
  if (size_ < sizeof(Elf64_Ehdr)) return false;
  std::memcpy(&header_, data_, sizeof header_);
  const unsigned char* ident = header_.e_ident;
  if (std::memcmp(ident, ELFMAG, SELFMAG) != 0 || ident[EI_CLASS] != ELFCLASS64) return false;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (ident[EI_DATA] != ELFDATA2LSB) return false;
#else
  if (ident[EI_DATA] != ELFDATA2MSB) return false;
#endif
  return true;
}

const uint8_t* ElfImage::bytes(uint64_t offset, uint64_t bytes) const {
  if (data_ == nullptr || offset > size_ || bytes > size_ - offset) return nullptr;
  return data_ + offset;
}

size_t ElfImage::sectionCount() const {
  if (!ok() || header_.e_shentsize != sizeof(Elf64_Shdr)) return 0;
  return header_.e_shnum;
}

bool ElfImage::section(size_t index, Section* out) const {
  if (index >= sectionCount()) return false;
  Elf64_Shdr sh;
  if (!copyOut(*this, header_.e_shoff + index * sizeof(Elf64_Shdr), &sh)) return false;
  *out = Section();
  out->type = sh.sh_type;
  out->flags = sh.sh_flags;
  out->address = sh.sh_addr;
  out->size = sh.sh_size;
  out->link = sh.sh_link;
  out->alignment = sh.sh_addralign;
  out->entrySize = sh.sh_entsize;
  if (sh.sh_type != SHT_NOBITS) out->data = bytes(sh.sh_offset, sh.sh_size);

  Elf64_Shdr names;
  if (header_.e_shstrndx < sectionCount() &&
      copyOut(*this, header_.e_shoff + header_.e_shstrndx * sizeof(Elf64_Shdr), &names) &&
      sh.sh_name < names.sh_size) {
    const uint8_t* table = bytes(names.sh_offset, names.sh_size);
    if (table != nullptr) {
      const char* start = reinterpret_cast<const char*>(table) + sh.sh_name;
      size_t room = names.sh_size - sh.sh_name;
      out->name = std::string_view(start, strnlen(start, room));
    }
  }
  return true;
}

bool ElfImage::findSection(std::string_view name, Section* out) const {
  for (size_t i = 0; i < sectionCount(); ++i) {
    if (section(i, out) && out->name == name) return true;
  }
  return false;
}

bool ElfImage::findSectionOfType(uint32_t type, Section* out) const {
  for (size_t i = 0; i < sectionCount(); ++i) {
    if (section(i, out) && out->type == type) return true;
  }
  return false;
}

size_t ElfImage::programHeaderCount() const {
  if (!ok() || header_.e_phentsize != sizeof(Elf64_Phdr)) return 0;
  return header_.e_phnum;
}

bool ElfImage::programHeader(size_t index, Elf64_Phdr* out) const {
  if (index >= programHeaderCount()) return false;
  return copyOut(*this, header_.e_phoff + index * sizeof(Elf64_Phdr), out);
}

std::string ElfImage::buildIdInNotes(const uint8_t* notes, uint64_t size, uint64_t alignment) const {
  // Note entries: namesz, descsz, type, then name and desc each padded to the alignment
  // (4 for classic notes; 8 for sections aligned to 8, such as .note.gnu.property).
  alignment = alignment == 8 ? 8 : 4;
  uint64_t at = 0;
  while (size >= sizeof(Elf64_Nhdr) && at <= size - sizeof(Elf64_Nhdr)) {
    Elf64_Nhdr note;
    std::memcpy(&note, notes + at, sizeof note);
    uint64_t nameAt = at + sizeof note;
    uint64_t descAt = nameAt + alignUp(note.n_namesz, alignment);
    uint64_t next = descAt + alignUp(note.n_descsz, alignment);
    if (descAt > size || note.n_descsz > size - descAt || next <= at) break;
    if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
        std::memcmp(notes + nameAt, "GNU", 4) == 0) {
      static const char kHex[] = "0123456789abcdef";
      std::string hex;
      for (uint32_t i = 0; i < note.n_descsz; ++i) {
        hex += kHex[notes[descAt + i] >> 4];
        hex += kHex[notes[descAt + i] & 15];
      }
      return hex;
    }
    at = next;
  }
  return std::string();
}

std::string ElfImage::buildId() const {
  Section s;
  for (size_t i = 0; i < sectionCount(); ++i) {
    if (section(i, &s) && s.type == SHT_NOTE && s.data != nullptr) {
      std::string id = buildIdInNotes(s.data, s.size, s.alignment);
      if (!id.empty()) return id;
    }
  }
  // No section headers (or none left): the PT_NOTE segments hold the same notes.
  Elf64_Phdr ph;
  for (size_t i = 0; i < programHeaderCount(); ++i) {
    if (!programHeader(i, &ph) || ph.p_type != PT_NOTE) continue;
    const uint8_t* notes = bytes(ph.p_offset, ph.p_filesz);
    if (notes == nullptr) continue;
    std::string id = buildIdInNotes(notes, ph.p_filesz, ph.p_align);
    if (!id.empty()) return id;
  }
  return std::string();
}

bool ElfImage::debugLink(std::string* fileName, uint32_t* crc) const {
  // .gnu_debuglink: a NUL-terminated file name, padded to 4, then the CRC32.
  Section s;
  if (!findSection(".gnu_debuglink", &s) || s.data == nullptr) return false;
  const char* name = reinterpret_cast<const char*>(s.data);
  size_t length = strnlen(name, s.size);
  uint64_t crcAt = alignUp(length + 1, 4);
  if (length == 0 || length == s.size || crcAt + 4 > s.size) return false;
  fileName->assign(name, length);
  std::memcpy(crc, s.data + crcAt, 4);
  return true;
}
