#include "mapped_memory.h"

#include <sys/mman.h>
#include <unistd.h>

MappedMemory::MappedMemory(size_t bytes) {
  if (bytes == 0) return;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return;
  data_ = p;
  size_ = bytes;
}

MappedMemory::~MappedMemory() { release(); }

bool MappedMemory::populate(size_t offset, size_t bytes) {
  if (data_ == nullptr || offset >= size_) return false;
  if (bytes > size_ - offset) bytes = size_ - offset;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t start = offset / page * page;
  size_t end = offset + bytes;
#ifdef MADV_POPULATE_WRITE
  return madvise(static_cast<char*>(data_) + start, end - start, MADV_POPULATE_WRITE) == 0;
#else
  (void)start;
  (void)end;
  return false;
#endif
}

MappedMemory::MappedMemory(MappedMemory&& other) noexcept
    : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

MappedMemory& MappedMemory::operator=(MappedMemory&& other) noexcept {
  if (this != &other) {
    release();
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

void MappedMemory::release() {
  if (data_ != nullptr) munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}
