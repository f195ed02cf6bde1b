#!/usr/bin/env bash
# What each denial-of-service attack of the attack suite costs the others: the canary's push ->
# build start and the server's peak RSS and Java heap, while the attack runs beside the canary
# alone, interleaved attack by attack in one run (docs/benchmarks.md, "Denial of service").
#   bench/dos.sh [SAMPLES=5]
# One real server (`seakeeper server --config`, ./seakeeper's JVM flags unless SERVER_JVM_FLAGS is
# set) serving a hostile repo and a canary. Env: FLOOD_MB (the output line, default 400),
# BIG_LOG_MB (the log 8 clients read at once, default 120), SK_BENCH_ISOLATE=0, KEEP=1, BENCH_TMP.
# Results: bench/results/dos-* (report, CSV).
SERVER_JVM_FLAGS="${SERVER_JVM_FLAGS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms16m -Xmx512m -Xshare:auto}"
export SERVER_JVM_FLAGS
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MACHINE_FACTS="$(machine_facts)"
export MACHINE_FACTS
start=$(date +%s)
run_bench_java Dos "${1:-5}"
echo "dos: took $(( $(date +%s) - start )) s" >&2
