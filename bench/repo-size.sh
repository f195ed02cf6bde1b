#!/usr/bin/env bash
# A job's start against the size of the repository's history: one trivial job (`run: "true"`)
# under `./seakeeper run` on a generated repository of COMMITS commits (default 100,000, made with
# `git fast-import`: each commit changes one of 100 files) against the same job on a tiny
# repository holding the same files in one commit, interleaved, ROUNDS rounds (default 5). Reports the job's own duration
# (from `run`'s table: checkout + sandbox + script) and the command's wall time, medians and the
# ratio big/tiny (goal: <= 1.5x). Also the same on the big repository with `checkout: {depth: 0}`
# (the whole history, opted in), to show what the default avoids.
#
#   bench/repo-size.sh [COMMITS] [ROUNDS]
set -euo pipefail
COMMITS="${1:-100000}"
ROUNDS="${2:-5}"
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
results="$here/bench/results"
mkdir -p "$results"
echo "repo-size: building Seakeeper if needed (./seakeeper --version)..." >&2
"$here/seakeeper" --version >/dev/null
tmp="$(mktemp -d /var/tmp/seakeeper-repo-size.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache"
config='jobs:\n  j:\n    run: "true"\npipelines:\n  check: [j]\n'
full='jobs:\n  j:\n    run: "true"\n    checkout: {depth: 0}\npipelines:\n  check: [j]\n'
g() { git -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false "$@"; }

echo "repo-size: writing $COMMITS commits with git fast-import..." >&2
git init -q "$tmp/big"
python3 - "$COMMITS" <<'PY' | git -C "$tmp/big" fast-import --quiet
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
for i in range(1, n + 1):
    msg = b"commit %d" % i
    body = (b"line %d of a file that changes now and then\n" % i) * 20
    out.write(b"commit refs/heads/master\nmark :%d\n" % i)
    out.write(b"committer Bench <bench@localhost> %d +0000\n" % (1_600_000_000 + i))
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if i > 1:
        out.write(b"from :%d\n" % (i - 1))
    out.write(b"M 100644 inline src/%02d/file.txt\ndata %d\n%s\n" % (i % 100, len(body), body))
PY
git -C "$tmp/big" checkout -q -f master
printf "$config" >"$tmp/big/.seakeeper.yaml"
git -C "$tmp/big" add .seakeeper.yaml
g -C "$tmp/big" commit -qm "one trivial job"
cp -a "$tmp/big" "$tmp/bigfull"
# The tiny repository: the same files as the big one's last commit, in a single commit.
mkdir -p "$tmp/tiny"
git -C "$tmp/big" archive HEAD | tar -x -C "$tmp/tiny"
git -C "$tmp/tiny" init -q
git -C "$tmp/tiny" add -A
g -C "$tmp/tiny" commit -qm "the same files, one commit"
printf "$full" >"$tmp/bigfull/.seakeeper.yaml"
g -C "$tmp/bigfull" commit -qam "the whole history"
packed=$(du -sm "$tmp/big/.git/objects" | cut -f1)
echo "repo-size: big repository: $(git -C "$tmp/big" rev-list --count HEAD) commits, ${packed} MB of objects" >&2

run_one() { # repo -> "job_seconds wall_seconds"
  local t0 t1 out
  t0=$(date +%s.%N)
  out=$("$here/seakeeper" run --parallel 1 "$1" 2>&1) || { echo "$out" >&2; exit 1; }
  t1=$(date +%s.%N)
  local job
  job=$(echo "$out" | awk '$1 == "j" && $2 == "success" { sub(/s$/, "", $3); print $3 }')
  [ -n "$job" ] || { echo "$out" >&2; exit 1; }
  echo "$job $(echo "$t1 - $t0" | bc)"
}
declare -A job wall
for v in tiny big bigfull; do job[$v]=""; wall[$v]=""; done
run_one "$tmp/tiny" >/dev/null # warm the page cache and the launcher
for r in $(seq 1 "$ROUNDS"); do
  order=(tiny big bigfull)
  [ $((r % 2)) -eq 0 ] && order=(bigfull big tiny)
  for v in "${order[@]}"; do
    read -r j w < <(run_one "$tmp/$v")
    job[$v]+="$j "
    wall[$v]+="$w "
  done
  echo "repo-size: round $r/$ROUNDS done" >&2
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
out="$results/repo-size-$(date +%Y%m%d-%H%M%S).txt"
{
  echo "repo-size: $COMMITS commits (${packed} MB of objects) vs 1 commit, same $(git -C "$tmp/tiny" ls-files | wc -l) files, $ROUNDS rounds, medians"
  printf '%-46s %10s %10s\n' "variant" "job (s)" "wall (s)"
  for v in tiny big bigfull; do
    case $v in
      tiny) label="tiny repository (1 commit)" ;;
      big) label="big repository, default checkout (depth 20)" ;;
      bigfull) label="big repository, checkout: {depth: 0}" ;;
    esac
    printf '%-46s %10s %10s\n' "$label" "$(echo "${job[$v]}" | median)" "$(echo "${wall[$v]}" | median)"
  done
  tj=$(echo "${job[tiny]}" | median); bj=$(echo "${job[big]}" | median); fj=$(echo "${job[bigfull]}" | median)
  tw=$(echo "${wall[tiny]}" | median); bw=$(echo "${wall[big]}" | median)
  echo "ratio big/tiny, job: $(echo "scale=2; $bj / $tj" | bc)x (goal <= 1.5x); wall: $(echo "scale=2; $bw / $tw" | bc)x"
  echo "ratio whole history/tiny, job: $(echo "scale=2; $fj / $tj" | bc)x"
} | tee "$out"
