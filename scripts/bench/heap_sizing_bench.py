#!/usr/bin/env python3
"""How often a profiler tips G1's heap sizing on a long javac run, and what that costs.

From the repository root, after `mvn -B -DskipTests package`:

    python3 scripts/bench/heap_sizing_bench.py              # 10 interleaved rounds, javac x24, JDK 17
    python3 scripts/bench/heap_sizing_bench.py --runs 4 --javac-compiles 8 --interval 1s
    python3 scripts/bench/heap_sizing_bench.py --jvm-options=-XX:GCTimeRatio=24   # a faster machine

G1 grows the heap after a young collection while its recent pause-time ratio is above a threshold
that, for a heap below half its maximum, is scaled down to 1%. On javac compiling its tree many
times that test is borderline: small changes in the first few pauses decide whether a run keeps a
~600 MB heap or grows to 800-1000 MB, with more collections, more copying and more page faults --
and 2-4 s more CPU on a 20 s run. Every round runs no profiler, jflame and async-profiler once
(rotated order) with -Xlog:gc, and reports per configuration how many runs grew the heap beyond
--grown-mb, and the CPU medians of the runs that did and did not. Where the test is less borderline
(a faster machine: on one VM no configuration grew in 10 rounds), a higher -XX:GCTimeRatio (G1's
default is 12) moves it back to the edge.

Setup (the async-profiler fetch, the javac input, compiling the workloads) is run.py's.
Writes target/bench/heap_sizing.md.
"""
import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as shared  # noqa: E402

def largest_heap_mb(gc_log):
    """The largest committed heap a -Xlog:gc file names, as in '... 37M->17M(580M) ...'."""
    with open(gc_log) as f:
        sizes = [int(m) for m in re.findall(r"\((\d+)M\)", f.read())]
    return max(sizes) if sizes else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=10, help="interleaved rounds (default 10)")
    p.add_argument("--javac-compiles", type=int, default=24, help="times javac compiles its tree in a run")
    p.add_argument("--jdk", default="17", choices=sorted(shared.JAVA_BY_JDK))
    p.add_argument("--event", default="cpu")
    p.add_argument("--interval", default="10ms")
    p.add_argument("--grown-mb", type=int, default=800, help="a run whose heap reached this grew (default 800)")
    p.add_argument("--jvm-options", default="", help="space-separated JVM options for every run, e.g. -XX:GCTimeRatio=24")
    a = p.parse_args()
    if a.runs < 1 or a.javac_compiles < 1:
        p.error("--runs and --javac-compiles want at least 1")
    java = shared.JAVA_BY_JDK[a.jdk]
    if not os.path.exists(java):
        sys.exit("no JDK %s here (%s)" % (a.jdk, java))
    os.makedirs(shared.OUT, exist_ok=True)
    jflame_so, ap_so, javac_src = shared.setup(java)
    work = tempfile.mkdtemp(prefix="heap-sizing-", dir=shared.OUT)
    bench = shared.Bench(java, jflame_so, ap_so, work)
    args = ["JavacWorkload", javac_src, os.path.join(work, "javac-out"), str(a.javac_compiles)]
    configs = ("none",) + shared.PROFILERS
    runs = {c: [] for c in configs}
    for round_ in range(a.runs):
        for profiler in configs[round_ % 3:] + configs[:round_ % 3]:
            gc_log = os.path.join(work, "gc-%d-%s.log" % (round_, profiler))
            bench.jvm_options = a.jvm_options.split() + ["-Xlog:gc:file=%s" % gc_log]
            r = bench.must(bench.run(profiler, a.event, a.interval, args))
            runs[profiler].append((largest_heap_mb(gc_log), r["cpu_s"]))
        shared.log("round %d/%d: %s" % (round_ + 1, a.runs, " ".join(
            "%s %d MB %.1f s" % (c, runs[c][-1][0], runs[c][-1][1]) for c in configs)))
    shutil.rmtree(work, ignore_errors=True)

    def med(xs):
        return "%.1f" % statistics.median(xs) if xs else "-"

    lines = ["# G1 heap sizing under each profiler", "",
             "javac compiling its tree %d times, JDK %s, %s %s, %d interleaved rounds; a run 'grew' when its "
             "committed heap reached %d MB (-Xlog:gc)%s. CPU: user+sys of the JVM, seconds." % (
                 a.javac_compiles, a.jdk, a.event, a.interval, a.runs, a.grown_mb,
                 "; JVM options: " + a.jvm_options if a.jvm_options.strip() else ""), "",
             "| profiler | runs that grew | CPU median, all | CPU median, grew | CPU median, did not | largest heaps, MB |",
             "|---|---|---|---|---|---|"]
    for c in configs:
        grew = [cpu for mb, cpu in runs[c] if mb >= a.grown_mb]
        kept = [cpu for mb, cpu in runs[c] if mb < a.grown_mb]
        lines.append("| %s | %d of %d | %s | %s | %s | %s |" % (
            c, len(grew), len(runs[c]), med([cpu for _, cpu in runs[c]]), med(grew), med(kept),
            " ".join(str(mb) for mb, _ in runs[c])))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(shared.OUT, "heap_sizing.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
