#pragma once

// Which threads the JVM knows, readable from a signal handler by tid.
//
// The handler must not call JavaVM::GetEnv on a thread that never ran JVM code: GetEnv
// reads libjvm's thread-local storage, and libjvm is dlopen'ed, so the first touch of
// that storage on a thread allocates it with malloc. A native thread of the application
// (a JNI library's worker that never attached) interrupted inside malloc would then
// deadlock in our handler. So the handler asks here first, and a thread not marked is
// sampled as a native thread, named, without calling into the JVM.
//
// Marked: every thread with a JVMTI ThreadStart (Java threads, threads attached through
// JNI), and at each start of a profile every thread alive then (whoever existed at VMInit
// or before an attach was started by the JVM or has had time to run in it; an
// application's native thread that already existed then is the one case left to
// GetEnv). Unmarked at ThreadEnd and when the thread registry sees a tid vanish, so a
// reused tid starts unmarked. A plain tid-indexed table rather than thread_local: a
// thread_local in a dlopen'ed library may itself need __tls_get_addr, which allocates.
namespace jvm_threads {

void started(int tid);
void ended(int tid);

// Marks every thread in /proc/self/task. Not signal-safe (reads a directory).
void markAllAlive();

// Signal-safe: one load from a pre-reserved table.
bool known(int tid);

}  // namespace jvm_threads
