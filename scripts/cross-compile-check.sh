#!/usr/bin/env bash
# Checks that the native agent compiles and links for aarch64, since the Docker image on an
# Apple Silicon Mac (or any arm64 host) builds it natively there and no arm64 machine is at
# hand: Debian's g++-aarch64-linux-gnu (installed when missing) and the JDK's JNI headers,
# which are the same for every Linux architecture. Builds only the `jflame` target; `file`
# must call the library an ARM aarch64 shared object.
#
#   scripts/cross-compile-check.sh      (JAVA_HOME names the JDK whose headers are used)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
compiler=aarch64-linux-gnu-g++

say() { echo "cross-compile-check: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

if ! command -v "$compiler" >/dev/null; then
  [ "$(id -u)" = 0 ] || fail "$compiler is missing; install g++-aarch64-linux-gnu (needs root)"
  say "installing g++-aarch64-linux-gnu"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends g++-aarch64-linux-gnu file >/dev/null
fi
command -v file >/dev/null || fail "the 'file' command is needed to check the result"

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT

# CMAKE_SYSTEM_NAME makes this a cross build; the JNI headers are still found through
# JAVA_HOME or the host's java, as in a native build.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64 \
  -DCMAKE_CXX_COMPILER="$compiler" >&2 || fail "cmake could not configure the aarch64 build"
nice -n 10 cmake --build "$build" --target jflame -j2 >&2 || fail "the agent does not compile for aarch64"

kind=$(file -L "$build/libjflame.so")
say "$kind"
case "$kind" in
  *"ELF 64-bit LSB shared object, ARM aarch64"*) say "PASS: libjflame.so builds for aarch64" ;;
  *) fail "libjflame.so is not an aarch64 shared object" ;;
esac
