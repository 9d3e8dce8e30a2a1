#!/usr/bin/env bash
# Builds the jflame image and runs README's Docker commands against a small test app
# (docker/test-app: a known hot method, a known stdout line, exit code 7), checking that
#   - the SVG (stdout or -o file) parses as XML, names the hot method and holds nothing of
#     the app's stdout, which reached stderr instead;
#   - `docker run` exits with the app's code;
#   - `-o /app/out.svg` on a bind mount belongs to the owner of the mounted folder;
#   - `--alloc --lock` writes out.svg, out.alloc.svg and out.lock.svg there, the alloc graph
#     naming the app's allocating method and counting bytes, the lock graph its contending one;
#   - without --privileged, event=cpu falls back to ctimer and says so; with it, it does not.
# Works with any working `docker`. Where `docker info` fails it brings up the engine of
# ../shared/tools/container-engine.sh when that exists; with no engine at all it FAILS.
#
#   scripts/docker-test.sh            JFLAME_IMAGE=name to tag the image otherwise
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${JFLAME_IMAGE:-jflame}
derived=$image-docker-test-app
hot=dev.jflame.dockertest.DockerTestApp.burnCpuInDockerTestApp
alloc_hot=dev.jflame.dockertest.DockerTestApp.allocateInDockerTestApp
lock_hot=dev.jflame.dockertest.DockerTestApp.contendInDockerTestApp
app_line='docker-test-app stdout line'
app_code=7
fallback='falling back to event=ctimer'

say() { echo "docker-test: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# --- An engine: the one `docker` talks to, else the shared container engine. -------------
command -v docker >/dev/null || fail "no docker CLI on PATH"
if ! docker info >/dev/null 2>&1; then
  engine=""
  for candidate in "$(dirname "$root")/shared/tools/container-engine.sh" /work/shared/tools/container-engine.sh; do
    if [ -x "$candidate" ]; then engine=$candidate; break; fi
  done
  [ -n "$engine" ] || fail "docker cannot reach an engine (docker info failed) and no container-engine.sh was found"
  say "no engine answers; starting $engine"
  eval "$("$engine" up)" || fail "$engine could not start an engine"
  docker info >/dev/null 2>&1 || fail "docker still cannot reach an engine after $engine up (DOCKER_HOST=${DOCKER_HOST:-})"
fi
command -v python3 >/dev/null || fail "python3 is needed to parse the SVGs"

# --- The image. The host's Java trust store lets Maven in the build stage through an
# HTTPS-intercepting proxy; docker/.certs is gitignored and optional.
truststore=${JFLAME_DOCKER_TRUSTSTORE:-/etc/ssl/certs/java/cacerts}
mkdir -p "$root/docker/.certs"
if [ -f "$truststore" ]; then
  cmp -s "$truststore" "$root/docker/.certs/cacerts" || cp "$truststore" "$root/docker/.certs/cacerts"
fi
say "docker build -t $image -f docker/Dockerfile ."
t=$(now)
(cd "$root" && docker build -t "$image" -f docker/Dockerfile .) >&2 || fail "docker build failed"
say "image built in $(since "$t"); size: $(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }')"

# --- The test app, compiled for Java 17 (the image's JRE). ---------------------------------
work=$(mktemp -d)
cleanup() {
  docker rmi -f "$derived" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/classes" "$work/app"
if command -v javac >/dev/null && command -v jar >/dev/null; then
  javac --release 17 -d "$work/classes" "$root"/docker/test-app/src/dev/jflame/dockertest/*.java
  jar --create --file "$work/app/app.jar" --main-class dev.jflame.dockertest.DockerTestApp -C "$work/classes" .
else
  fail "javac and jar (a JDK 17+) are needed to build the test app"
fi

# When run as root, the mounted folder gets a non-root owner, so that the check below proves
# the output is handed to the folder's owner rather than trivially owned by root.
if [ "$(id -u)" = 0 ]; then
  owner=4242:4242
  chown -R "$owner" "$work/app"
else
  owner="$(id -u):$(id -g)"
fi

check_svg() {   # file, what it is, [texts the graph must also hold]
  python3 - "$hot" "$app_line" "$@" <<'PY' || fail "$2: not the expected SVG"
import sys, xml.dom.minidom
hot, app_line, path, what, *texts = sys.argv[1:]
text = open(path, encoding="utf-8").read()
try:
    root = xml.dom.minidom.parseString(text).documentElement
except Exception as e:
    sys.exit(f"docker-test: {what}: not well-formed XML: {e}")
if root.tagName != "svg":
    sys.exit(f"docker-test: {what}: the root element is <{root.tagName}>, not <svg>")
if hot not in text:
    sys.exit(f"docker-test: {what}: the hot method {hot} is not in the graph")
if app_line in text:
    sys.exit(f"docker-test: {what}: the app's stdout leaked into the SVG")
for expected in texts:
    if expected not in text:
        sys.exit(f"docker-test: {what}: the graph does not say {expected!r}")
PY
}
expect_owned() {   # file, what
  [ "$(stat -c %u:%g "$1")" = "$owner" ] || fail "$2: $1 belongs to $(stat -c %u:%g "$1"), not to the folder's owner $owner"
  [ -r "$1" ] || fail "$2: $1 is not readable by $(id -un)"
}
expect_code() {   # actual, expected, what
  [ "$1" = "$2" ] || fail "$3: exit code $1, expected $2 (stderr: $(tail -5 "$work/err" | tr '\n' ' '))"
}
expect_app_stdout_on_stderr() {   # what, [args the app must have printed]
  grep -q "$app_line: args=\[${2:-}\]" "$work/err" || fail "$1: the app's stdout line is not on stderr"
}

# podman before 4.6 answers `docker run --rm` with exit code 0 whatever the container's
# (containers/podman#18889). On such an engine each command below runs without --rm and its
# container is removed afterwards; anywhere else it runs exactly as written.
rm_keeps_code=true
code=0
docker run --rm --entrypoint sh "$image" -c 'exit 7' || code=$?
if [ "$code" != 7 ]; then
  rm_keeps_code=false
  say "this engine loses exit codes under 'docker run --rm' (containers/podman#18889):" \
      "the commands run without --rm, their containers removed after"
fi
docker_run() {   # the arguments of `docker run`, --rm first; sets code
  [ "$1" = --rm ] || fail "docker_run: --rm must come first"
  code=0
  if $rm_keeps_code; then
    docker run "$@" || code=$?
  else
    shift
    local name="jflame-docker-test-$$-$RANDOM"
    docker run --name "$name" "$@" || code=$?
    docker rm -f "$name" >/dev/null 2>&1 || true
  fi
}

cd "$work/app"

# 1. The headline: SVG on stdout, app's stdout on stderr, perf events allowed.
say 'docker run --rm --privileged -v "$PWD":/app jflame app.jar > out.svg'
t=$(now)
docker_run --rm --privileged -v "$PWD":/app "$image" app.jar > out.svg 2> "$work/err"
say "  ran in $(since "$t"), exit code $code"
expect_code "$code" "$app_code" "--privileged run"
check_svg out.svg "--privileged run (stdout)"
expect_app_stdout_on_stderr "--privileged run"
! grep -q "$fallback" "$work/err" || fail "--privileged run: event=cpu fell back to ctimer: $(grep "$fallback" "$work/err")"
rm -f out.svg

# 2. Options before the jar, app arguments after; the graph into a file on the bind mount.
say 'docker run --rm -v "$PWD":/app jflame -o /app/out.svg --event wall app.jar arg1 arg2'
t=$(now)
docker_run --rm -v "$PWD":/app "$image" -o /app/out.svg --event wall app.jar arg1 arg2 > "$work/stdout" 2> "$work/err"
say "  ran in $(since "$t"), exit code $code"
expect_code "$code" "$app_code" "-o run"
[ -f out.svg ] || fail "-o run: out.svg was not written"
check_svg out.svg "-o run (out.svg)"
[ ! -s "$work/stdout" ] || fail "-o run: stdout is not empty: $(head -c 200 "$work/stdout")"
expect_app_stdout_on_stderr "-o run" "arg1, arg2"
expect_owned out.svg "-o run"
rm -f out.svg

# 1b. The default event without --privileged: perf_event_open is refused, ctimer stands in.
say 'docker run --rm -v "$PWD":/app jflame app.jar > out.svg   (no --privileged: cpu falls back)'
t=$(now)
docker_run --rm -v "$PWD":/app "$image" app.jar > out.svg 2> "$work/err"
say "  ran in $(since "$t"), exit code $code"
expect_code "$code" "$app_code" "unprivileged run"
check_svg out.svg "unprivileged run (stdout)"
expect_app_stdout_on_stderr "unprivileged run"
grep -q "$fallback" "$work/err" || fail "unprivileged run: no '$fallback' message on stderr"
rm -f out.svg

# 2b. `docker stop` (SIGTERM to PID 1) reaches the app too: its profile is still rendered.
say 'docker run -d -v "$PWD":/app jflame -o /app/stopped.svg app.jar --until-stopped; docker stop'
name="jflame-docker-test-stop-$$"
docker run -d --name "$name" -v "$PWD":/app "$image" -o /app/stopped.svg app.jar --until-stopped >/dev/null \
  || fail "docker stop: the container did not start"
sleep 4
t=$(now)
docker stop -t 30 "$name" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
docker logs "$name" > /dev/null 2> "$work/err" || true
docker rm -f "$name" >/dev/null 2>&1 || true
say "  stopped in $(since "$t"), exit code $code"
expect_code "$code" 143 "docker stop"   # the app's JVM ended by SIGTERM: 128 + 15
[ -f stopped.svg ] || fail "docker stop: no graph was written (stderr: $(tail -3 "$work/err" | tr '\n' ' '))"
check_svg stopped.svg "docker stop (stopped.svg)"
rm -f stopped.svg

# 2c. --alloc and --lock beside the time event: one graph per kind on the bind mount, and
#     nothing else left there.
say 'docker run --rm -v "$PWD":/app jflame -o /app/out.svg --alloc --lock app.jar --alloc-and-lock'
t=$(now)
docker_run --rm -v "$PWD":/app "$image" -o /app/out.svg --alloc --lock app.jar --alloc-and-lock > "$work/stdout" 2> "$work/err"
say "  ran in $(since "$t"), exit code $code"
expect_code "$code" "$app_code" "--alloc --lock run"
[ ! -s "$work/stdout" ] || fail "--alloc --lock run: stdout is not empty: $(head -c 200 "$work/stdout")"
expect_app_stdout_on_stderr "--alloc --lock run" "--alloc-and-lock"
for graph in out.svg out.alloc.svg out.lock.svg; do
  [ -f "$graph" ] || fail "--alloc --lock run: $graph was not written (stderr: $(tail -3 "$work/err" | tr '\n' ' '))"
  expect_owned "$graph" "--alloc --lock run"
done
left=$(ls -A | grep -vxF -e app.jar -e out.svg -e out.alloc.svg -e out.lock.svg || true)
[ -z "$left" ] || fail "--alloc --lock run: files other than the graphs were left in the folder: $left"
check_svg out.svg "--alloc --lock run (out.svg)"
hot=$alloc_hot check_svg out.alloc.svg "--alloc --lock run (out.alloc.svg)" "Allocation Flame Graph" " bytes" "[byte[]]"
hot=$lock_hot check_svg out.lock.svg "--alloc --lock run (out.lock.svg)" "Lock Contention Flame Graph" "[java.lang.Object]"
rm -f out.svg out.alloc.svg out.lock.svg

# 3. The demo needs nothing from the host.
say 'docker run --rm jflame demo > demo.svg'
t=$(now)
docker_run --rm "$image" demo > demo.svg 2> "$work/err"
say "  ran in $(since "$t"), exit code $code"
expect_code "$code" 0 "demo"
hot=expensiveFunction check_svg demo.svg "demo (stdout)"
rm -f demo.svg

# 4. The image as a base for an app image.
say "FROM $image + COPY app.jar /app/ + CMD [\"app.jar\"]"
mkdir "$work/derived"
cp app.jar "$work/derived/"
printf '%s\n' "FROM $image" 'COPY app.jar /app/' 'CMD ["app.jar"]' > "$work/derived/Dockerfile"
docker build -q -t "$derived" "$work/derived" >&2 || fail "building the derived image failed"
t=$(now)
docker_run --rm "$derived" > "$work/derived.svg" 2> "$work/err"
say "  ran in $(since "$t"), exit code $code"
expect_code "$code" "$app_code" "derived image"
check_svg "$work/derived.svg" "derived image (stdout)"
expect_app_stdout_on_stderr "derived image"

# 5. Attach from a container to a JVM running on the host: the host's pid namespace to find
#    it, the host's /tmp for the attach handshake, the agent's copy and the profile.
say 'docker run --rm --pid=host --privileged -v /tmp:/tmp jflame attach PID -d 3s > attach.svg'
java -jar app.jar --until-stopped > /dev/null 2>&1 &
target=$!
sleep 2
kill -0 "$target" 2>/dev/null || fail "attach: the host JVM to attach to did not start"
t=$(now)
docker_run --rm --pid=host --privileged -v /tmp:/tmp "$image" attach "$target" -d 3s > "$work/attach.svg" 2> "$work/err"
say "  ran in $(since "$t"), exit code $code"
kill "$target" 2>/dev/null || true
wait "$target" 2>/dev/null || true
expect_code "$code" 0 "attach from a container"
check_svg "$work/attach.svg" "attach from a container (stdout)"

say "PASS"
