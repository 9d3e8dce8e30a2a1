#pragma once

// Test helper: maps an ELF file's PT_LOAD segments read-only at their vaddrs, as the
// dynamic loader would (without relocating or running anything), so an UnwindTable can
// be built for a library that must not really be loaded (a second libjvm.so).

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "symbols/elf_image.h"

class LoadedImage {
 public:
  explicit LoadedImage(const std::string& path) {
    ElfImage file = ElfImage::openFile(path);
    if (!file.ok()) return;
    uint64_t span = 0;
    Elf64_Phdr ph;
    for (size_t i = 0; i < file.programHeaderCount(); ++i) {
      if (!file.programHeader(i, &ph)) return;
      headers_.push_back(ph);
      if (ph.p_type == PT_LOAD && ph.p_vaddr + ph.p_memsz > span) span = ph.p_vaddr + ph.p_memsz;
    }
    void* base = mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return;
    base_ = reinterpret_cast<uintptr_t>(base);
    span_ = span;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    for (const Elf64_Phdr& h : headers_) {
      if (h.p_type != PT_LOAD || h.p_filesz == 0) continue;
      uintptr_t start = (base_ + h.p_vaddr) & ~(page - 1);
      uint64_t offset = h.p_offset & ~uint64_t{page - 1};
      size_t length = base_ + h.p_vaddr + h.p_filesz - start;
      mmap(reinterpret_cast<void*>(start), length, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, static_cast<off_t>(offset));
    }
    close(fd);
  }
  ~LoadedImage() {
    if (base_ != 0) munmap(reinterpret_cast<void*>(base_), span_);
  }
  LoadedImage(const LoadedImage&) = delete;
  LoadedImage& operator=(const LoadedImage&) = delete;

  bool ok() const { return base_ != 0; }
  uintptr_t loadBias() const { return base_; }
  const Elf64_Phdr* programHeaders() const { return headers_.data(); }
  size_t programHeaderCount() const { return headers_.size(); }

 private:
  uintptr_t base_ = 0;
  size_t span_ = 0;
  std::vector<Elf64_Phdr> headers_;
};
