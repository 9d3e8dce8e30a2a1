#include "stacks/virtual_threads.h"

#include "check.h"

namespace {

const char* const kEnterSpecial = "jdk.internal.vm.Continuation.enterSpecial [native]";

void aRemountedStackGetsTheMarkerAfterEnterSpecial() {
  std::vector<std::string> frames = {"java.util.concurrent.ForkJoinWorkerThread.run", kEnterSpecial, "p.Work.task",
                                     "p.Work.sixty"};
  CHECK(markMissingContinuationFrames(&frames));
  CHECK_EQ(frames.size(), size_t{5});
  CHECK_STR(frames[2], kMissingContinuationFrames);
  CHECK_STR(frames[3], "p.Work.task");
  CHECK(!markMissingContinuationFrames(&frames));  // once only
}

void completeAndOrdinaryStacksStayAsTheyAre() {
  std::vector<std::string> complete = {"x.Carrier.run", kEnterSpecial, "jdk.internal.vm.Continuation.enter",
                                       "jdk.internal.vm.Continuation.enter0", "p.Work.task"};
  CHECK(!markMissingContinuationFrames(&complete));
  CHECK_EQ(complete.size(), size_t{5});
  std::vector<std::string> platform = {"java.lang.Thread.run", "p.Work.task"};
  CHECK(!markMissingContinuationFrames(&platform));
  std::vector<std::string> leafEnterSpecial = {"x.Carrier.run", kEnterSpecial};
  CHECK(!markMissingContinuationFrames(&leafEnterSpecial));
}

}  // namespace

int main() {
  aRemountedStackGetsTheMarkerAfterEnterSpecial();
  completeAndOrdinaryStacksStayAsTheyAre();
  return check::finish("virtual_threads_test");
}
