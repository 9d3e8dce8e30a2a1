#include "stacks/virtual_threads.h"

namespace {

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

bool markMissingContinuationFrames(std::vector<std::string>* rootFirst) {
  std::vector<std::string>& frames = *rootFirst;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (!startsWith(frames[i], "jdk.internal.vm.Continuation.enterSpecial")) continue;
    if (i + 1 >= frames.size()) return false;  // the walk ended here: nothing above to misplace
    const std::string& next = frames[i + 1];
    if (startsWith(next, "jdk.internal.vm.Continuation.enter") || next == kMissingContinuationFrames) return false;
    frames.insert(frames.begin() + static_cast<std::ptrdiff_t>(i) + 1, kMissingContinuationFrames);
    return true;
  }
  return false;
}
