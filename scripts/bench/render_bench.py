#!/usr/bin/env python3
"""Render speed: jflame's SVG against async-profiler's converter (collapsed -> HTML), one run.

Generates a deterministic profile of 100,000 distinct stacks, 20 to 60 frames deep, over a
few hundred Java method names (about 160 MB of collapsed text), then renders it N times
each, interleaved, with

  jflame:    java -Xmx1g -jar java/target/jflame.jar svg IN -o OUT.svg
  converter: java -Xmx1g -cp jfr-converter-4.2.jar Main IN OUT.html

measuring wall time and peak RSS (/usr/bin/time -v) of the whole process, JVM start
included, plus jflame's phases and peak heap in one JVM (render_phases.java). Writes
target/bench/render.md. Needs `mvn -B -DskipTests package` first.

    python3 scripts/bench/render_bench.py [--runs 3] [--stacks 100000]
"""
import argparse
import os
import random
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "java/target/jflame.jar")
PHASES = os.path.join(ROOT, "scripts/bench/render_phases.java")
OUT_DIR = os.path.join(ROOT, "target/bench")
CONVERTER = os.path.expanduser("~/.m2/repository/tools/profiler/jfr-converter/4.2/jfr-converter-4.2.jar")
HEAP = "-Xmx1g"


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
    """Wall seconds and max RSS (MB) of cmd, via /usr/bin/time -v."""
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stderr[-2000:]))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1)) / 1024
    cpu = sum(float(re.search(r"%s time \(seconds\): ([\d.]+)" % kind, proc.stderr).group(1)) for kind in ("User", "System"))
    return seconds, rss, proc.stdout, cpu


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--stacks", type=int, default=100_000)
    args = p.parse_args()
    for need in (JAR, CONVERTER):
        if not os.path.exists(need):
            sys.exit("missing %s (run `mvn -B -DskipTests package` first)" % need)
    os.makedirs(OUT_DIR, exist_ok=True)
    profile = os.path.join(OUT_DIR, "render-input-%d.collapsed" % args.stacks)
    if not os.path.exists(profile):
        print("generating %s ..." % profile, flush=True)
        generate(profile, args.stacks)
    input_mb = os.path.getsize(profile) / 1e6
    svg = os.path.join(OUT_DIR, "render.svg")
    html = os.path.join(OUT_DIR, "render.html")

    jflame_cmd = ["java", HEAP, "-jar", JAR, "svg", profile, "-o", svg]
    converter_cmd = ["java", HEAP, "-cp", CONVERTER, "Main", profile, html]
    phases_cmd = ["java", HEAP, "-cp", JAR, PHASES, profile, svg + ".phases"]
    results = {"jflame": [], "converter": []}
    phases = []
    for run in range(args.runs):
        jf = timed(jflame_cmd)
        cv = timed(converter_cmd)
        results["jflame"].append((jf[0], jf[1], jf[3]))
        results["converter"].append((cv[0], cv[1], cv[3]))
        phases.append(timed(phases_cmd)[2].strip())
        print("run %d: jflame %.2f s, converter %.2f s" % (run + 1, results["jflame"][-1][0], results["converter"][-1][0]), flush=True)

    def med(name, index):
        return statistics.median(r[index] for r in results[name])

    jf_time, jf_rss, jf_cpu = med("jflame", 0), med("jflame", 1), med("jflame", 2)
    cv_time, cv_rss, cv_cpu = med("converter", 0), med("converter", 1), med("converter", 2)
    with open("/proc/loadavg") as load:
        loadavg = load.read().split()[0]
    phase = dict(kv.split("=") for kv in sorted(phases, key=lambda line: int(re.search(r"total_ms=(\d+)", line).group(1)))[len(phases) // 2].split())
    svg_mb = os.path.getsize(svg) / 1e6
    html_mb = os.path.getsize(html) / 1e6
    drawn = sum(1 for _ in re.finditer(rb"<g><title>", open(svg, "rb").read()))
    cpus = os.cpu_count()
    report = f"""# Render benchmark

Input: {args.stacks:,} distinct stacks, 20-60 frames deep, ~400 method names, {input_mb:.0f} MB of
collapsed text (generated by `scripts/bench/render_bench.py`, seed 42). Machine: {cpus} CPUs.
Each tool ran {args.runs} times, interleaved, `{HEAP}`; medians of whole processes (JVM start included).
Load average when done: {loadavg} (wall times are only meaningful on an otherwise idle machine;
CPU time, user + system, is less affected by neighbours).

| | wall time | CPU time | peak RSS | output |
|---|---|---|---|---|
| jflame `svg` (SVG, default `--minwidth 0.1`) | {jf_time:.2f} s | {jf_cpu:.2f} s | {jf_rss:.0f} MB | {svg_mb:.1f} MB SVG, {drawn:,} frames drawn |
| async-profiler converter 4.2 (HTML) | {cv_time:.2f} s | {cv_cpu:.2f} s | {cv_rss:.0f} MB | {html_mb:.1f} MB HTML |
| ratio converter / jflame | {cv_time / jf_time:.2f}x | {cv_cpu / jf_cpu:.2f}x | | |

jflame in one JVM (median run): parse {phase['parse_ms']} ms, tree {phase['tree_ms']} ms,
render {phase['render_ms']} ms, total {phase['total_ms']} ms; peak heap {phase['peak_heap_mb']} MB.

Targets: <= 3 s, heap <= 1 GB, pruned SVG < 10 MB.
"""
    with open(os.path.join(OUT_DIR, "render.md"), "w") as out:
        out.write(report)
    print(report)


if __name__ == "__main__":
    main()
