#include "stacks/java_thread_env.h"

#include <limits.h>

namespace {

// A JavaThread's JNIEnv lies within its first few KB (the Thread object's fields).
constexpr uintptr_t kMaxJniOffset = 16 * 1024;

bool plausibleOffset(uintptr_t thread, uintptr_t jni) {
  return thread != 0 && jni > thread && jni - thread < kMaxJniOffset && (thread % alignof(void*)) == 0;
}

}  // namespace

bool JavaThreadEnv::init(JNIEnv* jni, uintptr_t keyAddress, std::string* error) {
  uintptr_t env = reinterpret_cast<uintptr_t>(jni);
  if (keyAddress != 0) {
    pthread_key_t key = *reinterpret_cast<const pthread_key_t*>(keyAddress);
    uintptr_t thread = reinterpret_cast<uintptr_t>(pthread_getspecific(key));
    if (plausibleOffset(thread, env)) {
      key_ = key;
      jniOffset_ = env - thread;
      how_ = "libjvm's ThreadLocalStorage key (_thread_key)";
    }
  }
  if (jniOffset_ == 0) {
    // Keys are small integers handed out in order; libjvm creates its key early.
    for (pthread_key_t key = 0; key < PTHREAD_KEYS_MAX; ++key) {
      uintptr_t thread = reinterpret_cast<uintptr_t>(pthread_getspecific(key));
      if (plausibleOffset(thread, env)) {
        key_ = key;
        jniOffset_ = env - thread;
        how_ = "a probed pthread key";
        break;
      }
    }
  }
  if (jniOffset_ == 0) {
    *error = "cannot find the JVM's current-thread key (no _thread_key symbol in libjvm, and no key holds this thread)";
    return false;
  }
  functions_ = reinterpret_cast<uintptr_t>(jni->functions);
  ready_ = true;
  return true;
}

uintptr_t JavaThreadEnv::currentThread() const {
  if (!ready_) return 0;
  return reinterpret_cast<uintptr_t>(pthread_getspecific(key_));
}
