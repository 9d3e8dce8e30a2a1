#include "symbols/method_namer.h"

#include "stacks/frame.h"
#include "store/trace_store.h"
#include "support/agent_thread.h"

MethodNamer::~MethodNamer() { stop(); }

bool MethodNamer::start(JavaVM* vm, jvmtiEnv* jvmti, TraceStore* store, bool lines, std::string* error) {
  stop();
  vm_ = vm;
  jvmti_ = jvmti;
  store_ = store;
  lines_ = lines;
  next_ = 0;
  periodMs_ = kPollMs;
  looks_.store(0, std::memory_order_relaxed);
  attaches_.store(0, std::memory_order_relaxed);
  settled_.clear();  // this profile's `lines` may want more than an earlier one named
  PeriodicThread::Work work;
  work.nextPeriodMs = [this] { return periodMs_; };
  work.tick = [this] { look(); };
  work.end = [this] { look(); };  // what the last few milliseconds added, while the JVM still answers
  return thread_.start("method namer", "jflame-namer", kPollMs, std::move(work), error);
}

void MethodNamer::stop() { thread_.stop(); }

bool MethodNamer::lookup(jmethodID id, bool lines, Symbols::Method* out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = names_.find(id);
  if (it == names_.end() || it->second.name.empty() || (lines && !it->second.withLines)) return false;
  *out = it->second;
  return true;
}

uint64_t MethodNamer::named() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return named_;
}

uint64_t MethodNamer::alreadyUnloaded() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return alreadyUnloaded_;
}

void MethodNamer::collectUnnamed(const Frame* frames, uint32_t count, std::unordered_set<jmethodID>* unnamed) {
  for (uint32_t i = 0; i < count; ++i) {
    if (frames[i].kind != FrameKind::kJava || frames[i].id == 0) continue;
    jmethodID id = reinterpret_cast<jmethodID>(frames[i].id);
    // Most frames of a new trace are methods seen before: answered without the lock.
    if (settled_.count(id) != 0) continue;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = names_.find(id);
      // Named by an earlier profile (names are kept for the agent's life).
      if (it != names_.end() && (it->second.withLines || !lines_ || it->second.name.empty())) {
        settled_.insert(id);
        continue;
      }
    }
    unnamed->insert(id);
  }
}

uint32_t MethodNamer::nameUnnamed(const std::unordered_set<jmethodID>& unnamed) {
  JNIEnv* jni = nullptr;
  // A daemon, so that it never holds up the JVM's exit. Refused once the JVM is going away:
  // the writer then names what it can.
  if (!attachToJvmAsDaemon(vm_, "jflame method namer", &jni)) return 0;
  attaches_.fetch_add(1, std::memory_order_relaxed);
  uint32_t settled = 0;
  for (jmethodID id : unnamed) {
    // JVMTI outside the lock: the writer may look names up meanwhile.
    Symbols::Method m = Symbols::resolve(jvmti_, jni, id, lines_);
    // Any other failure (the JVM shutting down) is left for the writer to try again.
    if (m.name.empty() && !m.unloaded) continue;
    settled_.insert(id);
    ++settled;
    std::lock_guard<std::mutex> lock(mutex_);
    ++(m.unloaded ? alreadyUnloaded_ : named_);
    names_[id] = std::move(m);
  }
  vm_->DetachCurrentThread();
  return settled;
}

void MethodNamer::look() {
  looks_.fetch_add(1, std::memory_order_relaxed);
  store_->prefault();  // the signal handler then finds the pages it writes present
  std::unordered_set<jmethodID> unnamed;
  auto visit = [this, &unnamed](const Frame* frames, uint32_t count) { collectUnnamed(frames, count, &unnamed); };
  if (!store_->forEachNewTrace(&next_, visit)) {
    // Fell behind the store's list of new traces: look at every trace once.
    store_->forEach([&](const Frame* frames, uint32_t count, uint64_t) { visit(frames, count); });
  }
  bool found = !unnamed.empty() && nameUnnamed(unnamed) > 0;
  periodMs_ = found ? kPollMs : (periodMs_ * 2 < kIdlePollMs ? periodMs_ * 2 : kIdlePollMs);
}
