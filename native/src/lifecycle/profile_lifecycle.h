#pragma once

#include <jni.h>

#include <string>

#include "lifecycle/agent.h"
#include "lifecycle/options.h"

// A profile runs from a start to its stop:
//   start  enable ClassLoad/ClassPrepare/CompiledMethodLoad, create method ids for the
//          classes already loaded (off the signal path, before any timer is armed), arm
//          the engine for every thread
//   stop   wait for handlers in flight, disarm every timer, write the profile, disable
//          the events again: the JVM then runs as if no agent were there
// All of it with the agent's lifecycle mutex held. The signal handler never takes it:
// stopping clears the sampler's `enabled` flag and waits for handlers in flight before
// anything they use is freed (signal_handler.h).

// file=PATTERN expanded for this process (%p) and made absolute, so that a later
// change of the JVM's working directory cannot move the profile.
bool resolveOutputPath(const std::string& pattern, std::string* path, std::string* error);

// Starts sampling as `options` say. Called with the lifecycle mutex held, not running.
// A start that fails part-way undoes what it did and says why in *error.
bool startProfile(Agent& agent, JNIEnv* jni, const Options& options, const std::string& optionText,
                  const std::string& outputPath, bool verbose, std::string* error);

// Ends signal sampling: the handlers stop recording and those in flight are waited for
// (at most drainTimeoutMs), and only then does the registry disarm the engine for every
// thread (closing perf fds, deleting timers). False if the handlers did not drain: then
// nothing is released.
bool drainThenDisarm(ThreadRegistry& registry, int drainTimeoutMs);

// Waits for the handlers in flight, then disarms every timer. False if they did not drain:
// then the store must not be read, nor anything freed, and no new start is allowed.
bool stopSampling(Agent& agent, std::string* error);

// For requests that walk stacks without a profile (a thread dump): what a start does first,
// each on its own. The crash guard and the handler of `signo`, installed for good; the
// events AsyncGetCallTrace needs (on: ClassLoad, ClassPrepare, CompiledMethodLoad), and
// method ids for every class loaded so far (the number of classes).
bool installSamplingHandler(Agent& agent, int signo, std::string* error);
bool setSamplingEvents(Agent& agent, bool enable, std::string* error);
uint64_t createMethodIdsForLoadedClasses(Agent& agent, JNIEnv* jni);
// How the handler tells JavaThreads (found once), and the code map for native frames, made
// current now unless a running profile's watch keeps it so (the first build takes ~0.3 s).
void prepareStackWalks(Agent& agent, JNIEnv* jni);

// VMDeath: stops a running profile and writes it. It is posted on every orderly exit:
// return from main, System.exit (also from a worker thread), Runtime.halt and
// SIGTERM/SIGINT (all reach before_exit()).
void finishAtExit(Agent& agent, JNIEnv* jni);
