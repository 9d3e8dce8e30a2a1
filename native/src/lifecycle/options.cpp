#include "lifecycle/options.h"

#include <signal.h>

#include <cstring>

const char* eventName(EventKind event) {
  switch (event) {
    case EventKind::kCpu: return "cpu";
    case EventKind::kCtimer: return "ctimer";
    case EventKind::kItimer: return "itimer";
    case EventKind::kWall: return "wall";
  }
  return "cpu";
}

const char* actionName(Action action) {
  switch (action) {
    case Action::kStart: return "start";
    case Action::kStop: return "stop";
    case Action::kDump: return "dump";
    case Action::kStatus: return "status";
    case Action::kLive: return "livecounts";
    case Action::kThreadDump: return "threaddump";
  }
  return "start";
}

bool sameSampling(const Options& a, const Options& b) {
  return a.event == b.event && a.timed == b.timed && a.allocBytes == b.allocBytes && a.live == b.live &&
         a.lock == b.lock && a.lockThresholdNs == b.lockThresholdNs && a.intervalNs == b.intervalNs && a.depth == b.depth && a.threads == b.threads &&
         a.lines == b.lines && a.nativeStacks == b.nativeStacks && a.kernelFrames == b.kernelFrames && samplingSignal(a) == samplingSignal(b) && a.noState == b.noState && a.states == b.states;
}

size_t traceStoreFrames(const Options& options) { return static_cast<size_t>(options.stacks) * kFramesPerStack; }

int samplingSignal(const Options& options) {
  if (options.signal != 0) return options.signal;
  return options.event == EventKind::kWall ? SIGVTALRM : SIGPROF;
}

namespace {

std::string formatInterval(uint64_t ns) {
  if (ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

}  // namespace

std::vector<std::string> profileKinds(const Options& options) {
  std::vector<std::string> kinds;
  if (options.timed) kinds.emplace_back(eventName(options.event));
  if (options.allocBytes != 0) kinds.emplace_back("alloc");
  if (options.lock) kinds.emplace_back("lock");
  return kinds;
}

std::string describeSampling(const Options& options) {
  std::string out;
  if (options.timed) {
    out = std::string("event=") + eventName(options.event) + ",interval=" + formatInterval(options.intervalNs) + ",";
  }
  if (options.allocBytes != 0) out += "alloc=" + std::to_string(options.allocBytes) + (options.live ? ",live," : ",");
  if (options.lock) out += "lock=" + formatInterval(options.lockThresholdNs) + ",";
  out += "depth=" + std::to_string(options.depth);
  if (options.threads) out += ",threads";
  if (options.lines) out += ",lines";
  if (options.nativeStacks != NativeStacks::kDwarf) out += std::string(",nativestacks=") + nativeStacksName(options.nativeStacks);
  if (!options.kernelFrames) out += ",kernelframes=off";
  if (options.event == EventKind::kWall) {
    if (options.signal != 0) out += ",signal=" + std::to_string(options.signal);
    if (options.noState) out += ",nostate";
    if (options.states != kAllThreadStates) {
      std::string kept;
      for (int i = 0; i < kThreadStates; ++i) {
        if ((options.states & (1u << i)) == 0) continue;
        kept += (kept.empty() ? "" : "+") + std::string(threadStateName(static_cast<ThreadState>(i)));
      }
      out += ",state=" + kept;
    }
  }
  return out;
}

std::string findOptionValue(const char* text, const std::string& key) {
  std::string all = text != nullptr ? text : "";
  std::string prefix = key + "=";
  size_t start = 0;
  while (start < all.size()) {
    size_t comma = all.find(',', start);
    std::string item = all.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.compare(0, prefix.size(), prefix) == 0) return item.substr(prefix.size());
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return std::string();
}

namespace {

const char* const kAllowed =
    "event, interval, alloc, live, lock, signal, state, nostate, file, depth, stacks, threads, lines, nativestacks, "
    "kernelframes, start, stop, dump, status, livecounts, threaddump, statusfile, accumulate, checkpoint, format, "
    "chunk";

bool parseUnsigned(const std::string& digits, uint64_t limit, uint64_t* out) {
  if (digits.empty()) return false;
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (value > (limit - d) / 10) return false;  // would exceed limit
    value = value * 10 + d;
  }
  *out = value;
  return true;
}

// Option text is quoted in messages as given, except what would break the one-line
// message: control characters become \xNN and anything past `max` bytes is cut.
std::string printable(const std::string& text, size_t max) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

constexpr size_t kQuotedMax = 200;

bool fail(std::string* error, const std::string& item, const std::string& why) {
  *error = "invalid option '" + printable(item, kQuotedMax) + "': " + printable(why, 2 * kQuotedMax);
  return false;
}

}  // namespace

bool parseDuration(const std::string& text, uint64_t* ns, std::string* why) {
  static const struct {
    const char* suffix;
    uint64_t scale;
  } kUnits[] = {{"ns", 1}, {"us", 1'000}, {"ms", 1'000'000}, {"s", 1'000'000'000}};
  std::string digits = text;
  uint64_t scale = 1;
  for (const auto& unit : kUnits) {
    size_t len = std::strlen(unit.suffix);
    if (text.size() > len && text.compare(text.size() - len, len, unit.suffix) == 0) {
      digits = text.substr(0, text.size() - len);
      scale = unit.scale;
      break;
    }
  }
  uint64_t value = 0;
  if (!parseUnsigned(digits, UINT64_MAX / scale, &value)) {
    *why = "must be a whole number followed by ns, us, ms or s (e.g. 10ms)";
    return false;
  }
  *ns = value * scale;
  return true;
}

bool parseSize(const std::string& text, uint64_t* bytes, std::string* why) {
  std::string digits = text;
  uint64_t scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k': case 'K': scale = uint64_t{1} << 10; break;
      case 'm': case 'M': scale = uint64_t{1} << 20; break;
      case 'g': case 'G': scale = uint64_t{1} << 30; break;
      default: break;
    }
    if (scale != 1) digits = text.substr(0, text.size() - 1);
  }
  uint64_t value = 0;
  if (!parseUnsigned(digits, UINT64_MAX / scale, &value)) {
    *why = "must be a whole number of bytes, optionally followed by k, m or g (e.g. 512k)";
    return false;
  }
  *bytes = value * scale;
  return true;
}

std::vector<std::string> splitList(const std::string& value) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t plus = value.find('+', start);
    parts.push_back(value.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  return parts;
}

std::string kindFilePath(const std::string& path, const std::string& kind) {
  size_t slash = path.rfind('/');
  size_t nameStart = slash == std::string::npos ? 0 : slash + 1;
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || dot <= nameStart) return path + "." + kind;
  return path.substr(0, dot) + "." + kind + path.substr(dot);
}

bool expandFilePattern(const std::string& pattern, int pid, std::string* out, std::string* why) {
  std::string result;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c != '%') {
      result += c;
      continue;
    }
    char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
    if (next == 'p') {
      result += std::to_string(pid);
    } else if (next == '%') {
      result += '%';
    } else {
      *why = next == '\0' ? std::string("ends in a lone '%' (use %% for a literal %)")
                          : "unknown escape '%" + printable(std::string(1, next), 4) + "' (use %p for the pid, %% for %)";
      return false;
    }
    ++i;
  }
  *out = result;
  return true;
}

namespace {

bool parseTimeInterval(const std::string& value, uint64_t* ns, std::string* error, const std::string& item) {
  std::string why;
  if (!parseDuration(value, ns, &why)) return fail(error, item, "interval " + why);
  if (*ns < kMinIntervalNs) {
    bool bare = !value.empty() && value.back() >= '0' && value.back() <= '9';
    return fail(error, item, std::string("interval must be at least 10us") +
                                 (bare ? " (a bare number means nanoseconds)" : ""));
  }
  if (*ns > kMaxIntervalNs) return fail(error, item, "interval must be at most 60s");
  return true;
}

bool parseAllocBytes(const std::string& value, uint64_t* bytes, std::string* error, const std::string& item) {
  std::string why;
  if (!parseSize(value, bytes, &why)) return fail(error, item, "the allocation interval " + why);
  if (*bytes < 1 || *bytes > kMaxAllocBytes) {
    return fail(error, item, "the allocation interval must be from 1 byte to 2147483647 bytes (under 2g)");
  }
  return true;
}

bool parseLockThreshold(const std::string& value, uint64_t* ns, std::string* error, const std::string& item) {
  std::string why;
  if (!parseDuration(value, ns, &why)) return fail(error, item, "the lock threshold " + why);
  if (*ns > kMaxIntervalNs) return fail(error, item, "the lock threshold must be at most 60s");
  return true;
}

// "30s", "5m", "1h" or bare seconds: a whole number of seconds, minutes or hours within
// [min, max]; the grammar of checkpoint= and chunk=.
bool parseWholePeriod(const std::string& value, uint64_t min, uint64_t max, uint64_t* ns) {
  std::string digits = value;
  uint64_t scale = 1'000'000'000;
  if (!value.empty() && (value.back() == 's' || value.back() == 'm' || value.back() == 'h')) {
    scale = value.back() == 'h' ? 3600'000'000'000 : value.back() == 'm' ? 60'000'000'000 : scale;
    digits.pop_back();
  }
  uint64_t count = 0;
  if (!parseUnsigned(digits, max / scale + 1, &count) || count * scale < min || count * scale > max) return false;
  *ns = count * scale;
  return true;
}

// How often checkpoint= rewrites the file.
bool parseCheckpoint(const std::string& value, uint64_t* ns, std::string* error, const std::string& item) {
  if (parseWholePeriod(value, kMinCheckpointNs, kMaxCheckpointNs, ns)) return true;
  return fail(error, item, "checkpoint must be a whole number of seconds (s), minutes (m) or hours (h) "
                           "from 1s to 24h, e.g. 60s");
}

// How long one chunk of JFR output covers.
bool parseChunk(const std::string& value, uint64_t* ns, std::string* error, const std::string& item) {
  if (parseWholePeriod(value, kMinChunkNs, kMaxChunkNs, ns)) return true;
  return fail(error, item, "chunk must be a whole number of seconds (s), minutes (m) or hours (h) "
                           "from 1s to 1h, e.g. 10s");
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool parseOptions(const char* text, Options* out, std::string* error) {
  Options options;
  std::string all = text != nullptr ? text : "";
  if (all.empty()) {
    *out = options;
    return true;
  }
  std::vector<std::string> seen;
  std::string intervalItem, chunkItem;
  bool formatGiven = false;
  std::string signalItem;  // signal= is checked against the event once all are read
  size_t start = 0;
  while (start <= all.size()) {
    size_t comma = all.find(',', start);
    std::string item = all.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? all.size() + 1 : comma + 1;
    if (item.empty()) {
      *error = "invalid option '': empty option (two commas in a row, or a trailing comma); allowed: ";
      *error += kAllowed;
      return false;
    }
    size_t eq = item.find('=');
    std::string key = item.substr(0, eq);
    bool hasValue = eq != std::string::npos;
    std::string value = hasValue ? item.substr(eq + 1) : "";

    for (const std::string& k : seen) {
      if (k == key) return fail(error, item, key + " is given more than once");
    }
    seen.push_back(key);

    if (key == "event") {
      if (value == "alloc" || value == "lock") {
        options.timed = false;
        if (value == "alloc" && options.allocBytes == 0) options.allocBytes = kDefaultAllocBytes;
        if (value == "lock") options.lock = true;
      } else if (value == "cpu") {
        options.event = EventKind::kCpu;
      } else if (value == "ctimer") {
        options.event = EventKind::kCtimer;
      } else if (value == "itimer") {
        options.event = EventKind::kItimer;
      } else if (value == "wall") {
        options.event = EventKind::kWall;
      } else {
        return fail(error, item, "event must be one of cpu, ctimer, itimer, wall, alloc, lock");
      }
    } else if (key == "interval") {
      intervalItem = item;  // its unit depends on the event: checked once all are read
    } else if (key == "alloc") {
      uint64_t bytes = kDefaultAllocBytes;
      if (hasValue && !parseAllocBytes(value, &bytes, error, item)) return false;
      options.allocBytes = bytes;
    } else if (key == "live") {
      if (hasValue) return fail(error, item, "live is a flag and takes no value");
      options.live = true;
    } else if (key == "lock") {
      uint64_t ns = options.lockThresholdNs;
      if (hasValue && !parseLockThreshold(value, &ns, error, item)) return false;
      options.lock = true;
      options.lockThresholdNs = ns;
    } else if (key == "signal") {
      uint64_t signo = 0;
      if (!parseUnsigned(value, 1000, &signo) || signo < 1 || signo > 63) {
        return fail(error, item, "signal must be a signal number from 1 to 63");
      }
      // Signals the JVM, glibc or the kernel give a meaning that a sampling handler must
      // not take (32 and 33: glibc's thread cancellation and set*id broadcast).
      const int kReserved[] = {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGQUIT, SIGPIPE,
                               SIGPROF, SIGCHLD, SIGTRAP, SIGUSR2, SIGINT, SIGTERM, SIGHUP, 32, 33};
      for (int reserved : kReserved) {
        if (static_cast<int>(signo) == reserved) {
          return fail(error, item, "signal " + value + " is used by the JVM, glibc, the CPU events or the kernel; "
                                   "pick another (SIGVTALRM, " + std::to_string(SIGVTALRM) +
                                   ", or a real-time signal such as 40)");
        }
      }
      options.signal = static_cast<int>(signo);
      signalItem = item;
    } else if (key == "state") {
      uint32_t states = 0;
      for (const std::string& name : splitList(value)) {
        bool known = false;
        for (int i = 0; i < kThreadStates; ++i) {
          if (name == threadStateName(static_cast<ThreadState>(i))) {
            states |= 1u << i;
            known = true;
          }
        }
        if (!known) {
          return fail(error, item, "state must list states joined by '+', from running, sleeping, waiting, blocked");
        }
      }
      options.states = states;
    } else if (key == "nostate") {
      if (hasValue) return fail(error, item, "nostate is a flag and takes no value");
      options.noState = true;
    } else if (key == "file") {
      if (value.empty()) return fail(error, item, "file must name a path (%p = pid, %% = %)");
      std::string expanded, why;
      if (!expandFilePattern(value, 1, &expanded, &why)) return fail(error, item, "file " + why);
      options.file = value;
    } else if (key == "stacks") {
      uint64_t stacks = 0;
      if (!parseUnsigned(value, UINT64_MAX, &stacks) || stacks < kMinStacks || stacks > kMaxStacks) {
        return fail(error, item, "stacks must be a whole number from " + std::to_string(kMinStacks) + " to " +
                                     std::to_string(kMaxStacks));
      }
      options.stacks = static_cast<uint32_t>(stacks);
    } else if (key == "depth") {
      uint64_t depth = 0;
      if (!parseUnsigned(value, UINT64_MAX, &depth) || depth < 1 || depth > kMaxDepth) {
        return fail(error, item, "depth must be a whole number from 1 to 65536");
      }
      options.depth = static_cast<uint32_t>(depth);
    } else if (key == "threads" || key == "lines" || key == "accumulate") {
      if (hasValue) return fail(error, item, key + " is a flag and takes no value");
      (key == "threads" ? options.threads : key == "lines" ? options.lines : options.accumulate) = true;
    } else if (key == "start" || key == "stop" || key == "dump" || key == "status" ||
               key == "livecounts" || key == "threaddump") {
      if (hasValue) return fail(error, item, key + " is an action and takes no value");
      if (options.actionGiven) {
        return fail(error, item, std::string("only one action is allowed, ") + actionName(options.action) +
                                     " was given already");
      }
      options.actionGiven = true;
      options.action = key == "start" ? Action::kStart
                       : key == "stop" ? Action::kStop
                       : key == "dump" ? Action::kDump
                       : key == "livecounts" ? Action::kLive
                       : key == "threaddump" ? Action::kThreadDump
                                       : Action::kStatus;
    } else if (key == "nativestacks") {
      if (value == "dwarf") {
        options.nativeStacks = NativeStacks::kDwarf;
      } else if (value == "fp") {
        options.nativeStacks = NativeStacks::kFramePointers;
      } else if (value == "off") {
        options.nativeStacks = NativeStacks::kOff;
      } else {
        return fail(error, item, "nativestacks must be one of dwarf, fp, off");
      }
    } else if (key == "kernelframes") {
      if (value != "on" && value != "off") return fail(error, item, "kernelframes must be on or off");
      options.kernelFrames = value == "on";
    } else if (key == "checkpoint") {
      if (!parseCheckpoint(value, &options.checkpointNs, error, item)) return false;
    } else if (key == "format") {
      if (value != "jfr" && value != "collapsed") return fail(error, item, "format must be jfr or collapsed");
      options.jfr = value == "jfr";
      formatGiven = true;
    } else if (key == "chunk") {
      if (!parseChunk(value, &options.chunkNs, error, item)) return false;
      chunkItem = item;
    } else if (key == "statusfile") {
      if (value.empty()) return fail(error, item, "statusfile must name a path");
      options.statusFile = value;
    } else {
      return fail(error, item, "unknown option '" + key + "'; allowed: " + kAllowed);
    }
  }
  if (!intervalItem.empty()) {
    std::string value = intervalItem.substr(intervalItem.find('=') + 1);
    if (!options.timed && options.allocBytes != 0 && options.lock) {
      return fail(error, intervalItem, "with event=alloc and lock both, give alloc=SIZE and lock=TIME instead");
    }
    if (!options.timed && options.allocBytes != 0) {
      if (!parseAllocBytes(value, &options.allocBytes, error, intervalItem)) return false;
    } else if (!options.timed) {
      if (!parseLockThreshold(value, &options.lockThresholdNs, error, intervalItem)) return false;
    } else if (!parseTimeInterval(value, &options.intervalNs, error, intervalItem)) {
      return false;
    }
  }
  if (options.live && options.allocBytes == 0) {
    *error = "invalid option 'live': live needs an allocation profile (alloc or event=alloc)";
    return false;
  }
  bool intervalGiven = false, wallOnly = false;
  std::string wallOption;
  for (const std::string& k : seen) {
    if (k == "interval") intervalGiven = true;
    if (k == "state" || k == "nostate") {
      wallOnly = true;
      wallOption = k;
    }
  }
  if (wallOnly && (options.event != EventKind::kWall || !options.timed)) {
    *error = "invalid option '" + wallOption + "': only event=wall takes state and nostate";
    return false;
  }
  if (options.signal != 0 && !options.timed) {
    *error = "invalid option '" + signalItem + "': only the sampling events (cpu, ctimer, wall) take a signal";
    return false;
  }
  if (options.signal != 0 && options.event == EventKind::kItimer) {
    *error = "invalid option '" + signalItem + "': event=itimer always raises SIGPROF (the kernel's ITIMER_PROF "
             "has no other signal); use event=cpu or event=ctimer with signal=";
    return false;
  }
  if (options.event == EventKind::kWall && !intervalGiven) options.intervalNs = kDefaultWallIntervalNs;
  // JFR by the file's name unless format= says otherwise.
  if (!formatGiven) options.jfr = endsWith(options.file, ".jfr");
  if (!chunkItem.empty() && !options.jfr) {
    *error = "invalid option '" + chunkItem + "': chunk applies to JFR output (format=jfr, or a file=NAME.jfr)";
    return false;
  }
  if (options.jfr && options.checkpointNs != 0) {
    *error = "invalid option 'checkpoint': JFR output is written in chunks instead, each appended when it "
             "ends (chunk=TIME, default 10s)";
    return false;
  }
  *out = options;
  return true;
}
