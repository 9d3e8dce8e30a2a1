#!/usr/bin/env python3
"""JFR output against collapsed output, and against async-profiler's JFR output, side by side.

    python3 scripts/bench/jfr_bench.py [--rounds 5] [--java PATH]

After `mvn -B -DskipTests package`, from the repository root. Uses run.py's setup (the agents,
async-profiler 4.2 from Maven Central, the workloads compiled into target/bench/classes).
SplitWorkload does a fixed amount of work; every configuration runs once per round, in rotating
order, and the CPU time (user + system) of the whole JVM is compared with an unprofiled run.
Prints a Markdown table (median over rounds, with min..max) and the bytes per sample of each
JFR file; writes it to target/bench/jfr.md.
"""
import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (run.py's setup and paths)

CONFIGS = ("none", "jflame collapsed", "jflame jfr", "async-profiler jfr")


def agent(config, so, ap_so, interval, out):
    if config == "jflame collapsed":
        return ["-agentpath:%s=event=cpu,interval=%s,file=%s.collapsed" % (so, interval, out)]
    if config == "jflame jfr":
        return ["-agentpath:%s=event=cpu,interval=%s,file=%s.jfr" % (so, interval, out)]
    if config == "async-profiler jfr":
        return ["-agentpath:%s=start,event=cpu,interval=%s,jfr,file=%s.jfr" % (ap_so, interval, out)]
    return []


def cpu_of(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stderr[-2000:]))
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc.stderr


def samples_in(jfr_tool, path):
    out = subprocess.run([jfr_tool, "summary", path], capture_output=True, text=True).stdout
    m = re.search(r"jdk\.ExecutionSample\s+(\d+)", out)
    return int(m.group(1)) if m else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--units", type=int, default=1_000_000, help="SplitWorkload work units")
    p.add_argument("--java", default=shutil.which("java") or "java")
    args = p.parse_args()
    so, ap_so, _ = bench.setup(args.java)
    jfr_tool = os.path.join(os.path.dirname(os.path.realpath(args.java)), "jfr")
    work = tempfile.mkdtemp(prefix="jflame-jfr-bench-")
    cpu = {}
    sizes = {}
    for interval in ("10ms", "1ms"):
        for r in range(args.rounds):
            order = CONFIGS[r % len(CONFIGS):] + CONFIGS[:r % len(CONFIGS)]
            for config in order:
                out = os.path.join(work, "%s-%s-%d" % (config.replace(" ", "-"), interval, r))
                cmd = [args.java] + bench.DIAG + agent(config, so, ap_so, interval, out) + [
                    "-cp", bench.CLASSES, bench.WL + "SplitWorkload", "work", str(args.units)]
                seconds, _ = cpu_of(cmd)
                cpu.setdefault((config, interval), []).append(seconds)
                if config.endswith("jfr") and os.path.exists(out + ".jfr"):
                    n = samples_in(jfr_tool, out + ".jfr")
                    if n:
                        sizes.setdefault((config, interval), []).append(os.path.getsize(out + ".jfr") / n)
            bench.log("%s round %d done" % (interval, r + 1))
    lines = ["# JFR output: cost and size", "",
             "SplitWorkload `work %d`, event cpu, %d interleaved rounds; CPU time (user + system) of the whole JVM, "
             "median (min..max); overhead against the unprofiled median." % (args.units, args.rounds), "",
             "| interval | configuration | CPU s | overhead | bytes/sample |", "|---|---|---|---|---|"]
    for interval in ("10ms", "1ms"):
        none = statistics.median(cpu[("none", interval)])
        for config in CONFIGS:
            xs = cpu[(config, interval)]
            over = [100.0 * (x / none - 1) for x in xs]
            size = sizes.get((config, interval))
            lines.append("| %s | %s | %.2f (%.2f..%.2f) | %+.1f%% (%+.1f..%+.1f) | %s |" % (
                interval, config, statistics.median(xs), min(xs), max(xs), statistics.median(over), min(over),
                max(over), "%.1f" % statistics.median(size) if size else ""))
    report = "\n".join(lines) + "\n"
    print(report)
    os.makedirs(bench.OUT, exist_ok=True)
    with open(os.path.join(bench.OUT, "jfr.md"), "w") as f:
        f.write(report)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
