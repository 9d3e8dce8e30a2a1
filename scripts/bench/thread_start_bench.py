#!/usr/bin/env python3
"""What a stopped jflame costs a thread start (issue 16, hazard 8): a JVM starts and joins
20,000 empty threads per round (workloads/ThreadStartBench.java), with no agent, and after
`jflame attach PID start` + `stop` (the agent stays loaded, stopped). With --baseline-jar, a
third configuration does the same with another build's jar (e.g. one whose ThreadStart events
stay on after a stop).

From the repository root, after `mvn -B -DskipTests package`:

    python3 scripts/bench/thread_start_bench.py                   # 5 interleaved runs x 3 rounds
    python3 scripts/bench/thread_start_bench.py --runs 3 --baseline-jar /tmp/old-jflame.jar

Prints, per configuration, the median ns per thread start over all rounds with the lowest and
highest round, and the load average when it ran.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKLOAD = os.path.join(ROOT, "scripts", "bench", "workloads", "ThreadStartBench.java")
JAR = os.path.join(ROOT, "java", "target", "jflame.jar")


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


def jflame(jar, *args):
    done = subprocess.run([java(), "-jar", jar, *args], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        sys.exit("jflame %s failed: %s" % (" ".join(args), done.stderr.strip()))


def one_run(config, jar, threads, rounds):
    p = subprocess.Popen([java(), WORKLOAD, str(threads), str(rounds)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        if p.stdout.readline().strip() != "ready":
            sys.exit("the workload did not start")
        if config != "no agent":
            with tempfile.TemporaryDirectory() as tmp:
                jflame(jar, "attach", str(p.pid), "start")
                jflame(jar, "attach", str(p.pid), "stop", "-o", os.path.join(tmp, "p.collapsed"))
        p.stdin.write("go\n")
        p.stdin.flush()
        out = [int(line.split()[1]) for line in p.stdout if line.startswith("round ")]
        p.wait(timeout=600)
        return out
    finally:
        if p.poll() is None:
            p.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--baseline-jar", help="another jflame.jar, measured stopped too")
    parser.add_argument("--jar", default=JAR, help="the jflame.jar measured (default: this checkout's)")
    args = parser.parse_args()
    if not os.path.isfile(args.jar):
        sys.exit("no %s: run `mvn -B -DskipTests package` first" % args.jar)
    configs = [("no agent", None), ("stopped", args.jar)]
    if args.baseline_jar:
        configs.append(("stopped, baseline jar", args.baseline_jar))
    results = {name: [] for name, _ in configs}
    print("measuring %s" % ", ".join(name for name, _ in configs), flush=True)
    loads = []
    for _ in range(args.runs):  # interleaved: drifting machine load hits every configuration alike
        for name, jar in configs:
            loads.append(os.getloadavg()[0])
            results[name].extend(one_run(name, jar, args.threads, args.rounds))
            print("  %s: %s" % (name, results[name][-args.rounds:]), flush=True)
    base = statistics.median(results["no agent"])
    print("%d threads per round, %d runs x %d rounds, load average %.1f-%.1f"
          % (args.threads, args.runs, args.rounds, min(loads), max(loads)))
    for name, _ in configs:
        values = results[name]
        median = statistics.median(values)
        print("%-24s median %6d ns/thread start (rounds %d-%d), %+.1f%% vs no agent"
              % (name, median, min(values), max(values), 100.0 * (median - base) / base))


if __name__ == "__main__":
    main()
