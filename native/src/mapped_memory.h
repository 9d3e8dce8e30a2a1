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
  void* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void release();

  void* data_ = nullptr;
  size_t size_ = 0;
};
