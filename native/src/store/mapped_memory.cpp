#include "store/mapped_memory.h"

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
  const size_t pageSize = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t start = offset / pageSize * pageSize;
  size_t end = offset + bytes;
#ifdef MADV_POPULATE_WRITE
  char* base = static_cast<char*>(data_);
  if (madvise(base + start, end - start, MADV_POPULATE_WRITE) != 0) return false;
  // Then one read per page. Measured in this VM: a random first write to 3 MB of fresh
  // memory cost 13 us; after MADV_POPULATE_WRITE alone still 7 us; after the populate
  // and a read of each page 0.3 us, and still 0.4 us five seconds later. A read never
  // changes what a concurrent writer put there.
  volatile const char* page = base + start;
  for (size_t at = start; at < end; at += pageSize) (void)page[at - start];
  return true;
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
