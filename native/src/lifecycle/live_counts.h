#pragma once

#include <jni.h>

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stacks/frame.h"

struct Agent;

// `jflame top PID`: the counts of the running profile since the asker's last look, without
// stopping the profile and without writing all of it each time. Each asker (told apart by
// the file it wants the counts in, which lies in its private work directory) has a
// baseline: the count of every trace it was sent, and the sampler's totals. A `livecounts`
// request writes only the traces that grew since, by how much, named as every profile
// names its frames (profile_writer.h), and moves the baseline on. Touched only with the
// lifecycle mutex held.
class LiveCounts {
 public:
  // Writes the counts since the asker's last request (the first: since the profile began)
  // to `path` as collapsed stacks; *facts gets the window's numbers: window_ms,
  // window_samples, handler_ns, handler_calls, drops, cpu_ns, agent_threads_ns (all for
  // the window), samples and elapsed_ms (since the start), threads (alive now), event,
  // interval_ns, thread_frames (whether stacks carry their thread).
  bool answer(Agent& agent, JNIEnv* jni, const std::string& path,
              std::vector<std::pair<std::string, std::string>>* facts, std::string* error);

 private:
  struct Baseline {
    uint64_t generation = 0;  // Profile::storeGeneration it belongs to
    std::unordered_map<const Frame*, uint64_t> traces;  // a trace's frames never move
    uint64_t handlerNs = 0;
    uint64_t handlerCalls = 0;
    uint64_t drops = 0;
    uint64_t cpuNs = 0;
    uint64_t agentThreadsNs = 0;
    uint64_t atNs = 0;
    uint64_t lastUse = 0;  // request number, to forget the askers that went away
  };
  static constexpr size_t kMaxAskers = 8;

  std::map<std::string, Baseline> askers_;
  uint64_t requests_ = 0;
};
