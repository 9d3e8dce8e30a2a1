#pragma once

#include <jni.h>
#include <jvmti.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "output/jfr_chunk.h"
#include "store/sample_log.h"
#include "support/periodic_thread.h"
#include "symbols/symbols.h"

class EventProfile;
class TraceStore;

// JFR output (file=x.jfr or format=jfr): every sample with its time, thread and stack.
//
// The signal handler and the alloc/lock callbacks count a sample in their trace store as
// always, then push (time, tid, trace slot, weight) into the SampleLog, a pre-allocated
// lock-free ring. This writer's own thread (attached to the JVM as a daemon, since naming
// methods needs JVMTI) drains the ring every kDrainMs, names each trace the first time it
// appears (through Symbols, the agent's one naming path, as the collapsed writer does) and
// encodes the samples as JFR events into the current chunk. Every `chunkNs` (or at
// kMaxChunkBytes of events, whichever comes first) the chunk gets the constant pools it
// refers to and the metadata, and is appended to the file and fsync'ed: the file is always
// a whole number of chunks, so a JVM killed with SIGKILL leaves a file readers accept up to
// its last finished chunk. The first chunk creates the file through a temp file and a rename.
//
// Memory: the ring (kLogCapacity records), one chunk's events (at most kMaxChunkBytes),
// and per distinct trace its named frames, bounded by the trace stores' capacity.
class JfrWriter {
 public:
  static constexpr uint32_t kLogCapacity = 1 << 17;  // 131,072 records, 4 MB
  static constexpr size_t kMaxChunkBytes = 16u << 20;
  static constexpr int kDrainMs = 50;

  struct Config {
    JavaVM* vm = nullptr;
    jvmtiEnv* jvmti = nullptr;
    std::string path;
    uint64_t chunkNs = 0;
    uint64_t startNs = 0;      // monotonic time of tick 0
    bool lines = false;
    bool wall = false;         // time samples are wall-clock samples, with a [state]
    uint32_t states = ~0u;     // wall: states kept (bit per ThreadState)
    const TraceStore* time = nullptr;
    const EventProfile* alloc = nullptr;
    const EventProfile* lock = nullptr;
    Symbols::ThreadNamer threadName;
    Symbols::KnownMethods knownMethods;
    Symbols::NativeNamer nativeName;  // names kNative frames (`deflate [libz.so.1]`)
  };

  JfrWriter() = default;
  JfrWriter(const JfrWriter&) = delete;
  JfrWriter& operator=(const JfrWriter&) = delete;

  // The ring handlers push to: created at the first call and kept for the agent's life (a
  // handler may still hold it after a stop), emptied here. Only while nothing pushes.
  SampleLog* prepareLog(std::string* error);

  // Begins a recording into config.path and starts the writer's thread.
  bool start(Config config, std::string* error);
  bool running() const { return started_; }
  const std::string& path() const { return config_.path; }

  // A dump while sampling goes on: ends the current chunk now, so the file holds
  // everything recorded so far. `jni`: the calling thread's.
  bool flush(JNIEnv* jni, std::string* error);

  // The stop: joins the thread, drains the ring and writes the last chunk. Handlers and
  // callbacks must have been drained first.
  bool finish(JNIEnv* jni, std::string* error);

  // A start that failed after start(): stops the thread, writes nothing.
  void abandon();

  // "12345 events in 3 chunks, 180 KB (14.6 bytes/event)..." for the agent's summary line.
  std::string summary() const;

 private:
  struct TraceInfo {
    uint64_t key = 0;            // its jdk.types.StackTrace key
    bool keep = true;            // false: a wall sample in a state= left out
    bool virtualMounted = false; // a carrier thread running a virtual thread
    JfrChunk::StateKey state = JfrChunk::kStateDefault;
    uint64_t classKey = 0;       // alloc and lock: the object's or monitor's class
    bool truncated = false;
    std::vector<JfrChunk::Frame> frames;
    uint64_t chunk = 0;          // the last chunk that referred to it
  };
  struct MethodEntry {
    uint64_t classKey;
    uint64_t nameSymbol;
    uint32_t modifiers;
  };

  void tick();
  void drain(Symbols& symbols);
  void record(const SampleRecord& r, Symbols& symbols);
  bool endChunk(bool last, std::string* error);
  void beginChunk();
  bool append(const std::string& bytes, std::string* error);
  TraceInfo* trace(uint32_t source, uint32_t slot, Symbols& symbols);
  void nameFrames(const Frame* frames, uint32_t count, const EventProfile* profile, Symbols& symbols,
                  TraceInfo* info);
  uint64_t symbol(const std::string& text);
  uint64_t classKey(const std::string& javaName);
  uint64_t method(const std::string& className, const std::string& name, uint32_t modifiers);
  std::unique_ptr<Symbols> makeSymbols(JNIEnv* jni) const;

  Config config_;
  std::unique_ptr<SampleLog> log_;
  PeriodicThread thread_;
  JNIEnv* threadJni_ = nullptr;
  std::unique_ptr<Symbols> threadSymbols_;  // the writer thread's own (JNIEnv is per thread)
  bool started_ = false;

  std::mutex mutex_;  // everything below: the writer's thread, flush() and finish()
  std::unique_ptr<JfrChunk> chunk_;
  uint64_t chunkNumber_ = 0;
  uint64_t chunkStartNs_ = 0;
  std::unordered_map<uint64_t, TraceInfo> traces_;  // (source << 32 | slot) -> named trace
  std::vector<const TraceInfo*> chunkTraces_;
  std::unordered_set<uint64_t> chunkThreads_;
  std::unordered_map<std::string, uint64_t> symbolKeys_;
  std::vector<std::string> symbols_;  // key - 1 -> text
  std::unordered_map<std::string, uint64_t> classKeys_;
  std::vector<uint64_t> classes_;     // key - 1 -> name symbol
  std::unordered_map<std::string, uint64_t> methodKeys_;
  std::vector<MethodEntry> methods_;  // key - 1 -> entry
  uint64_t descriptorSymbol_ = 0;

  uint64_t chunksWritten_ = 0;
  uint64_t bytesWritten_ = 0;
  uint64_t eventsWritten_ = 0;
  uint64_t unresolved_ = 0;  // records whose trace could not be read back (never expected)
  std::string firstError_;
};
