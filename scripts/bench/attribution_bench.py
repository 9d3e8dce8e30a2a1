#!/usr/bin/env python3
"""Which method gets the CPU time: jflame against async-profiler 4.2 on programs whose answer is known.

From the repository root, after `mvn -B -o -DskipTests package`:

    python3 scripts/bench/attribution_bench.py                       # every case, at start and at attach
    python3 scripts/bench/attribution_bench.py --cases inlined,osr --scenarios attach
    python3 scripts/bench/attribution_bench.py --top javac,h2        # top-10 self-time overlap on real programs

Cases (scripts/bench/workloads/AttributionWorkload.java; each spends its time in one dependent chain
of identical steps, divided between methods in a fixed ratio, so the self-time split is known):
  inlined      inlinedA 2/3, inlinedB 1/3 (both inlined by C2 into inlinedCaller, which gets ~0)
  smallstatic  staticCaller 2/3, smallStatic 1/3 (a small static method called in the hot loop)
  osr          osrLoop 2/3, osrHelper 1/3 (one call, so only the on-stack-replacement code runs)
  interp       the inlined case under -Xint: inlinedA 2/3, inlinedB 1/3
  crc          CRC32.update, an intrinsic stub without a Java frame: CRC32 ~100 %, crcCaller ~0
  log          Math.log, an intrinsic stub called in place of the method: Math.log ~100 %
Scenarios:
  start   the agent loaded with -agentpath; no -XX:+DebugNonSafepoints (what each profiler gets by itself)
  flag    as start, with -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
  attach  loaded with `jcmd PID JVMTI.agent_load` after a warm-up, so the hot code was compiled before
Profilers: jflame event=cpu (at each --intervals), async-profiler event=cpu with its default Java stack
walker (cstack=vm in 4.2: HotSpot's structures read by the profiler itself) and with cstack=fp, which
takes the Java frames from AsyncGetCallTrace. Shares are of the samples whose leaf Java frame is one
of the case's methods (the case's own driver loop is negligible); "error" is half the sum of the
absolute differences from the known split (0 = right, 100 = all wrong).

--top runs javac (JavacWorkload on the commons-cli sources, as run.py) and H2Workload (the H2 database
in memory, com.h2database:h2 from the local Maven repository) under each profiler at each interval and
prints how many of jflame's top-10 self-time Java methods are in each async-profiler mode's top 10,
and the two modes' overlap with each other. With --together it also runs jflame (on signal 40) and
async-profiler in one JVM: separate JVMs compile differently (inlining, unrolling), and the split of
self time between a compiled method and what it inlined follows the compiled code, so only profiles
of the same JVM can tell a profiler's attribution from the JIT's.

What the cases show (see the report of the attribution work for numbers): every profiler that maps a
pc to a method through HotSpot's debug information (AsyncGetCallTrace, async-profiler's vm walker,
jflame) charges a pc to the first debug record that ends after it. C2 records one at the end of each
run of instructions from one inlining scope, but only for instructions that carry a scope ("node
notes"); the instructions without one (here the caller's own steps, cloned by loop unrolling) fall to
the next instruction that has one. `smallstatic` is therefore charged almost entirely to the small
inlined method (~98 % against 33 %) by all three, and with the method kept out of line
(-XX:CompileCommand=dontinline) the same profilers give it its 1/3. Without non-safepoint records
(code compiled before an agent attached) only safepoints carry scopes, and the same case goes 100 %
to the caller.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as benchrun  # noqa: E402  (read_profile, mvn_copy)

ROOT = benchrun.ROOT
OUT = os.path.join(ROOT, "target/attribution")  # --out changes it
CLASSES = os.path.join(OUT, "classes")
WL = "dev.jflame.workload."
AW = WL + "AttributionWorkload."
H2_JAR = os.path.expanduser("~/.m2/repository/com/h2database/h2/2.3.232/h2-2.3.232.jar")
H2_ARTIFACT = "com.h2database:h2:2.3.232"
DNS = ["-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints"]

# case -> (JVM options, {method or prefix: known share in %})
CASES = {
    "inlined": ([], {AW + "inlinedA": 66.7, AW + "inlinedB": 33.3, AW + "inlinedCaller": 0}),
    "smallstatic": ([], {AW + "staticCaller": 66.7, AW + "smallStatic": 33.3}),
    "osr": ([], {AW + "osrLoop": 66.7, AW + "osrHelper": 33.3}),
    "interp": (["-Xint"], {AW + "inlinedA": 66.7, AW + "inlinedB": 33.3, AW + "inlinedCaller": 0}),
    "crc": ([], {"java.util.zip.CRC32.": 100, AW + "crcCaller": 0}),
    "log": ([], {"java.lang.Math.log": 100, "java.lang.StrictMath.log": 0, AW + "logCaller": 0}),
}


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def setup(args):
    os.makedirs(OUT, exist_ok=True)
    bin_dir = os.path.join(ROOT, "target/bench/bin")
    ap_so = os.path.join(bin_dir, "libasyncProfiler.so")
    if not os.path.exists(ap_so):
        os.makedirs(bin_dir, exist_ok=True)
        jar = os.path.join(bin_dir, "async-profiler-%s.jar" % benchrun.AP_VERSION)
        if not os.path.exists(jar):
            benchrun.mvn_copy(benchrun.AP_ARTIFACT, bin_dir)
        with zipfile.ZipFile(jar) as z, open(ap_so, "wb") as out:
            out.write(z.read("linux-x64/libasyncProfiler.so"))
    jflame_so = os.path.join(OUT, "libjflame.so")
    src = args.jflame or os.path.join(ROOT, "java/target/native/libjflame.so")
    if not os.path.exists(src):
        sys.exit("missing %s: build first (mvn -B -o -DskipTests package)" % src)
    shutil.copy2(src, jflame_so)  # a private copy: builds replace java/target meanwhile
    shutil.rmtree(CLASSES, ignore_errors=True)
    sources = [os.path.join(ROOT, "scripts/bench/workloads", f)
               for f in ("AttributionWorkload.java", "H2Workload.java", "JavacWorkload.java")]
    javac = os.path.join(os.path.dirname(args.java), "javac")
    subprocess.run([javac if os.path.exists(javac) else "javac", "-d", CLASSES] + sources, check=True)
    return jflame_so, ap_so


class Runner:
    def __init__(self, java, jflame_so, ap_so):
        self.java, self.jflame_so, self.ap_so = java, jflame_so, ap_so
        self.count = 0

    def options(self, profiler, interval, path, action="start"):
        if profiler == "jflame":
            return "%sevent=cpu,interval=%s,file=%s" % ("start," if action == "start" else "", interval, path)
        cstack = ",cstack=fp" if profiler == "ap-agct" else ""
        # ann: marks Java frames (_[j] _[i] _[0] _[1]) so that native ones can be told apart
        return "start,event=cpu,interval=%s%s,ann,collapsed,file=%s" % (interval, cstack, path)

    def paths(self, tag):
        self.count += 1
        base = os.path.join(OUT, "runs", "r%04d-%s" % (self.count, tag))
        os.makedirs(os.path.dirname(base), exist_ok=True)
        return base

    def at_start(self, profiler, interval, jvm, main, tag, classpath=None):
        base = self.paths(tag)
        profile = base + ".collapsed"
        agent = self.jflame_so if profiler == "jflame" else self.ap_so
        opts = self.options(profiler, interval, profile)
        if profiler == "jflame":
            opts = opts[len("start,"):]
        cmd = [self.java] + jvm + ["-agentpath:%s=%s" % (agent, opts), "-cp", classpath or CLASSES] + main
        with open(base + ".out", "w") as out, open(base + ".err", "w") as err:
            rc = subprocess.run(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, timeout=1800).returncode
        if rc != 0 or not os.path.exists(profile):
            sys.exit("failed (%d): %s\n%s" % (rc, " ".join(cmd), open(base + ".err").read()[-2000:]))
        return benchrun.read_profile("jflame" if profiler == "jflame" else "ap", profile)

    def together(self, ap_mode, interval, jvm, main, tag, classpath=None):
        """One JVM, both agents: jflame on signal 40 (its own perf events), async-profiler on SIGPROF,
        so that both sample the same compiled code. Returns (jflame profile, async-profiler profile)."""
        base = self.paths(tag)
        jpath, apath = base + "-jflame.collapsed", base + "-ap.collapsed"
        cmd = [self.java] + jvm + [
            "-agentpath:%s=event=cpu,interval=%s,signal=40,file=%s" % (self.jflame_so, interval, jpath),
            "-agentpath:%s=%s" % (self.ap_so, self.options(ap_mode, interval, apath)),
            "-cp", classpath or CLASSES] + main
        with open(base + ".out", "w") as out, open(base + ".err", "w") as err:
            rc = subprocess.run(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, timeout=1800).returncode
        if rc != 0 or not os.path.exists(jpath) or not os.path.exists(apath):
            sys.exit("failed (%d): %s\n%s" % (rc, " ".join(cmd), open(base + ".err").read()[-2000:]))
        return benchrun.read_profile("jflame", jpath), benchrun.read_profile("ap", apath)

    def jcmd(self, pid, agent, options):
        # quoted: jcmd's parser would take the first `=` of unquoted options for its own key=value
        jcmd = os.path.join(os.path.dirname(self.java), "jcmd")
        proc = subprocess.run([jcmd if os.path.exists(jcmd) else "jcmd", str(pid), "JVMTI.agent_load", agent, '"%s"' % options],
                              capture_output=True, text=True, timeout=300)
        if proc.returncode != 0 or "error" in proc.stdout.lower().split("\n", 1)[-1][:200]:
            log("jcmd %s: %s %s" % (options, proc.stdout.strip()[-300:], proc.stderr.strip()[-300:]))

    def attached(self, profiler, interval, jvm, main, tag):
        """Runs main (which prints `warm`, waits for a line, runs, prints `done` and lingers); the agent
        is loaded before the line is sent and stopped after `done`."""
        base = self.paths(tag)
        profile = base + ".collapsed"
        agent = self.jflame_so if profiler == "jflame" else self.ap_so
        cmd = [self.java] + jvm + ["-cp", CLASSES] + main
        with open(base + ".err", "w") as err:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.PIPE, text=True)
            try:
                line = proc.stdout.readline()
                if line.strip() != "warm":
                    sys.exit("no warm-up line from %s: %r" % (" ".join(cmd), line))
                self.jcmd(proc.pid, agent, self.options(profiler, interval, profile))
                proc.stdin.write("go\n")
                proc.stdin.flush()
                line = proc.stdout.readline()
                stop = ("stop,file=%s" % profile) if profiler == "jflame" else ("stop,ann,collapsed,file=%s" % profile)
                self.jcmd(proc.pid, agent, stop)
            finally:
                proc.kill()
                proc.wait()
        if not os.path.exists(profile):
            sys.exit("no profile from attach to %s" % " ".join(cmd))
        return benchrun.read_profile("jflame" if profiler == "jflame" else "ap", profile)


def leaf_counts(profile):
    """Self samples by leaf Java method (lines and [native] marks dropped)."""
    counts = {}
    for frames, n in profile["stacks"]:
        java = [f for f in frames if not f.endswith("_[k]")] or ["[kernel]"]  # jflame's kernel frames
        leaf = re.sub(r":\d+$", "", java[-1])
        counts[leaf] = counts.get(leaf, 0) + n
    return counts


def case_shares(profile, truth):
    counts = leaf_counts(profile)
    got = {key: sum(n for m, n in counts.items() if m == key or (key.endswith(".") and m.startswith(key))
                    or (key.endswith(".log") and m.startswith(key)))
           for key in truth}
    total = sum(got.values())
    shares = {k: (100.0 * v / total if total else float("nan")) for k, v in got.items()}
    error = sum(abs(shares[k] - truth[k]) for k in truth) / 2 if total else float("nan")
    return shares, error, total


def top_self(profile, n=10):
    counts = leaf_counts(profile)
    ranked = sorted(((c, m) for m, c in counts.items() if not m.startswith("[")), reverse=True)
    return [m for _, m in ranked[:n]]


def profilers(intervals):
    return [(p, iv) for iv in intervals for p in ("jflame", "ap-vm", "ap-agct")]


def run_cases(runner, args):
    rows = []
    for scenario in args.scenarios:
        for case in args.cases:
            jvm, truth = CASES[case]
            jvm = list(jvm) + (DNS if scenario == "flag" else [])
            for profiler, iv in profilers(args.intervals):
                main = [WL + "AttributionWorkload", case, str(args.seconds)]
                if scenario == "attach":
                    main += [str(args.warmup), "600"]
                    prof = runner.attached(profiler, iv, jvm, main, "%s-%s-%s" % (case, profiler, iv))
                else:
                    prof = runner.at_start(profiler, iv, jvm, main, "%s-%s-%s" % (case, profiler, iv))
                shares, error, total = case_shares(prof, truth)
                rows.append((scenario, case, profiler, iv, shares, error, total))
                log("%s %s %s %s: %s error %.1f (n=%d)" % (scenario, case, profiler, iv,
                                                          " ".join("%s=%.1f" % (k.rsplit(".", 1)[-1] or k, v)
                                                                   for k, v in shares.items()), error, total))
    print("\n## Known-answer cases: share of self time (%) per method, known split in brackets\n")
    for scenario in args.scenarios:
        print("### %s\n" % scenario)
        print("| case | profiler | interval | shares | error | samples |")
        print("|---|---|---|---|---|---|")
        for sc, case, profiler, iv, shares, error, total in rows:
            if sc != scenario:
                continue
            truth = CASES[case][1]
            text = ", ".join("%s %.1f [%g]" % (short(k), shares[k], truth[k]) for k in truth)
            print("| %s | %s | %s | %s | %.1f | %d |" % (case, profiler, iv, text, error, total))
        print()


def short(key):
    key = key.replace(AW, "")
    return key.rstrip(".") if key.endswith(".") else key


def run_top(runner, args):
    programs = {}
    if "javac" in args.top:
        src_jar = os.path.join(ROOT, "target/bench/bin/commons-cli-1.9.0-sources.jar")
        if not os.path.exists(src_jar):
            benchrun.mvn_copy(benchrun.JAVAC_SOURCES, os.path.dirname(src_jar))
        src_dir = os.path.join(OUT, "src/commons-cli-1.9.0")
        if not os.path.isdir(src_dir):
            with zipfile.ZipFile(src_jar) as z:
                z.extractall(src_dir)
        programs["javac"] = (None, [WL + "JavacWorkload", src_dir, os.path.join(OUT, "javac-out"), str(args.javac_compiles)])
    if "h2" in args.top:
        if not os.path.exists(H2_JAR):
            benchrun.mvn_copy(H2_ARTIFACT, os.path.dirname(H2_JAR))
        programs["h2"] = (CLASSES + ":" + H2_JAR, [WL + "H2Workload", str(args.h2_seconds)])
    print("\n## Top-10 self-time overlap (Java methods), with -XX:+DebugNonSafepoints for all\n")
    print("Separate runs: one JVM per profiler, so each profiles its own JIT-compiled code.\n")
    print("| program | interval | jflame vs AP vm | jflame vs AP agct | AP vm vs AP agct | jflame only | AP vm only |")
    print("|---|---|---|---|---|---|---|")
    for name, (cp, main) in programs.items():
        for iv in args.intervals:
            tops = {}
            for profiler in ("jflame", "ap-vm", "ap-agct"):
                prof = runner.at_start(profiler, iv, DNS, main, "%s-%s-%s" % (name, profiler, iv), classpath=cp)
                tops[profiler] = top_self(prof)
                log("%s %s %s: top %s" % (name, profiler, iv, tops[profiler]))
            j, v, a = (set(tops[p]) for p in ("jflame", "ap-vm", "ap-agct"))
            print("| %s | %s | %d | %d | %d | %s | %s |" % (name, iv, len(j & v), len(j & a), len(v & a),
                                                       ", ".join(sorted(map(class_method, j - v))),
                                                       ", ".join(sorted(map(class_method, v - j)))))
            sys.stdout.flush()
    if not args.together:
        return
    print("\nOne JVM with both agents (jflame on signal 40), so both sample the same compiled code; "
          "\"jflame vs jflame\" compares jflame's two runs.\n")
    print("| program | interval | jflame vs AP vm (same JVM) | jflame vs AP agct (same JVM) | jflame vs jflame (2 JVMs) "
          "| largest share difference, same JVM (points) |")
    print("|---|---|---|---|---|---|")
    for name, (cp, main) in programs.items():
        for iv in args.intervals:
            jv, vm = runner.together("ap-vm", iv, DNS, main, "%s-both-vm-%s" % (name, iv), classpath=cp)
            ja, ag = runner.together("ap-agct", iv, DNS, main, "%s-both-agct-%s" % (name, iv), classpath=cp)
            diffs = []
            for jp, apr, label in ((jv, vm, "vm"), (ja, ag, "agct")):
                jc, ac = leaf_counts(jp), leaf_counts(apr)
                jt, at = sum(jc.values()), sum(ac.values())
                union = set(top_self(jp)) | set(top_self(apr))
                worst = max(union, key=lambda m: abs(jc.get(m, 0) / jt - ac.get(m, 0) / at))
                diffs.append("%s %s %.2f" % (label, class_method(worst),
                                              100 * abs(jc.get(worst, 0) / jt - ac.get(worst, 0) / at)))
            print("| %s | %s | %d | %d | %d | %s |" % (
                name, iv, len(set(top_self(jv)) & set(top_self(vm))), len(set(top_self(ja)) & set(top_self(ag))),
                len(set(top_self(jv)) & set(top_self(ja))), "; ".join(diffs)))
            sys.stdout.flush()


def class_method(name):
    """pkg.Class.method -> Class.method"""
    return ".".join(name.split(".")[-2:])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--java", default=shutil.which("java"))
    ap.add_argument("--jflame", help="the libjflame.so to measure (default: java/target/native/libjflame.so)")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--scenarios", default="start,attach")
    ap.add_argument("--intervals", default="10ms,1ms")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--top", default="", help="javac,h2: top-10 overlap on real programs instead of the cases")
    ap.add_argument("--together", action="store_true",
                    help="with --top: also run jflame and async-profiler in one JVM (same compiled code)")
    ap.add_argument("--javac-compiles", type=int, default=3)
    ap.add_argument("--h2-seconds", type=float, default=6, help="CPU seconds of H2's query phase")
    ap.add_argument("--out", help="work directory (default target/attribution); one per concurrent run")
    args = ap.parse_args()
    if args.out:
        global OUT, CLASSES
        OUT = os.path.abspath(args.out)
        CLASSES = os.path.join(OUT, "classes")
    args.cases = [c for c in args.cases.split(",") if c]
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    args.intervals = [i for i in args.intervals.split(",") if i]
    args.top = [t for t in args.top.split(",") if t]
    for c in args.cases:
        if c not in CASES:
            sys.exit("unknown case %s (known: %s)" % (c, ", ".join(CASES)))
    jflame_so, ap_so = setup(args)
    runner = Runner(args.java, jflame_so, ap_so)
    with open("/proc/loadavg") as f:
        print("load average at start: %s" % " ".join(f.read().split()[:3]))
    if args.top:
        run_top(runner, args)
    else:
        run_cases(runner, args)
    with open("/proc/loadavg") as f:
        print("\nload average at end: %s" % " ".join(f.read().split()[:3]))


if __name__ == "__main__":
    main()
