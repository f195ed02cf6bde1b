#!/usr/bin/env bash
# Job launch overhead: `seakeeper run` of N trivial jobs against N bare bubblewrap launches,
# measured side by side, interleaved over several rounds so machine noise hits every variant.
#
#   bench/launch-overhead.sh [N]        (default N=50; ROUNDS=5 in the environment to change)
#
# Variants, each timed as a whole from this shell (wall clock, bash $EPOCHREALTIME):
#   sk_p1     ./seakeeper run --parallel 1 on a repo of N independent `run: "true"` jobs
#   sk_p2     the same with --parallel 2
#   sk_one    ./seakeeper run --parallel 1 on a repo of ONE such job (fixed start-up cost:
#             launcher script, JVM, CLI, JGit, sandbox probe, one job)
#   bare_root N sequential `bwrap --unshare-all ... true` as root
#   bare_user the same N launches through `setpriv` as the tier user, as Seakeeper starts bwrap
#   bare_user_p2  bare_user with two launches at a time (baseline for --parallel 2)
#   sk_equiv  N sequential launches of Seakeeper's own process chain without the JVM:
#             /bin/sh launcher joining per-job cgroups, setpriv, bwrap with the argument list
#             BwrapCommand.build makes, /bin/bash job.sh (bench/lib/sandbox.sh; the time
#             counted is the launches only, not the shell's mkdir/rmdir of the cgroups)
#
# Per-job Seakeeper cost = (sk_p1 - sk_one) / (N - 1), paired within each round; compared
# with the per-launch bare cost (bare_user / N). Medians over rounds are reported.
# Results: a table on stdout, and bench/results/launch-overhead-<time>-N<N>.{json,tsv}.
set -euo pipefail

N="${1:-50}"
ROUNDS="${ROUNDS:-5}"
if ! [[ "$N" =~ ^[0-9]+$ ]] || [ "$N" -lt 2 ]; then
  echo "usage: bench/launch-overhead.sh [N>=2]   (ROUNDS=5 by default)" >&2
  exit 2
fi
if ! [[ "$ROUNDS" =~ ^[0-9]+$ ]] || [ "$ROUNDS" -lt 1 ]; then
  echo "ROUNDS must be a positive integer" >&2
  exit 2
fi

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
sk="$here/seakeeper"
results="$here/bench/results"
mkdir -p "$results"

for tool in bwrap git setpriv; do
  command -v "$tool" >/dev/null 2>&1 || { echo "launch-overhead: '$tool' is needed (apt-get install bubblewrap git util-linux)" >&2; exit 2; }
done
BWRAP="$(command -v bwrap)"
is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1

echo "launch-overhead: building Seakeeper if needed (./seakeeper --version)..." >&2
"$sk" --version >/dev/null

tmp="$(mktemp -d /var/tmp/seakeeper-bench.XXXXXX)"
chmod 711 "$tmp"   # the tier user must traverse it to reach the sk_equiv exec dir, as /var/tmp/seakeeper-work
cleanup() {
  if declare -F cg_cleanup >/dev/null; then cg_cleanup; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# Run logs of the benchmark runs go to the temporary cache, not to ~/.cache.
export XDG_CACHE_HOME="$tmp/cache"

make_repo() { # DIR JOBS
  local dir="$1" jobs="$2" i list=""
  mkdir -p "$dir"
  {
    echo "jobs:"
    for ((i = 1; i <= jobs; i++)); do
      printf '  j%d:\n    run: "true"\n' "$i"
      list+="${list:+, }j$i"
    done
    echo "pipelines:"
    echo "  check: [$list]"
  } >"$dir/.seakeeper.yaml"
  git -C "$dir" init -q
  git -C "$dir" add .seakeeper.yaml
  git -C "$dir" -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false commit -qm "bench: $jobs trivial jobs"
}
make_repo "$tmp/repo-n" "$N"
make_repo "$tmp/repo-1" 1

# Warm-up: builds nothing, but creates the tier user (as root) and warms the page cache.
echo "launch-overhead: warm-up run..." >&2
"$sk" run --parallel 1 "$tmp/repo-1" >"$tmp/warmup.out" 2>&1 || { cat "$tmp/warmup.out" >&2; echo "launch-overhead: seakeeper run failed" >&2; exit 1; }

if [ "$is_root" -eq 1 ]; then
  uid="$(id -u seakeeper-untrusted)"
  gid="$(id -g seakeeper-untrusted)"
else
  uid="$(id -u)"
  gid="$(id -g)"
fi
# shellcheck source=bench/lib/sandbox.sh
. "$here/bench/lib/sandbox.sh"
ex="$tmp/exec"
sk_exec_dir "$ex"
sk_full_args "$ex"

declare -A T   # T[variant,round] = microseconds
run_variant() { # VARIANT ROUND
  local v="$1" r="$2" t0 t1 i half
  local out="$tmp/$v.out"
  t0="$(now_us)"
  case "$v" in
    sk_p1) "$sk" run --parallel 1 "$tmp/repo-n" >"$out" 2>&1 || { cat "$out" >&2; exit 1; } ;;
    sk_p2) "$sk" run --parallel 2 "$tmp/repo-n" >"$out" 2>&1 || { cat "$out" >&2; exit 1; } ;;
    sk_one) "$sk" run --parallel 1 "$tmp/repo-1" >"$out" 2>&1 || { cat "$out" >&2; exit 1; } ;;
    bare_root) for ((i = 0; i < N; i++)); do "${BARE[@]}" true; done ;;
    bare_user) for ((i = 0; i < N; i++)); do "${SETPRIV[@]+"${SETPRIV[@]}"}" "${BARE[@]}" true; done ;;
    bare_user_p2)
      half=$(((N + 1) / 2))
      (for ((i = 0; i < half; i++)); do "${SETPRIV[@]+"${SETPRIV[@]}"}" "${BARE[@]}" true; done) &
      (for ((i = half; i < N; i++)); do "${SETPRIV[@]+"${SETPRIV[@]}"}" "${BARE[@]}" true; done) &
      wait
      ;;
    sk_equiv)
      local sum=0
      for ((i = 0; i < N; i++)); do
        sk_chain "$ex"
        sum=$((sum + SK_LAUNCH_US))
      done
      ;;
  esac
  t1="$(now_us)"
  T[$v,$r]=$((t1 - t0))
  # sk_equiv counts only the launches, not the shell's mkdir/rmdir processes (see sk_chain).
  [ "$v" != sk_equiv ] || T[$v,$r]=$sum
}

variants=(sk_p1 sk_one bare_root bare_user sk_p2 bare_user_p2 sk_equiv)
[ "$is_root" -eq 1 ] || variants=(sk_p1 sk_one bare_root sk_p2 bare_user_p2 sk_equiv)

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# One untimed pass of every variant, then the timed rounds; the order rotates each round.
echo "launch-overhead: N=$N, $ROUNDS rounds of: ${variants[*]}" >&2
for v in "${variants[@]}"; do run_variant "$v" warm; done
k=${#variants[@]}
for ((r = 1; r <= ROUNDS; r++)); do
  for ((j = 0; j < k; j++)); do
    v="${variants[$(((j + r - 1) % k))]}"
    run_variant "$v" "$r"
  done
  echo "  round $r/$ROUNDS (ms): sk_p1 $((T[sk_p1,$r] / 1000)), sk_p2 $((T[sk_p2,$r] / 1000)), sk_one $((T[sk_one,$r] / 1000)), bare_user $((${T[bare_user,$r]:-${T[bare_root,$r]}} / 1000)), sk_equiv $((T[sk_equiv,$r] / 1000))" >&2
done
[ "$is_root" -eq 1 ] || for ((r = 1; r <= ROUNDS; r++)); do T[bare_user,$r]=${T[bare_root,$r]}; done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# Derived per-round values (microseconds, floating point), then medians.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
declare -A M
derive() { # NAME AWK-EXPR-OVER-v[]  (v[name] is the round's time in us)
  local name="$1" expr="$2" r v vals=()
  for ((r = 1; r <= ROUNDS; r++)); do
    local assign=""
    for v in sk_p1 sk_p2 sk_one bare_root bare_user bare_user_p2 sk_equiv; do assign+="v[\"$v\"]=${T[$v,$r]:-0};"; done
    vals+=("$(awk "BEGIN {$assign printf \"%.3f\", $expr}")")
  done
  M[$name]="$(median "${vals[@]}")"
  M[${name}_min]="$(printf '%s\n' "${vals[@]}" | sort -g | head -1)"
  M[${name}_max]="$(printf '%s\n' "${vals[@]}" | sort -g | tail -1)"
}
derive total_p1_us 'v["sk_p1"]'
derive total_p2_us 'v["sk_p2"]'
derive fixed_us 'v["sk_one"]'
derive per_job_p1_us "(v[\"sk_p1\"] - v[\"sk_one\"]) / ($N - 1)"
derive per_job_p2_us "(v[\"sk_p2\"] - v[\"sk_one\"]) / ($N - 1)"
derive bare_root_us "v[\"bare_root\"] / $N"
derive bare_user_us "v[\"bare_user\"] / $N"
derive bare_user_p2_us "v[\"bare_user_p2\"] / $N"
derive sk_equiv_us "v[\"sk_equiv\"] / $N"
derive ratio_p1_user "(v[\"sk_p1\"] - v[\"sk_one\"]) / ($N - 1) / (v[\"bare_user\"] / $N)"
derive ratio_p1_root "(v[\"sk_p1\"] - v[\"sk_one\"]) / ($N - 1) / (v[\"bare_root\"] / $N)"
derive ratio_p2_user_p2 "(v[\"sk_p2\"] - v[\"sk_one\"]) / ($N - 1) / (v[\"bare_user_p2\"] / $N)"
derive ratio_equiv_user "v[\"sk_equiv\"] / v[\"bare_user\"]"
derive jobs_per_s_p1 "($N - 1) * 1e6 / (v[\"sk_p1\"] - v[\"sk_one\"])"
derive jobs_per_s_p2 "($N - 1) * 1e6 / (v[\"sk_p2\"] - v[\"sk_one\"])"
derive e2e_jobs_per_s_p1 "$N * 1e6 / v[\"sk_p1\"]"
derive e2e_jobs_per_s_p2 "$N * 1e6 / v[\"sk_p2\"]"
derive bare_user_per_s "$N * 1e6 / v[\"bare_user\"]"

# Seakeeper's own per-job DURATION column (executor time, 10 ms resolution), from the last p1 run.
exec_mean_ms="$(awk '/^JOB +RESULT/ {t = 1; next} t && $2 == "success" {s += $3 + 0; n++} END {if (n) printf "%.1f", s / n * 1000; else print "nan"}' "$tmp/sk_p1.out")"

ms() { awk "BEGIN {printf \"%.1f\", $1 / 1000}"; }
x() { awk "BEGIN {printf \"%.2f\", $1}"; }
goal="MET"
awk "BEGIN {exit !(${M[ratio_p1_user]} > 2)}" && goal="NOT MET"
awk "BEGIN {exit !(${M[per_job_p1_us]} <= 0)}" && goal="INCONCLUSIVE (noise larger than N jobs; raise N or ROUNDS)"
stamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
commit="$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"

cat <<EOF

Seakeeper job launch overhead -- $stamp, commit $commit, N=$N, $ROUNDS rounds, medians
$(nproc) CPUs, $(uname -r), $("$BWRAP" --version), cgroups: $cg_mode, load average before/after: $load_before / $load_after$([ "$is_root" -eq 1 ] || echo ", NOT root: bare_user = bare_root")

  variant                                   total        per job    jobs/s
  seakeeper run --parallel 1, N jobs     $(printf '%9s' "$(ms "${M[total_p1_us]}") ms")   $(printf '%9s' "$(ms "${M[per_job_p1_us]}") ms")   $(printf '%6s' "$(x "${M[jobs_per_s_p1]}")")  (marginal; end-to-end $(x "${M[e2e_jobs_per_s_p1]}"))
  seakeeper run --parallel 2, N jobs     $(printf '%9s' "$(ms "${M[total_p2_us]}") ms")   $(printf '%9s' "$(ms "${M[per_job_p2_us]}") ms")   $(printf '%6s' "$(x "${M[jobs_per_s_p2]}")")  (marginal; end-to-end $(x "${M[e2e_jobs_per_s_p2]}"))
  seakeeper run, 1 job (fixed start-up)  $(printf '%9s' "$(ms "${M[fixed_us]}") ms")
  bare bwrap ... true, as root                        $(printf '%9s' "$(ms "${M[bare_root_us]}") ms")
  bare setpriv + bwrap ... true (tier user)           $(printf '%9s' "$(ms "${M[bare_user_us]}") ms")   $(printf '%6s' "$(x "${M[bare_user_per_s]}")")
  bare setpriv + bwrap, 2 at a time                   $(printf '%9s' "$(ms "${M[bare_user_p2_us]}") ms")
  Seakeeper's chain without JVM (sk_equiv)            $(printf '%9s' "$(ms "${M[sk_equiv_us]}") ms")   (cgroups $cg_mode: $CG_WAITS waits of 10 ms, ${#CG_LEAKED[@]} removals failed)
  executor-reported job duration (mean, p1)           $(printf '%9s' "$exec_mean_ms ms")

  ratio per-job seakeeper (p1) / bare setpriv+bwrap:   $(x "${M[ratio_p1_user]}")x   goal <= 2x: $goal   (rounds: $(x "${M[ratio_p1_user_min]}")x .. $(x "${M[ratio_p1_user_max]}")x)
  ratio per-job seakeeper (p1) / bare bwrap as root:   $(x "${M[ratio_p1_root]}")x
  ratio per-job seakeeper (p2) / bare 2 at a time:     $(x "${M[ratio_p2_user_p2]}")x   (rounds: $(x "${M[ratio_p2_user_p2_min]}")x .. $(x "${M[ratio_p2_user_p2_max]}")x)
  ratio sk_equiv / bare setpriv+bwrap:                 $(x "${M[ratio_equiv_user]}")x
EOF

base="$results/launch-overhead-$(date -u +%Y%m%dT%H%M%SZ)-N$N"
{
  printf 'variant\tround\tmicroseconds\n'
  for v in "${variants[@]}"; do
    for ((r = 1; r <= ROUNDS; r++)); do printf '%s\t%s\t%s\n' "$v" "$r" "${T[$v,$r]}"; done
  done
} >"$base.tsv"
{
  printf '{\n  "benchmark": "launch-overhead",\n  "date": "%s",\n  "commit": "%s",\n  "n": %s,\n  "rounds": %s,\n' "$stamp" "$commit" "$N" "$ROUNDS"
  printf '  "machine": {"nproc": %s, "kernel": "%s", "bwrap": "%s", "root": %s, "cgroups": "%s", "loadavg_before": "%s", "loadavg_after": "%s"},\n' "$(nproc)" "$(uname -r)" "$("$BWRAP" --version)" "$([ "$is_root" -eq 1 ] && echo true || echo false)" "$cg_mode" "$load_before" "$load_after"
  printf '  "medians": {\n'
  first=1
  for key in $(printf '%s\n' "${!M[@]}" | sort); do
    [ $first -eq 1 ] || printf ',\n'
    first=0
    printf '    "%s": %s' "$key" "${M[$key]}"
  done
  printf ',\n    "executor_reported_mean_ms": %s\n  },\n' "$exec_mean_ms"
  printf '  "sk_equiv_cgroup_waits": %s,\n  "sk_equiv_cgroup_removals_failed": %s,\n' "$CG_WAITS" "${#CG_LEAKED[@]}"
  printf '  "goal_ratio_max": 2,\n  "goal_met": %s,\n' "$(case "$goal" in MET) echo true ;; NOT*) echo false ;; *) echo null ;; esac)"
  printf '  "raw_us": {\n'
  first=1
  for v in "${variants[@]}"; do
    [ $first -eq 1 ] || printf ',\n'
    first=0
    vals=()
    for ((r = 1; r <= ROUNDS; r++)); do vals+=("${T[$v,$r]}"); done
    printf '    "%s": [%s]' "$v" "$(IFS=,; echo "${vals[*]}")"
  done
  printf '\n  }\n}\n'
} >"$base.json"
echo
echo "results: $base.json (raw rounds: $base.tsv)"
