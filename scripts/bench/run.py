#!/usr/bin/env python3
"""jflame against async-profiler, side by side: overhead, accuracy, yield, agent memory, rendering.

One command, from the repository root, after `mvn -B -DskipTests package`:

    python3 scripts/bench/run.py            # the full run (about 12 minutes on 2 busy cores)
    python3 scripts/bench/run.py --quick    # fewer, shorter runs (about 5 minutes), to try it out

Prints a Markdown report and writes it to target/bench/results.md (raw numbers of every run in
target/bench/runs.json). The peer is async-profiler 4.2 from Maven Central, fetched into
target/bench/bin by `mvn dependency:copy`; it is never a product dependency. Both profilers
sample the same event (`cpu`: a perf_events task clock per thread) at the same interval, and
every JVM, the unprofiled one included, gets -XX:+UnlockDiagnosticVMOptions
-XX:+DebugNonSafepoints. async-profiler runs with its defaults otherwise; both walk native
frames (jflame's default nativestacks=dwarf). For the comparisons of Java methods, both
profiles are reduced to their Java frames.

Workloads (scripts/bench/workloads/ and java/src/test/java/dev/jflame/workload/, compiled here
with javac into target/bench/classes), each with a ground truth by construction:
  split      SplitWorkload: 60/30/10 of the time in three methods (`work N` for fixed work)
  two        TwoThreadsWorkload: two threads busy in two methods for the same time (50/50)
  wall       WallWorkload: one thread computes 30% and sleeps 70% of each round (wall event)
  javac      JavacWorkload: javac (javax.tools) compiling the commons-cli 1.9.0 sources jar
  stacks     ManyStacksWorkload: random 20-deep call paths, nearly every sample a new stack
The rendering numbers come from scripts/bench/render_bench.py, run from here.

Overhead runs are interleaved (one run of each configuration per round, in rotating order) and
each figure is the median over the rounds. Ratios are to the unprofiled run; "jflame / AP" is
jflame's ratio divided by async-profiler's, below 1 means jflame cost less.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "scripts/bench")
OUT = os.path.join(ROOT, "target/bench")
BIN = os.path.join(OUT, "bin")
CLASSES = os.path.join(OUT, "classes")
AP_VERSION = "4.2"
# The `java` of each JDK the benchmarks compare on (overhead_bench, heap_sizing_bench).
JAVA_BY_JDK = {"17": "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
               "25": "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"}
AP_ARTIFACT = "tools.profiler:async-profiler:" + AP_VERSION
JAVAC_SOURCES = "commons-cli:commons-cli:1.9.0:jar:sources"
DIAG = ["-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints"]
WL = "dev.jflame.workload."
PROFILERS = ("jflame", "ap")
NAMES = {"none": "none", "jflame": "jflame", "ap": "async-profiler"}

FULL = dict(runs=5, runs_100us=3, intervals=["10ms", "1ms", "100us"], split_units=1_000_000,
            javac_compiles=1, accuracy_ms=3000, memory_ms=3000, memory_runs=3,
            render_sizes=[10_000, 100_000], render_runs=3)
QUICK = dict(runs=3, runs_100us=2, intervals=["10ms", "1ms", "100us"], split_units=400_000,
             javac_compiles=1, accuracy_ms=1500, memory_ms=1500, memory_runs=1,
             render_sizes=[10_000], render_runs=1)


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def interval_ns(text):
    m = re.fullmatch(r"(\d+)(ns|us|ms|s)", text)
    return int(m.group(1)) * {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000}[m.group(2)]


# ---------------------------------------------------------------------------------------------
# Setup: a private copy of both agents (others rebuild java/target while this runs), the peer,
# the javac input, the workloads.

def mvn_copy(artifact, dest):
    # -N: the aggregator's modules are not built, Maven only resolves the artifact
    cmd = ["mvn", "-B", "-q", "-N", "dependency:copy", "-Dartifact=" + artifact, "-DoutputDirectory=" + dest]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("could not fetch %s:\n%s" % (artifact, proc.stdout[-2000:] + proc.stderr[-2000:]))


def setup(java):
    os.makedirs(BIN, exist_ok=True)
    for name, src in (("libjflame.so", "java/target/native/libjflame.so"), ("jflame.jar", "java/target/jflame.jar")):
        path = os.path.join(ROOT, src)
        if not os.path.exists(path):
            sys.exit("missing %s: build first (mvn -B -DskipTests package)" % src)
        shutil.copy2(path, os.path.join(BIN, name))
    ap_jar = os.path.join(BIN, "async-profiler-%s.jar" % AP_VERSION)
    if not os.path.exists(ap_jar):
        log("fetching %s" % AP_ARTIFACT)
        mvn_copy(AP_ARTIFACT, BIN)
    ap_so = os.path.join(BIN, "libasyncProfiler.so")
    with zipfile.ZipFile(ap_jar) as jar, open(ap_so, "wb") as out:
        out.write(jar.read("linux-%s/libasyncProfiler.so" % ("arm64" if platform.machine() == "aarch64" else "x64")))
    src_jar = os.path.join(BIN, "commons-cli-1.9.0-sources.jar")
    if not os.path.exists(src_jar):
        log("fetching %s" % JAVAC_SOURCES)
        mvn_copy(JAVAC_SOURCES, BIN)
    src_dir = os.path.join(OUT, "src/commons-cli-1.9.0")
    if not os.path.isdir(src_dir):
        with zipfile.ZipFile(src_jar) as jar:
            jar.extractall(src_dir)
    shutil.rmtree(CLASSES, ignore_errors=True)
    sources = [os.path.join(d, f) for d in (os.path.join(ROOT, "java/src/test/java/dev/jflame/workload"),
                                            os.path.join(BENCH, "workloads"))
               for f in sorted(os.listdir(d)) if f.endswith(".java")]
    javac = os.path.join(os.path.dirname(java), "javac")
    subprocess.run([javac if os.path.exists(javac) else "javac", "-d", CLASSES] + sources, check=True)
    return os.path.join(BIN, "libjflame.so"), ap_so, src_dir


# ---------------------------------------------------------------------------------------------
# Running one JVM and reading what it left.

class Bench:
    def __init__(self, java, jflame_so, ap_so, work, classpath=CLASSES, jvm_options=()):
        self.java, self.jflame_so, self.ap_so, self.work = java, jflame_so, ap_so, work
        self.classpath = classpath
        self.jvm_options = list(jvm_options)  # for every run, profiled or not (e.g. a fixed heap)
        self.count = 0

    def agent(self, profiler, event, interval, out):
        if profiler == "jflame":
            return ["-agentpath:%s=event=%s,interval=%s,file=%s" % (self.jflame_so, event, interval, out)]
        if profiler == "ap":
            # ann: marks Java frames (_[j] _[i] _[0] _[1]) so native ones can be told apart
            return ["-agentpath:%s=start,event=%s,interval=%s,ann,collapsed,file=%s" % (self.ap_so, event, interval, out)]
        return []

    def run(self, profiler, event, interval, main_args, timeout=600):
        """Runs one JVM; returns its stdout, stderr, exit code, CPU seconds, peak RSS, profile."""
        self.count += 1
        base = os.path.join(self.work, "r%04d-%s" % (self.count, profiler))
        profile = base + ".collapsed"
        cmd = [self.java] + DIAG + self.jvm_options + self.agent(profiler, event, interval, profile) + ["-cp", self.classpath, WL + "MeasuredMain", WL + main_args[0]] + main_args[1:]
        with open(base + ".out", "w") as out, open(base + ".err", "w") as err:
            started = time.monotonic()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            # wait4, not wait: the rusage (CPU time) of this one child. Its ru_maxrss is no use: Linux
            # counts the forking parent's peak in it. VmHWM, the peak of the JVM's own memory, is
            # polled instead; the last reading before exit misses at most the final 10 ms.
            hwm_kb = 0
            while True:
                try:
                    with open("/proc/%d/status" % proc.pid) as status_file:
                        m = re.search(r"VmHWM:\s+(\d+) kB", status_file.read())
                        hwm_kb = int(m.group(1)) if m else hwm_kb
                except OSError:
                    pass
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() - started > timeout:
                    proc.kill()
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.01)
            proc.returncode = os.waitstatus_to_exitcode(status)
        with open(base + ".out") as f:
            stdout = f.read()
        with open(base + ".err") as f:
            stderr = f.read()
        return {"cmd": cmd, "rc": proc.returncode, "stdout": stdout, "stderr": stderr,
                "cpu_s": usage.ru_utime + usage.ru_stime, "maxrss_mb": hwm_kb / 1024,
                "elapsed_s": time.monotonic() - started,
                "profile": read_profile(profiler, profile) if profiler != "none" and os.path.exists(profile) else None,
                "profile_path": profile}

    def must(self, result):
        if result["rc"] != 0:
            sys.exit("failed (%d): %s\n%s" % (result["rc"], " ".join(result["cmd"]), result["stderr"][-3000:]))
        return result

    def supports(self, profiler, event):
        """Whether the agent accepts this event: an invalid option makes the JVM refuse to start."""
        r = self.run(profiler, event, "10ms", ["ExitWorkload", "50", "0"])
        return r["rc"] == 0 and r["profile"] is not None


AP_JAVA_FRAME = re.compile(r"_\[(?:j|i|0|1)\]$")
# jflame's native frames, `function [library]` (not Java `native` methods, `... [native]`)
JFLAME_NATIVE_FRAME = re.compile(r" \[(?!native\])[^\] ]+\]$")


def read_profile(profiler, path):
    """Headers and stacks of a collapsed file; async-profiler's stacks reduced to their Java frames,
    named as jflame names them (pkg.Class.method), so both are read the same way."""
    headers, stacks = {}, []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# "):
                key, _, value = line[2:].partition(": ")
                headers[key.strip()] = value.strip()
                continue
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            frames = stack.split(";")
            if profiler == "ap":
                java = []
                for frame in frames:
                    m = AP_JAVA_FRAME.search(frame)
                    if m:
                        java.append(frame[:m.start()].replace("/", "."))
                    elif frame.startswith("[") and frame.endswith("]") and not frame.endswith("_[k]"):
                        java.append(frame)  # its own markers: [unknown_Java], [tid=...] ...
                frames = java or ["[no Java frames]"]
            else:
                frames = [f[:-len(" [native]")] if f.endswith(" [native]") else f for f in frames
                          if not JFLAME_NATIVE_FRAME.search(f) and f != "[broken_native_stack]"] or ["[no Java frames]"]
            stacks.append((frames, int(count)))
    return {"headers": headers, "stacks": stacks, "samples": sum(c for _, c in stacks)}


def samples_with(profile, method):
    return sum(c for frames, c in profile["stacks"] if method in frames)


def write_collapsed(profile, path):
    with open(path, "w") as f:
        for frames, count in profile["stacks"]:
            f.write("%s %d\n" % (";".join(frames), count))


def median(xs):
    return statistics.median(xs) if xs else float("nan")


# ---------------------------------------------------------------------------------------------
# The measurements.

def overhead(bench, s, name, args_for, metric, rounds, rounds_100us):
    """Interleaved rounds of none / jflame / AP at each interval; metric(result) is the
    workload's own seconds. Returns {config: [runs]}."""
    configs = [("none", None)] + [(p, iv) for iv in s["intervals"] for p in PROFILERS]
    runs = {c: [] for c in configs}
    for round_ in range(rounds):
        order = configs[round_ % len(configs):] + configs[:round_ % len(configs)]
        for profiler, iv in order:
            if iv == "100us" and round_ >= rounds_100us:
                continue
            r = bench.must(bench.run(profiler, "cpu", iv or "10ms", args_for()))
            runs[(profiler, iv)].append({"work_s": metric(r), "work_cpu_s": measured_cpu_s(r), "cpu_s": r["cpu_s"],
                                         "maxrss_mb": r["maxrss_mb"],
                                         "headers": (r["profile"] or {}).get("headers", {}),
                                         "samples": (r["profile"] or {}).get("samples", 0),
                                         # javac's, for its top 10; the others would only fill memory
                                         "profile": r["profile"] if name == "javac" else None, "stderr_tail": r["stderr"].strip().splitlines()[-1:]})
        log("%s overhead: round %d/%d done" % (name, round_ + 1, rounds))
    return runs


def handler_ns_total(headers):
    if "handler_ns_total" in headers:
        return int(headers["handler_ns_total"])
    if "handler_ns_mean" in headers and "samples" in headers:
        return int(headers["handler_ns_mean"]) * int(headers["samples"])
    return None


def measured_cpu_s(result):
    return int(re.search(r"measured_cpu_ns (\d+)", result["stdout"]).group(1)) / 1e9


def wall_s(result):
    return int(re.search(r"wall_ns (\d+)", result["stdout"]).group(1)) / 1e9


def top_methods(bench, profile, path, n=10):
    """The top-n self-time methods, by jflame's own `top` over the (normalized) profile."""
    write_collapsed(profile, path)
    proc = subprocess.run([bench.java, "-jar", os.path.join(BIN, "jflame.jar"), "top", "--format", "csv", "-n", "60", path],
                          capture_output=True, text=True, check=True)
    rows = [line.split('",')[0].lstrip('"') for line in proc.stdout.splitlines()[1:]]
    # JVM threads and walk failures are not methods; the two profilers name them differently
    return [r for r in rows if not r.startswith("[")][:n]


def merge(profiles):
    return {"stacks": [st for p in profiles for st in p["stacks"]], "headers": {}, "samples": sum(p["samples"] for p in profiles)}


def accuracy(bench, s, wall_supported):
    """One run per profiler and interval of each ground-truth workload."""
    res = {}
    ms = str(s["accuracy_ms"])
    for iv in s["intervals"]:
        for p in PROFILERS:
            # 60/30/10: the largest error of the three shares, in points
            r = bench.must(bench.run(p, "cpu", iv, ["SplitWorkload", "time", ms]))
            got = [samples_with(r["profile"], WL + "SplitWorkload." + m) for m in ("sixty", "thirty", "ten")]
            tot = sum(got)
            res[("split", p, iv)] = {"error": max(abs(100 * g / tot - t) for g, t in zip(got, (60, 30, 10))) if tot else None,
                                     "sigma": sigma(60, tot),
                                     "shares": [round(100 * g / tot, 2) if tot else None for g in got]}
            # two threads: 50/50 and the yield
            r = bench.must(bench.run(p, "cpu", iv, ["TwoThreadsWorkload", ms]))
            cpu = [int(x) for x in re.findall(r"=(\d+)", r["stdout"])]
            a = samples_with(r["profile"], WL + "TwoThreadsWorkload.burnAlpha")
            b = samples_with(r["profile"], WL + "TwoThreadsWorkload.burnBeta")
            expected = sum(cpu) / interval_ns(iv)
            truth = 100 * cpu[0] / sum(cpu)
            res[("two", p, iv)] = {"error": abs(100 * a / (a + b) - truth) if a + b else None, "truth": truth,
                                   "sigma": sigma(truth, a + b), "recorded": a + b,
                                   "expected": expected, "yield": (a + b) / expected,
                                   "headers": r["profile"]["headers"], "failures": failure_frames(r["profile"]),
                                   "stderr_tail": r["stderr"].strip().splitlines()[-1:]}
            # compute-then-sleep, wall clock
            if p == "jflame" and not wall_supported:
                res[("wall", p, iv)] = None
            else:
                r = bench.must(bench.run(p, "wall", iv, ["WallWorkload", ms]))
                m = re.search(r"compute_ns (\d+) rest_ns (\d+)", r["stdout"])
                truth = 100 * int(m.group(1)) / (int(m.group(1)) + int(m.group(2)))
                c = samples_with(r["profile"], WL + "WallWorkload.compute")
                z = samples_with(r["profile"], WL + "WallWorkload.rest")
                res[("wall", p, iv)] = {"error": abs(100 * c / (c + z) - truth) if c + z else None, "truth": truth,
                                        "sigma": sigma(truth, c + z)}
        log("accuracy at %s done" % iv)
    return res


def sigma(percent, n):
    """One standard deviation, in points, of a share estimated from n independent samples."""
    return 100 * ((percent / 100) * (1 - percent / 100) / n) ** 0.5 if n else None


def failure_frames(profile):
    """Samples whose stack is a failure marker, by kind: `[kind]` frames with no thread name."""
    kinds = {}
    for frames, c in profile["stacks"]:
        for f in frames:
            if re.fullmatch(r"\[[a-z_A-Z]+\]", f) and ("_" in f or f == "[unknown]"):
                kinds[f[1:-1]] = kinds.get(f[1:-1], 0) + c
    return kinds


def memory(bench, s):
    runs = {p: [] for p in ("none",) + PROFILERS}
    for round_ in range(s["memory_runs"]):
        for p in ("none",) + PROFILERS:
            r = bench.must(bench.run(p, "cpu", "100us", ["ManyStacksWorkload", "2", str(s["memory_ms"]), "20"]))
            distinct = len(r["profile"]["stacks"]) if r["profile"] else 0
            runs[p].append({"maxrss_mb": r["maxrss_mb"], "distinct": distinct,
                            "samples": r["profile"]["samples"] if r["profile"] else 0,
                            "headers": r["profile"]["headers"] if r["profile"] else {}})
    log("memory done")
    return runs


def render(s):
    """Runs the renderer benchmark (another engineer's), one size at a time; returns its reports."""
    script = os.path.join(BENCH, "render_bench.py")
    if not os.path.exists(script):
        return None
    help_text = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True).stdout
    reports = []
    if "--sizes" in help_text:
        calls = [["--sizes", ",".join(str(n) for n in s["render_sizes"])]]
    else:
        calls = [["--stacks", str(n)] for n in s["render_sizes"]]
    for args in calls:
        if "--runs" in help_text:
            args = args + ["--runs", str(s["render_runs"])]
        proc = subprocess.run([sys.executable, script] + args, cwd=ROOT, capture_output=True, text=True)
        md = os.path.join(OUT, "render.md")
        if proc.returncode != 0 or not os.path.exists(md):
            reports.append("`render_bench.py %s` failed (%d):\n\n```\n%s\n```" % (" ".join(args), proc.returncode, (proc.stdout + proc.stderr)[-1500:]))
        else:
            with open(md) as f:
                reports.append(f.read().strip())
        log("render %s done" % " ".join(args))
    return reports


# ---------------------------------------------------------------------------------------------
# The report.

def fmt_ratio(x):
    return "%.3f" % x if x == x else "n/a"


def fmt_pct_over(x):
    return "%+.1f%%" % (100 * (x - 1)) if x == x else "n/a"


def report(s, meta, over, acc, mem, renders, javac_top):
    lines = []
    w = lines.append
    w("# jflame against async-profiler %s" % AP_VERSION)
    w("")
    w("%s. %s." % (meta["machine"], meta["when"]))
    w("Settings: %s. Event `cpu` (perf_events task clock) for both%s." % (meta["settings"], meta["event_note"]))
    w("")
    if over:
        overhead_section(w, s, over)
    if acc:
        accuracy_section(w, s, acc, javac_top)
    if mem:
        memory_section(w, s, mem)
    render_section(w, renders)
    w("## Targets")
    w("")
    for line in targets(s, over, acc):
        w("- " + line)
    return "\n".join(lines) + "\n"


def overhead_section(w, s, over):
    w("## Overhead")
    w("")
    w("Medians of interleaved runs, as a change against no profiler. **time**: the workload's own "
      "wall time for a fixed amount of work. **CPU**: the process's CPU time (all threads) while the "
      "workload ran. **process CPU**: user+sys of the whole process from the kernel (JVM start, "
      "profiler set-up and profile writing included). **jflame / AP**: jflame's CPU ratio over "
      "async-profiler's (< 1: jflame cost less). **jflame's own account**: the CPU time jflame "
      "measured itself spending — its signal handler (monotonic clock) plus its own "
      "threads — as a share of the unprofiled CPU time; on a noisy machine this is the low-noise "
      "figure, and it should agree with **jflame CPU** within that column's noise. **handler mean / "
      "p99**: handler time per sample, in microseconds.")
    w("")
    w("| workload | interval | runs | none: time / CPU s | jflame time | AP time | jflame CPU | AP CPU | jflame / AP | jflame process CPU | AP process CPU | jflame's own account | handler mean / p99 us |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, label, runs in over:
        base_w = median([r["work_s"] for r in runs[("none", None)]])
        base_c = median([r["work_cpu_s"] for r in runs[("none", None)]])
        base_p = median([r["cpu_s"] for r in runs[("none", None)]])
        for iv in s["intervals"]:
            jf, ap = runs[("jflame", iv)], runs[("ap", iv)]
            jw, aw = median([r["work_s"] for r in jf]) / base_w, median([r["work_s"] for r in ap]) / base_w
            jc, ac = median([r["work_cpu_s"] for r in jf]) / base_c, median([r["work_cpu_s"] for r in ap]) / base_c
            jp, apc = median([r["cpu_s"] for r in jf]) / base_p, median([r["cpu_s"] for r in ap]) / base_p
            handler = [handler_ns_total(r["headers"]) for r in jf]
            handler = [h for h in handler if h is not None]
            threads = [int(r["headers"].get("agent_threads_ns", 0)) for r in jf]
            own = [h + t for h, t in zip(handler, threads)]
            hshare = "+%.2f%%" % (100 * median(own) / 1e9 / base_c) if own else "n/a"
            means = [int(r["headers"]["handler_ns_mean"]) for r in jf if "handler_ns_mean" in r["headers"]]
            p99s = [int(r["headers"]["handler_ns_p99"]) for r in jf if "handler_ns_p99" in r["headers"]]
            hm = "%.1f / %.1f" % (median(means) / 1e3, median(p99s) / 1e3) if means and p99s else "n/a"
            w("| %s | %s | %d | %.2f / %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                label, iv, len(jf), base_w, base_c, fmt_pct_over(jw), fmt_pct_over(aw), fmt_pct_over(jc),
                fmt_pct_over(ac), fmt_ratio(jc / ac), fmt_pct_over(jp), fmt_pct_over(apc), hshare, hm))
    w("")


def accuracy_section(w, s, acc, javac_top):
    w("## Accuracy")
    w("")
    w("Absolute error in percentage points against the ground truth (for 60/30/10 the largest of "
      "the three), then ±1 standard deviation of pure sampling noise for that many samples: an error "
      "within about 2σ is what a perfect sampler would show. One run of %d ms per cell. The two "
      "threads' truth is their measured CPU split (50/50 by construction, less on a loaded machine), "
      "the wall truth the measured compute/sleep split (30/70 by construction)." % s["accuracy_ms"])
    w("")
    w("| workload | truth | " + " | ".join("jflame %s | AP %s" % (iv, iv) for iv in s["intervals"]) + " |")
    w("|---|---|" + "---|---|" * len(s["intervals"]))
    for key, label, truth in (("split", "split (cpu)", "60/30/10"), ("two", "two threads (cpu)", "50/50"),
                              ("wall", "compute-then-sleep (wall)", "30/70")):
        cells = []
        for iv in s["intervals"]:
            for p in PROFILERS:
                v = acc.get((key, p, iv))
                cells.append("n/a" if v is None or v["error"] is None else "%.1f ±%.1f" % (v["error"], v["sigma"]))
        w("| %s | %s | %s |" % (label, truth, " | ".join(cells)))
    w("")
    if javac_top:
        w("javac (a real program, no ground truth): the top-10 self-time methods of jflame's and "
          "async-profiler's profiles (all runs of the overhead section merged, computed by `jflame top` "
          "for both; async-profiler's stacks reduced to their Java frames).")
        w("")
        w("| interval | in common | only jflame's | only AP's |")
        w("|---|---|---|---|")
        for iv in s["intervals"]:
            if iv not in javac_top:
                continue
            jt, at = javac_top[iv]
            short = lambda ms: ", ".join("`%s`" % ".".join(m.split(".")[-2:]) for m in ms) or "-"
            w("| %s | %d/10 | %s | %s |" % (iv, len(set(jt) & set(at)), short([m for m in jt if m not in at]),
                                           short([m for m in at if m not in jt])))
    w("")
    w("## Yield (two busy threads, event cpu)")
    w("")
    w("Samples recorded in the two busy methods / expected (the threads' CPU time / interval).")
    w("")
    w("| interval | jflame recorded / expected | AP recorded / expected | jflame drops | jflame failed walks (whole process) | AP failure frames |")
    w("|---|---|---|---|---|---|")
    for iv in s["intervals"]:
        j, a = acc[("two", "jflame", iv)], acc[("two", "ap", iv)]
        w("| %s | %d / %.0f = %.1f%% | %d / %.0f = %.1f%% | %s | %s | %s |" % (
            iv, j["recorded"], j["expected"], 100 * j["yield"], a["recorded"], a["expected"], 100 * a["yield"],
            j["headers"].get("drops", "?"), j["headers"].get("failed_walks", "?") or "none",
            " ".join("%s=%d" % kv for kv in sorted(a["failures"].items())) or "none"))
    w("")


def memory_section(w, s, mem):
    w("## Agent memory")
    w("")
    w("Peak RSS of the whole JVM (VmHWM, polled every 10 ms until exit) on ManyStacksWorkload (2 threads, random 20-deep "
      "paths through 8 methods, %d ms, event cpu at 100us), median of %d." % (s["memory_ms"], s["memory_runs"]))
    w("")
    w("| | peak RSS MB | growth over none MB | ratio to none | samples | distinct stacks |")
    w("|---|---|---|---|---|---|")
    base = median([r["maxrss_mb"] for r in mem["none"]])
    growth = {}
    for p in ("none",) + PROFILERS:
        rss = median([r["maxrss_mb"] for r in mem[p]])
        growth[p] = rss - base
        w("| %s | %.0f | %+.0f | %.2f | %s | %s |" % (NAMES[p], rss, rss - base, rss / base,
                                                   "%.0f" % median([r["samples"] for r in mem[p]]) if p != "none" else "",
                                                   "%.0f" % median([r["distinct"] for r in mem[p]]) if p != "none" else ""))
    if growth["ap"] > 0:
        w("")
        w("jflame's growth / async-profiler's: %.2f." % (growth["jflame"] / growth["ap"]))
    w("")


def render_section(w, renders):
    w("## Rendering")
    w("")
    if renders is None:
        w("n/a: scripts/bench/render_bench.py is not there, or skipped.")
        w("")
    else:
        for text in renders:
            # its own title becomes a subsection
            w(re.sub(r"^# ", "### ", text, count=1))
            w("")


def targets(s, over, acc):
    out = []
    if not over:
        return out
    split_runs = over[0][2]
    base = median([r["work_cpu_s"] for r in split_runs[("none", None)]])

    def cpu(p, iv):
        return median([r["work_cpu_s"] for r in split_runs[(p, iv)]]) / base - 1

    def verdict(ok):
        return "met" if ok else "**missed**"

    if "10ms" in s["intervals"]:
        j, a = cpu("jflame", "10ms"), cpu("ap", "10ms")
        out.append("10 ms overhead <= 1%% and <= async-profiler's (split, CPU): jflame %+.1f%%, AP %+.1f%%: %s"
                   % (100 * j, 100 * a, verdict(j <= 0.01 and j <= a)))
    if "1ms" in s["intervals"]:
        j = cpu("jflame", "1ms")
        out.append("1 ms overhead <= 3%% (split, CPU): jflame %+.1f%%: %s" % (100 * j, verdict(j <= 0.03)))
    errors = [v["error"] for (k, p, iv), v in acc.items() if p == "jflame" and v is not None and v["error"] is not None]
    if errors:
        worst = max((v for (k, p, iv), v in acc.items() if p == "jflame" and v is not None and v["error"] is not None),
                    key=lambda v: v["error"])
        out.append("accuracy error <= 2 points on every ground-truth workload and interval: jflame worst %.1f "
                   "(sampling noise there ±%.1f): %s" % (worst["error"], worst["sigma"], verdict(worst["error"] <= 2)))
    if ("two", "jflame", "1ms") in acc:
        y = acc[("two", "jflame", "1ms")]["yield"]
        out.append("yield >= 99%% at 1 ms with two busy threads: jflame %.1f%%: %s" % (100 * y, verdict(y >= 0.99)))
    out.append("rendering 100k stacks <= 3 s: see Rendering")
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer, shorter runs (about 4 minutes)")
    p.add_argument("--runs", type=int, help="rounds of overhead runs (default 5, quick 3)")
    p.add_argument("--javac-runs", type=int, help="rounds of javac overhead runs (default: --runs); "
                   "each javac run costs as much as 3-10 split runs")
    p.add_argument("--intervals", help="comma-separated, e.g. 10ms,1ms (default 10ms,1ms,100us)")
    p.add_argument("--render-sizes", help="distinct stacks of the rendering inputs (default 10000,100000; "
                   "300000 adds about 5 minutes)")
    p.add_argument("--skip", default="", help="comma-separated sections to skip: overhead,javac,accuracy,memory,render")
    p.add_argument("--java", default=shutil.which("java") or "java")
    a = p.parse_args()
    s = dict(QUICK if a.quick else FULL)
    if a.runs:
        s["runs"] = a.runs
        s["runs_100us"] = min(s["runs_100us"], a.runs)
    s["javac_runs"] = a.javac_runs or s["runs"]
    if a.intervals:
        s["intervals"] = a.intervals.split(",")
    if a.render_sizes:
        s["render_sizes"] = [int(n) for n in a.render_sizes.split(",")]
    skip = set(filter(None, a.skip.split(",")))
    started = time.monotonic()
    os.makedirs(OUT, exist_ok=True)
    jflame_so, ap_so, javac_src = setup(a.java)
    work = tempfile.mkdtemp(prefix="runs-", dir=OUT)
    bench = Bench(a.java, jflame_so, ap_so, work)
    load_start = os.getloadavg()

    wall_supported = bench.supports("jflame", "wall")
    jf_probe = bench.must(bench.run("jflame", "cpu", "10ms", ["ExitWorkload", "50", "0"]))
    ap_probe = bench.must(bench.run("ap", "cpu", "10ms", ["ExitWorkload", "50", "0"]))
    event_note = ""
    if jf_probe["profile"]["headers"].get("event", "cpu") != "cpu":
        event_note += "; jflame fell back to `%s` (perf events refused)" % jf_probe["profile"]["headers"]["event"]
    if re.search(r"perf_event|fall", ap_probe["stderr"], re.I):
        event_note += "; async-profiler said: %s" % ap_probe["stderr"].strip().splitlines()[0]
    if not wall_supported:
        event_note += "; jflame has no `wall` event yet (issue 5): its wall cells are n/a"

    over = []
    if "overhead" not in skip:
        runs = overhead(bench, s, "split", lambda: ["SplitWorkload", "work", str(s["split_units"])], wall_s,
                        s["runs"], s["runs_100us"])
        over.append(("split", "split 60/30/10, fixed work", runs))
    javac_top = {}
    if "javac" not in skip:
        javac_out = os.path.join(work, "javac-out")
        runs = overhead(bench, s, "javac", lambda: ["JavacWorkload", javac_src, javac_out, str(s["javac_compiles"])], wall_s,
                        s["javac_runs"], min(s["javac_runs"], s["runs_100us"]))
        over.append(("javac", "javac commons-cli x%d" % s["javac_compiles"], runs))
        for iv in s["intervals"]:
            # all runs of a configuration together: more samples, a steadier top 10
            tops = [top_methods(bench, merge([r["profile"] for r in runs[(p_, iv)]]), os.path.join(work, "javac-%s-%s.collapsed" % (p_, iv)))
                    for p_ in PROFILERS]
            javac_top[iv] = tops
    acc = accuracy(bench, s, wall_supported) if "accuracy" not in skip else {}
    mem = memory(bench, s) if "memory" not in skip else None
    renders = render(s) if "render" not in skip else None

    load_end = os.getloadavg()
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
    jvm = jf_probe["profile"]["headers"].get("jvm", "?")
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    meta = {
        "machine": "%s, %d CPUs, %s, Linux %s, %s; jflame %s%s; load average %.1f at start, %.1f at end (shared machine)" % (
            cpu_model, os.cpu_count(), "%.0f GB RAM" % (os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            platform.release(), jvm, rev, " with uncommitted changes" if dirty else "", load_start[0], load_end[0]),
        "when": "%s, %.1f minutes" % (time.strftime("%Y-%m-%d %H:%M"), (time.monotonic() - started) / 60),
        "settings": "`%s`: %d rounds of split (%d at 100us) and %d of javac (%d at 100us), split %d units, javac %d "
                    "compile(s) per run, accuracy runs %d ms" % (
                        " ".join(["run.py"] + sys.argv[1:]), s["runs"], s["runs_100us"], s["javac_runs"],
                        min(s["javac_runs"], s["runs_100us"]), s["split_units"], s["javac_compiles"], s["accuracy_ms"]),
        "event_note": event_note,
    }
    text = report(s, meta, over, acc, mem, renders, javac_top)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(text)
    raw = {"settings": s, "meta": meta,
           "overhead": {name: {"%s %s" % k: [{kk: vv for kk, vv in r.items() if kk != "profile"} for r in v] for k, v in runs.items()}
                        for name, _, runs in over},
           "accuracy": {"%s %s %s" % k: v for k, v in acc.items()}, "memory": mem, "javac_top": javac_top}
    with open(os.path.join(OUT, "runs.json"), "w") as f:
        json.dump(raw, f, indent=1, default=str)
    shutil.rmtree(work, ignore_errors=True)
    print(text)
    log("wrote %s in %.1f minutes" % (os.path.join(OUT, "results.md"), (time.monotonic() - started) / 60))


if __name__ == "__main__":
    main()
