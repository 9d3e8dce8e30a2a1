#include "lifecycle/checkpoint_thread.h"

#include "support/agent_thread.h"

bool CheckpointThread::start(JavaVM* vm, uint64_t periodNs, Write write, std::string* error) {
  stop();
  vm_ = vm;
  write_ = std::move(write);
  PeriodicThread::Work work;
  work.begin = [this] { return attachToJvmAsDaemon(vm_, "jflame checkpoint", &jni_); };
  work.tick = [this] { write_(jni_); };
  work.end = [this] { vm_->DetachCurrentThread(); };
  return thread_.start("checkpoint", "jflame-checkpt", static_cast<int>(periodNs / 1'000'000), std::move(work), error);
}

void CheckpointThread::stop() { thread_.stop(); }
