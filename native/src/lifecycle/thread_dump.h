#pragma once

#include <jni.h>

#include <string>
#include <utility>
#include <vector>

#include "lifecycle/agent.h"

// `jflame dump PID`: the stack of every thread of the process, once, taken by signalling
// each thread and walking it in the sampling signal's handler (sampling/stack_snapshot.h),
// so no safepoint is requested. Called by an attach request with the lifecycle mutex held;
// leaves the JVM as it found it (the events a walk needs are turned off again unless a
// profile runs, the handler stays installed as after any profile).
//
// The file, line by line, fields separated by tabs (names made one line, tabs replaced):
//   thread TID JAVA_ID STATE ANSWER NAMED_BY NAME
//   frame NAME                      (leaf first, the thread's frames follow its line)
// JAVA_ID is java.lang.Thread's id or -1; STATE the kernel's state letter (R, S, D, ...)
// or '-'; ANSWER walked, no_java_frames, signal_blocked, no_answer or exited; NAMED_BY java
// (the thread's Java name) or os (its kernel name: at most 15 characters).

// Writes the dump to `path`; *facts gets the counts (threads, answered, ...).
bool writeThreadDump(Agent& agent, JNIEnv* jni, const std::string& path,
                     std::vector<std::pair<std::string, std::string>>* facts, std::string* error);
