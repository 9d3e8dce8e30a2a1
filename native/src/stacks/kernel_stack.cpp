#include "stacks/kernel_stack.h"

#include <linux/perf_event.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "symbols/kallsyms.h"

namespace {

// Read when the library loads: a namespace-scope constant needs no guard, while a
// function-local static takes a lock at its first use, and the handler reads rings with it.
const size_t g_pageSize = static_cast<size_t>(sysconf(_SC_PAGESIZE));

size_t pageSize() { return g_pageSize; }

size_t mappingBytes() { return (1 + KernelStacks::kDataPages) * pageSize(); }

uint64_t readWord(const uint8_t* data, uint64_t mask, uint64_t pos) {
  // Records are 8-byte aligned and the ring a power of two: a word never straddles the end.
  uint64_t word;
  std::memcpy(&word, data + (pos & mask), sizeof(word));
  return word;
}

}  // namespace

KernelStacks::~KernelStacks() {
  for (auto& entry : mapped_) unmap(entry.second);
  for (auto& entry : retired_) unmap(entry.first);
}

void KernelStacks::unmap(void* base) { munmap(base, mappingBytes()); }

bool KernelStacks::attach(int tid, int fd) {
  detach(tid);
  // PROT_WRITE: the reader moves data_tail, which tells the kernel the space is free
  // (a read-only mapping makes an overwriting ring, whose newest record is harder to find).
  void* base = mmap(nullptr, mappingBytes(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    ++refused_;
    return false;
  }
  // Touched here so that the handler never takes the page faults (older kernels map perf
  // pages lazily).
  for (size_t off = 0; off < mappingBytes(); off += pageSize()) {
    (void)*static_cast<volatile const uint8_t*>(static_cast<uint8_t*>(base) + off);
  }
  mapped_[tid] = base;
  ++attached_;
  ringBytes_ = mappingBytes();
  if (std::atomic<uintptr_t>* slot = rings_.at(tid)) slot->store(reinterpret_cast<uintptr_t>(base), std::memory_order_release);
  return true;
}

void KernelStacks::detach(int tid) {
  auto it = mapped_.find(tid);
  if (it == mapped_.end()) return;
  if (std::atomic<uintptr_t>* slot = rings_.at(tid)) slot->store(0, std::memory_order_release);
  unmap(it->second);
  mapped_.erase(it);
}

void KernelStacks::retireAll() {
  for (auto& entry : mapped_) {
    if (std::atomic<uintptr_t>* slot = rings_.at(entry.first)) slot->store(0, std::memory_order_release);
    retired_[entry.second] = true;
  }
  mapped_.clear();
}

int KernelStacks::newestCallchain(const uint8_t* data, uint64_t size, uint64_t tail, uint64_t head, uint64_t* ips,
                                  uint32_t max) {
  if (head <= tail || head - tail > size) return -1;  // nothing new, or a ring we cannot trust
  uint64_t mask = size - 1;
  uint64_t newest = 0;
  bool found = false;
  for (uint64_t pos = tail; pos < head;) {
    uint64_t word = readWord(data, mask, pos);
    perf_event_header header;
    std::memcpy(&header, &word, sizeof(header));
    if (header.size < sizeof(header) || (header.size & 7) != 0 || pos + header.size > head) break;
    if (header.type == PERF_RECORD_SAMPLE) {
      newest = pos;
      found = true;
    } else if (header.type == PERF_RECORD_LOST) {
      found = false;  // the samples after the last one written are gone
    }
    pos += header.size;
  }
  if (!found) return -1;
  uint64_t recordSize = readWord(data, mask, newest) >> 48;  // perf_event_header.size
  uint64_t nr = readWord(data, mask, newest + 8);
  if (16 + nr * 8 > recordSize) return -1;
  uint32_t n = 0;
  for (uint64_t i = 0; i < nr && n < max; ++i) {
    uint64_t ip = readWord(data, mask, newest + 16 + i * 8);
    if (ip >= static_cast<uint64_t>(PERF_CONTEXT_MAX)) continue;  // PERF_CONTEXT_KERNEL and the like
    ips[n++] = ip;
  }
  return static_cast<int>(n);
}

uint32_t KernelStacks::framesOf(int tid, Frame* out, uint32_t max) const {
  std::atomic<uintptr_t>* slot = rings_.at(tid);
  uintptr_t base = slot != nullptr ? slot->load(std::memory_order_acquire) : 0;
  if (base == 0 || max == 0) return 0;
  auto* meta = reinterpret_cast<perf_event_mmap_page*>(base);
  const uint8_t* data = reinterpret_cast<const uint8_t*>(base) + pageSize();
  uint64_t size = static_cast<uint64_t>(kDataPages) * pageSize();
  // The kernel's protocol: data_head read with acquire before the records, data_tail
  // written with release after them.
  uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
  uint64_t tail = meta->data_tail;
  uint64_t ips[kMaxFrames];
  int found = newestCallchain(data, size, tail, head, ips, max < kMaxFrames ? max : kMaxFrames);
  __atomic_store_n(&meta->data_tail, head, __ATOMIC_RELEASE);
  if (found <= 0) return 0;
  withFrames_.fetch_add(1, std::memory_order_relaxed);
  if (symbols_ == nullptr || !symbols_->named()) {
    out[0] = pseudoFrame(FrameKind::kKernel, 0);
    return 1;
  }
  uint32_t n = 0;
  for (int i = 0; i < found; ++i) {
    // Past the leaf each pc is a return address: the call itself lies just before it.
    uint64_t pc = i == 0 ? ips[i] : ips[i] - 1;
    out[n++] = pseudoFrame(FrameKind::kKernel, symbols_->functionStart(pc));
  }
  return n;
}

std::string KernelStacks::summary() const {
  return std::to_string(attached_) + " threads with a ring (" + std::to_string(mappingBytes() / 1024) +
         " KB each), " + std::to_string(refused_) + " refused (perf_event_mlock_kb, RLIMIT_MEMLOCK); " +
         std::to_string(samplesWithFrames()) + " samples with kernel frames";
}
