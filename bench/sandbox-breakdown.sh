#!/usr/bin/env bash
# What Seakeeper's sandbox adds to a bare bubblewrap launch, step by step, without the JVM:
# each variant adds one thing Seakeeper does (its mounts and options, bash running job.sh, the
# /bin/sh launcher with the status fd, pids and memory cgroups). Every launch is timed on its
# own, variants interleaved launch by launch; medians are reported.
#
#   bench/sandbox-breakdown.sh [M]      (default M=100 launches per variant)
set -euo pipefail
M="${1:-100}"
if ! [[ "$M" =~ ^[0-9]+$ ]] || [ "$M" -lt 1 ]; then
  echo "usage: bench/sandbox-breakdown.sh [M>=1]" >&2
  exit 2
fi
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
results="$here/bench/results"
mkdir -p "$results"
for tool in bwrap setpriv; do
  command -v "$tool" >/dev/null 2>&1 || { echo "sandbox-breakdown: '$tool' is needed (apt-get install bubblewrap util-linux)" >&2; exit 2; }
done
BWRAP="$(command -v bwrap)"
is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1
if [ "$is_root" -eq 1 ]; then
  if ! id -u seakeeper-untrusted >/dev/null 2>&1; then
    echo "sandbox-breakdown: no seakeeper-untrusted user yet; run './seakeeper run examples/sample' once as root" >&2
    exit 2
  fi
  uid="$(id -u seakeeper-untrusted)"
  gid="$(id -g seakeeper-untrusted)"
else
  uid="$(id -u)"
  gid="$(id -g)"
fi
tmp="$(mktemp -d /var/tmp/seakeeper-bench.XXXXXX)"
chmod 711 "$tmp"
cleanup() {
  if declare -F cg_cleanup >/dev/null; then cg_cleanup; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=bench/lib/sandbox.sh
. "$here/bench/lib/sandbox.sh"
ex="$tmp/exec"
sk_exec_dir "$ex"
sk_full_args "$ex"
MOUNTS=("${FULL[@]:0:${#FULL[@]}-5}" /usr/bin/true)   # Seakeeper's argv, running true instead of bash job.sh

# A what-if: the same /etc content prepared once in one directory and bound with one mount,
# instead of `--dir /etc` plus one bind per entry (BwrapCommand.hostRoot and the generated files).
etc1="$tmp/etc-one"
mkdir -p "$etc1"
for e in alternatives ld.so.cache ld.so.conf ld.so.conf.d localtime timezone ssl ca-certificates ca-certificates.conf \
  mime.types protocols services os-release debian_version gitconfig environment magic papersize /etc/java-*; do
  e="${e#/etc/}"
  [ -e "/etc/$e" ] && cp -a "/etc/$e" "$etc1/"
done
cp "$ex/etc/passwd" "$ex/etc/group" "$ex/etc/hosts" "$ex/etc/nsswitch.conf" "$etc1/"
ONE_ETC=()
skip=0
for ((a = 0; a < ${#MOUNTS[@]}; a++)); do
  w="${MOUNTS[$a]}"
  if [ "$skip" -gt 0 ]; then skip=$((skip - 1)); continue; fi
  case "$w" in
    --dir) [ "${MOUNTS[$((a + 1))]}" = /etc ] && { ONE_ETC+=(--ro-bind "$etc1" /etc); skip=1; continue; } ;;
    --ro-bind | --ro-bind-try) case "${MOUNTS[$((a + 2))]}" in /etc/*) skip=2; continue ;; esac ;;
  esac
  ONE_ETC+=("$w")
done

variants=(bare_root bare_user mounts_one_etc mounts mounts_bash launcher)
labels=("bare bwrap ... true, as root"
  "+ setpriv to the tier user (the baseline)"
  "  what-if: the mounts below, /etc as ONE bind"
  "+ Seakeeper's mounts, env and options"
  "+ /bin/bash job.sh instead of true"
  "+ /bin/sh launcher, status fd (no cgroups)")
if [ "$cg_mode" != none ]; then
  variants+=(cg_pids cg_memory cg_all)
  labels+=("+ joining a pids cgroup only" "+ joining a memory cgroup only (v1)" "+ joining both = Seakeeper's chain")
  [ "$cg_mode" = v2 ] && labels[6]="+ v2 cgroup (memory+pids)" && labels[7]="+ v2 cgroup (memory+pids)" && labels[8]="+ v2 cgroup = Seakeeper's chain"
fi

launch() {
  case "$1" in
    bare_root) "${BARE[@]}" true ;;
    bare_user) "${SETPRIV[@]+"${SETPRIV[@]}"}" "${BARE[@]}" true ;;
    mounts) env -i -C "$ex" "${SETPRIV[@]+"${SETPRIV[@]}"}" "${MOUNTS[@]}" 3>/dev/null </dev/null ;;
    mounts_one_etc) env -i -C "$ex" "${SETPRIV[@]+"${SETPRIV[@]}"}" "${ONE_ETC[@]}" 3>/dev/null </dev/null ;;
    mounts_bash) env -i -C "$ex" "${SETPRIV[@]+"${SETPRIV[@]}"}" "${FULL[@]}" 3>/dev/null </dev/null ;;
    launcher) env -i -C "$ex" /bin/sh -c "$LAUNCH" seakeeper-launch "$ex/status.json" 0 "${SETPRIV[@]+"${SETPRIV[@]}"}" "${FULL[@]}" </dev/null ;;
    cg_pids) sk_chain "$ex" pids ;;
    cg_memory) sk_chain "$ex" memory ;;
    cg_all) sk_chain "$ex" all ;;
  esac
}

declare -A S   # S[variant] = space-separated microseconds
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "sandbox-breakdown: $M launches of each of: ${variants[*]}" >&2
for v in "${variants[@]}"; do launch "$v"; launch "$v"; done   # warm-up
k=${#variants[@]}
for ((i = 0; i < M; i++)); do
  for ((j = 0; j < k; j++)); do
    v="${variants[$(((i + j) % k))]}"
    t0="$(now_us)"
    launch "$v"
    t1="$(now_us)"
    case "$v" in
      cg_*) S[$v]+="$SK_LAUNCH_US " ;;   # the launch only, see sk_chain
      *) S[$v]+="$((t1 - t0)) " ;;
    esac
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# shellcheck disable=SC2086  # the values are split on purpose
stat_of() { # VARIANT -> "median p10 p90" in microseconds
  printf '%s\n' ${S[$1]} | sort -n | awk '{a[NR] = $1} END {m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; p10 = a[int(NR * 0.1) + 1]; p90 = a[int(NR * 0.9) > 0 ? int(NR * 0.9) : 1]; print m, p10, p90}'
}
stamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
base_med="$(stat_of bare_user | cut -d' ' -f1)"
echo
echo "Sandbox launch, step by step -- $stamp, M=$M launches per variant, interleaved"
echo "$(nproc) CPUs, $(uname -r), $("$BWRAP" --version), cgroups: $cg_mode, load average before/after: $load_before / $load_after"
echo
printf '  %-44s %9s %9s %9s %9s %8s\n' "variant (each adds to the one above)" "median" "p10" "p90" "step" "x base"
prev=""
json_rows=()
for ((j = 0; j < k; j++)); do
  v="${variants[$j]}"
  read -r med p10 p90 < <(stat_of "$v")
  step="-"
  if [ -n "$prev" ] && [ "$v" != cg_memory ] && [ "$v" != cg_all ]; then step="$(awk "BEGIN {printf \"%+.1f\", ($med - $prev) / 1000}")"; fi
  [ "$v" = mounts_one_etc ] || [ "$v" = mounts ] && step="$(awk "BEGIN {printf \"%+.1f\", ($med - $base_med) / 1000}")"
  [ "$v" = cg_memory ] && step="$(awk "BEGIN {printf \"%+.1f\", ($med - $launcher_med) / 1000}")"
  [ "$v" = cg_all ] && step="$(awk "BEGIN {printf \"%+.1f\", ($med - $launcher_med) / 1000}")"
  [ "$v" = launcher ] && launcher_med="$med"
  printf '  %-44s %6.1f ms %6.1f ms %6.1f ms %9s %7.2fx\n' "${labels[$j]}" "$(awk "BEGIN {print $med / 1000}")" "$(awk "BEGIN {print $p10 / 1000}")" "$(awk "BEGIN {print $p90 / 1000}")" "$step" "$(awk "BEGIN {print $med / $base_med}")"
  json_rows+=("$(printf '    "%s": {"median_us": %s, "p10_us": %s, "p90_us": %s}' "$v" "$med" "$p10" "$p90")")
  prev="$med"
done
echo "  (step: change of the median against the line above; the two mounts lines are each against the baseline,"
echo "   the cgroup lines each against the launcher line;"
echo "   cgroup lines time the launch only: creating/removing the groups is timed in the JVM by bench/launch-phases.sh)"
echo "  cgroup teardown as Cgroups.Handle.destroy: $CG_WAITS waits of 10 ms, ${#CG_LEAKED[@]} removals failed (EBUSY; Seakeeper would leave these groups behind)"

out="$results/sandbox-breakdown-$(date -u +%Y%m%dT%H%M%SZ)-M$M.json"
{
  printf '{\n  "benchmark": "sandbox-breakdown",\n  "date": "%s",\n  "m": %s,\n' "$stamp" "$M"
  printf '  "machine": {"nproc": %s, "kernel": "%s", "bwrap": "%s", "root": %s, "cgroups": "%s", "loadavg_before": "%s", "loadavg_after": "%s"},\n' \
    "$(nproc)" "$(uname -r)" "$("$BWRAP" --version)" "$([ "$is_root" -eq 1 ] && echo true || echo false)" "$cg_mode" "$load_before" "$load_after"
  printf '  "cgroup_waits": %s,\n  "cgroup_removals_failed": %s,\n  "variants": {\n' "$CG_WAITS" "${#CG_LEAKED[@]}"
  (IFS=$'\n'; printf '%s' "${json_rows[*]}" | sed '$!s/$/,/')
  printf '\n  }\n}\n'
} >"$out"
echo
echo "results: $out"
