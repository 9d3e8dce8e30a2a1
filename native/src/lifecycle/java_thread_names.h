#pragma once

#include <jni.h>
#include <jvmti.h>

#include <string>
#include <utility>
#include <vector>

// The Java name of every live platform thread, by its OS thread id, read at a start: while
// no profile runs, JVMTI ThreadStart is off (a stopped agent costs a thread start nothing),
// so threads started meanwhile are named here instead.
//
// JVMTI tells no tid for a jthread. HotSpot's exported gHotSpotVMStructs table (the
// serviceability agent's) gives the offsets of Thread::_osthread and OSThread::_thread_id;
// java.lang.Thread.eetop holds the address of the JVM's thread. A thread's fields are read
// only between two reads of its eetop that agree: the JVM clears eetop before it frees the
// thread, and never sets it again for the same Thread object.
//
// Empty if this JVM lacks any of it (then such threads keep their 15-character OS names).
std::vector<std::pair<int, std::string>> liveJavaThreadNames(jvmtiEnv* jvmti, JNIEnv* jni);
