#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stacks/frame.h"
#include "stacks/native_stacks.h"

constexpr uint32_t kAllThreadStates = (1u << kThreadStates) - 1;

// The agent's options, from -agentpath:/path/libjflame.so=OPTIONS.
//
// Grammar: OPTIONS is a comma-separated list of items; an item is `key=value` or a bare
// flag `key`. A value listing several things joins them with `+` (a comma would end the
// item), e.g. a future `state=running+blocked`; splitList() is the one place that splits
// such a value.
//
//   event=cpu|ctimer|itimer|wall   time source (default cpu); event=alloc or event=lock
//                             records only that kind, with interval= as its size/threshold
//   interval=N[ns|us|ms|s]    sampling period, in CPU time (wall: wall-clock time); bare N
//                             is ns (default 10ms, for wall 50ms; >= 10us)
//   alloc[=N[k|m|g]]          also an allocation profile, one sample per N bytes allocated
//                             on average (default 512k); bare N is bytes
//   live                      alloc: keep only samples whose object is alive at the dump
//   lock[=N[ns|us|ms|s]]      also a lock profile: monitor waits of at least N (default 10us)
//   signal=N                  wall, cpu, ctimer: the sampling signal (default SIGVTALRM for wall,
//                             SIGPROF for the CPU events); refused for itimer
//   state=S[+S...]            wall: keep only samples in these states (running, sleeping,
//                             waiting, blocked)
//   nostate                   wall: no [state] leaf frame
//   file=PATH                 output; %p = pid, %% = '%' (default jflame-%p.collapsed)
//   checkpoint=N[s|m|h]       also rewrite file (atomically, everything so far) every N
//                             while profiling, so that a JVM killed with SIGKILL loses at
//                             most the last N (1s..24h; bare N is seconds)
//   format=jfr|collapsed      the file's format; default: jfr if file ends in .jfr
//   chunk=N[s|m|h]            JFR: how long one chunk covers (1s..1h, default 10s); each is
//                             appended to the file, fsync'ed, when it ends
//   depth=N                   frames kept per stack, leaf end (1..65536, default 2048)
//   stacks=N                  distinct stacks the profile keeps (1024..1048576, default 65536);
//                             more are dropped and counted
//   threads                   a `[NAME tid=N]` root frame per thread
//   lines                     Java frames end in :LINE
//   nativestacks=dwarf|fp|off native frames (C/C++, the JVM's own, JNI libraries) at the
//                             leaf of Java stacks and for threads without Java frames:
//                             unwound with DWARF CFI (default), frame pointers, or none
//
// Only when loaded into a running JVM (Agent_OnAttach), which may happen many times:
//   start|stop|dump|status    what to do (default start); at most one of them
//   statusfile=PATH           where to write the outcome of this request (see attach_request.h)
//   accumulate                start: add to the profile of the previous start instead of
//                             beginning a fresh one

enum class EventKind { kCpu, kCtimer, kItimer, kWall };

// kLive: the counts since the asker's last request (jflame top PID); kThreadDump: every
// thread's stack once, walked in the signal handler (jflame dump PID).
enum class Action { kStart, kStop, kDump, kStatus, kLive, kThreadDump };

const char* eventName(EventKind event);

struct Options {
  EventKind event = EventKind::kCpu;
  uint64_t intervalNs = 10'000'000;  // kDefaultWallIntervalNs for wall unless given
  int signal = 0;                     // 0: the event's default (samplingSignal)
  bool noState = false;
  uint32_t states = kAllThreadStates; // wall: bit (1 << ThreadState) per state kept
  std::string file = "jflame-%p.collapsed";  // as given; see expandFilePattern()
  uint32_t depth = 2048;
  uint32_t stacks = 65536;  // distinct stacks the trace store keeps (kMinStacks..kMaxStacks)
  bool threads = false;
  bool lines = false;
  NativeStacks nativeStacks = NativeStacks::kDwarf;
  bool kernelFrames = true;        // event=cpu: kernel frames where the kernel allows them
  Action action = Action::kStart;
  bool actionGiven = false;
  std::string statusFile;  // empty: no status file
  bool accumulate = false;
  bool timed = true;               // a time source runs (false for event=alloc / event=lock)
  uint64_t allocBytes = 0;         // mean sampling interval of the alloc profile; 0 = none
  bool live = false;
  bool lock = false;
  uint64_t lockThresholdNs = 10'000;
  uint64_t checkpointNs = 0;       // 0 = write only at the stop
  bool jfr = false;                // JFR output (format=jfr, or file=*.jfr)
  uint64_t chunkNs = 10'000'000'000;  // JFR: one chunk per this much time
};

// The profiles one option set records, in output order: the time event's name (cpu,
// ctimer, itimer, wall), "alloc", "lock".
std::vector<std::string> profileKinds(const Options& options);

const char* actionName(Action action);

// Whether two option sets sample the same way (event, interval, depth, threads, lines):
// the profiles they record can be added up, and a second `start` is not a conflict.
bool sameSampling(const Options& a, const Options& b);

// The signal the event's engine raises: signal= if given, else SIGVTALRM for event=wall
// and SIGPROF for the CPU events.
int samplingSignal(const Options& options);

// "event=cpu,interval=10ms,depth=2048" plus the flags: the sampling part, for messages.
std::string describeSampling(const Options& options);

// The value of `key=` in an option string without validating the rest: the status file
// must be found even when another option is invalid, to report that error through it.
std::string findOptionValue(const char* text, const std::string& key);

constexpr uint64_t kMinIntervalNs = 10'000;           // 10us
constexpr uint64_t kDefaultWallIntervalNs = 50'000'000;  // 50ms
constexpr uint64_t kMaxIntervalNs = 60'000'000'000;   // 60s
constexpr uint32_t kMaxDepth = 65536;
constexpr uint32_t kMinStacks = 1024;
constexpr uint32_t kMaxStacks = 1u << 20;
// The trace store's frame arena for `options.stacks`: 64 frames a stack on average,
// reserved, committed only as used (4 Mi frames, 64 MB reserved, at the default).
constexpr size_t kFramesPerStack = 64;
size_t traceStoreFrames(const Options& options);
constexpr uint64_t kMinCheckpointNs = 1'000'000'000;          // 1s
constexpr uint64_t kMaxCheckpointNs = 24ull * 3600'000'000'000;  // 24h
constexpr uint64_t kMinChunkNs = 1'000'000'000;        // 1s
constexpr uint64_t kMaxChunkNs = 3600'000'000'000;     // 1h

// Parses the whole option string (nullptr or "" gives the defaults). On failure returns
// false and sets *error to one complete line without a prefix, naming the offending
// item and what is allowed, e.g.
//   invalid option 'event=foo': event must be one of cpu, ctimer, itimer
bool parseOptions(const char* text, Options* out, std::string* error);

// "512k" -> 524288. Units k, m, g (powers of 1024), upper or lower case; a bare number
// is bytes. Whole numbers only.
bool parseSize(const std::string& text, uint64_t* bytes, std::string* why);

constexpr uint64_t kDefaultAllocBytes = 512 * 1024;
constexpr uint64_t kMaxAllocBytes = 0x7fffffff;  // SetHeapSamplingInterval takes a jint

// "10ms" -> 10000000. Units ns, us, ms, s; a bare number is ns. Whole numbers only.
bool parseDuration(const std::string& text, uint64_t* ns, std::string* why);

// Splits a `+`-joined option value: "running+blocked" -> {"running", "blocked"}.
std::vector<std::string> splitList(const std::string& value);

// Where the profile of one kind goes when an option set records several:
// "/tmp/out.collapsed" + "alloc" -> "/tmp/out.alloc.collapsed"; a name without an
// extension gets ".alloc" appended. The CLI names its files the same way.
std::string kindFilePath(const std::string& path, const std::string& kind);

// Expands %p to the pid and %% to '%'; any other % sequence is an error.
bool expandFilePattern(const std::string& pattern, int pid, std::string* out, std::string* why);
