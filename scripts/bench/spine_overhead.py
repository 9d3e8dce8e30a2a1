#!/usr/bin/env python3
"""Wall-time overhead of the agent on the 60/30/10 workload, in fixed-work mode.

Runs the workload with no profiler and with jflame's agent (event=cpu) at each interval,
interleaved, N times each, and prints the median wall time of each and its ratio to no
profiler. Needs a build: `mvn -B -DskipTests package` plus test classes (`mvn -B verify` or
`mvn -B test-compile`).

    python3 scripts/bench/spine_overhead.py [--runs 5] [--units 20000] [--intervals 10ms,1ms]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AGENT = os.path.join(ROOT, "java/target/native/libjflame.so")
CLASSES = os.path.join(ROOT, "java/target/test-classes")
MAIN = "dev.jflame.workload.SplitWorkload"


def run_once(java, units, agent_options):
    cmd = [java]
    if agent_options is not None:
        cmd += ["-agentpath:%s=%s" % (AGENT, agent_options),
                "-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints"]
    cmd += ["-cp", CLASSES, MAIN, "work", str(units)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    m = re.search(r"wall_ns (\d+)", out.stdout)
    return int(m.group(1)) / 1e9, out.stderr.strip().splitlines()[-1:] if agent_options else []


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--units", type=int, default=20000)
    p.add_argument("--intervals", default="10ms,1ms")
    p.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"))
    a = p.parse_args()
    for path in (AGENT, CLASSES):
        if not os.path.exists(path):
            sys.exit("missing %s: build first (mvn -B verify)" % path)
    intervals = a.intervals.split(",")
    times = {"none": []}
    summaries = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(a.runs):
            times["none"].append(run_once(a.java, a.units, None)[0])
            for iv in intervals:
                opts = "event=cpu,interval=%s,file=%s/p.collapsed" % (iv, tmp)
                t, summary = run_once(a.java, a.units, opts)
                times.setdefault(iv, []).append(t)
                summaries[iv] = summary
    base = statistics.median(times["none"])
    print("| profiler | median wall s | ratio to none | runs |")
    print("|---|---|---|---|")
    print("| none | %.3f | 1.000 | %s |" % (base, " ".join("%.3f" % t for t in times["none"])))
    for iv in intervals:
        med = statistics.median(times[iv])
        print("| jflame cpu %s | %.3f | %.3f | %s |" % (iv, med, med / base, " ".join("%.3f" % t for t in times[iv])))
    for iv in intervals:
        print("agent summary at %s: %s" % (iv, " ".join(summaries[iv])))


if __name__ == "__main__":
    main()
