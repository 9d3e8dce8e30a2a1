#pragma once

#include <jni.h>

#include <cstdint>
#include <functional>
#include <string>

#include "support/periodic_thread.h"

// checkpoint=: rewrites the profile file every period while a profile runs, so that a JVM
// that cannot write it at its end (SIGKILL, the OOM killer, -Xrs, a hanging shutdown hook)
// still leaves everything up to the last checkpoint. Each write is the whole profile so
// far, through a temp file and a rename, like the final one: a reader never sees half a file.
//
// The thread attaches to the JVM as a daemon (writing names methods through JVMTI). The
// write itself is the agent's: it must give up rather than wait when the profile's
// lifecycle lock is taken, because a stop holding that lock joins this thread.
class CheckpointThread {
 public:
  using Write = std::function<void(JNIEnv*)>;

  CheckpointThread() = default;
  CheckpointThread(const CheckpointThread&) = delete;
  CheckpointThread& operator=(const CheckpointThread&) = delete;

  bool start(JavaVM* vm, uint64_t periodNs, Write write, std::string* error);

  // Stops and joins the thread (a write in progress finishes first).
  void stop();

 private:
  JavaVM* vm_ = nullptr;
  JNIEnv* jni_ = nullptr;  // the thread's own, once attached
  Write write_;
  PeriodicThread thread_;
};
