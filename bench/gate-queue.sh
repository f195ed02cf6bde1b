#!/usr/bin/env bash
# A gate queue of N changes (default 50): N chained speculative merges with JGitMerger beside
# `git merge-tree --write-tree` + `git commit-tree` doing the same N merges in the same run,
# what the gate asks of the merger when N items enter at once, and the real Scheduler
# (InMemoryStore, FakeExecutor) from N approvals to N gate builds and from a failure at
# position 10 to the restarted builds queued. Runs bench/GateQueueBench.java against the built
# jars; the repo has FILES files (default 2000) in 40 directories, each change adds its own file.
#
#   bench/gate-queue.sh [N]        (ROUNDS=5 timed rounds after one warm-up round; FILES=2000)
set -euo pipefail
N="${1:-50}"
ROUNDS="${ROUNDS:-5}"
FILES="${FILES:-2000}"
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
mkdir -p "$here/bench/results"
echo "gate-queue: building Seakeeper if needed (./seakeeper --version)..." >&2
"$here/seakeeper" --version >/dev/null
JAVA_HOME="$("$here/scripts/find-jdk.sh")"
testkit="$(ls "$here"/testkit/target/seakeeper-testkit-*.jar | grep -v -e sources -e tests | head -1)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "gate-queue: making a repo with $FILES files and $N changes..." >&2
work="$tmp/work"
git init -q -b main "$work"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
printf 'jobs:\n  test: {run: "true"}\npipelines:\n  check: [test]\n  gate: [test]\n' >"$work/.seakeeper.yaml"
for ((i = 0; i < FILES; i++)); do
  d="$work/src/d$((i % 40))"
  mkdir -p "$d"
  printf 'file %d\nline two\nline three\n' "$i" >"$d/f$i.txt"
done
git -C "$work" add -A
git -C "$work" -c commit.gpgsign=false commit -qm "bench: base"
base="$(git -C "$work" rev-parse HEAD)"
for ((i = 1; i <= N; i++)); do
  git -C "$work" checkout -q --detach "$base"
  mkdir -p "$work/src/d$((i % 40))"
  echo "change $i" >"$work/src/d$((i % 40))/change$i.txt"
  git -C "$work" add -A
  git -C "$work" -c commit.gpgsign=false commit -qm "bench: change $i"
  git -C "$work" update-ref "refs/changes/$i" HEAD
done
git clone -q --mirror "$work" "$tmp/repo.git"

out="$here/bench/results/gate-queue-$(date -u +%Y%m%dT%H%M%SZ)-N$N.json"
echo "gate-queue: $ROUNDS rounds (+1 warm-up), interleaved; load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$here/app/target/seakeeper.jar:$testkit" \
  "$here/bench/GateQueueBench.java" "$tmp/repo.git" "$N" "$ROUNDS" "$out"
echo
echo "git $(git --version | cut -d' ' -f3), $(nproc) CPUs, load after: $(cut -d' ' -f1-3 /proc/loadavg); results: $out"
