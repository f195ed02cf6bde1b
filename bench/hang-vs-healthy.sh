#!/usr/bin/env bash
# Event -> job start of a local push while the server's Gerrit connection hangs, beside the same
# with a healthy idle Gerrit, interleaved in one run (docs/benchmarks.md, "Local push while Gerrit
# hangs").
#   bench/hang-vs-healthy.sh [N=25] [WARMUP=3]
# One real Gerrit (jars in app/target/gerrit-lib), one Seakeeper server with a local repo and a
# gerrit connection whose HTTP goes through a relay the benchmark switches to "hang". Builds with
# `mvn -o package` (never install: ~/.m2 may be shared) when the jar or Gerrit's jars are missing.
# Env: REQUEST_TIMEOUT (the connection's request_timeout, default 60s), KEEP=1 (keep the temp dir),
# BENCH_TMP. Results: bench/results/hang-vs-healthy-* (report, CSV, server log, thread dumps).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${JAVA_HOME:-}" ] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -q 'version "25'; then
  JAVA_HOME="$("$root/scripts/find-jdk.sh")"
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
jar="$root/app/target/seakeeper.jar"
if [ ! -f "$jar" ] || [ ! -d "$root/app/target/gerrit-lib" ] ||
  [ -n "$(find "$root/pom.xml" "$root/core" "$root/app" "$root/testkit" \( -name target -prune \) -o -type f -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "hang-vs-healthy: building (mvn -o package) ..." >&2
  mkdir -p "$root/bench/results"
  (cd "$root" && mvn -B -ntp -o -q package -DskipTests >"$root/bench/results/build.log" 2>&1) || { tail -n 30 "$root/bench/results/build.log" >&2; exit 2; }
fi
source "$root/bench/lib.sh"
MACHINE_FACTS="$(machine_facts)"
export MACHINE_FACTS
start=$(date +%s)
run_bench_java HangVsHealthy "${1:-25}" "${2:-3}"
echo "hang-vs-healthy: took $(( $(date +%s) - start )) s" >&2
