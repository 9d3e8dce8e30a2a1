#pragma once

#include <cstdint>
#include <unordered_map>

#include "sampling/engine.h"
#include "sampling/jitter.h"
#include "store/tid_table.h"

// What the CPU engines with one kernel object per thread share (event=ctimer's POSIX
// timer, event=cpu's perf event): the handle of each armed thread, published in a tid
// table so that the handler re-arms only its own thread's, and the bookkeeping that
// disarms one thread or all. Each engine says how a handle is released.
//
// A subclass's destructor must call stop() itself: the base's destructor runs after the
// subclass that knows how to release a handle is gone.
class PerThreadEngine : public Engine {
 public:
  void threadEnded(int tid) override;
  void stop() override;
  uint64_t armFailures() const override { return armFailures_; }

 protected:
  PerThreadEngine(uint64_t intervalNs, Jitter* jitter) : intervalNs_(intervalNs), jitter_(*jitter) {}

  // Frees one handle (timer_delete, close), once no handler can pick it up any more.
  virtual void release(int handle) = 0;
  // At stop() only, before release(): what must happen to a handle still running.
  virtual void quiesce(int handle) { (void)handle; }

  // Makes `handle` tid's, for the handler too: call it once everything else the handler
  // reads for tid is in place.
  void publish(int tid, int handle);

  // Signal-safe: tid's published handle, or -1 if none.
  int handleOf(int tid) const {
    std::atomic<int>* slot = handles_.at(tid);
    return slot != nullptr ? slot->load(std::memory_order_acquire) - 1 : -1;
  }

  bool handlesReserved() const { return handles_.ok(); }

  const uint64_t intervalNs_;
  Jitter& jitter_;
  uint64_t armFailures_ = 0;

 private:
  void unpublish(int tid);

  TidTable<int> handles_;              // handle + 1 per tid, read by the handler
  std::unordered_map<int, int> armed_;  // tid -> handle, off the signal path
};
