#include "sampling/engine_factory.h"

#include "sampling/ctimer_engine.h"
#include "sampling/itimer_engine.h"
#include "sampling/perf_engine.h"
#include "sampling/wall_engine.h"

std::unique_ptr<Engine> makeEngine(const Options& options, Jitter* jitter, std::string* fallback) {
  EventKind event = options.event;
  fallback->clear();
  if (event == EventKind::kCpu && !PerfEngine::available(fallback)) event = EventKind::kCtimer;
  uint64_t intervalNs = options.intervalNs;
  switch (event) {
    case EventKind::kWall: return std::make_unique<WallEngine>(intervalNs, samplingSignal(options), jitter);
    case EventKind::kCpu: return std::make_unique<PerfEngine>(intervalNs, jitter, options.kernelFrames, samplingSignal(options));
    case EventKind::kCtimer: return std::make_unique<CtimerEngine>(intervalNs, jitter, samplingSignal(options));
    case EventKind::kItimer: return std::make_unique<ItimerEngine>(intervalNs);
  }
  return nullptr;
}
