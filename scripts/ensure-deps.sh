#!/usr/bin/env bash
# Installs, from Debian's packages, what Seakeeper needs on this machine when it is missing.
#   scripts/ensure-deps.sh          what running Seakeeper needs: bubblewrap, git, maven, socat
#   scripts/ensure-deps.sh --tests  plus what the test suite needs (iproute2, python3, postgresql,
#                                   and the toolchains SandboxToolchainsTest starts in a job:
#                                   nodejs, npm, python3-pip, gcc, make, and for the web UI's
#                                   browser tests chromium with its chromedriver)
set -euo pipefail
need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v git >/dev/null 2>&1 || need+=(git)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
# The dependency cache reaches a job through a loopback port in its sandbox, forwarded by socat.
command -v socat >/dev/null 2>&1 || need+=(socat)
if [ "${1:-}" = "--tests" ]; then
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  # The PostgreSQL store tests start a throw-away cluster with initdb/pg_ctl themselves:
  # only the binaries are needed, never the system service.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
  # A job on the host image sees only /usr: look there, not in PATH (pyenv, nvm, ...).
  [ -x /usr/bin/node ] || need+=(nodejs)
  [ -x /usr/bin/npm ] || need+=(npm)
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
  [ -x /usr/bin/gcc ] || need+=(gcc)
  [ -x /usr/bin/make ] || need+=(make)
  # UiBrowserTest drives Debian's headless Chromium through Debian's chromedriver (Selenium).
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "seakeeper: missing ${need[*]}; install with: sudo apt-get install -y ${need[*]}" >&2
  exit 2
fi
echo "seakeeper: installing ${need[*]} (Debian packages)..." >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
