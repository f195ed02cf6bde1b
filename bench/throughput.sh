#!/usr/bin/env bash
# Sustained trivial-job throughput of a real Seakeeper server, then the idle RSS of the README's
# start command.
#   bench/throughput.sh [N=500]
# Env: SCENARIOS (PUSHESxJOBS@MAX_PARALLEL ..., default "1xN@4 1xN@2 (N/50)x50@4"), SETTLE
# (seconds the idle server settles before its RSS is read, default 60), SKIP_RSS=1,
# SK_BENCH_ISOLATE=0, KEEP=1. Results: bench/results/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MACHINE_FACTS="$(machine_facts)"
export MACHINE_FACTS
run_bench_java Throughput "${1:-500}"
if [ "${SKIP_RSS:-0}" != "1" ]; then
  echo
  run_bench_java IdleRss
fi
