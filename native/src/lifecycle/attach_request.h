#pragma once

#include <jni.h>

#include <string>

#include "lifecycle/agent.h"

// Loaded into a running JVM (Agent_OnAttach), any number of times: the JVM hands every
// load of the same library path to the one copy already in the process, so there is one
// agent, one SIGPROF handler and one trace store however often jflame attaches. Each load
// is a request, `start` (the default), `stop`, `dump` or `status`, answered through a
// status file (`statusfile=`) as `key: value` lines, since Agent_OnAttach can only
// return an int; without a status file the answer goes to the JVM's stderr.

// The process's one Agent, created on the first call; null with *error if this JVM
// cannot host one. Supplied by the entry points, which own the Agent.
using AgentSource = Agent* (*)(JavaVM* vm, std::string* error);

// Answers one attach request: parses `optionText`, takes the lifecycle mutex, starts,
// stops, dumps or describes the profile, and writes the reply. JNI_OK if it succeeded.
jint answerAttachRequest(JavaVM* vm, const char* optionText, AgentSource agentFor);
