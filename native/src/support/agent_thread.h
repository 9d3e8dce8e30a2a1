#pragma once

#include <jni.h>
#include <pthread.h>

#include <cstdint>
#include <map>
#include <string>

// Starts one of the agent's own threads (the thread rescan, the wall-clock sampler, the
// method namer, the signal watch) with every asynchronous signal blocked from its first
// instruction, so that no sampling signal ever lands on it. That matters beyond keeping
// the agent out of its own profile: these threads are no JVM threads (the namer attaches
// later), and on JDK 25 `JavaVM::GetEnv` reads libjvm's thread-local storage, whose
// first touch on a thread the JVM never saw allocates with malloc. A signal that
// interrupted our thread inside malloc (opendir, std::string) would then deadlock in the
// handler. Synchronous faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL) stay deliverable.
// The thread carries `name` (at most 15 characters, `jflame-...`: what `top -H` shows) before
// `body` runs, and its CPU time is kept under that name (agentThreadsCpuByName).
// Returns pthread_create's result; once it returns, isAgentThread() knows the thread.
int startAgentThread(pthread_t* thread, const char* name, void* (*body)(void*), void* arg);

// Whether `tid` is one of the threads started above (and still running): engines arm no
// timer for them, and event=wall signals none of them, since the signal stays blocked.
bool isAgentThread(int tid);

// The CPU time all threads started by startAgentThread have used so far, those still
// running and those ended: the agent's cost outside its signal handler, reported in the
// profile's summary beside the handler's own.
uint64_t agentThreadsCpuNs();

// The same, by the names the threads were started with: which of the agent's threads the
// cost went to. Threads of the same name add up.
std::map<std::string, uint64_t> agentThreadsCpuByName();

// Attaches the calling agent thread to the JVM as a daemon named `name` (so it never
// holds up the JVM's exit), for work that needs JNI or JVMTI's method and class
// functions, which hand out local references. *jni is set on success.
bool attachToJvmAsDaemon(JavaVM* vm, const char* name, JNIEnv** jni);
