#!/usr/bin/env python3
"""jflame's CPU overhead against async-profiler 4.2 on real programs, with confidence intervals.

From the repository root, after `mvn -B -DskipTests package`:

    python3 scripts/bench/overhead_bench.py            # >= 10 interleaved rounds per cell
    python3 scripts/bench/overhead_bench.py --quick    # 3 rounds, smaller inputs, to try it out
    python3 scripts/bench/overhead_bench.py --runs 5 --workloads javac,h2 --jdks 17 --cells cpu:10ms,cpu:1ms
    python3 scripts/bench/overhead_bench.py --runs 20 --workloads javac --javac-compiles 24 --jdks 17 \
        --cells cpu:10ms,wall:10ms   # a longer program: javac compiling the tree 24 times (~20 s of CPU)

Measures the CPU time of the whole JVM (user + sys of the child from wait4's rusage: start-up,
profiler set-up and profile writing included) for a fixed amount of work, with no profiler,
with jflame and with async-profiler, for `cpu` and `wall` at 10 ms and 1 ms, on:
  javac   JavacWorkload: javac compiling the commons-cli 1.9.0 sources (run.py's input)
  churn   ThreadChurnBench: thousands of short threads, at most four alive, fixed work each
  h2      H2RoundsWorkload: the H2 database in memory, a fixed SQL workload (many classes, deep stacks)
on every JDK given (17 and 25 by default).

Every round runs every configuration of a workload once, in an order rotated each round, so a
change in the machine's load hits all configurations alike. For each round the profiled run's
CPU time is divided by that round's unprofiled run; a cell's figure is the median of those
ratios with a 95% bootstrap interval, and "jflame - AP" is the median of the per-round
differences of the two ratios with its interval (below 0: jflame cost less). jflame's own
account of its cost (the profile header: handler time, estimated signal delivery, agent
threads, JVMTI callbacks) is shown as a share of the unprofiled CPU time next to it.

Setup (the async-profiler fetch, the javac input, compiling the workloads) is run.py's.
Writes target/bench/overhead.md and target/bench/overhead.json.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as shared  # noqa: E402  (run.py: setup, the JVM runner, the profile reader)

JDKS = shared.JAVA_BY_JDK
H2_ARTIFACT = "com.h2database:h2:2.3.232"
H2_JAR = "h2-2.3.232.jar"
CELLS = ["cpu:10ms", "cpu:1ms", "wall:10ms", "wall:1ms"]

FULL = dict(runs=10, javac_compiles=1, churn_threads=20000, churn_work=100000, h2_rounds=2, h2_rows=20000)
QUICK = dict(runs=3, javac_compiles=1, churn_threads=5000, churn_work=100000, h2_rounds=1, h2_rows=10000)


def workload_args(name, s, javac_src, work):
    if name == "javac":
        return ["JavacWorkload", javac_src, os.path.join(work, "javac-out"), str(s["javac_compiles"])]
    if name == "churn":
        return ["ThreadChurnBench", str(s["churn_threads"]), str(s["churn_work"])]
    if name == "h2":
        return ["H2RoundsWorkload", str(s["h2_rounds"]), str(s["h2_rows"])]
    raise ValueError(name)


def bootstrap(xs, stat=statistics.median, n=2000, seed=1):
    """95% percentile bootstrap interval of stat over xs."""
    if len(xs) < 2:
        return (float("nan"), float("nan"))
    rng = random.Random(seed)
    values = sorted(stat([rng.choice(xs) for _ in xs]) for _ in range(n))
    return values[int(0.025 * n)], values[int(0.975 * n) - 1]


def own_account_ns(headers):
    """jflame's own account of its cost, from its profile header: the total it states, or the
    sum of the parts older agents wrote."""
    if "overhead_ns_total" in headers:
        return int(headers["overhead_ns_total"])
    total = shared.handler_ns_total(headers)
    if total is None:
        return None
    return total + int(headers.get("agent_threads_ns", 0))


def measure(bench_by_jdk, s, workloads, cells, javac_src, work, rounds):
    """{(jdk, workload): {config: [run]}} with config ("none", None) or (profiler, cell)."""
    results = {}
    for jdk, bench in bench_by_jdk.items():
        for name in workloads:
            configs = [("none", None)] + [(p, c) for c in cells for p in shared.PROFILERS]
            runs = {c: [] for c in configs}
            for round_ in range(rounds):
                order = configs[round_ % len(configs):] + configs[:round_ % len(configs)]
                for profiler, cell in order:
                    event, interval = cell.split(":") if cell else ("cpu", "10ms")
                    r = bench.must(bench.run(profiler, event, interval, workload_args(name, s, javac_src, work)))
                    runs[(profiler, cell)].append({
                        "round": round_, "cpu_s": r["cpu_s"], "elapsed_s": r["elapsed_s"],
                        "headers": (r["profile"] or {}).get("headers", {}),
                        "samples": (r["profile"] or {}).get("samples", 0)})
                shared.log("JDK %s %s: round %d/%d done, load %.1f" % (jdk, name, round_ + 1, rounds, os.getloadavg()[0]))
            results[(jdk, name)] = runs
    return results


def summarize(runs, cells):
    """Per cell: the per-round ratios to the unprofiled run, their medians and intervals."""
    base = {r["round"]: r["cpu_s"] for r in runs[("none", None)]}
    out = {"none_cpu_s": statistics.median(base.values())}
    for cell in cells:
        ratio = {}
        for p in shared.PROFILERS:
            ratio[p] = {r["round"]: r["cpu_s"] / base[r["round"]] - 1 for r in runs[(p, cell)] if r["round"] in base}
        both = sorted(set(ratio["jflame"]) & set(ratio["ap"]))
        diffs = [ratio["jflame"][k] - ratio["ap"][k] for k in both]
        own = [own_account_ns(r["headers"]) for r in runs[("jflame", cell)]]
        own = [o / 1e9 / base[r["round"]] for o, r in zip(own, runs[("jflame", cell)]) if o is not None]
        out[cell] = {
            "n": len(both),
            "jflame": (statistics.median(ratio["jflame"].values()), bootstrap(list(ratio["jflame"].values()))),
            "ap": (statistics.median(ratio["ap"].values()), bootstrap(list(ratio["ap"].values()))),
            "diff": (statistics.median(diffs) if diffs else float("nan"), bootstrap(diffs)),
            "own": statistics.median(own) if own else float("nan"),
        }
    return out


def pct(x):
    return "n/a" if x != x else "%+.1f%%" % (100 * x)


def pct_ci(value_ci):
    value, (low, high) = value_ci
    if low != low:
        return pct(value)
    return "%s [%s, %s]" % (pct(value), pct(low), pct(high))


def report(meta, summaries, cells):
    lines = ["# jflame CPU overhead against async-profiler %s" % shared.AP_VERSION, "",
             meta, "",
             "CPU time of the whole JVM (user+sys, rusage) for fixed work, as a change against no "
             "profiler: the median of per-round ratios, [95% bootstrap interval]. **jflame - AP**: "
             "median of the per-round differences (below 0: jflame cost less). **own account**: what "
             "jflame's profile header says it spent, as a share of the unprofiled CPU time.", "",
             "| JDK | workload | none CPU s | cell | rounds | jflame | async-profiler | jflame - AP | own account |",
             "|---|---|---|---|---|---|---|---|---|"]
    for (jdk, name), sm in summaries.items():
        for cell in cells:
            c = sm[cell]
            lines.append("| %s | %s | %.2f | %s | %d | %s | %s | %s | %s |" % (
                jdk, name, sm["none_cpu_s"], cell.replace(":", " "), c["n"], pct_ci(c["jflame"]), pct_ci(c["ap"]),
                pct_ci(c["diff"]), pct(c["own"])))
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="3 rounds, smaller inputs")
    p.add_argument("--runs", type=int, help="interleaved rounds per cell (default 10, quick 3)")
    p.add_argument("--workloads", default="javac,churn,h2", help="comma-separated: javac,churn,h2")
    p.add_argument("--jdks", default="17,25", help="comma-separated: 17,25")
    p.add_argument("--cells", default=",".join(CELLS), help="comma-separated event:interval, e.g. cpu:10ms,wall:1ms")
    p.add_argument("--jvm-options", default="", help="space-separated JVM options for every run, e.g. "
                   "'-Xms600m -Xmx600m': a fixed heap takes G1's heap sizing, which a profiler can tip "
                   "(docs/performance.md), out of the comparison")
    p.add_argument("--javac-compiles", type=int, help="times javac compiles its tree in one run (default 1): "
                   "a longer program, where fixed costs matter less")
    a = p.parse_args()
    s = dict(QUICK if a.quick else FULL)
    if a.javac_compiles is not None:
        if a.javac_compiles < 1:
            p.error("--javac-compiles wants a number of at least 1")
        s["javac_compiles"] = a.javac_compiles
    rounds = a.runs or s["runs"]
    workloads = [w for w in a.workloads.split(",") if w]
    cells = [c for c in a.cells.split(",") if c]
    for c in cells:
        if c.count(":") != 1:
            sys.exit("bad cell %r: want event:interval" % c)
    jdks = [j for j in a.jdks.split(",") if j]
    for j in jdks:
        if j not in JDKS or not os.path.exists(JDKS[j]):
            sys.exit("no JDK %s here (%s)" % (j, JDKS.get(j, "unknown")))
    started = time.monotonic()
    os.makedirs(shared.OUT, exist_ok=True)
    jflame_so, ap_so, javac_src = shared.setup(JDKS[jdks[0]])
    classpath = shared.CLASSES
    if "h2" in workloads:
        if not os.path.exists(os.path.join(shared.BIN, H2_JAR)):
            shared.log("fetching %s" % H2_ARTIFACT)
            shared.mvn_copy(H2_ARTIFACT, shared.BIN)
        classpath += os.pathsep + os.path.join(shared.BIN, H2_JAR)
    work = tempfile.mkdtemp(prefix="overhead-", dir=shared.OUT)
    benches = {j: shared.Bench(JDKS[j], jflame_so, ap_so, work, classpath=classpath, jvm_options=a.jvm_options.split())
               for j in jdks}
    load_start = os.getloadavg()
    results = measure(benches, s, workloads, cells, javac_src, work, rounds)
    load_end = os.getloadavg()
    # The table names a longer javac run by its number of compiles.
    label = lambda name: "javac x%d" % s["javac_compiles"] if name == "javac" and s["javac_compiles"] > 1 else name
    summaries = {(jdk, label(name)): summarize(v, cells) for (jdk, name), v in results.items()}
    meta = ("%d CPUs; load average %.1f / %.1f / %.1f at start, %.1f / %.1f / %.1f at end (shared machine); "
            "%d rounds per cell; %s; %.1f minutes" % (
                os.cpu_count(), *load_start, *load_end, rounds, " ".join(["overhead_bench.py"] + sys.argv[1:]),
                (time.monotonic() - started) / 60))
    text = report(meta, summaries, cells)
    with open(os.path.join(shared.OUT, "overhead.md"), "w") as f:
        f.write(text)
    with open(os.path.join(shared.OUT, "overhead.json"), "w") as f:
        json.dump({"meta": meta, "settings": s,
                   "runs": {"%s %s" % k: {"%s %s" % c: v for c, v in runs.items()} for k, runs in results.items()}},
                  f, indent=1, default=str)
    shutil.rmtree(work, ignore_errors=True)
    print(text)


if __name__ == "__main__":
    main()
