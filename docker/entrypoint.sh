#!/bin/sh
# The image's entry point: `java -jar jflame.jar ARGS`, run as the owner of /app.
#
# Why that user: jflame and the app write into a bind-mounted /app (`-o /app/out.svg`), and
# those files should belong to whoever mounted it on the host, not to root. When /app belongs
# to root (nothing mounted, a derived image, rootless engines, `docker run --user`), the
# current user is kept, so attaching to another user's JVM as root stays possible.
#
# Under --privileged the switched user keeps CAP_PERFMON (as an ambient capability): the
# `cpu` event's perf_event_open then works as it would for root, even where
# kernel.perf_event_paranoid refuses unprivileged users (3 on Debian kernels). Without
# --privileged the capability is not in the bounding set and the switched user gets none.
#
# tini is PID 1 (under --pid=host it is not, so -s makes it the child subreaper) and passes
# SIGINT/SIGTERM (Ctrl-C, `docker stop`) to the whole process group,
# as a terminal's Ctrl-C would: jflame and the app's JVM both get it, the app writes its
# profile as it shuts down and jflame renders it. A JVM as PID 1 would get the signal alone
# and wait for an app that never heard it. tini exits with the app's code (through jflame).
set -eu
jar=/opt/jflame/jflame.jar

has_bounding_cap() {   # $1: capability number
  [ "$(cat /proc/sys/kernel/cap_last_cap)" -ge "$1" ] || return 1
  bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
  [ $(( (0x$bnd >> $1) & 1 )) = 1 ]
}

if [ "$(id -u)" = 0 ] && [ -d /app ]; then
  owner=$(stat -c %u /app)
  group=$(stat -c %g /app)
  if [ "$owner" != 0 ]; then
    caps=""
    if has_bounding_cap 38; then   # CAP_PERFMON, Linux 5.8+
      caps="--inh-caps=+perfmon --ambient-caps=+perfmon"
    fi
    # shellcheck disable=SC2086 # caps is a list of options
    exec tini -s -g -- setpriv --reuid="$owner" --regid="$group" --clear-groups $caps -- java -jar "$jar" "$@"
  fi
fi
exec tini -s -g -- java -jar "$jar" "$@"
