#!/usr/bin/env bash
# The dependency cache's cost to a client (docs/benchmarks.md, "Dependency cache"):
#   bench/dependency-cache.sh [N=1000]
# A warm hit through the cache's HTTP listener against reading the same file from disk and against
# a plain loopback HTTP server, interleaved in one JVM (bench/java/CacheHit.java), for 10 KiB,
# 100 KiB and 1 MiB files. Goal: a warm hit adds <= 1 ms at p50. Builds the jar when missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${JAVA_HOME:-}" ] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -q 'version "25'; then
  JAVA_HOME="$("$root/scripts/find-jdk.sh")"
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
"$root/seakeeper" --version >/dev/null
source "$root/bench/lib.sh"
mkdir -p "$root/bench/results"
out="$root/bench/results/dependency-cache-$(date +%Y%m%d-%H%M%S).txt"
run_bench_java CacheHit "${1:-1000}" | tee "$out"
