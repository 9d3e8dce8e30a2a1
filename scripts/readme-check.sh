#!/usr/bin/env bash
# README's commands, run as a reader would type them, and every relative link in README.md and
# docs/*.md. Fails on the first command that exits non-zero (or writes no output file), on a
# link to a file or heading that does not exist, and on internal notes left in the docs.
#
# The commands are the lines of README's ```sh blocks that start with `jflame`,
# `./scripts/jflame`, `java -agentpath` or `source <(jflame`. They run in a scratch directory
# where README's placeholders exist: app.jar and target/classes/com/example/Main.class (a small
# program that burns CPU for a second), profile.collapsed, before.collapsed and after.collapsed,
# app.jfr (from the JDK's own recorder), and PID, a JVM running that program. Lines that cannot
# run here are listed as skipped, with the reason. `jflame --help` and `jflame COMMAND --help`
# run for every command README uses.
#
# Usage: scripts/readme-check.sh [--links-only]   (JAVA_HOME picks the JDK, as for scripts/jflame)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

echo "--- links in README.md and docs/"
python3 - "$root" <<'PY'
import os, re, sys, unicodedata
root = sys.argv[1]
files = ["README.md"] + sorted(os.path.join("docs", f) for f in os.listdir(os.path.join(root, "docs")) if f.endswith(".md"))

def prose(text):
    """The text outside fenced code blocks and inline code spans."""
    text = re.sub(r"(?ms)^```.*?^```[^\n]*$", "", text)
    return re.sub(r"`[^`\n]*`", "", text)

def anchors(path):
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, -1 for repeats."""
    seen, ids = {}, set()
    text = re.sub(r"(?ms)^```.*?^```[^\n]*$", "", open(path, encoding="utf-8").read())
    for m in re.finditer(r"(?m)^#{1,6}\s+(.*?)\s*#*\s*$", text):
        slug = "".join(c for c in m.group(1).strip().lower()
                       if c in "-_ " or unicodedata.category(c)[0] in "LN").replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        ids.add(slug if n == 0 else f"{slug}-{n}")
    return ids

bad, count = [], 0
for f in files:
    text = prose(open(os.path.join(root, f), encoding="utf-8").read())
    for m in re.finditer(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", text):
        target = m.group(1)
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto: — not checked offline
        count += 1
        path, _, anchor = target.partition("#")
        resolved = os.path.normpath(os.path.join(os.path.dirname(os.path.join(root, f)), path)) if path else os.path.join(root, f)
        if not os.path.exists(resolved):
            bad.append(f"{f}: link to {target}: no such file")
        elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
            bad.append(f"{f}: link to {target}: no heading with that id in {os.path.relpath(resolved, root)}")
    for m in re.finditer(r"(?i)\bissue \d+|this afternoon|this morning|\bthis session\b", open(os.path.join(root, f), encoding="utf-8").read()):
        bad.append(f"{f}: internal note left in: '{m.group(0)}'")
for b in bad:
    print("readme-check: " + b, file=sys.stderr)
if bad:
    sys.exit(1)
print(f"{count} relative links in {len(files)} files, all resolve")
PY
[ "${1:-}" = --links-only ] && exit 0

java=java
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && java="$JAVA_HOME/bin/java"
javac="$(dirname "$(readlink -f "$(command -v "$java")")")/javac"
jflame="$root/scripts/jflame"
agent="$root/java/target/native/libjflame.so"
"$jflame" --version >/dev/null   # builds the jar (and the agent) on first use
[ -f "$agent" ] || { echo "readme-check: no agent at $agent (build with mvn -B -DskipTests package)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/jflame-readme.XXXXXX")
target_pid=""
cleanup() {
  [ -n "$target_pid" ] && kill "$target_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "--- fixtures in $work"
mkdir -p "$work/src/com/example" "$work/target/classes"
cat > "$work/src/com/example/Main.java" <<'JAVA'
package com.example;

/** README's app.jar: burns CPU for APP_MS milliseconds (default 1500), then exits 0. */
public class Main {
    public static void main(String[] args) {
        long ms = Long.parseLong(System.getenv().getOrDefault("APP_MS", "1500"));
        long end = System.nanoTime() + ms * 1_000_000L;
        System.out.println("app: running");   // readme-check waits for this before attaching
        long x = 0;
        while (System.nanoTime() < end) {
            x = mix(x);
        }
        System.out.println("app: done (" + args.length + " args, " + (x & 1) + ")");
    }

    static long mix(long x) {
        for (int i = 0; i < 100_000; i++) {
            x = x * 31 + Long.rotateLeft(x, i & 63);
        }
        return x;
    }
}
JAVA
(
  cd "$work"
  "$javac" -d target/classes src/com/example/Main.java
  printf 'Main-Class: com.example.Main\n' > manifest.txt
  "$(dirname "$javac")/jar" cfm app.jar manifest.txt -C target/classes .
  "$jflame" -o before.collapsed app.jar 2>/dev/null
  "$jflame" -o after.collapsed app.jar 2>/dev/null
  cp after.collapsed profile.collapsed
  cp after.collapsed p.collapsed
  "$java" -XX:StartFlightRecording=filename=app.jfr,settings=profile -jar app.jar >/dev/null 2>&1
)
APP_MS=3600000 "$java" -jar "$work/app.jar" > "$work/target.out" 2>&1 &
target_pid=$!
# Attach only once main runs: a JVM still starting up may not yet handle the attach signal.
for _ in $(seq 120); do
  grep -q "app: running" "$work/target.out" && break
  kill -0 "$target_pid" 2>/dev/null || { echo "readme-check: the target JVM died: $(cat "$work/target.out")" >&2; exit 1; }
  sleep 0.5
done
grep -q "app: running" "$work/target.out" || { echo "readme-check: the target JVM did not start in 60 s" >&2; exit 1; }

commands=$(python3 - "$root/README.md" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for block in re.findall(r"(?ms)^```sh\n(.*?)^```", text):
    for line in block.splitlines():
        line = line.strip()
        if re.match(r"(jflame|\./scripts/jflame|java -agentpath|source <\(jflame|docker|mvn)\b", line):
            print(re.sub(r"\s+#.*$", "", line))
PY
)
available=$("$jflame" --help 2>&1 || true)

failed=0
ran=0
declare -A used=()
run() {   # $1: the README line, $2: the shell command that stands for it
  local out
  ran=$((ran + 1))
  if out=$(cd "$work" && timeout 300 bash -c "$2" 2>&1); then
    echo "ok    $1"
  else
    echo "FAIL  $1   (exit $?; ran: $2)"
    printf '%s\n' "$out" | tail -5 | sed 's/^/      /'
    failed=$((failed + 1))
  fi
}

echo "--- README's commands"
set -f   # README's lines are split into words below: [args...] is no glob here
while IFS= read -r line; do
  [ -n "$line" ] || continue
  case "$line" in
    docker*) echo "skip  $line   (scripts/docker-test.sh runs README's Docker commands)"; continue ;;
    mvn*) echo "skip  $line   (.ci/run runs it)"; continue ;;
  esac
  cmd=$line
  words=($line)
  sourced='source <('
  if [[ "$cmd" == "$sourced"* ]]; then   # source <(jflame completion bash): its inner command
    cmd=${cmd#"$sourced"}
    cmd=${cmd%")"}
    words=($cmd)
  fi
  sub=""
  if [ "${words[0]}" = jflame ] || [ "${words[0]}" = ./scripts/jflame ]; then
    for w in "${words[@]:1}"; do
      case "$w" in -*) break ;; *) sub=$w; break ;; esac
    done
    if [ -n "$sub" ] && [[ "$sub" =~ ^[a-z]+$ ]] && [ "$sub" != app ]; then
      if ! grep -qE "^ +$sub( |$)" <<<"$available"; then
        echo "skip  $line   (no '$sub' command in this build)"
        continue
      fi
      used[$sub]=1
    fi
  fi
  if [[ "$line" == *"top PID"* && "$line" != *--once* ]]; then
    echo "skip  $line   (full-screen, needs a terminal: LiveViewsIT runs it in tmux)"
    continue
  fi
  # Placeholders to the fixtures.
  cmd=$(sed -E -e "s#^(\./scripts/)?jflame #\"$jflame\" #" -e "s#^java #\"$java\" #" \
               -e "s#/path/libjflame\.so#$agent#" \
               -e 's#\[args\.\.\.\]#one two#g' \
               -e "s#\bPID\b#$target_pid#g" <<<"$cmd")
  if [[ "$line" == "$sourced"* ]]; then
    cmd="$cmd > completion.out && test -s completion.out"
  fi
  # An output file named by -o or > must be there, and not empty.
  file=$(sed -nE 's#.*(^| )(-o|>) +([^ ]+).*#\3#p' <<<"$cmd")
  [ -n "$file" ] && [[ "$line" != "$sourced"* ]] && cmd="rm -f $file; $cmd && test -s $file"
  if [[ "$line" == java\ -agentpath* ]]; then
    cmd="rm -f out-*.collapsed; $cmd && test -s \"\$(ls out-*.collapsed)\""
  fi
  run "$line" "$cmd"
done <<<"$commands"

echo "--- --help of each command README uses"
run "jflame --help" "\"$jflame\" --help >/dev/null"
for sub in "${!used[@]}"; do
  run "jflame $sub --help" "\"$jflame\" $sub --help >/dev/null"
done

if [ "$failed" -ne 0 ]; then
  echo "readme-check: $failed of $ran README commands failed" >&2
  exit 1
fi
echo "readme-check: all $ran README commands ran (exit 0)"
