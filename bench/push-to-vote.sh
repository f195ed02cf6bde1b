#!/usr/bin/env bash
# Push -> Verified vote visible against a real Gerrit, beside the floor (the vote posted over
# REST right after the push) and Buildbot 3.7 (no-op step; checkout step), in the same run.
#   bench/push-to-vote.sh [N=50] [WARMUP=5]
# Needs Gerrit's jars in app/target/gerrit-lib (made by `mvn -o -B install -DskipTests`) and, for
# the Buildbot rows, `apt-get install -y buildbot buildbot-worker`. Env: SYSTEMS (comma list of
# floor,seakeeper,buildbot-noop,buildbot-git; default all, Buildbot left out when not installed),
# KEEP=1 (keep the temp dir with every log), BENCH_TMP. Results: bench/results/push-to-vote-*.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ -z "${SYSTEMS:-}" ]; then
  SYSTEMS="floor,seakeeper,buildbot-noop,buildbot-git"
  if ! command -v buildbot >/dev/null || ! command -v buildbot-worker >/dev/null; then
    echo "push-to-vote: buildbot/buildbot-worker not installed (apt-get install -y buildbot buildbot-worker): Buildbot rows left out" >&2
    SYSTEMS="floor,seakeeper"
  fi
fi
export SYSTEMS
MACHINE_FACTS="$(machine_facts)
buildbot: $({ buildbot --version 2>/dev/null || echo missing; } | head -n 1)"
export MACHINE_FACTS
run_bench_java PushToVote "${1:-50}" "${2:-5}"
