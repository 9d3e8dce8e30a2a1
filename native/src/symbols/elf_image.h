#pragma once

#include <elf.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// A read-only, bounds-checked view of one ELF64 object of the host's byte order: a file
// mapped read-only (owned, unmapped on destruction) or an image already in memory (the
// vDSO, which has no file). Every accessor checks offsets and sizes against the image, so a
// truncated or corrupt object yields "no data" (false, nullptr, empty) and never a read
// outside it. Headers are copied out with memcpy: a corrupt file may put them at
// misaligned offsets. Not for the signal path (it opens files and maps memory).
class ElfImage {
 public:
  struct Section {
    std::string_view name;          // from .shstrtab; empty if that is damaged
    uint32_t type = 0;              // SHT_*
    uint64_t flags = 0;             // SHF_*
    uint64_t address = 0;           // sh_addr: where it is mapped, in the object's vaddr space
    uint64_t size = 0;
    uint32_t link = 0;              // sh_link: e.g. the string table of a symbol table
    uint64_t alignment = 0;
    uint64_t entrySize = 0;
    const uint8_t* data = nullptr;  // the contents; nullptr for SHT_NOBITS or out of the image
  };

  ElfImage() = default;
  ~ElfImage();
  ElfImage(ElfImage&& other) noexcept;
  ElfImage& operator=(ElfImage&& other) noexcept;
  ElfImage(const ElfImage&) = delete;
  ElfImage& operator=(const ElfImage&) = delete;

  // Maps `path` read-only; !ok() if it cannot be opened or is not ELF64 of this machine's
  // byte order.
  static ElfImage openFile(const std::string& path);
  // Views `size` bytes at `base` (not owned; must stay mapped while the view is used).
  static ElfImage inMemory(const void* base, size_t size);
  // The kernel's vDSO of this process (getauxval(AT_SYSINFO_EHDR)), or an empty image.
  static ElfImage vdso();

  bool ok() const { return data_ != nullptr; }
  size_t size() const { return size_; }
  const Elf64_Ehdr& header() const { return header_; }

  // [offset, offset + bytes) of the image, or nullptr if any of it lies outside.
  const uint8_t* bytes(uint64_t offset, uint64_t bytes) const;

  size_t sectionCount() const;
  bool section(size_t index, Section* out) const;
  bool findSection(std::string_view name, Section* out) const;
  bool findSectionOfType(uint32_t type, Section* out) const;  // the first one

  size_t programHeaderCount() const;
  bool programHeader(size_t index, Elf64_Phdr* out) const;

  // The GNU build-id (NT_GNU_BUILD_ID) as lower-case hex, or empty.
  std::string buildId() const;
  // .gnu_debuglink: the debug file's name and the CRC32 of its contents.
  bool debugLink(std::string* fileName, uint32_t* crc) const;

 private:
  void release();
  bool readHeader();
  std::string buildIdInNotes(const uint8_t* notes, uint64_t size, uint64_t alignment) const;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  bool owned_ = false;  // true: data_ is our mmap of a file
  Elf64_Ehdr header_{};
};
