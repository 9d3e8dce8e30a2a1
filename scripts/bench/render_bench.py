#!/usr/bin/env python3
"""Render speed: jflame's SVG against async-profiler's converter (collapsed -> HTML), side by side.

For each size (default 10,000, 100,000 and 300,000 distinct stacks, 20 to 60 frames deep, over
a few hundred Java method names; 100,000 stacks are about 145 MB of collapsed text) generates a
deterministic profile, then renders it --runs times with each tool, interleaved:

  jflame:    java -Xmx1g [the flags scripts/jflame passes] -jar java/target/jflame.jar svg IN -o OUT.svg
  converter: java -Xmx1g -cp jfr-converter-4.2.jar Main IN OUT.html

and reports medians of whole processes (JVM start included): wall time, CPU time (user + sys),
peak RSS (/usr/bin/time -v) and peak Java heap (the largest heap occupancy the GC log shows,
before a collection or at exit), plus the ratios converter / jflame. A last run of jflame's
phases in one JVM (render_phases.java) splits its time. Prints the table and writes it to
target/bench/render.md. Needs `mvn -B -DskipTests package` first.

    python3 scripts/bench/render_bench.py [--runs 3] [--stacks 10000 100000 300000]
"""
import argparse
import os
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "java/target/jflame.jar")
LAUNCHER = os.path.join(ROOT, "scripts/jflame")
PHASES = os.path.join(ROOT, "scripts/bench/render_phases.java")
OUT_DIR = os.path.join(ROOT, "target/bench")
CONVERTER = os.path.expanduser("~/.m2/repository/tools/profiler/jfr-converter/4.2/jfr-converter-4.2.jar")
HEAP = "-Xmx1g"
HEAP_LINE = re.compile(r"(garbage-first heap|PSYoungGen|ParOldGen|def new generation|tenured generation)"
                       r"\s+total \d+K, used (\d+)K")


def launcher_flags():
    """The JVM flags scripts/jflame gives the CLI, so that the benchmark runs what users run."""
    with open(LAUNCHER) as script:
        match = re.search(r'^jvm_flags=\((.*)\)$', script.read(), re.M)
    return shlex.split(match.group(1)) if match else []


def generate(path, stacks, seed=42):
    """Realistic shape: shared framework paths (the trunk), then varied leaves."""
    rnd = random.Random(seed)
    packages = ["com.example.%s" % p for p in ("orders", "billing", "web", "db", "cache", "auth", "search", "util")]
    methods = []
    for i in range(400):
        cls = "%s.%s%d" % (rnd.choice(packages), rnd.choice(("Service", "Handler", "Repository", "Codec", "Worker")), i % 53)
        methods.append("%s.%s%d" % (cls, rnd.choice(("process", "handle", "encode", "lookup", "compute", "apply")), i))
    trunk = ["[main tid=1]", "java.lang.Thread.run", "java.util.concurrent.ThreadPoolExecutor$Worker.run"]
    # Call paths 60 frames deep that fork from one another, as code paths do: each new path
    # follows an earlier one down to a random depth, then goes its own way.
    paths = [trunk + [rnd.choice(methods[:20]) for _ in range(57)]]
    for _ in range(2999):
        parent = rnd.choice(paths)
        fork = rnd.randint(len(trunk), 59)
        paths.append(parent[:fork] + [rnd.choice(methods) for _ in range(60 - fork)])
    seen = set()
    size = 0
    with open(path, "w") as out:
        # no '# key: value' header: the converter would read it as a stack
        while len(seen) < stacks:
            # a shared call path cut at some depth, then 1 to 6 leaf frames: real profiles
            # diverge near the leaves, so the tree has far fewer nodes than frames
            base = rnd.choice(paths)
            target = rnd.randint(20, 60)
            leaves = rnd.randint(1, 6)
            cut = target - leaves
            frames = base[:cut] + [rnd.choice(methods) for _ in range(leaves)]
            line = ";".join(frames)
            if line in seen:
                continue
            seen.add(line)
            text = "%s %d\n" % (line, rnd.choice((1, 1, 1, 2, 3, 5, 10, 40)))
            size += len(text)
            out.write(text)
    return size


def timed(cmd):
    """Wall seconds, CPU seconds, max RSS (MB) and peak heap (MB) of a java command line."""
    with tempfile.NamedTemporaryFile(suffix=".gclog", delete=False) as log:
        gc_log = log.name
    java_cmd = cmd[:1] + ["-Xlog:gc,gc+heap+exit:file=%s" % gc_log] + cmd[1:]
    proc = subprocess.run(["/usr/bin/time", "-v"] + java_cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stderr[-2000:]))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1)) / 1024
    cpu = sum(float(re.search(r"%s time \(seconds\): ([\d.]+)" % kind, proc.stderr).group(1)) for kind in ("User", "System"))
    with open(gc_log) as log:
        text = log.read()
    os.unlink(gc_log)
    before_gc = [int(m) for m in re.findall(r"Pause.* (\d+)M->\d+M", text)]
    at_exit = sum(int(m.group(2)) for m in HEAP_LINE.finditer(text)) / 1024
    heap = max(before_gc + [at_exit])
    return {"wall": seconds, "cpu": cpu, "rss": rss, "heap": heap, "stdout": proc.stdout}


def loadavg():
    with open("/proc/loadavg") as load:
        return " ".join(load.read().split()[:3])


def bench(stacks, runs, flags):
    profile = os.path.join(OUT_DIR, "render-input-%d.collapsed" % stacks)
    if not os.path.exists(profile):
        print("generating %s ..." % profile, flush=True)
        generate(profile, stacks)
    svg = os.path.join(OUT_DIR, "render-%d.svg" % stacks)
    html = os.path.join(OUT_DIR, "render-%d.html" % stacks)
    commands = {
        "jflame": ["java", HEAP] + flags + ["-jar", JAR, "svg", profile, "-o", svg],
        "converter": ["java", HEAP, "-cp", CONVERTER, "Main", profile, html],
    }
    results = {name: [] for name in commands}
    for run in range(runs):
        for name, cmd in commands.items():
            results[name].append(timed(cmd))
        print("%d stacks, run %d: jflame %.2f s (cpu %.2f s), converter %.2f s (cpu %.2f s)" % (
            stacks, run + 1, results["jflame"][-1]["wall"], results["jflame"][-1]["cpu"],
            results["converter"][-1]["wall"], results["converter"][-1]["cpu"]), flush=True)
    phases = timed(["java", HEAP] + flags + ["-cp", JAR, PHASES, profile, svg + ".phases"])["stdout"].strip()
    os.unlink(svg + ".phases")
    medians = {name: {key: statistics.median(r[key] for r in rs) for key in ("wall", "cpu", "rss", "heap")}
               for name, rs in results.items()}
    with open(svg, "rb") as drawn:
        frames = drawn.read().count(b"<g><title>")
    return {
        "stacks": stacks, "input_mb": os.path.getsize(profile) / 1e6, "medians": medians,
        "svg_mb": os.path.getsize(svg) / 1e6, "html_mb": os.path.getsize(html) / 1e6,
        "frames": frames, "phases": dict(kv.split("=") for kv in phases.split()),
    }


def report(results, runs, flags, load_before, load_after):
    lines = [
        "# Render benchmark",
        "",
        "Collapsed stacks -> flame graph, jflame `svg` (SVG, default `--minwidth 0.1`) against async-profiler's",
        "converter 4.2 (collapsed -> HTML). Inputs generated by `scripts/bench/render_bench.py` (seed 42): distinct",
        "stacks 20-60 frames deep over ~400 method names. Machine: %d CPUs. Each tool ran %d times per size," % (os.cpu_count(), runs),
        "interleaved, `%s`; jflame with the launcher's flags `%s`. Medians of whole processes, JVM start included." % (HEAP, " ".join(flags) or "(none)"),
        "Load average before: %s, after: %s (wall times are only meaningful on an otherwise idle" % (load_before, load_after),
        "machine; CPU time, user + system, is less affected by neighbours).",
        "",
        "| stacks (input) | tool | wall time | CPU time | peak RSS | peak heap | output |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        jf, cv = r["medians"]["jflame"], r["medians"]["converter"]
        size = "%s (%.0f MB)" % (format(r["stacks"], ","), r["input_mb"])
        lines.append("| %s | jflame | %.2f s | %.2f s | %.0f MB | %.0f MB | %.1f MB SVG, %s frames drawn |" % (
            size, jf["wall"], jf["cpu"], jf["rss"], jf["heap"], r["svg_mb"], format(r["frames"], ",")))
        lines.append("| | converter | %.2f s | %.2f s | %.0f MB | %.0f MB | %.1f MB HTML |" % (
            cv["wall"], cv["cpu"], cv["rss"], cv["heap"], r["html_mb"]))
        lines.append("| | ratio converter / jflame | %.2fx | %.2fx | %.2fx | %.2fx | |" % (
            cv["wall"] / jf["wall"], cv["cpu"] / jf["cpu"], cv["rss"] / jf["rss"], cv["heap"] / jf["heap"]))
    lines.append("")
    lines.append("jflame's phases in one JVM (last run): " + "; ".join(
        "%s stacks: tree %s ms, render %s ms" % (format(r["stacks"], ","), r["phases"]["tree_ms"], r["phases"]["render_ms"])
        for r in results) + ".")
    lines.append("")
    lines.append("Targets (100,000 stacks): <= 3 s, heap <= 1 GB, pruned SVG < 10 MB.")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--stacks", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    args = p.parse_args()
    for need in (JAR, CONVERTER):
        if not os.path.exists(need):
            sys.exit("missing %s (run `mvn -B -DskipTests package` first)" % need)
    os.makedirs(OUT_DIR, exist_ok=True)
    flags = launcher_flags()
    load_before = loadavg()
    results = [bench(stacks, args.runs, flags) for stacks in args.stacks]
    text = report(results, args.runs, flags, load_before, loadavg())
    with open(os.path.join(OUT_DIR, "render.md"), "w") as out:
        out.write(text)
    print(text)


if __name__ == "__main__":
    main()
