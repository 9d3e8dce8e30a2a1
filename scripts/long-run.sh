#!/usr/bin/env bash
# A long run, outside CI: MINUTES (default 10) of sampling at 1 ms a workload whose stacks
# keep changing (random 21-deep paths through eight methods, so nearly every sample is a
# stack not seen before). It shows that the trace store stays within its bound and that
# the samples it cannot keep are counted as drops, not hidden. Prints the JVM's RSS once a
# 30 s with and without the agent, then the profile's header and a one-line verdict.
#
# Usage: scripts/long-run.sh [MINUTES] [THREADS]   (after `mvn -B -DskipTests package`)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
minutes=${1:-10}
threads=${2:-2}
agent="$root/java/target/native/libjflame.so"
out="$root/target/long-run"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
javac=${JAVA_HOME:+$JAVA_HOME/bin/}javac

[ -f "$agent" ] || { echo "long-run: $agent not built; run mvn -B -DskipTests package" >&2; exit 1; }
mkdir -p "$out/classes"
"$javac" -d "$out/classes" "$root/scripts/bench/workloads/ManyStacksWorkload.java" \
  "$root/java/src/test/java/dev/jflame/workload/Spin.java"

# A copy, so that a rebuild while the run goes on cannot change the library under it.
cp "$agent" "$out/libjflame.so"
agent="$out/libjflame.so"
millis=$((minutes * 60 * 1000))

# Runs the workload with the given extra JVM options; samples its RSS every 30 s into $2.
run() {
  local label=$1 rss_log=$2
  shift 2
  : > "$rss_log"
  "$java" "$@" -cp "$out/classes" dev.jflame.workload.ManyStacksWorkload "$threads" "$millis" 21 \
    > "$out/$label.stdout" 2> "$out/$label.stderr" &
  local pid=$! elapsed=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    elapsed=$((elapsed + 5))
    if [ $((elapsed % 30)) -eq 0 ] && [ -r "/proc/$pid/status" ]; then
      rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
      echo "$label t=${elapsed}s rss_kb=${rss:-?}" | tee -a "$rss_log"
    fi
  done
  wait "$pid"
}

profile="$out/long-run.collapsed"
rm -f "$profile"
echo "long-run: $minutes min, $threads threads, event=cpu interval=1ms; output in $out"
run agent "$out/rss-agent.txt" "-agentpath:$agent=event=cpu,interval=1ms,file=$profile"
# The same workload without the agent for a tenth of the time: its RSS settles within a minute.
millis=$((millis / 10 > 60000 ? millis / 10 : 60000))
run none "$out/rss-none.txt"

echo "--- agent summary line"
tail -n 3 "$out/agent.stderr"
echo "--- profile header"
grep '^#' "$profile"
stacks=$(grep -vc '^#' "$profile")
frames=$(grep -v '^#' "$profile" | awk '{ n = split($0, a, ";"); total += n } END { print total }')
samples=$(awk '/^# samples:/ {print $3}' "$profile")
drops=$(awk '/^# drops:/ {print $3}' "$profile")
traces=$(awk '/^# distinct_traces:/ {print $3}' "$profile")
echo "--- verdict"
echo "stacks written: $stacks, frames in them: $frames (the store's bound: 65536 traces, 4194304 frames)"
echo "samples kept: $samples, dropped and counted: $drops, distinct traces: $traces"
echo "RSS with agent (first / last minute): $(head -n1 "$out/rss-agent.txt" | sed 's/.*rss_kb=//') /" \
  "$(tail -n1 "$out/rss-agent.txt" | sed 's/.*rss_kb=//') kB; without: $(tail -n1 "$out/rss-none.txt" | sed 's/.*rss_kb=//') kB"
[ "$traces" -le 65536 ] || { echo "FAIL: more distinct traces than the bound" >&2; exit 1; }
