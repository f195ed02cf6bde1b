#!/usr/bin/env bash
# Where one job launch's time goes: times each phase of BubblewrapExecutor's execution of a
# trivial job in a warm JVM (bench/LaunchPhases.java, against the built jar), then whole
# executions and bare process spawns from Java. Complements bench/launch-overhead.sh.
#
#   bench/launch-phases.sh [N]     (default N=50 timed iterations per measurement)
set -euo pipefail
N="${1:-50}"
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
mkdir -p "$here/bench/results"
echo "launch-phases: building Seakeeper if needed (./seakeeper --version)..." >&2
"$here/seakeeper" --version >/dev/null
JAVA_HOME="$("$here/scripts/find-jdk.sh")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git -C "$tmp" init -q
printf 'jobs:\n  j:\n    run: "true"\npipelines:\n  check: [j]\n' >"$tmp/.seakeeper.yaml"
git -C "$tmp" add .seakeeper.yaml
git -C "$tmp" -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false commit -qm "bench: one trivial job"
out="$here/bench/results/launch-phases-$(date -u +%Y%m%dT%H%M%SZ)-N$N.json"
# The launcher's JVM flags, so the JIT behaves as in `seakeeper run`.
"$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp "$here/app/target/seakeeper.jar" \
  "$here/bench/LaunchPhases.java" "$tmp" "$(git -C "$tmp" rev-parse HEAD)" "$N" "$out"
echo
echo "results: $out"
