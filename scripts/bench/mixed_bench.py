#!/usr/bin/env python3
"""What native stacks cost: jflame with nativestacks=dwarf, fp and off, against async-profiler's
default CPU profile (which walks native frames too), side by side in one run. With --kernel,
what kernel frames cost: jflame with kernelframes=on and off (native stacks dwarf) against
async-profiler, on javac and ReadBench (a file read one byte per read() call, nearly all its
CPU in the kernel), and the ring-buffer memory per thread from the profile header.

From the repository root, after `mvn -B -DskipTests package`:

    python3 scripts/bench/mixed_bench.py            # 6 interleaved rounds (about 15 minutes)
    python3 scripts/bench/mixed_bench.py --runs 3   # a quicker look
    python3 scripts/bench/mixed_bench.py --kernel   # kernel frames on/off (run as root)

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
import re
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as common  # noqa: E402  (the shared set-up and JVM runner of run.py)

CONFIGS = [("jflame", "dwarf"), ("jflame", "fp"), ("jflame", "off"), ("ap", None)]
# --kernel: the second field is kernelframes=.
KERNEL_CONFIGS = [("jflame", "kernel=on"), ("jflame", "kernel=off"), ("ap", None)]


class MixedBench(common.Bench):
    """common.Bench with jflame's nativestacks= chosen per run."""

    def __init__(self, *args):
        super().__init__(*args)
        self.native = "dwarf"

    def agent(self, profiler, event, interval, out):
        if profiler == "jflame" and self.native.startswith("kernel="):
            return ["-agentpath:%s=event=%s,interval=%s,kernelframes=%s,file=%s"
                    % (self.jflame_so, event, interval, self.native[len("kernel="):], out)]
        if profiler == "jflame":
            return ["-agentpath:%s=event=%s,interval=%s,nativestacks=%s,file=%s"
                    % (self.jflame_so, event, interval, self.native, out)]
        return super().agent(profiler, event, interval, out)


def label(profiler, native):
    if profiler == "jflame" and native.startswith("kernel="):
        return "jflame kernelframes=%s" % native[len("kernel="):]
    return "jflame nativestacks=%s" % native if profiler == "jflame" else "async-profiler" if profiler == "ap" else "none"


def measure(bench, workload_args, interval, rounds, configs=None):
    """Interleaved rounds of none and every configuration; {label: [run dicts]}."""
    configs = [("none", None)] + (configs or CONFIGS)
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
    p.add_argument("--kernel", action="store_true", help="kernel frames on/off instead of the unwinders")
    p.add_argument("--read-rounds", type=int, default=3, help="(--kernel) MB read one byte at a time per run")
    a = p.parse_args()
    started = time.monotonic()
    jflame_so, ap_so, javac_src = common.setup(a.java)
    work = tempfile.mkdtemp(prefix="jflame-mixed-bench-")
    bench = MixedBench(a.java, jflame_so, ap_so, work)
    javac_out = os.path.join(work, "javac-out")
    workloads = [("javac", ["JavacWorkload", javac_src, javac_out, "1"]),
                 ("Deflater", ["DeflaterBench", str(a.deflate_rounds)])]
    configs = CONFIGS
    if a.kernel:
        workloads = [("javac", workloads[0][1]), ("read loop", ["ReadBench", str(a.read_rounds)])]
        configs = KERNEL_CONFIGS
    rows = []
    rings = set()
    for name, args in workloads:
        for interval in ("10ms", "1ms"):
            runs = measure(bench, args, interval, a.runs, configs)
            rings.update(r["headers"]["kernel_frames"] for rs in runs.values() for r in rs
                         if "kernel_frames" in r["headers"])
            rows.append(table(name, interval, runs))
    if a.kernel:
        sizes = sorted({m.group(1) for m in (re.search(r"\((\d+ KB) each\)", h) for h in rings) if m})
        rows.append("\nRing buffer per thread: %s (kernel_frames lines seen: %s)"
                    % (", ".join(sizes) or "none", "; ".join(sorted(h.split(";")[0] for h in rings))[:400]))
    load = os.getloadavg()
    report = "\n".join([
        "## Kernel frames: cost against async-profiler" if a.kernel else "## Native stacks: cost against async-profiler",
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
    with open(os.path.join(common.OUT, "kernel-results.md" if a.kernel else "mixed-results.md"), "w") as f:
        f.write(report + "\n")
    print(report)


if __name__ == "__main__":
    main()
