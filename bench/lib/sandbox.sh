# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # sets variables for, and reads variables of, the sourcing script
# Shared by the bench scripts (sourced, not run): the bare bubblewrap launch of the issue, and
# Seakeeper's own launch chain rebuilt in shell from BubblewrapExecutor, BwrapCommand and Cgroups
# (commit-time copy: keep it in step with those classes when they change).
#
# Before sourcing, set: BWRAP (bwrap path), is_root (1/0), uid, gid (the tier user, or the
# current user when not root). After: SETPRIV, BARE, LAUNCH, cg_mode and the functions below.

# BubblewrapExecutor.Run.launcher: as root, drop to the tier user with setpriv.
SETPRIV=()
if [ "$is_root" -eq 1 ]; then
  SETPRIV=(/usr/bin/setpriv "--reuid=$uid" "--regid=$gid" --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs --)
fi

# The bare launch the issue names (the command, `true`, is appended by the caller).
BARE=("$BWRAP" --unshare-all --unshare-user --disable-userns --die-with-parent --new-session
  --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64
  --proc /proc --dev /dev --tmpfs /tmp)

# BubblewrapExecutor.Run.launcher's /bin/sh script: status fd, join the cgroups, exec the rest.
# shellcheck disable=SC2016  # expanded by the launcher's /bin/sh, not here
LAUNCH='exec 3>"$1"; shift; n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"'

# sk_exec_dir DIR: an execution directory as Workspaces.create and Run.prepare leave it (empty
# workspace), owned by the tier user. DIR's parents must be traversable by that user.
sk_exec_dir() {
  local ex="$1"
  mkdir -p "$ex/workspace" "$ex/etc"
  printf 'true\n' >"$ex/job.sh"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nbuild:x:%s:%s:Seakeeper build:/home/build:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' "$uid" "$gid" >"$ex/etc/passwd"
  printf 'root:x:0:\nbuild:x:%s:\nnogroup:x:65534:\n' "$gid" >"$ex/etc/group"
  printf '127.0.0.1 localhost seakeeper\n::1 localhost ip6-localhost\n' >"$ex/etc/hosts"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$ex/etc/nsswitch.conf"
  if [ "$is_root" -eq 1 ]; then
    chown -R "$uid:$gid" "$ex"
    chmod 700 "$ex"
    chmod 400 "$ex/job.sh"
  fi
}

# sk_full_args DIR: sets FULL to BwrapCommand.build's argument list for a host-image job without
# network, using the execution directory DIR; the last five words are the job's bash command.
sk_full_args() {
  local ex="$1" kv d e f
  FULL=("$BWRAP" --json-status-fd 3 --unshare-all --unshare-user --disable-userns --die-with-parent --new-session --cap-drop ALL --clearenv)
  for kv in PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/home/build USER=build LOGNAME=build \
    LANG=C.UTF-8 TERM=dumb CI=true SEAKEEPER=true SEAKEEPER_JOB=j1 SEAKEEPER_BUILD=bench-1 SEAKEEPER_TIER=untrusted \
    SEAKEEPER_WORKSPACE=/workspace; do
    FULL+=(--setenv "${kv%%=*}" "${kv#*=}")
  done
  FULL+=(--hostname seakeeper --ro-bind /usr /usr)
  for d in bin sbin lib lib32 lib64 libx32; do
    if [ -L "/$d" ]; then
      FULL+=(--symlink "$(readlink "/$d")" "/$d")
    elif [ -d "/$d" ]; then
      FULL+=(--ro-bind "/$d" "/$d")
    fi
  done
  FULL+=(--dir /etc)
  for e in alternatives ld.so.cache ld.so.conf ld.so.conf.d localtime timezone ssl ca-certificates ca-certificates.conf \
    mime.types protocols services os-release debian_version gitconfig environment magic papersize; do
    FULL+=(--ro-bind-try "/etc/$e" "/etc/$e")
  done
  for e in /etc/java-*; do
    [ -e "$e" ] && FULL+=(--ro-bind-try "$e" "$e")
  done
  for f in passwd group hosts nsswitch.conf; do
    FULL+=(--ro-bind "$ex/etc/$f" "/etc/$f")
  done
  FULL+=(--proc /proc --dev /dev --tmpfs /tmp --tmpfs /var/tmp --tmpfs /run --tmpfs /home --dir /home/build
    --bind "$ex/workspace" /workspace --ro-bind "$ex/job.sh" /run/seakeeper/job.sh --chdir /workspace
    /bin/bash --noprofile --norc -e /run/seakeeper/job.sh)
}

# Per-job cgroups as Cgroups.create makes them: v1 memory + pids groups, or one v2 group.
cg_mode=none
if [ "$is_root" -eq 1 ]; then
  if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
    [ -d /sys/fs/cgroup/seakeeper ] && cg_mode=v2
  elif [ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/pids ]; then
    mkdir -p /sys/fs/cgroup/memory/seakeeper /sys/fs/cgroup/pids/seakeeper 2>/dev/null && cg_mode=v1
  fi
fi
CG_GROUPS=()   # the groups of the current job
CG_PROCS=()    # their cgroup.procs files
CG_WAITS=0     # 10 ms sleeps in cg_destroy (a group still listed processes)
CG_LEAKED=()   # groups whose removal failed (EBUSY), as Cgroups.Handle.destroy would leave them

# cg_create NAME [WHICH]: WHICH is "all" (default, as Seakeeper), "memory" or "pids" (v1 only).
cg_create() {
  local name="$1" which="${2:-all}" g
  CG_GROUPS=()
  case "$cg_mode" in
    v1)
      if [ "$which" != pids ]; then
        g="/sys/fs/cgroup/memory/seakeeper/$name"
        mkdir "$g" && echo $((4 << 30)) >"$g/memory.limit_in_bytes"
        CG_GROUPS+=("$g")
      fi
      if [ "$which" != memory ]; then
        g="/sys/fs/cgroup/pids/seakeeper/$name"
        mkdir "$g" && echo 4096 >"$g/pids.max"
        CG_GROUPS+=("$g")
      fi
      ;;
    v2)
      g="/sys/fs/cgroup/seakeeper/$name"
      mkdir "$g" && echo $((4 << 30)) >"$g/memory.max" && echo 4096 >"$g/pids.max"
      CG_GROUPS+=("$g")
      ;;
  esac
  CG_PROCS=()
  for g in "${CG_GROUPS[@]+"${CG_GROUPS[@]}"}"; do CG_PROCS+=("$g/cgroup.procs"); done
}

# cg_destroy: Cgroups.Handle.destroy -- up to 50 rounds of "any process left? sleep 10 ms",
# then one removal attempt per group; failures are remembered for cg_cleanup (untimed).
cg_destroy() {
  local round g left line
  for ((round = 0; round < 50; round++)); do
    left=""
    for g in "${CG_GROUPS[@]+"${CG_GROUPS[@]}"}"; do
      line=""
      { read -r line <"$g/cgroup.procs"; } 2>/dev/null || true
      left+="$line"
    done
    [ -z "$left" ] && break
    CG_WAITS=$((CG_WAITS + 1))
    sleep 0.01
  done
  for g in "${CG_GROUPS[@]+"${CG_GROUPS[@]}"}"; do
    rmdir "$g" 2>/dev/null || CG_LEAKED+=("$g")
  done
  CG_GROUPS=()
  CG_PROCS=()
}

# cg_cleanup: removes what cg_destroy could not (retrying for up to a few seconds).
cg_cleanup() {
  local g tries
  for g in "${CG_GROUPS[@]+"${CG_GROUPS[@]}"}" "${CG_LEAKED[@]+"${CG_LEAKED[@]}"}"; do
    for ((tries = 0; tries < 300; tries++)); do
      [ -d "$g" ] || break
      rmdir "$g" 2>/dev/null && break
      sleep 0.01
    done
  done
}

# sk_chain DIR [WHICH]: one launch through Seakeeper's chain without the JVM: cgroups (when
# available), the /bin/sh launcher, setpriv, bwrap with FULL (sk_full_args DIR first). Sets
# SK_LAUNCH_US to the time from starting the launcher until it exits: creating and removing the
# groups is left out, because in shell each mkdir/rmdir is a process start of its own while the
# JVM does them as single system calls (bench/launch-phases.sh times those, in the JVM).
SK_LAUNCH_US=0
sk_chain() {
  local ex="$1" which="${2:-all}" t0 t1
  cg_create "bench-$$-$RANDOM$RANDOM" "$which"
  t0="$(now_us)"
  env -i -C "$ex" /bin/sh -c "$LAUNCH" seakeeper-launch "$ex/status.json" "${#CG_PROCS[@]}" "${CG_PROCS[@]+"${CG_PROCS[@]}"}" \
    "${SETPRIV[@]+"${SETPRIV[@]}"}" "${FULL[@]}" </dev/null
  t1="$(now_us)"
  SK_LAUNCH_US=$((t1 - t0))
  cg_destroy
}

now_us() { local t="${EPOCHREALTIME/./}"; echo "$((10#$t))"; }
