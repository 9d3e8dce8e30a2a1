#!/usr/bin/env python3
"""event=wall against async-profiler's wall mode: yield and sampler CPU, and thread-churn time.

Yield: WallYieldWorkload runs THREADS threads for a fixed time (a third spinning, a third napping
in 20 ms sleeps, a third parked) and prints their summed lifetime; yield = the wall time the
profile gives to them (stacks through WallYieldWorkload.life) over that lifetime. jflame's
collapsed counts are samples of one interval each; async-profiler's are read with its `total`
option, in ns. Sampler CPU: the CPU time (schedstat) of the profiler's wall-clock thread while
the threads ran, in % of one CPU: jflame's `jflame-wall`; async-profiler's timer thread is not
named, so it is the thread called `java` other than main and the launcher.

Thread churn: ThreadChurnWorkload (THREADS short threads, at most four alive, one steady thread)
timed end to end without a profiler, with jflame's and with async-profiler's wall mode at 1 ms,
interleaved, on each JDK given.

Runs of each cell are interleaved (profiler order alternates round by round); each cell is
reported as median [min, max] of its runs. Uses run.py's setup: the agents copied from java/target
(build first: mvn -B -o -DskipTests package), async-profiler 4.2 from Maven Central into
target/bench/bin, the workloads compiled into target/bench/classes.

Usage: wall_bench.py [--runs N] [--ms MILLIS] [--threads 1,6,50] [--intervals 10ms,1ms,100us]
                     [--churn 20000] [--churn-runs N] [--jdk PATH ...] [--skip yield,churn]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as base  # noqa: E402  (setup, interval parsing, the peer)

WL = "dev.jflame.workload."
JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"


def agent(profiler, so, interval, out):
    if profiler == "jflame":
        return ["-agentpath:%s=event=wall,interval=%s,file=%s" % (so, interval, out)]
    if profiler == "ap":
        return ["-agentpath:%s=start,event=wall,interval=%s,total,collapsed,file=%s" % (so, interval, out)]
    return []


def launch(java, args, log_base):
    started = time.monotonic()
    with open(log_base + ".out", "w") as out, open(log_base + ".err", "w") as err:
        proc = subprocess.run([java] + args, stdout=out, stderr=err, stdin=subprocess.DEVNULL, timeout=1800)
    elapsed = time.monotonic() - started
    with open(log_base + ".out") as f:
        stdout = f.read()
    if proc.returncode != 0:
        with open(log_base + ".err") as f:
            sys.exit("failed (%d): %s\n%s" % (proc.returncode, " ".join([java] + args), f.read()[-3000:]))
    return stdout, elapsed


def weight_in(path, method):
    """The summed counts of the collapsed stacks that pass `method` (Class.method)."""
    total = 0.0
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("#"):
                continue
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if method in stack.replace("/", "."):
                total += float(count)
    return total


def setup_without_jflame(java):
    """run.py's setup minus copying jflame: async-profiler and the compiled workloads."""
    import platform
    import shutil
    import zipfile
    os.makedirs(base.BIN, exist_ok=True)
    ap_jar = os.path.join(base.BIN, "async-profiler-%s.jar" % base.AP_VERSION)
    if not os.path.exists(ap_jar):
        base.mvn_copy(base.AP_ARTIFACT, base.BIN)
    ap_so = os.path.join(base.BIN, "libasyncProfiler.so")
    with zipfile.ZipFile(ap_jar) as jar, open(ap_so, "wb") as out:
        out.write(jar.read("linux-%s/libasyncProfiler.so" % ("arm64" if platform.machine() == "aarch64" else "x64")))
    shutil.rmtree(base.CLASSES, ignore_errors=True)
    sources = [os.path.join(d, f) for d in (os.path.join(base.ROOT, "java/src/test/java/dev/jflame/workload"),
                                            os.path.join(base.BENCH, "workloads"))
               for f in sorted(os.listdir(d)) if f.endswith(".java")]
    javac = os.path.join(os.path.dirname(java), "javac")
    subprocess.run([javac if os.path.exists(javac) else "javac", "-d", base.CLASSES] + sources, check=True)
    return ap_so


def yield_run(java, sos, work, profiler, interval, threads, ms, n):
    base_name = os.path.join(work, "y%04d-%s-%s-%d" % (n, profiler, interval, threads))
    out = base_name + ".collapsed"
    args = agent(profiler, sos[profiler], interval, out) + ["-cp", base.CLASSES, WL + "WallYieldWorkload",
                                                         str(threads), str(ms)]
    stdout, _ = launch(java, args, base_name)
    lived = int(re.search(r"lived_ns (\d+)", stdout).group(1))
    main_tid, pid = re.search(r"main (\d+) pid (\d+)", stdout).groups()
    tasks = re.findall(r"task (\d+) (\S+) (\d+)", stdout)
    if profiler == "jflame":
        sampler = [int(ns) for tid, comm, ns in tasks if comm == "jflame-wall"]
    else:
        sampler = [int(ns) for tid, comm, ns in tasks if comm == "java" and tid not in (main_tid, pid)]
    recorded = weight_in(out, "WallYieldWorkload.life")
    if profiler == "jflame":
        recorded *= base.interval_ns(interval)  # samples of one interval each
    run_ns = lived / threads
    return {"yield": recorded / lived, "sampler_cpu": (sum(sampler) / run_ns) if sampler else float("nan")}


def churn_run(java, sos, work, profiler, threads, n):
    base_name = os.path.join(work, "c%04d-%s" % (n, profiler))
    args = agent(profiler, sos.get(profiler), "1ms", base_name + ".collapsed") + [
        "-cp", base.CLASSES, WL + "ThreadChurnWorkload", str(threads), "100"]
    _, elapsed = launch(java, args, base_name)
    return elapsed


def spread(xs):
    xs = [x for x in xs if x == x]
    if not xs:
        return "n/a"
    return "%s [%s, %s]" % tuple(fmt(v) for v in (statistics.median(xs), min(xs), max(xs)))


def fmt(v):
    return "%.1f" % v


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3, help="rounds of yield runs per cell (default 3)")
    p.add_argument("--ms", type=int, default=3000, help="how long the yield threads live (default 3000)")
    p.add_argument("--threads", default="1,6,50")
    p.add_argument("--intervals", default="10ms,1ms,100us")
    p.add_argument("--churn", type=int, default=20000, help="short threads of the churn runs (default 20000)")
    p.add_argument("--churn-runs", type=int, default=3, help="rounds of churn runs per JDK (default 3)")
    p.add_argument("--jdk", action="append", help="java binaries for the churn (default: java on PATH and "
                   "Temurin 25 if installed); the yield runs use the first")
    p.add_argument("--skip", default="", help="comma-separated: yield,churn")
    p.add_argument("--agent", help="this libjflame.so instead of java/target's")
    a = p.parse_args()
    jdks = a.jdk or [base.shutil.which("java") or "java"] + ([JDK25] if os.path.exists(JDK25) else [])
    skip = set(filter(None, a.skip.split(",")))
    if a.agent:
        # run.py's setup wants java/target's agent (which a build in progress may have removed)
        ap_so = setup_without_jflame(jdks[0])
        sos = {"jflame": os.path.abspath(a.agent), "ap": ap_so}
    else:
        jflame_so, ap_so, _ = base.setup(jdks[0])
        sos = {"jflame": jflame_so, "ap": ap_so}
    os.makedirs(base.OUT, exist_ok=True)
    work = tempfile.mkdtemp(prefix="wall-", dir=base.OUT)
    lines = ["# event=wall: jflame against async-profiler %s" % base.AP_VERSION, ""]
    load0 = os.getloadavg()[0]
    n = 0
    if "yield" not in skip:
        cells = {}
        for r in range(a.runs):
            for interval in a.intervals.split(","):
                for threads in (int(t) for t in a.threads.split(",")):
                    order = ("jflame", "ap") if r % 2 == 0 else ("ap", "jflame")
                    for profiler in order:
                        n += 1
                        res = yield_run(jdks[0], sos, work, profiler, interval, threads, a.ms, n)
                        cells.setdefault((interval, threads, profiler), []).append(res)
                        base.log("yield %s %s %d threads: %.1f%%, sampler %.2f%% CPU" % (
                            profiler, interval, threads, 100 * res["yield"], 100 * res["sampler_cpu"]))
        lines += ["## Yield and wall sampler CPU (%s, %d runs per cell, %d ms, median [min, max])" % (
            os.path.basename(os.path.dirname(os.path.dirname(os.path.realpath(jdks[0])))), a.runs, a.ms), "",
                  "| interval | threads | jflame yield % | AP yield % | jflame sampler % CPU | AP sampler % CPU |",
                  "|---|---|---|---|---|---|"]
        for interval in a.intervals.split(","):
            for threads in (int(t) for t in a.threads.split(",")):
                j, ap = cells[(interval, threads, "jflame")], cells[(interval, threads, "ap")]
                lines.append("| %s | %d | %s | %s | %s | %s |" % (
                    interval, threads, spread([100 * x["yield"] for x in j]), spread([100 * x["yield"] for x in ap]),
                    spread([100 * x["sampler_cpu"] for x in j]), spread([100 * x["sampler_cpu"] for x in ap])))
        lines.append("")
    if "churn" not in skip:
        lines += ["## Thread churn: %d short threads, wall 1 ms, seconds end to end (%d runs, median [min, max])" % (
            a.churn, a.churn_runs), "", "| JDK | none | jflame | async-profiler | jflame vs none | AP vs none |",
                  "|---|---|---|---|---|---|"]
        for java in jdks:
            times = {}
            for r in range(a.churn_runs):
                order = ("none", "jflame", "ap") if r % 2 == 0 else ("ap", "jflame", "none")
                for profiler in order:
                    n += 1
                    times.setdefault(profiler, []).append(churn_run(java, sos, work, profiler, a.churn, n))
                    base.log("churn %s %s: %.1f s" % (java, profiler, times[profiler][-1]))
            none = statistics.median(times["none"])
            lines.append("| %s | %s | %s | %s | %+.0f%% | %+.0f%% |" % (
                os.path.basename(os.path.dirname(os.path.dirname(os.path.realpath(java)))),
                spread(times["none"]), spread(times["jflame"]), spread(times["ap"]),
                100 * (statistics.median(times["jflame"]) / none - 1), 100 * (statistics.median(times["ap"]) / none - 1)))
        lines.append("")
    lines.append("Load average %.1f at start, %.1f at end, %d CPUs." % (load0, os.getloadavg()[0], os.cpu_count()))
    text = "\n".join(lines)
    with open(os.path.join(base.OUT, "wall_results.md"), "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
