#!/usr/bin/env python3
"""Attach pause: jflame against async-profiler, loaded into a running JVM with many classes.

    python3 scripts/bench/attach_pause_bench.py [--runs 5] [--classes 20000]

After `mvn -B -DskipTests package` (the agent and the AttachTarget workload in java/target), from
the repository root, with async-profiler 4.2's library in target/bench/bin (run.py puts it there;
or --ap-lib). For each JDK, each run starts AttachTarget with CLASSES hidden classes and the JVM's
own safepoint and GC logging, waits until it is ready, loads the agent the same way for both
profilers (`jcmd PID JVMTI.agent_load LIB OPTIONS`, event=cpu at 10 ms), lets it profile for a
few seconds and stops the JVM. Cells run interleaved (none, jflame, async-profiler, ...), so load
on the machine falls on all of them alike; "none" is the same run without an attach.

What it reports per cell (median, min..max over runs):
- safepoint total: the sum of the JVM's "Total" times of every safepoint that began from the
  attach request until 2 s after it returned (-Xlog:safepoint), and the longest one of them;
  the VM operations seen in that window, with how many runs saw each;
- the stall probe: AttachTarget's longest stall of a 1 ms sleeper over the whole run (it sees
  scheduling on a loaded machine too: compare with "none");
- jcmd: how long the attach request took, jcmd's own JVM start-up included;
- for jflame, method_ids_walk_ns from the profile header (the method-id walk at start: CPU time
  since the walk has its own thread, elapsed time in builds before that).
--baseline-lib adds a cell "jflame baseline" with another build of the agent, for before/after.
Writes target/bench/attach-pause.md. A benchmark, not a test: nothing here has a bound.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "target/bench")
JDKS = {"17": "/usr/lib/jvm/java-17-openjdk-amd64", "25": "/usr/lib/jvm/temurin-25-jdk-amd64"}
CELLS = ("none", "jflame", "async-profiler")
# -Xlog with timemillis: the log's clock is the wall clock this script reads too.
SAFEPOINT = re.compile(r"^\[(\d+)ms\].*Safepoint \"([^\"]+)\".*Total: (\d+) ns")
STALL = re.compile(r"longest stall: (\d+) ms")
WALK = re.compile(r"method_ids_walk_ns\D*(\d+)")
AFTER_S = 2.0  # safepoints this long after the request returned still count as the attach's


def wait_for_ready(proc, timeout_s=180):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.strip() == "ready":
            return True
    return False


def one_run(java_home, cell, args, tmp, tag):
    log = os.path.join(tmp, tag + ".safepoints.log")
    stop = os.path.join(tmp, tag + ".stop")
    profile = os.path.join(tmp, tag + ".collapsed")
    cmd = [os.path.join(java_home, "bin/java"),
           "-Xlog:safepoint*=info,gc*=info:file=%s:timemillis" % log,
           "-cp", args.classes_dir, "dev.jflame.workload.AttachTarget", "120", stop, str(args.classes)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if not wait_for_ready(proc):
            raise RuntimeError("AttachTarget did not become ready: " + " ".join(cmd))
        time.sleep(args.settle)
        begin = time.time()
        if cell != "none":
            if cell.startswith("jflame"):
                lib = args.jflame_lib if cell == "jflame" else args.baseline_lib
                options = "event=cpu,interval=10ms,file=" + profile
            else:
                lib, options = args.ap_lib, "start,event=cpu,interval=10ms,collapsed,file=" + profile
            # Quoted for the diagnostic command's own parser, which would split at '='.
            jcmd = subprocess.run([os.path.join(java_home, "bin/jcmd"), str(proc.pid), "JVMTI.agent_load", lib,
                                   '"%s"' % options], capture_output=True, text=True, timeout=120)
            if "return code: 0" not in jcmd.stdout:
                raise RuntimeError("%s attach failed: %s %s" % (cell, jcmd.stdout, jcmd.stderr))
        end = time.time()
        time.sleep(args.profile_s)
        open(stop, "w").close()
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stall = STALL.search(err)
    total_ns, longest_ns, ops = 0, 0, set()
    with open(log) as f:
        for line in f:
            m = SAFEPOINT.match(line)
            if m and begin * 1000 <= int(m.group(1)) <= (end + AFTER_S) * 1000:
                total_ns += int(m.group(3))
                longest_ns = max(longest_ns, int(m.group(3)))
                ops.add(m.group(2))
    walk = None
    if cell.startswith("jflame") and os.path.exists(profile):
        with open(profile, errors="replace") as f:
            m = WALK.search(f.read(200_000))
            walk = int(m.group(1)) if m else None
    return dict(stall_ms=int(stall.group(1)) if stall else None, sp_total_ms=total_ns / 1e6,
                sp_longest_ms=longest_ns / 1e6, ops=ops, jcmd_ms=(end - begin) * 1000,
                walk_ms=walk / 1e6 if walk is not None else None)


def spread(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "-"
    return "%.1f (%.1f..%.1f)" % (statistics.median(xs), min(xs), max(xs))


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--classes", type=int, default=20000)
    p.add_argument("--jdk", action="append", choices=sorted(JDKS), help="17 and/or 25 (default both)")
    p.add_argument("--settle", type=float, default=1.0, help="seconds between ready and the attach")
    p.add_argument("--profile-s", type=float, default=3.0, help="seconds profiled after the attach")
    p.add_argument("--jflame-lib", default=os.path.join(ROOT, "java/target/native/libjflame.so"))
    p.add_argument("--baseline-lib", help="another libjflame.so (an earlier build) as a cell of its own")
    p.add_argument("--ap-lib", default=os.path.join(OUT, "bin/libasyncProfiler.so"))
    p.add_argument("--classes-dir", default=os.path.join(ROOT, "java/target/test-classes"))
    p.add_argument("--out", default=os.path.join(OUT, "attach-pause.md"))
    args = p.parse_args()
    for path, what in ((args.jflame_lib, "jflame's agent (mvn -B -DskipTests package)"),
                       (args.ap_lib, "async-profiler's library (run.py's setup, or --ap-lib)"),
                       (os.path.join(args.classes_dir, "dev/jflame/workload/AttachTarget.class"),
                        "AttachTarget (mvn -B -DskipTests package)"),
                       (args.baseline_lib or args.jflame_lib, "--baseline-lib")):
        if not os.path.exists(path):
            print("attach_pause_bench: %s not found: %s" % (what, path), file=sys.stderr)
            return 2
    jdks = args.jdk or sorted(JDKS)
    cells = CELLS if not args.baseline_lib else ("none", "jflame", "jflame baseline", "async-profiler")
    results = {(j, c): [] for j in jdks for c in cells}
    loads = [load_average()]
    with tempfile.TemporaryDirectory(prefix="attach-pause-") as tmp:
        for r in range(args.runs):
            for j in jdks:
                for c in cells:
                    res = one_run(JDKS[j], c, args, tmp, "%s-%s-%d" % (j, c.replace(" ", "_"), r))
                    results[(j, c)].append(res)
                    print("JDK %s run %d %-15s stall %s ms, safepoints %.1f ms (longest %.1f) %s, jcmd %.0f ms%s"
                          % (j, r + 1, c, res["stall_ms"], res["sp_total_ms"], res["sp_longest_ms"],
                             ",".join(sorted(res["ops"])) or "-", res["jcmd_ms"],
                             ", walk %.1f ms" % res["walk_ms"] if res["walk_ms"] is not None else ""),
                          flush=True)
            loads.append(load_average())
    lines = ["# Attach pause with %d hidden classes" % args.classes, "",
             "%d runs per cell, interleaved; event=cpu at 10 ms; loaded with `jcmd PID JVMTI.agent_load`. "
             "Load average (1, 5, 15 min) before and after each round: %s." % (args.runs, "; ".join(loads)), "",
             "Median (min..max), milliseconds. Safepoints: the JVM's own `Total` of every safepoint from the "
             "attach request until %.0f s after it returned; stall: AttachTarget's longest stall over the run "
             "(scheduling included; \"none\" is the same run without an attach)." % AFTER_S, "",
             "| JDK | profiler | safepoint total | longest safepoint | stall probe | jcmd round trip | method-id walk |",
             "|---|---|---|---|---|---|---|"]
    for j in jdks:
        for c in cells:
            rs = results[(j, c)]
            lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                j, c, spread([x["sp_total_ms"] for x in rs]), spread([x["sp_longest_ms"] for x in rs]),
                spread([x["stall_ms"] for x in rs]), "-" if c == "none" else spread([x["jcmd_ms"] for x in rs]),
                spread([x["walk_ms"] for x in rs]) if c.startswith("jflame") else "-"))
    lines += ["", "VM operations at a safepoint in the window (runs that saw it / runs):", ""]
    for j in jdks:
        for c in cells:
            rs = results[(j, c)]
            names = sorted(set().union(*(x["ops"] for x in rs)))
            seen = ", ".join("%s %d/%d" % (n, sum(n in x["ops"] for x in rs), len(rs)) for n in names)
            lines.append("- JDK %s, %s: %s" % (j, c, seen or "none"))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print("wrote " + args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
