#pragma once

#include <jni.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lifecycle/agent.h"
#include "output/collapsed_writer.h"

// Writes the profile an Agent has recorded so far: its stacks named (symbols/), under a
// header that accounts for the run (the engine, drops, failed walks, the handler's cost,
// signal delivery), one collapsed file per kind. Called with the lifecycle mutex held,
// once the sampler has drained (a stop) or while it runs (a dump, a checkpoint).

// Writes every kind the profile records: to `path` if one, else one file per kind
// (kindFilePath). *summary: one account per kind; *written: the files.
bool writeProfile(Agent& agent, JNIEnv* jni, const std::string& path, std::string* summary,
                  std::string* error, std::vector<std::string>* written = nullptr);

// The time profile's stacks so far, named as every profile names them. `countOf` (if
// given) maps a trace's recorded count to the count to write, 0 leaving it out, before it is
// named: live counts write only what came since the last look. *unknownMethods: frames that
// could not be named.
using StackCountFn = std::function<uint64_t(const Frame* frames, uint32_t count, uint64_t samples)>;
CollapsedWriter collectStacks(Agent& agent, JNIEnv* jni, uint64_t* unknownMethods,
                              const StackCountFn& countOf = nullptr);

// ns as milliseconds with one decimal ("12.3"), as summaries and attach replies show them.
std::string formatMs(uint64_t ns);
