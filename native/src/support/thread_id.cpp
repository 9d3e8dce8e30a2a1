#include "support/thread_id.h"

#include <sys/syscall.h>
#include <unistd.h>

namespace {

__thread int t_tid __attribute__((tls_model("initial-exec"))) = 0;

}  // namespace

int callerTid() {
  int tid = t_tid;
  if (tid == 0) {
    tid = static_cast<int>(syscall(SYS_gettid));
    t_tid = tid;
  }
  return tid;
}
