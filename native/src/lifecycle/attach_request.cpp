#include "lifecycle/attach_request.h"

#include <unistd.h>

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lifecycle/options.h"
#include "lifecycle/profile_lifecycle.h"
#include "lifecycle/thread_dump.h"
#include "output/atomic_file.h"
#include "output/collapsed_writer.h"
#include "output/profile_writer.h"

namespace {

// The answer to one attach request, as `key: value` lines for the CLI.
struct Reply {
  bool ok = true;
  std::string message;
  std::vector<std::pair<std::string, std::string>> facts;

  void fail(const std::string& why) {
    ok = false;
    message = why;
  }
  void add(const std::string& key, const std::string& value) { facts.emplace_back(key, value); }

  std::string render() const {
    std::string out = "# jflame attach status\n";
    out += std::string("result: ") + (ok ? "ok" : "error") + "\n";
    out += "message: " + CollapsedWriter::oneLine(message) + "\n";
    for (const auto& kv : facts) out += kv.first + ": " + CollapsedWriter::oneLine(kv.second) + "\n";
    return out;
  }
};

void describeState(Agent& agent, Reply* reply) {
  reply->add("state", agent.running ? "running" : agent.profile.store != nullptr ? "stopped" : "idle");
  if (agent.profile.store == nullptr) return;
  const Profile& profile = agent.profile;
  reply->add("sampling", describeSampling(profile.options));
  std::string kinds;
  for (const std::string& kind : profileKinds(profile.options)) kinds += (kinds.empty() ? "" : "+") + kind;
  reply->add("kinds", kinds);
  if (profile.engine != nullptr) reply->add("event", profile.engine->name());
  if (!profile.fallback.empty()) reply->add("warning", profile.fallback + "; used event=ctimer");
  reply->add("samples", std::to_string(agent.stats.recorded()));
  reply->add("sampled_ms", std::to_string(sampledNs(agent) / 1'000'000));
  reply->add("file", profile.outputPath);
  reply->add("classes", std::to_string(profile.classes));
  reply->add("method_ids_ms", formatMs(profile.methodIdsNs));
  reply->add("start_ms", formatMs(profile.startRequestNs));
}

void handleStart(Agent& agent, JNIEnv* jni, const Options& options, const std::string& optionText,
                 Reply* reply) {
  if (agent.running) {
    if (sameSampling(agent.profile.options, options)) {
      reply->message = "already profiling with the same options (" + describeSampling(options) + ")";
    } else {
      reply->fail("already profiling with other options (" + describeSampling(agent.profile.options) +
                  "); stop that profile first, or start with the same options");
    }
    return;
  }
  std::string path, error;
  if (!resolveOutputPath(options.file, &path, &error)) return reply->fail(error);
  if (!startProfile(agent, jni, options, optionText, path, options.statusFile.empty(), &error)) {
    return reply->fail(error + "; not profiling");
  }
  reply->message = "profiling with " + describeSampling(options) +
                   (agent.profile.engine != nullptr ? std::string(" (event ") + agent.profile.engine->name() + ")" : "");
}

void handleStopOrDump(Agent& agent, JNIEnv* jni, const Options& options, const std::string& optionText,
                      bool stop, Reply* reply) {
  if (!agent.running) {
    return reply->fail(agent.profile.store != nullptr ? "not profiling: the profile was stopped already"
                                                      : "not profiling: nothing was started");
  }
  // A file= given with this request wins over the one named at start.
  std::string path = agent.profile.outputPath, error;
  if (!findOptionValue(optionText.c_str(), "file").empty() && !resolveOutputPath(options.file, &path, &error)) {
    return reply->fail(error);
  }
  if (stop && !stopSampling(agent, &error)) return reply->fail(error);
  std::string summary;
  std::vector<std::string> written;
  if (!writeProfile(agent, jni, path, &summary, &error, &written)) {
    return reply->fail(summary + "; NOT written: " + error);
  }
  bool several = written.size() > 1;
  reply->message = std::string(stop ? "stopped, " : "dumped, ") + summary + (several ? "" : ", wrote " + path);
  for (const std::string& file : written) reply->add("written", file);
}

// livecounts and threaddump: a file= is where the answer goes, in the asker's work directory.
void handleLiveOrThreadDump(Agent& agent, JNIEnv* jni, const Options& options, const std::string& optionText,
                            bool live, Reply* reply) {
  std::string path, error;
  if (findOptionValue(optionText.c_str(), "file").empty()) return reply->fail("file= is needed");
  if (!resolveOutputPath(options.file, &path, &error)) return reply->fail(error);
  bool done = live ? agent.live.answer(agent, jni, path, &reply->facts, &error)
                   : writeThreadDump(agent, jni, path, &reply->facts, &error);
  if (!done) return reply->fail(error);
  reply->message = live ? "live counts written" : "thread dump written";
}

}  // namespace

jint answerAttachRequest(JavaVM* vm, const char* optionText, AgentSource agentFor) {
  std::string text = optionText != nullptr ? optionText : "";
  std::string statusFile = findOptionValue(optionText, "statusfile");
  Reply reply;
  Options options;
  std::string error;
  if (!parseOptions(optionText, &options, &error)) {
    reply.fail(error);
  } else if (Agent* existing = agentFor(vm, &error); existing == nullptr) {
    reply.fail(error);
  } else {
    Agent& agent = *existing;
    std::lock_guard<std::timed_mutex> lock(agent.lifecycle);
    JNIEnv* jni = nullptr;
    vm->GetEnv(reinterpret_cast<void**>(&jni), JNI_VERSION_1_6);
    if (agent.vmDead) {
      reply.fail("the JVM is shutting down");
    } else {
      switch (options.action) {
        case Action::kStart: handleStart(agent, jni, options, text, &reply); break;
        case Action::kStop: handleStopOrDump(agent, jni, options, text, true, &reply); break;
        case Action::kDump: handleStopOrDump(agent, jni, options, text, false, &reply); break;
        case Action::kLive: handleLiveOrThreadDump(agent, jni, options, text, true, &reply); break;
        case Action::kThreadDump: handleLiveOrThreadDump(agent, jni, options, text, false, &reply); break;
        case Action::kStatus:
          reply.message = agent.running ? "profiling" : "not profiling";
          break;
      }
      describeState(agent, &reply);
    }
  }
  reply.add("pid", std::to_string(getpid()));
  if (statusFile.empty()) {
    report(reply.message);
  } else if (!writeFileAtomically(statusFile, reply.render(), &error)) {
    report(reply.message + " (and the status file could not be written: " + error + ")");
  }
  return reply.ok ? JNI_OK : JNI_ERR;
}
