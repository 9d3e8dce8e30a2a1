#include "lifecycle/method_id_walk.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "support/agent_thread.h"
#include "support/monotonic_clock.h"
#include "support/thread_clock.h"
#include "symbols/symbols.h"

namespace {

constexpr const char* kWalkerName = "jflame method ids";

uint64_t createIdsForLoadedClasses(jvmtiEnv* jvmti, JNIEnv* jni) {
  jint count = 0;
  jclass* classes = nullptr;
  if (jvmti->GetLoadedClasses(&count, &classes) != JVMTI_ERROR_NONE) return 0;
  for (jint i = 0; i < count; ++i) {
    // Classes not yet prepared fail here and come through ClassPrepare later.
    Symbols::createMethodIds(jvmti, classes[i]);
    if (jni != nullptr) jni->DeleteLocalRef(classes[i]);
  }
  jvmti->Deallocate(reinterpret_cast<unsigned char*>(classes));
  return static_cast<uint64_t>(count);
}

// The walk on the calling thread, timed on its CPU clock; `where` gets "<place>, N ms elapsed".
MethodIdWalk timedWalk(jvmtiEnv* jvmti, JNIEnv* jni, const std::string& place) {
  MethodIdWalk walk;
  uint64_t start = monotonicNs();
  uint64_t cpuStart = thread_clock::ofCaller();
  walk.classes = createIdsForLoadedClasses(jvmti, jni);
  walk.ns = thread_clock::ofCaller() - cpuStart;
  walk.where = place + ", " + std::to_string((monotonicNs() - start) / 1000000) + " ms elapsed";
  return walk;
}

struct WalkerTask {
  JavaVM* vm = nullptr;
  jvmtiEnv* jvmti = nullptr;
  bool attached = false;
  MethodIdWalk result;
};

void* walkerBody(void* arg) {
  auto* task = static_cast<WalkerTask*>(arg);
  // Per thread on Linux: setpriority on a tid changes that thread alone. Lowering one's
  // own priority needs no privilege (raising it back would, which is why this is a thread
  // of its own rather than the attach listener lowered for a while).
  pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  if (errno == 0) setpriority(PRIO_PROCESS, static_cast<id_t>(tid), nice + kWalkNiceIncrement);
  errno = 0;
  nice = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  bool niceKnown = errno == 0;
  JNIEnv* jni = nullptr;
  if (!attachToJvmAsDaemon(task->vm, kWalkerName, &jni)) return nullptr;
  task->attached = true;
  task->result = timedWalk(task->jvmti, jni,
                           std::string("thread '") + kWalkerName + "', nice " +
                               (niceKnown ? std::to_string(nice) : std::string("unknown")));
  task->vm->DetachCurrentThread();
  return nullptr;
}

MethodIdWalk walkHere(jvmtiEnv* jvmti, JNIEnv* jni, const std::string& why) {
  return timedWalk(jvmti, jni, "the requesting thread (" + why + ")");
}

}  // namespace

MethodIdWalk walkLoadedClasses(JavaVM* vm, jvmtiEnv* jvmti, JNIEnv* jni) {
  if (vm == nullptr) return walkHere(jvmti, jni, "no JavaVM");
  WalkerTask task;
  task.vm = vm;
  task.jvmti = jvmti;
  pthread_t thread;
  if (startAgentThread(&thread, "jflame-ids", walkerBody, &task) != 0) return walkHere(jvmti, jni, "no walker thread");
  pthread_join(thread, nullptr);
  if (!task.attached) return walkHere(jvmti, jni, "walker thread could not attach to the JVM");
  return task.result;
}
