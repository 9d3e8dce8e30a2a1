#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "stacks/frame.h"
#include "store/tid_table.h"

class Kallsyms;

// Kernel frames of event=cpu samples: each thread's perf event also records the kernel
// part of its callchain (PERF_SAMPLE_CALLCHAIN, exclude_callchain_user) into a ring
// buffer of its own, mapped here; the handler, on that same thread, reads the newest
// record, which is the overflow that raised its signal (the kernel writes the record in
// the timer interrupt, before the signal is queued). An overflow in user mode records an
// empty chain: no kernel frames.
//
// Ring buffers count against perf_event_mlock_kb and then RLIMIT_MEMLOCK: a thread whose
// buffer is refused samples without kernel frames, counted, never an error.
//
// attach/detach/retireAll run on ordinary threads, serialised by the engine's caller;
// framesOf runs in the signal handler.
class KernelStacks {
 public:
  // Kernel frames one sample records at most (the perf event's sample_max_stack).
  static constexpr uint32_t kMaxFrames = 64;
  // Data pages per ring (a power of two), after the one metadata page.
  static constexpr uint32_t kDataPages = 1;

  explicit KernelStacks(const Kallsyms* symbols) : symbols_(symbols) {}
  ~KernelStacks();
  KernelStacks(const KernelStacks&) = delete;
  KernelStacks& operator=(const KernelStacks&) = delete;

  bool ok() const { return rings_.ok(); }

  // Maps tid's perf event `fd` and publishes it; false (counted) if the kernel refuses.
  bool attach(int tid, int fd);
  // The thread is gone, or it is the caller: no handler can be reading its ring, so it
  // is unmapped at once.
  void detach(int tid);
  // At stop: handlers on other threads may still read their rings until the sampler has
  // drained, so the mappings stay until this object is destroyed.
  void retireAll();

  // Signal-safe: tid's kernel frames of its newest sample, leaf first, into out (room for
  // `max`); consumes the ring. Named (kallsyms) frames are keyed by function start, else
  // one id-0 frame stands for the whole kernel part.
  uint32_t framesOf(int tid, Frame* out, uint32_t max) const;

  // Pure ring reading, for framesOf and tests: the newest PERF_RECORD_SAMPLE between tail
  // and head of `data` (size bytes, a power of two); its callchain without context
  // markers into ips. -1 if there is none, or if records after it were lost (the newest
  // sample is then not this signal's).
  static int newestCallchain(const uint8_t* data, uint64_t size, uint64_t tail, uint64_t head, uint64_t* ips,
                             uint32_t max);

  const Kallsyms* symbols() const { return symbols_; }
  uint64_t ringBytes() const { return ringBytes_; }
  uint64_t attached() const { return attached_; }
  uint64_t refused() const { return refused_; }
  uint64_t samplesWithFrames() const { return withFrames_.load(std::memory_order_relaxed); }
  // "42 threads with a ring (8 KB each), 0 refused; 1234 samples with kernel frames"
  std::string summary() const;

 private:
  void unmap(void* base);

  const Kallsyms* symbols_;
  TidTable<uintptr_t> rings_;                  // tid -> mapping, read by the handler
  std::unordered_map<int, void*> mapped_;      // live mappings, off the signal path
  std::unordered_map<void*, bool> retired_;    // unpublished, unmapped at destruction
  uint64_t ringBytes_ = 0;
  uint64_t attached_ = 0;
  uint64_t refused_ = 0;
  mutable std::atomic<uint64_t> withFrames_{0};
};
