#pragma once

#include <memory>
#include <string>

#include "lifecycle/options.h"
#include "sampling/engine.h"
#include "sampling/jitter.h"

// The engine that event= names, built but not started. event=cpu needs perf events,
// which a container's seccomp profile or perf_event_paranoid may refuse: it then becomes
// event=ctimer, and *fallback says why (it is cleared otherwise). `jitter` must outlive
// the engine.
std::unique_ptr<Engine> makeEngine(const Options& options, Jitter* jitter, std::string* fallback);
