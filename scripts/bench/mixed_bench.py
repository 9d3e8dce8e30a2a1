#!/usr/bin/env python3
"""What native stacks cost: jflame with nativestacks=dwarf, fp and off, against async-profiler's
default CPU profile (which walks native frames too), side by side in one run.

From the repository root, after `mvn -B -DskipTests package`:

    python3 scripts/bench/mixed_bench.py            # 6 interleaved rounds (about 15 minutes)
    python3 scripts/bench/mixed_bench.py --runs 3   # a quicker look

Workloads: javac compiling commons-cli (deep Java stacks, some JVM runtime calls) and
DeflaterBench (a fixed amount of zlib work under Deflater.deflateBytesBytes: nearly every
sample has native frames). Each at 10 ms and 1 ms, event cpu for both profilers. Reported per
configuration: the median CPU overhead against no profiler with its spread (lowest and highest
round), jflame's handler mean and p99 from its profile header, and for the jflame rows the
ratio of its overhead to async-profiler's in the same rounds. Writes
target/bench/mixed-results.md and prints it.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as common  # noqa: E402  (the shared set-up and JVM runner of run.py)

CONFIGS = [("jflame", "dwarf"), ("jflame", "fp"), ("jflame", "off"), ("ap", None)]


class MixedBench(common.Bench):
    """common.Bench with jflame's nativestacks= chosen per run."""

    def __init__(self, *args):
        super().__init__(*args)
        self.native = "dwarf"

    def agent(self, profiler, event, interval, out):
        if profiler == "jflame":
            return ["-agentpath:%s=event=%s,interval=%s,nativestacks=%s,file=%s"
                    % (self.jflame_so, event, interval, self.native, out)]
        return super().agent(profiler, event, interval, out)


def label(profiler, native):
    return "jflame nativestacks=%s" % native if profiler == "jflame" else "async-profiler" if profiler == "ap" else "none"


def measure(bench, workload_args, interval, rounds):
    """Interleaved rounds of none and every configuration; {label: [run dicts]}."""
    configs = [("none", None)] + CONFIGS
    runs = {label(p, n): [] for p, n in configs}
    for round_ in range(rounds):
        order = configs[round_ % len(configs):] + configs[:round_ % len(configs)]
        for profiler, native in order:
            bench.native = native or "dwarf"
            r = bench.must(bench.run(profiler, "cpu", interval, workload_args))
            headers = (r["profile"] or {}).get("headers", {})
            runs[label(profiler, native)].append({"cpu_s": common.measured_cpu_s(r), "headers": headers})
        common.log("%s at %s: round %d/%d" % (workload_args[0], interval, round_ + 1, rounds))
    return runs


def table(name, interval, runs):
    base = statistics.median(r["cpu_s"] for r in runs["none"])
    ap = sorted(100 * (r["cpu_s"] / base - 1) for r in runs["async-profiler"])
    lines = []
    for key, rs in runs.items():
        if key == "none":
            continue
        over = sorted(100 * (r["cpu_s"] / base - 1) for r in rs)
        means = [int(r["headers"]["handler_ns_mean"]) / 1000 for r in rs if "handler_ns_mean" in r["headers"]]
        p99s = [int(r["headers"]["handler_ns_p99"]) / 1000 for r in rs if "handler_ns_p99" in r["headers"]]
        handler = "%.1f / %.1f" % (statistics.median(means), statistics.median(p99s)) if means else "-"
        ratio = ("%.2f" % ((1 + statistics.median(over) / 100) / (1 + statistics.median(ap) / 100))
                 if key.startswith("jflame") else "")
        lines.append("| %s | %s | %s | %+.1f%% (%+.1f .. %+.1f) | %s | %s |" % (
            name, interval, key, statistics.median(over), over[0], over[-1], handler, ratio))
    return "| %s | %s | none | %.2f s CPU | | |\n" % (name, interval, base) + "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=6, help="interleaved rounds per cell (default 6)")
    p.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin/java"))
    p.add_argument("--deflate-rounds", type=int, default=40, help="MB compressed per Deflater run")
    a = p.parse_args()
    started = time.monotonic()
    jflame_so, ap_so, javac_src = common.setup(a.java)
    work = tempfile.mkdtemp(prefix="jflame-mixed-bench-")
    bench = MixedBench(a.java, jflame_so, ap_so, work)
    javac_out = os.path.join(work, "javac-out")
    workloads = [("javac", ["JavacWorkload", javac_src, javac_out, "1"]),
                 ("Deflater", ["DeflaterBench", str(a.deflate_rounds)])]
    rows = []
    for name, args in workloads:
        for interval in ("10ms", "1ms"):
            rows.append(table(name, interval, measure(bench, args, interval, a.runs)))
    load = os.getloadavg()
    report = "\n".join([
        "## Native stacks: cost against async-profiler",
        "",
        "%d interleaved rounds per cell; CPU time of the whole process while the workload ran "
        "(MeasuredMain), as a change against no profiler: median (lowest .. highest round). Handler: "
        "jflame's mean / p99 per sample in us, medians over the rounds. jflame / AP: jflame's CPU "
        "ratio over async-profiler's (below 1: jflame cost less). %s; load average at the end %.1f. "
        "%.1f minutes." % (a.runs, common.platform.platform(), load[0], (time.monotonic() - started) / 60),
        "",
        "| workload | interval | profiler | CPU overhead | handler mean / p99 us | jflame / AP |",
        "|---|---|---|---|---|---|",
    ] + rows)
    os.makedirs(common.OUT, exist_ok=True)
    with open(os.path.join(common.OUT, "mixed-results.md"), "w") as f:
        f.write(report + "\n")
    print(report)


if __name__ == "__main__":
    main()
