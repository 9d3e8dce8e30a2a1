#pragma once

// Threads armed from their first instruction: pthread_create, as the JVM and the other
// loaded libraries call it, is redirected to a wrapper that starts the new thread in
// bornThread(), which tells the thread registry (on the new thread, before its own start
// routine runs) and then jumps to that routine. GC workers and JIT compilers, which the JVM
// starts lazily, and short native threads are then sampled from birth instead of from the
// next /proc rescan (which stays as the safety net for anything this misses: threads
// created through a pointer from dlsym, or by libraries loaded without dlopen from a hooked
// object).
//
// The redirection writes the GOT slots of `pthread_create` in every loaded object but
// the one holding this code and the C library and dynamic loader, which define it; and of
// `dlopen` in libjvm, so that JNI libraries (System.loadLibrary) are hooked before they can
// start threads. It stays
// for the life of the process: a profile that stops only clears the callback, which the
// wrapper then skips.
namespace thread_birth {

// Called on each new thread with its tid, before its start routine. Must not return
// before the thread can be sampled.
using Callback = void (*)(int tid);

// Hooks the objects loaded now (idempotent: an object is patched once). Returns how many
// GOT slots were written in all so far.
int hookLoadedObjects();

// Null: new threads start as if unhooked.
void setCallback(Callback callback);

}  // namespace thread_birth
