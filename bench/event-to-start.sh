#!/usr/bin/env bash
# Event -> job start latency of a real Seakeeper server, beside bare bubblewrap launches.
#   bench/event-to-start.sh [N=100] [WARMUP=10]
# Env: MAX_PARALLEL (trusted slots, default 4), SEED_COMMITS/SEED_FILES (a synthetic history in
# the repo before the server starts, default none), SK_BENCH_ISOLATE=0 (no private work root and
# cgroups, see bench/isolated.sh), KEEP=1 (keep the temp dir). Results: bench/results/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MACHINE_FACTS="$(machine_facts)"
export MACHINE_FACTS
run_bench_java EventToStart "${1:-100}" "${2:-10}"
