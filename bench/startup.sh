#!/usr/bin/env bash
# Fixed start-up cost of `seakeeper run` (one trivial job) and what changes it, measured side by
# side: the launcher script against calling java directly, and knobs that need no code change
# (an AppCDS archive; GIT_CONFIG_NOSYSTEM, which stops JGit from starting `git` twice to find
# the system gitconfig). Variants are interleaved; medians over the rounds are reported.
#
#   bench/startup.sh [ROUNDS]     (default 10)
set -euo pipefail
ROUNDS="${1:-10}"
if ! [[ "$ROUNDS" =~ ^[0-9]+$ ]] || [ "$ROUNDS" -lt 1 ]; then
  echo "usage: bench/startup.sh [ROUNDS>=1]" >&2
  exit 2
fi
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
results="$here/bench/results"
mkdir -p "$results"
echo "startup: building Seakeeper if needed (./seakeeper --version)..." >&2
"$here/seakeeper" --version >/dev/null
JAVA_HOME="$("$here/scripts/find-jdk.sh")"
java="$JAVA_HOME/bin/java"
jar="$here/app/target/seakeeper.jar"
flags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto)   # the launcher's
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache"
repo="$tmp/repo"
mkdir -p "$repo"
printf 'jobs:\n  j:\n    run: "true"\npipelines:\n  check: [j]\n' >"$repo/.seakeeper.yaml"
git -C "$repo" init -q
git -C "$repo" add .seakeeper.yaml
git -C "$repo" -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false commit -qm "bench: one trivial job"
cds=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$tmp/seakeeper.jsa")
"$java" "${flags[@]}" "${cds[@]}" -jar "$jar" run --parallel 1 "$repo" >/dev/null 2>&1   # writes the archive

variants=(launcher direct nosystem appcds appcds_nosystem version find_jdk)
declare -A label=(
  [launcher]="./seakeeper run, 1 job (as shipped)"
  [direct]="java -jar ... run, 1 job (no launcher script)"
  [nosystem]="  + GIT_CONFIG_NOSYSTEM=1"
  [appcds]="  + AppCDS archive (-XX:SharedArchiveFile)"
  [appcds_nosystem]="  + AppCDS + GIT_CONFIG_NOSYSTEM=1"
  [version]="java -jar ... --version (JVM + CLI floor)"
  [find_jdk]="scripts/find-jdk.sh (run by the launcher)")
one() {
  case "$1" in
    launcher) "$here/seakeeper" run --parallel 1 "$repo" ;;
    direct) "$java" "${flags[@]}" -jar "$jar" run --parallel 1 "$repo" ;;
    nosystem) GIT_CONFIG_NOSYSTEM=1 "$java" "${flags[@]}" -jar "$jar" run --parallel 1 "$repo" ;;
    appcds) "$java" "${flags[@]}" "${cds[@]}" -jar "$jar" run --parallel 1 "$repo" ;;
    appcds_nosystem) GIT_CONFIG_NOSYSTEM=1 "$java" "${flags[@]}" "${cds[@]}" -jar "$jar" run --parallel 1 "$repo" ;;
    version) "$java" "${flags[@]}" -jar "$jar" --version ;;
    find_jdk) "$here/scripts/find-jdk.sh" ;;
  esac
}
declare -A S
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "startup: $ROUNDS rounds of: ${variants[*]}" >&2
for v in "${variants[@]}"; do one "$v" >/dev/null 2>&1; done
k=${#variants[@]}
for ((r = 0; r < ROUNDS; r++)); do
  for ((j = 0; j < k; j++)); do
    v="${variants[$(((r + j) % k))]}"
    t0="${EPOCHREALTIME/./}"
    one "$v" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; echo "startup: $v failed" >&2; exit 1; }
    t1="${EPOCHREALTIME/./}"
    S[$v]+="$(((10#$t1 - 10#$t0) / 1000)) "
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086  # the values are split on purpose
med() { printf '%s\n' ${S[$1]} | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
stamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
echo "Seakeeper start-up (one trivial job) -- $stamp, $ROUNDS rounds, medians"
echo "$(nproc) CPUs, $(uname -r), $("$java" -version 2>&1 | head -1), load average before/after: $load_before / $load_after"
echo
# shellcheck disable=SC2086  # the values are split on purpose
lo() { printf '%s\n' ${S[$1]} | sort -n | head -1; }
base="$(med direct)"
base_min="$(lo direct)"
printf '  %-48s %9s %10s %9s %10s\n' "variant" "median" "vs direct" "min" "vs direct"
rows=()
for v in "${variants[@]}"; do
  m="$(med "$v")"
  l="$(lo "$v")"
  printf '  %-48s %6s ms %7s ms %6s ms %7s ms\n' "${label[$v]}" "$m" "$(awk "BEGIN {printf \"%+d\", $m - $base}")" "$l" "$(awk "BEGIN {printf \"%+d\", $l - $base_min}")"
  # shellcheck disable=SC2086  # the values are split on purpose
  rows+=("$(printf '    "%s": {"median_ms": %s, "min_ms": %s, "all_ms": [%s]}' "$v" "$m" "$l" "$(echo ${S[$v]} | tr ' ' ',')")")
done
echo "  (the minimum is the least disturbed run: on a shared machine it tracks the intrinsic cost best)"
out="$results/startup-$(date -u +%Y%m%dT%H%M%SZ)-R$ROUNDS.json"
{
  printf '{\n  "benchmark": "startup",\n  "date": "%s",\n  "rounds": %s,\n' "$stamp" "$ROUNDS"
  printf '  "machine": {"nproc": %s, "kernel": "%s", "loadavg_before": "%s", "loadavg_after": "%s"},\n  "variants": {\n' "$(nproc)" "$(uname -r)" "$load_before" "$load_after"
  (IFS=$'\n'; printf '%s' "${rows[*]}" | sed '$!s/$/,/')
  printf '\n  }\n}\n'
} >"$out"
echo
echo "results: $out"
