#pragma once

#include <cstddef>

// Anonymous memory reserved once, up front, and committed by the kernel page by page on
// first touch (MAP_NORESERVE). Tables sized for the worst case (every possible tid, a
// full frame arena) therefore cost only what sampling actually touches, and nothing on
// the signal path ever allocates.
class MappedMemory {
 public:
  MappedMemory() = default;
  explicit MappedMemory(size_t bytes);
  ~MappedMemory();
  MappedMemory(MappedMemory&& other) noexcept;
  MappedMemory& operator=(MappedMemory&& other) noexcept;
  MappedMemory(const MappedMemory&) = delete;
  MappedMemory& operator=(const MappedMemory&) = delete;

  bool ok() const { return data_ != nullptr; }

  // Commits the pages of [offset, offset + bytes) now, as a write would, without changing
  // their contents (MADV_POPULATE_WRITE, Linux 5.14+; false where it is not supported):
  // safe while other threads write there. A signal handler that would otherwise take the
  // page fault (5-40 us in a VM) then finds the page present.
  bool populate(size_t offset, size_t bytes);
  void* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void release();

  void* data_ = nullptr;
  size_t size_ = 0;
};
