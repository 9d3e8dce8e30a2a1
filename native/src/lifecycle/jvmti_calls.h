#pragma once

#include <jni.h>
#include <jvmti.h>

#include <string>
#include <vector>

// JVMTI calls the lifecycle makes in more than one place, wrapped so that the memory the
// JVM hands out is given back and every failure reads the same way.

// "JVMTI error N (NAME)", for messages that say which call failed.
std::string jvmtiErrorText(jvmtiEnv* jvmti, jvmtiError error);

// A system property of the JVM ("java.vm.name"); empty if unset.
std::string systemProperty(jvmtiEnv* jvmti, const char* key);

// The thread's Java name; empty if the JVM cannot say.
std::string threadName(jvmtiEnv* jvmti, JNIEnv* jni, jthread thread);

// Sets `mode` for each event, globally. Enabling stops at the first failure, with
// *error naming the event; disabling tries them all and always succeeds.
bool setEventModes(jvmtiEnv* jvmti, jvmtiEventMode mode, const std::vector<jvmtiEvent>& events,
                   std::string* error);
