#include "lifecycle/options.h"

#include <signal.h>

#include "check.h"

namespace {

std::string errorOf(const char* text) {
  Options options;
  std::string error;
  if (parseOptions(text, &options, &error)) return "(accepted)";
  return error;
}

Options parsed(const char* text) {
  Options options;
  std::string error;
  bool ok = parseOptions(text, &options, &error);
  if (!ok) check::fail(__FILE__, __LINE__, std::string("rejected '") + text + "': " + error);
  return options;
}

void emptyOptionsGiveTheDefaults() {
  for (const char* text : {static_cast<const char*>(nullptr), ""}) {
    Options o = parsed(text);
    CHECK(o.event == EventKind::kCpu);
    CHECK_EQ(o.intervalNs, uint64_t{10'000'000});
    CHECK_STR(o.file, "jflame-%p.collapsed");
    CHECK_EQ(o.depth, 2048u);
    CHECK(!o.threads);
    CHECK(!o.lines);
  }
}

void everyOptionIsParsed() {
  Options o = parsed("event=ctimer,interval=250us,file=/tmp/x-%p.collapsed,depth=5,threads,lines");
  CHECK(o.event == EventKind::kCtimer);
  CHECK_EQ(o.intervalNs, uint64_t{250'000});
  CHECK_STR(o.file, "/tmp/x-%p.collapsed");
  CHECK_EQ(o.depth, 5u);
  CHECK(o.threads);
  CHECK(o.lines);
  CHECK(parsed("event=itimer").event == EventKind::kItimer);
  CHECK(parsed("event=cpu").event == EventKind::kCpu);
  CHECK_STR(parsed("file=a=b").file, "a=b");  // only the first '=' separates
}

void intervalUnitsAndBareNanoseconds() {
  CHECK_EQ(parsed("interval=20000").intervalNs, uint64_t{20'000});
  CHECK_EQ(parsed("interval=15000ns").intervalNs, uint64_t{15'000});
  CHECK_EQ(parsed("interval=10us").intervalNs, uint64_t{10'000});
  CHECK_EQ(parsed("interval=1ms").intervalNs, uint64_t{1'000'000});
  CHECK_EQ(parsed("interval=2s").intervalNs, uint64_t{2'000'000'000});
}

void badIntervalsAreRejectedWithTheReason() {
  CHECK_STR(errorOf("interval=0"),
            "invalid option 'interval=0': interval must be at least 10us (a bare number means nanoseconds)");
  CHECK_STR(errorOf("interval=5000"),
            "invalid option 'interval=5000': interval must be at least 10us (a bare number means nanoseconds)");
  CHECK_STR(errorOf("interval=9us"), "invalid option 'interval=9us': interval must be at least 10us");
  CHECK_STR(errorOf("interval=-5ms"),
            "invalid option 'interval=-5ms': interval must be a whole number followed by ns, us, ms or s (e.g. 10ms)");
  CHECK(errorOf("interval=abc").find("whole number") != std::string::npos);
  CHECK(errorOf("interval=1.5ms").find("whole number") != std::string::npos);
  CHECK(errorOf("interval=") .find("whole number") != std::string::npos);
  CHECK(errorOf("interval=ms").find("whole number") != std::string::npos);
  CHECK(errorOf("interval=99999999999999999999999").find("whole number") != std::string::npos);
  CHECK(errorOf("interval=61s").find("at most 60s") != std::string::npos);
}

void badEventNamesTheChoices() {
  CHECK_STR(errorOf("event=foo"), "invalid option 'event=foo': event must be one of cpu, ctimer, itimer, wall, alloc, lock");
  CHECK_STR(errorOf("event"), "invalid option 'event': event must be one of cpu, ctimer, itimer, wall, alloc, lock");
}

void wallDefaultsToFiftyMillisecondsAndSigvtalrm() {
  Options wall = parsed("event=wall");
  CHECK(wall.event == EventKind::kWall);
  CHECK(wall.intervalNs == 50'000'000);
  CHECK(samplingSignal(wall) == SIGVTALRM);
  CHECK(wall.states == kAllThreadStates);
  CHECK(parsed("event=wall,interval=5ms").intervalNs == 5'000'000);
  CHECK(parsed("event=cpu").intervalNs == 10'000'000);
  CHECK(samplingSignal(parsed("event=wall,signal=34")) == 34);
  CHECK_STR(describeSampling(parsed("event=wall,state=running+blocked,nostate")),
            "event=wall,interval=50ms,depth=2048,nostate,state=running+blocked");
}

void wallOptionsAreChecked() {
  Options kept = parsed("event=wall,state=running+blocked");
  CHECK(kept.states == ((1u << static_cast<int>(ThreadState::kRunning)) | (1u << static_cast<int>(ThreadState::kBlocked))));
  CHECK(errorOf("event=wall,state=running+idle").find("state must list states") != std::string::npos);
  CHECK(errorOf("event=wall,signal=27").find("used by the JVM") != std::string::npos);
  CHECK(errorOf("event=wall,signal=11").find("used by the JVM") != std::string::npos);
  CHECK(errorOf("event=wall,signal=99").find("from 1 to 63") != std::string::npos);
  CHECK_STR(errorOf("event=cpu,nostate"), "invalid option 'nostate': only event=wall takes state and nostate");
}

// An application that owns SIGPROF can still be profiled: the CPU events that choose
// their signal (perf's F_SETSIG, the POSIX timers' sigev_signo) take signal= too; the
// process-wide ITIMER_PROF cannot, and says so.
void theTraceStoreIsSizedByStacks() {
  CHECK_EQ(parsed("event=cpu").stacks, uint32_t{65536});
  CHECK_EQ(traceStoreFrames(parsed("event=cpu")), size_t{4} * 1024 * 1024);
  CHECK_EQ(parsed("stacks=262144").stacks, uint32_t{262144});
  CHECK_EQ(traceStoreFrames(parsed("stacks=262144")), size_t{16} * 1024 * 1024);
  CHECK_STR(errorOf("stacks=10"), "invalid option 'stacks=10': stacks must be a whole number from 1024 to 1048576");
}

void theCpuEventsTakeASignalButItimerRefusesIt() {
  CHECK_EQ(samplingSignal(parsed("event=cpu")), SIGPROF);
  CHECK_EQ(samplingSignal(parsed("event=cpu,signal=40")), 40);
  CHECK_EQ(samplingSignal(parsed("event=ctimer,signal=40")), 40);
  CHECK_EQ(samplingSignal(parsed("signal=26")), 26);
  CHECK_STR(errorOf("event=itimer,signal=40"),
            "invalid option 'signal=40': event=itimer always raises SIGPROF (the kernel's ITIMER_PROF "
            "has no other signal); use event=cpu or event=ctimer with signal=");
  CHECK_STR(errorOf("event=alloc,signal=40"),
            "invalid option 'signal=40': only the sampling events (cpu, ctimer, wall) take a signal");
  // glibc's own (SIGCANCEL, SIGSETXID): taking them would break thread cancellation and setuid.
  CHECK(errorOf("event=cpu,signal=32").find("used by") != std::string::npos);
  CHECK(errorOf("event=cpu,signal=33").find("used by") != std::string::npos);
}

void unknownOptionListsTheAllowedOnes() {
  CHECK_STR(errorOf("interval=1ms,colour=red"),
            "invalid option 'colour=red': unknown option 'colour'; allowed: event, interval, alloc, live, lock, signal, state, nostate, file, depth, stacks, threads, "
            "lines, nativestacks, kernelframes, start, stop, dump, status, livecounts, threaddump, statusfile, accumulate, "
            "checkpoint, format, chunk");
}

void nativeStacksChoosesTheUnwinder() {
  CHECK_EQ(static_cast<int>(parsed("").nativeStacks), static_cast<int>(NativeStacks::kDwarf));
  CHECK_EQ(static_cast<int>(parsed("nativestacks=fp").nativeStacks), static_cast<int>(NativeStacks::kFramePointers));
  CHECK_EQ(static_cast<int>(parsed("nativestacks=off").nativeStacks), static_cast<int>(NativeStacks::kOff));
  CHECK_STR(errorOf("nativestacks=lbr"), "invalid option 'nativestacks=lbr': nativestacks must be one of dwarf, fp, off");
}

void jfrFollowsTheFileNameUnlessFormatSays() {
  Options o;
  std::string error;
  CHECK(parseOptions("file=out.jfr", &o, &error));
  CHECK(o.jfr);
  CHECK_EQ(o.chunkNs, uint64_t{10'000'000'000});
  CHECK(parseOptions("file=out.collapsed", &o, &error));
  CHECK(!o.jfr);
  CHECK(parseOptions("file=out.bin,format=jfr,chunk=2s", &o, &error));
  CHECK(o.jfr);
  CHECK_EQ(o.chunkNs, uint64_t{2'000'000'000});
  CHECK(parseOptions("file=out.jfr,format=collapsed", &o, &error));
  CHECK(!o.jfr);
  CHECK(errorOf("chunk=5s").find("chunk applies to JFR output") != std::string::npos);
  CHECK(errorOf("file=a.jfr,chunk=0s").find("from 1s to 1h") != std::string::npos);
  CHECK(errorOf("file=a.jfr,chunk=2h").find("from 1s to 1h") != std::string::npos);
  CHECK(errorOf("format=xml").find("format must be jfr or collapsed") != std::string::npos);
  CHECK(errorOf("file=a.jfr,checkpoint=10s").find("written in chunks") != std::string::npos);
}

void depthIsBounded() {
  CHECK_EQ(parsed("depth=1").depth, 1u);
  CHECK_EQ(parsed("depth=65536").depth, 65536u);
  for (const char* bad : {"depth=0", "depth=65537", "depth=-1", "depth=x", "depth="}) {
    CHECK_STR(errorOf(bad), std::string("invalid option '") + bad + "': depth must be a whole number from 1 to 65536");
  }
}

void flagsTakeNoValue() {
  CHECK_STR(errorOf("threads=yes"), "invalid option 'threads=yes': threads is a flag and takes no value");
  CHECK(errorOf("lines=1").find("lines is a flag") != std::string::npos);
}

void emptyItemsAndRepeatsAreRejected() {
  CHECK(errorOf("threads,,lines").find("empty option") != std::string::npos);
  CHECK(errorOf("threads,").find("empty option") != std::string::npos);
  CHECK(errorOf(",threads").find("empty option") != std::string::npos);
  CHECK_STR(errorOf("event=cpu,event=itimer"), "invalid option 'event=itimer': event is given more than once");
}

void fileEscapes() {
  std::string out, why;
  CHECK(expandFilePattern("/tmp/p-%p.collapsed", 4242, &out, &why));
  CHECK_STR(out, "/tmp/p-4242.collapsed");
  CHECK(expandFilePattern("100%%-%p-%p", 7, &out, &why));
  CHECK_STR(out, "100%-7-7");
  CHECK(!expandFilePattern("a%q", 1, &out, &why));
  CHECK_STR(why, "unknown escape '%q' (use %p for the pid, %% for %)");
  CHECK(!expandFilePattern("a%", 1, &out, &why));
  CHECK(errorOf("file=x%y").find("invalid option 'file=x%y': file unknown escape") == 0);
  CHECK(errorOf("file=").find("file must name a path") != std::string::npos);
}

void listValuesSplitOnPlus() {
  std::vector<std::string> parts = splitList("running+blocked+io");
  CHECK_EQ(parts.size(), size_t{3});
  if (parts.size() == 3) {
    CHECK_STR(parts[0], "running");
    CHECK_STR(parts[1], "blocked");
    CHECK_STR(parts[2], "io");
  }
  CHECK_EQ(splitList("one").size(), size_t{1});
}

}  // namespace

void attachActionsAndTheirOptions() {
  CHECK(parsed("").action == Action::kStart);
  CHECK(!parsed("").actionGiven);
  Options o = parsed("stop,statusfile=/tmp/s,file=/tmp/p");
  CHECK(o.action == Action::kStop);
  CHECK_STR(o.statusFile, "/tmp/s");
  CHECK(parsed("dump").action == Action::kDump);
  CHECK(parsed("status").action == Action::kStatus);
  CHECK(parsed("start,accumulate").accumulate);
  CHECK_STR(errorOf("start,stop"), "invalid option 'stop': only one action is allowed, start was given already");
  CHECK_STR(errorOf("stop=now"), "invalid option 'stop=now': stop is an action and takes no value");
  CHECK_STR(errorOf("statusfile="), "invalid option 'statusfile=': statusfile must name a path");
}

void checkpointsTakeSecondsMinutesOrHours() {
  CHECK(parsed("").checkpointNs == 0);
  CHECK(parsed("checkpoint=30").checkpointNs == 30'000'000'000);
  CHECK(parsed("checkpoint=45s").checkpointNs == 45'000'000'000);
  CHECK(parsed("checkpoint=5m").checkpointNs == 300'000'000'000);
  CHECK(parsed("checkpoint=24h").checkpointNs == kMaxCheckpointNs);
  CHECK(parsed("event=alloc,checkpoint=1s").checkpointNs == kMinCheckpointNs);
  const char* kWhy = "checkpoint must be a whole number of seconds (s), minutes (m) or hours (h) from 1s to 24h";
  for (const char* bad : {"checkpoint=", "checkpoint=0", "checkpoint=0s", "checkpoint=500ms", "checkpoint=25h",
                          "checkpoint=1.5m", "checkpoint=-1", "checkpoint=99999999999999999999h"}) {
    CHECK(errorOf(bad).find(std::string("invalid option '") + bad + "': " + kWhy) == 0);
  }
}

void theStatusFileIsFoundInAnInvalidOptionString() {
  CHECK_STR(findOptionValue("event=nope,statusfile=/tmp/st,bogus", "statusfile"), "/tmp/st");
  CHECK_STR(findOptionValue("event=cpu", "statusfile"), "");
  CHECK_STR(findOptionValue(nullptr, "file"), "");
}

void samplingIsComparedAndDescribed() {
  CHECK(sameSampling(parsed("event=cpu,file=a,stop"), parsed("interval=10ms,file=b")));
  CHECK(!sameSampling(parsed("event=cpu"), parsed("event=itimer")));
  CHECK(!sameSampling(parsed("threads"), parsed("")));
  CHECK_STR(describeSampling(parsed("event=ctimer,interval=250us,threads,lines")),
            "event=ctimer,interval=250us,depth=2048,threads,lines");
}

void sizesTakeKMGAndBareBytes() {
  uint64_t bytes = 0;
  std::string why;
  CHECK(parseSize("512k", &bytes, &why));
  CHECK_EQ(bytes, uint64_t{524288});
  CHECK(parseSize("2M", &bytes, &why));
  CHECK_EQ(bytes, uint64_t{2} << 20);
  CHECK(parseSize("1g", &bytes, &why));
  CHECK_EQ(bytes, uint64_t{1} << 30);
  CHECK(parseSize("100", &bytes, &why));
  CHECK_EQ(bytes, uint64_t{100});
  for (const char* bad : {"", "k", "1.5m", "10kb", "-1", "99999999999999999999k"}) {
    if (parseSize(bad, &bytes, &why)) check::fail(__FILE__, __LINE__, std::string("accepted size '") + bad + "'");
  }
}

void allocAndLockAddToTheTimeEvent() {
  Options o = parsed("event=cpu,alloc=1m,lock=5ms");
  CHECK(o.timed);
  CHECK(o.event == EventKind::kCpu);
  CHECK_EQ(o.allocBytes, uint64_t{1} << 20);
  CHECK(o.lock);
  CHECK_EQ(o.lockThresholdNs, uint64_t{5'000'000});
  CHECK_EQ(profileKinds(o).size(), size_t{3});
  CHECK_STR(describeSampling(o), "event=cpu,interval=10ms,alloc=1048576,lock=5ms,depth=2048");

  Options defaults = parsed("alloc,lock,live");
  CHECK_EQ(defaults.allocBytes, kDefaultAllocBytes);
  CHECK_EQ(defaults.lockThresholdNs, uint64_t{10'000});
  CHECK(defaults.live);
  CHECK(!sameSampling(defaults, parsed("alloc,lock")));
  CHECK(!sameSampling(parsed("alloc=1m"), parsed("alloc=2m")));
  CHECK_EQ(profileKinds(parsed("")).size(), size_t{1});
}

void eventAllocOrLockAloneTakesIntervalAsSizeOrThreshold() {
  Options alloc = parsed("event=alloc,interval=64k");
  CHECK(!alloc.timed);
  CHECK_EQ(alloc.allocBytes, uint64_t{65536});
  CHECK_EQ(profileKinds(alloc).size(), size_t{1});
  CHECK_STR(profileKinds(alloc)[0], "alloc");
  CHECK_EQ(parsed("event=alloc").allocBytes, kDefaultAllocBytes);
  Options lock = parsed("event=lock,interval=1ms");
  CHECK(!lock.timed);
  CHECK(lock.lock);
  CHECK_EQ(lock.lockThresholdNs, uint64_t{1'000'000});
  CHECK_EQ(parsed("event=lock,interval=0").lockThresholdNs, uint64_t{0});
  CHECK_STR(describeSampling(lock), "lock=1ms,depth=2048");
}

void badAllocAndLockValuesAreRejected() {
  CHECK_STR(errorOf("alloc=lots"),
            "invalid option 'alloc=lots': the allocation interval must be a whole number of bytes, optionally "
            "followed by k, m or g (e.g. 512k)");
  CHECK_STR(errorOf("alloc=0"),
            "invalid option 'alloc=0': the allocation interval must be from 1 byte to 2147483647 bytes (under 2g)");
  CHECK_STR(errorOf("alloc=2g"),
            "invalid option 'alloc=2g': the allocation interval must be from 1 byte to 2147483647 bytes (under 2g)");
  CHECK_STR(errorOf("lock=soon"),
            "invalid option 'lock=soon': the lock threshold must be a whole number followed by ns, us, ms or s "
            "(e.g. 10ms)");
  CHECK_STR(errorOf("live"), "invalid option 'live': live needs an allocation profile (alloc or event=alloc)");
  CHECK_STR(errorOf("live=yes,alloc"), "invalid option 'live=yes': live is a flag and takes no value");
  CHECK_STR(errorOf("event=alloc,interval=10ms"),
            "invalid option 'interval=10ms': the allocation interval must be a whole number of bytes, "
            "optionally followed by k, m or g (e.g. 512k)");
  CHECK_STR(errorOf("event=alloc,lock,interval=1m"),
            "invalid option 'interval=1m': with event=alloc and lock both, give alloc=SIZE and lock=TIME instead");
  CHECK_STR(errorOf("event=alloc,state=running"),
            "invalid option 'state': only event=wall takes state and nostate");
}

void kindFilesAreNamedBeforeTheExtension() {
  CHECK_STR(kindFilePath("/tmp/out.collapsed", "alloc"), "/tmp/out.alloc.collapsed");
  CHECK_STR(kindFilePath("/tmp/a.b/out", "lock"), "/tmp/a.b/out.lock");
  CHECK_STR(kindFilePath("/tmp/.hidden", "cpu"), "/tmp/.hidden.cpu");
  CHECK_STR(kindFilePath("out.txt", "cpu"), "out.cpu.txt");
}

int main() {
  sizesTakeKMGAndBareBytes();
  allocAndLockAddToTheTimeEvent();
  eventAllocOrLockAloneTakesIntervalAsSizeOrThreshold();
  badAllocAndLockValuesAreRejected();
  kindFilesAreNamedBeforeTheExtension();
  attachActionsAndTheirOptions();
  checkpointsTakeSecondsMinutesOrHours();
  theStatusFileIsFoundInAnInvalidOptionString();
  samplingIsComparedAndDescribed();
  emptyOptionsGiveTheDefaults();
  everyOptionIsParsed();
  intervalUnitsAndBareNanoseconds();
  badIntervalsAreRejectedWithTheReason();
  badEventNamesTheChoices();
  unknownOptionListsTheAllowedOnes();
  nativeStacksChoosesTheUnwinder();
  wallDefaultsToFiftyMillisecondsAndSigvtalrm();
  wallOptionsAreChecked();
  theCpuEventsTakeASignalButItimerRefusesIt();
  theTraceStoreIsSizedByStacks();
  depthIsBounded();
  flagsTakeNoValue();
  emptyItemsAndRepeatsAreRejected();
  fileEscapes();
  listValuesSplitOnPlus();
  jfrFollowsTheFileNameUnlessFormatSays();
  return check::finish("options_test");
}
