#!/bin/sh
# Usage: bench/isolated.sh PRIVATE_DIR COMMAND [ARG...]
#
# Runs COMMAND (a Seakeeper server) so that it cannot collide with other Seakeeper servers that
# run as root on the same host at the same time (other test suites, other benchmarks): every
# root server uses the same /var/tmp/seakeeper-work/<tier>/b<build id> directories and the same
# cgroups .../seakeeper/b<build id>, so two servers' build 1 would delete each other's
# workspace and kill each other's job (see docs/benchmarks.md, "Server", finding S1).
#
# As root with unshare(1): a private mount namespace in which /var/tmp/seakeeper-work is
# PRIVATE_DIR/work and the cgroup parent "seakeeper" (v1 memory and pids, or v2) is a private
# sibling cgroup "skbench-<pid>". Same file system, same cgroup controllers, same code path;
# only the names differ. Otherwise (or with SK_BENCH_ISOLATE=0) COMMAND runs as it is.
# The process id of COMMAND is the id of this script (everything is exec'ed).
set -eu
dir="$1"
shift
if [ "${SK_BENCH_ISOLATE:-1}" = "0" ] || [ "$(id -u)" != "0" ] || ! command -v unshare >/dev/null 2>&1; then
  exec "$@"
fi
mkdir -p "$dir/work" /var/tmp/seakeeper-work
tag="skbench-$$"
groups=""
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  groups="/sys/fs/cgroup"
else
  for c in memory pids; do
    [ -d "/sys/fs/cgroup/$c" ] && groups="$groups /sys/fs/cgroup/$c"
  done
fi
binds=""
for g in $groups; do
  mkdir -p "$g/seakeeper" "$g/$tag" 2>/dev/null || continue
  echo "$g/$tag" >>"$dir/cgroups-to-remove"
  binds="$binds mount --bind $g/$tag $g/seakeeper;"
done
exec unshare --mount --propagation private -- sh -c "mount --bind '$dir/work' /var/tmp/seakeeper-work; $binds exec \"\$@\"" sh "$@"
