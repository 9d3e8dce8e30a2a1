#pragma once

#include <jni.h>
#include <pthread.h>

#include <cstdint>
#include <string>

// Tells, inside a signal handler, whether the interrupted thread is a JavaThread and gives
// its JNIEnv, without calling into libjvm.
//
// Why not JavaVM::GetEnv: it reads libjvm's C++ thread_local, and on a thread that never
// touched it (an application's native pthread) the first access goes through
// __tls_get_addr, which may call malloc: a deadlock when the signal landed inside malloc.
// HotSpot also keeps the current Thread* under a pthread key of its own
// (ThreadLocalStorage, `_thread_key` in libjvm's .symtab), and pthread_getspecific only
// reads the thread's descriptor: no lock, no allocation. A JavaThread embeds its JNIEnv at
// a fixed offset, and every JNIEnv's first word is the same function table, so a Thread*
// whose word at that offset is that table is a JavaThread; GC workers, the VM thread and
// threads the JVM never saw have another word there or no Thread* at all.
class JavaThreadEnv {
 public:
  // Off the signal path, on a thread attached to the JVM whose JNIEnv is `jni`. `keyAddress`
  // is the address of libjvm's `_thread_key` (0 if the symbol is not there: then the keys
  // in use are probed for this thread's Thread*, which sits just below its JNIEnv).
  bool init(JNIEnv* jni, uintptr_t keyAddress, std::string* error);

  bool ready() const { return ready_; }
  // "symbol _thread_key" or "probed key": how the key was found, for the profile header.
  const char* how() const { return how_; }

  // Signal-safe. The calling thread's Thread*, or 0.
  uintptr_t currentThread() const;
  // Signal-safe, given the word read at `thread + jniOffset()` (the caller reads it through
  // a fault-tolerant load, since a Thread* that is not a JavaThread may be shorter):
  // whether that word marks a JavaThread.
  bool isJniFunctionTable(uintptr_t word) const { return word == functions_; }
  uintptr_t jniOffset() const { return jniOffset_; }

 private:
  pthread_key_t key_ = 0;
  uintptr_t jniOffset_ = 0;
  uintptr_t functions_ = 0;
  bool ready_ = false;
  const char* how_ = "";
};
