#include "output/jfr_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>

#include "output/atomic_file.h"
#include "sampling/event_profile.h"
#include "stacks/virtual_threads.h"
#include "store/trace_store.h"
#include "support/agent_thread.h"
#include "support/monotonic_clock.h"

namespace {

constexpr uint32_t kAccNative = 0x0100;
// A carrier's samples taken while it ran a virtual thread go to a second thread entry,
// flagged virtual; its key is the tid with this bit (tids stay below 2^22 on Linux).
constexpr uint64_t kVirtualThreadBit = uint64_t{1} << 24;
constexpr const char* kEnterSpecial = "jdk.internal.vm.Continuation.enterSpecial";

// Wall-clock time (ns since the epoch) of a monotonic time, from one reading of each clock.
uint64_t epochNsAt(uint64_t monotonic) {
  timespec real{};
  clock_gettime(CLOCK_REALTIME, &real);
  uint64_t nowMono = monotonicNs();
  uint64_t nowReal = static_cast<uint64_t>(real.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(real.tv_nsec);
  return nowReal - (nowMono - monotonic);
}

JfrChunk::StateKey stateKey(ThreadState state) {
  switch (state) {
    case ThreadState::kRunning: return JfrChunk::kStateRunnable;
    case ThreadState::kSleeping: return JfrChunk::kStateSleeping;
    case ThreadState::kWaiting: return JfrChunk::kStateWaiting;
    case ThreadState::kBlocked: return JfrChunk::kStateBlocked;
  }
  return JfrChunk::kStateRunnable;
}

// "pkg.Class.method:42" -> line 42, name "pkg.Class.method" (frameName's `lines` suffix).
int splitLine(std::string* name) {
  size_t colon = name->rfind(':');
  if (colon == std::string::npos || colon + 1 >= name->size()) return -1;
  for (size_t i = colon + 1; i < name->size(); ++i) {
    if ((*name)[i] < '0' || (*name)[i] > '9') return -1;
  }
  int line = std::atoi(name->c_str() + colon + 1);
  name->resize(colon);
  return line;
}


}  // namespace

SampleLog* JfrWriter::prepareLog(std::string* error) {
  if (log_ == nullptr) {
    auto log = std::make_unique<SampleLog>(kLogCapacity);
    if (!log->ok()) {
      *error = "cannot reserve memory for the JFR sample log";
      return nullptr;
    }
    log_ = std::move(log);
  }
  log_->reset();
  return log_.get();
}

std::unique_ptr<Symbols> JfrWriter::makeSymbols(JNIEnv* jni) const {
  auto symbols = std::make_unique<Symbols>(config_.jvmti, jni, config_.lines, config_.threadName, config_.knownMethods);
  if (config_.nativeName) symbols->nameNativeWith(config_.nativeName);
  return symbols;
}

bool JfrWriter::start(Config config, std::string* error) {
  if (log_ == nullptr) {
    *error = "the JFR sample log was not prepared";
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    config_ = std::move(config);
    traces_.clear();
    chunkTraces_.clear();
    chunkThreads_.clear();
    symbolKeys_.clear();
    symbols_.clear();
    classKeys_.clear();
    classes_.clear();
    methodKeys_.clear();
    methods_.clear();
    chunkNumber_ = 0;
    chunksWritten_ = bytesWritten_ = eventsWritten_ = unresolved_ = 0;
    firstError_.clear();
    // Symbols print a method as class.name(descriptor); jflame names methods without their
    // signature, so every method gets the empty parameter list.
    descriptorSymbol_ = symbol("()");
    beginChunk();
  }
  PeriodicThread::Work work;
  work.begin = [this] {
    if (!attachToJvmAsDaemon(config_.vm, "jflame JFR writer", &threadJni_)) return false;
    threadSymbols_ = makeSymbols(threadJni_);
    return true;
  };
  work.tick = [this] { tick(); };
  work.end = [this] {
    threadSymbols_.reset();
    config_.vm->DetachCurrentThread();
  };
  if (!thread_.start("JFR writer", "jflame-jfr", kDrainMs, std::move(work), error)) return false;
  started_ = true;
  return true;
}

void JfrWriter::beginChunk() {
  chunkStartNs_ = monotonicNs();
  uint64_t ticks = chunkStartNs_ - std::min(chunkStartNs_, config_.startNs);
  // The one conversion to wall-clock time per chunk: the header carries it for every event.
  chunk_ = std::make_unique<JfrChunk>(ticks, epochNsAt(chunkStartNs_));
  ++chunkNumber_;
  chunkTraces_.clear();
  chunkThreads_.clear();
}

void JfrWriter::tick() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (threadSymbols_ == nullptr) return;
  drain(*threadSymbols_);
  if (monotonicNs() - chunkStartNs_ >= config_.chunkNs) {
    std::string error;
    if (!endChunk(false, &error) && firstError_.empty()) firstError_ = error;
  }
}

void JfrWriter::drain(Symbols& symbols) {
  log_->drain([&](const SampleRecord& r) {
    record(r, symbols);
    if (chunk_->bytes() >= kMaxChunkBytes) {
      std::string error;
      if (!endChunk(false, &error) && firstError_.empty()) firstError_ = error;
    }
  });
}

void JfrWriter::record(const SampleRecord& r, Symbols& symbols) {
  TraceInfo* info = trace(r.source, r.slot, symbols);
  if (info == nullptr) {
    ++unresolved_;
    return;
  }
  if (!info->keep) return;
  if (info->chunk != chunkNumber_) {
    info->chunk = chunkNumber_;
    chunkTraces_.push_back(info);
  }
  uint64_t thread = r.tid | (info->virtualMounted ? kVirtualThreadBit : 0);
  chunkThreads_.insert(thread);
  uint64_t ticks = r.timeNs - std::min(r.timeNs, config_.startNs);
  switch (r.source) {
    case SampleLog::kTime:
      if (config_.wall) {
        chunk_->wallClockSample(ticks, thread, info->key, info->state, r.weight);
      } else {
        chunk_->executionSample(ticks, thread, info->key);
      }
      break;
    case SampleLog::kAlloc: chunk_->allocationSample(ticks, thread, info->key, info->classKey, r.weight); break;
    case SampleLog::kLock: {
      // Logged when the wait ended; the event starts where it began.
      uint64_t begin = ticks - std::min(ticks, r.weight);
      chunk_->monitorEnter(begin, r.weight, thread, info->key, info->classKey);
      break;
    }
  }
}

JfrWriter::TraceInfo* JfrWriter::trace(uint32_t source, uint32_t slot, Symbols& symbols) {
  uint64_t id = (static_cast<uint64_t>(source) << 32) | slot;
  auto found = traces_.find(id);
  if (found != traces_.end()) return &found->second;
  const TraceStore* store = nullptr;
  const EventProfile* profile = nullptr;
  switch (source) {
    case SampleLog::kTime: store = config_.time; break;
    case SampleLog::kAlloc: profile = config_.alloc; break;
    case SampleLog::kLock: profile = config_.lock; break;
  }
  if (profile != nullptr) store = &profile->store();
  const Frame* frames = nullptr;
  uint32_t count = 0;
  if (store == nullptr || !store->traceAt(slot, &frames, &count)) return nullptr;
  TraceInfo info;
  // Keys of the three stores apart: slots stay below 2^20 (twice the largest capacity).
  info.key = (static_cast<uint64_t>(source) << 20) + slot + 1;
  nameFrames(frames, count, profile, symbols, &info);
  return &traces_.emplace(id, std::move(info)).first->second;
}

void JfrWriter::nameFrames(const Frame* frames, uint32_t count, const EventProfile* profile, Symbols& symbols,
                           TraceInfo* info) {
  struct Named {
    std::string name;
    FrameKind kind;
  };
  std::vector<Named> rootFirst;
  for (uint32_t i = count; i > 0; --i) {
    const Frame& f = frames[i - 1];
    switch (f.kind) {
      case FrameKind::kThreadState: {
        ThreadState s = symbols.threadState(frames, count);
        info->keep = (config_.states & (1u << static_cast<uint32_t>(s))) != 0;
        info->state = stateKey(s);
        continue;
      }
      case FrameKind::kThreadRoot: continue;  // the event names its thread
      case FrameKind::kClassName: {
        std::string name = profile != nullptr ? profile->className(f.id) : std::string();
        info->classKey = classKey(name.empty() ? "unknown_class" : name);
        continue;
      }
      case FrameKind::kTruncated: info->truncated = true; break;
      default: break;
    }
    rootFirst.push_back(Named{symbols.frameName(f), f.kind});
  }
  // The same marker the collapsed writer inserts where a virtual thread's lower frames are
  // missing, so that both outputs draw the same graph.
  std::vector<std::string> names;
  for (const Named& n : rootFirst) names.push_back(n.name);
  if (markMissingContinuationFrames(&names)) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (i >= rootFirst.size() || rootFirst[i].name != names[i]) {
        rootFirst.insert(rootFirst.begin() + static_cast<long>(i), Named{names[i], FrameKind::kWalkFailure});
        break;
      }
    }
  }
  info->frames.reserve(rootFirst.size());
  for (size_t i = rootFirst.size(); i > 0; --i) {
    Named& n = rootFirst[i - 1];
    JfrChunk::Frame frame{0, -1, -1, JfrChunk::kNativeFrame};
    if (n.kind == FrameKind::kJava && !n.name.empty() && n.name[0] != '[') {
      frame.type = JfrChunk::kJavaFrame;
      if (config_.lines) frame.line = splitLine(&n.name);
      // "pkg.Class.method" or "pkg.Class.method [native]": the class ends at the last dot
      // before the suffix; the suffix stays with the method, as jflame names it.
      size_t suffix = n.name.find(' ');
      std::string base = n.name.substr(0, suffix);
      size_t dot = base.rfind('.');
      if (base == kEnterSpecial) info->virtualMounted = true;
      if (dot != std::string::npos && dot > 0) {
        bool isNative = suffix != std::string::npos;
        frame.method = static_cast<uint32_t>(
            method(base.substr(0, dot), n.name.substr(dot + 1), isNative ? kAccNative : 0));
        info->frames.push_back(frame);
        continue;
      }
    } else if (n.kind == FrameKind::kJava) {
      frame.type = JfrChunk::kJavaFrame;  // [unknown_method], [unloaded_method]: still Java
    }
    // Native frames, jflame's [pseudo] frames, and any kind this writer does not know: the
    // name alone, without a class (the converter then prints just the name).
    frame.method = static_cast<uint32_t>(method(std::string(), n.name, 0));
    info->frames.push_back(frame);
  }
}

uint64_t JfrWriter::symbol(const std::string& text) {
  auto found = symbolKeys_.find(text);
  if (found != symbolKeys_.end()) return found->second;
  symbols_.push_back(text);
  return symbolKeys_.emplace(text, symbols_.size()).first->second;
}

uint64_t JfrWriter::classKey(const std::string& javaName) {
  auto found = classKeys_.find(javaName);
  if (found != classKeys_.end()) return found->second;
  // Class names are symbols in the JVM's internal form; readers turn '/' back into '.'.
  std::string internal = javaName;
  std::replace(internal.begin(), internal.end(), '.', '/');
  classes_.push_back(symbol(internal));
  return classKeys_.emplace(javaName, classes_.size()).first->second;
}

uint64_t JfrWriter::method(const std::string& className, const std::string& name, uint32_t modifiers) {
  std::string id = className + '\n' + name;
  auto found = methodKeys_.find(id);
  if (found != methodKeys_.end()) return found->second;
  uint64_t cls = className.empty() ? classKey("") : classKey(className);
  methods_.push_back(MethodEntry{cls, symbol(name), modifiers});
  return methodKeys_.emplace(id, methods_.size()).first->second;
}

bool JfrWriter::endChunk(bool last, std::string* error) {
  if (chunk_->events() == 0 && !(last && chunksWritten_ == 0)) {
    // Nothing happened in this period: no chunk for it (a chunk costs its pools and metadata).
    beginChunk();
    return true;
  }
  JfrChunk::Pools pools;
  std::set<uint64_t> methodKeys, classKeys, symbolKeys;
  symbolKeys.insert(descriptorSymbol_);
  for (const TraceInfo* t : chunkTraces_) {
    JfrChunk::StackTrace st{t->key, t->truncated, t->frames};
    pools.stackTraces.push_back(std::move(st));
    for (const JfrChunk::Frame& f : t->frames) methodKeys.insert(f.method);
    if (t->classKey != 0) classKeys.insert(t->classKey);
  }
  for (uint64_t key : methodKeys) {
    const MethodEntry& m = methods_[key - 1];
    pools.methods.push_back(JfrChunk::Method{key, m.classKey, m.nameSymbol, descriptorSymbol_, m.modifiers});
    classKeys.insert(m.classKey);
    symbolKeys.insert(m.nameSymbol);
  }
  for (uint64_t key : classKeys) {
    pools.classes.push_back(JfrChunk::Class{key, classes_[key - 1]});
    symbolKeys.insert(classes_[key - 1]);
  }
  for (uint64_t key : symbolKeys) pools.symbols.push_back(JfrChunk::Symbol{key, symbols_[key - 1]});
  for (uint64_t key : chunkThreads_) {
    int tid = static_cast<int>(key & (kVirtualThreadBit - 1));
    std::string name = config_.threadName ? config_.threadName(tid) : std::string();
    pools.threads.push_back(JfrChunk::Thread{key, name.empty() ? "tid=" + std::to_string(tid) : name, tid,
                                             (key & kVirtualThreadBit) != 0});
  }
  uint64_t now = monotonicNs();
  uint64_t events = chunk_->events();
  std::string bytes = chunk_->finish(now - std::min(now, config_.startNs), pools, last);
  bool ok = append(bytes, error);
  if (ok) {
    ++chunksWritten_;
    bytesWritten_ += bytes.size();
    eventsWritten_ += events;
  }
  beginChunk();
  return ok;
}

bool JfrWriter::append(const std::string& bytes, std::string* error) {
  if (chunksWritten_ == 0) return writeFileAtomically(config_.path, bytes, error);
  int fd = open(config_.path.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open " + config_.path + " to append a chunk: " + std::strerror(errno);
    return false;
  }
  struct stat before {};
  bool ok = fstat(fd, &before) == 0 && writeFully(fd, bytes) && fsync(fd) == 0;
  int err = errno;
  // A chunk written in part would end the readable file in garbage: cut it off again.
  if (!ok && ftruncate(fd, before.st_size) != 0) err = errno;
  close(fd);
  if (!ok) *error = "cannot append a chunk to " + config_.path + ": " + std::strerror(err);
  return ok;
}

bool JfrWriter::flush(JNIEnv* jni, std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::unique_ptr<Symbols> symbols = makeSymbols(jni);
  drain(*symbols);
  bool ok = endChunk(false, error);
  if (ok && chunksWritten_ == 0) {
    *error = "no sample recorded yet, so " + config_.path + " was not written";
    return false;
  }
  return ok;
}

void JfrWriter::abandon() {
  thread_.stop();
  started_ = false;
}

bool JfrWriter::finish(JNIEnv* jni, std::string* error) {
  if (!started_) {
    *error = "no JFR recording is running";
    return false;
  }
  thread_.stop();
  started_ = false;
  std::lock_guard<std::mutex> lock(mutex_);
  std::unique_ptr<Symbols> symbols = makeSymbols(jni);
  drain(*symbols);
  bool ok = endChunk(true, error);
  if (ok && !firstError_.empty()) {
    *error = firstError_;
    return false;
  }
  return ok;
}

std::string JfrWriter::summary() const {
  char perEvent[64] = "";
  if (eventsWritten_ != 0) {
    std::snprintf(perEvent, sizeof(perEvent), ", %.1f bytes/event",
                  static_cast<double>(bytesWritten_) / static_cast<double>(eventsWritten_));
  }
  std::string text = "JFR: " + std::to_string(eventsWritten_) + " events in " + std::to_string(chunksWritten_) +
                     " chunks, " + std::to_string(bytesWritten_) + " bytes" + perEvent;
  uint64_t overflows = log_ != nullptr ? log_->overflows() : 0;
  text += ", sample log overflow " + std::to_string(overflows);
  if (unresolved_ != 0) text += ", unresolved traces " + std::to_string(unresolved_);
  return text;
}
