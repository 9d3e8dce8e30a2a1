#include "sampling/stats.h"

void Stats::walkFailed(WalkFailure failure) {
  uint32_t i = static_cast<uint32_t>(failure);
  if (i < kWalkFailureKinds) failed_[i].fetch_add(1, std::memory_order_relaxed);
}

void Stats::handlerTime(uint64_t ns) {
  handlerCalls_.fetch_add(1, std::memory_order_relaxed);
  handlerNs_.fetch_add(ns, std::memory_order_relaxed);
  handlerNs99_.record(ns);
  uint64_t max = handlerNsMax_.load(std::memory_order_relaxed);
  while (ns > max &&
         !handlerNsMax_.compare_exchange_weak(max, ns, std::memory_order_relaxed)) {
  }
}

void Stats::reset() {
  recorded_.store(0, std::memory_order_relaxed);
  threadOnly_.store(0, std::memory_order_relaxed);
  threadOnlyUnwalked_.store(0, std::memory_order_relaxed);
  noBuffer_.store(0, std::memory_order_relaxed);
  for (auto& failed : failed_) failed.store(0, std::memory_order_relaxed);
  handlerCalls_.store(0, std::memory_order_relaxed);
  handlerNs_.store(0, std::memory_order_relaxed);
  handlerNsMax_.store(0, std::memory_order_relaxed);
  handlerNs99_.reset();
  handlerCpuCalls_.store(0, std::memory_order_relaxed);
  handlerCpuNs_.store(0, std::memory_order_relaxed);
}

uint64_t Stats::walkFailures(WalkFailure failure) const {
  uint32_t i = static_cast<uint32_t>(failure);
  return i < kWalkFailureKinds ? failed_[i].load(std::memory_order_relaxed) : 0;
}

uint64_t Stats::handlerCpuNsEstimate() const {
  uint64_t timed = handlerCpuCalls_.load(std::memory_order_relaxed);
  if (timed == 0) return 0;
  return static_cast<uint64_t>(static_cast<double>(handlerCpuNs_.load(std::memory_order_relaxed)) /
                               static_cast<double>(timed) * static_cast<double>(handlerCalls()));
}

uint64_t Stats::handlerNsMean() const {
  uint64_t calls = handlerCalls();
  return calls == 0 ? 0 : handlerNsTotal() / calls;
}

std::string Stats::failedWalksSummary() const {
  std::string out;
  for (uint32_t i = 1; i < kWalkFailureKinds; ++i) {
    uint64_t n = failed_[i].load(std::memory_order_relaxed);
    if (n == 0) continue;
    if (!out.empty()) out += ' ';
    out += walkFailureName(static_cast<WalkFailure>(i));
    out += '=';
    out += std::to_string(n);
  }
  return out.empty() ? "none" : out;
}
