# Shared by bench/history-query.sh and bench/pages.sh: runs bench/java/MAIN.java on each of the
# stores named (h2, postgresql; default both), starting a throw-away PostgreSQL cluster (initdb and
# pg_ctl under a temp dir, as nobody when root, on 127.0.0.1 and a free port) when asked for one.
# Source bench/lib.sh first.
#   store_bench MAIN [h2] [postgresql]
store_bench() {
  local main="$1"
  shift
  dbs=("$@")
  [ ${#dbs[@]} -gt 0 ] || dbs=(h2 postgresql)

  pg_base=""
  cleanup() {
    if [ -n "$pg_base" ]; then
      $as_pg "$pg_bin/pg_ctl" -D "$pg_base/data" -m immediate -w stop >/dev/null 2>&1 || true
      rm -rf "$pg_base"
    fi
  }
  trap cleanup EXIT

  if printf '%s\n' "${dbs[@]}" | grep -qx postgresql; then
    pg_bin=""
    for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
      if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then pg_bin="$d"; break; fi
    done
    [ -n "$pg_bin" ] || { echo "bench: PostgreSQL server binaries are missing (apt-get install postgresql, or scripts/ensure-deps.sh --tests)" >&2; exit 2; }
    pg_base="$(mktemp -d /tmp/skbench-pg-XXXXXX)"
    as_pg=""
    if [ "$(id -u)" = 0 ]; then
      chown nobody:nogroup "$pg_base"
      as_pg="runuser -u nobody --"
    fi
    head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$pg_base/password"
    echo >>"$pg_base/password"
    [ "$(id -u)" = 0 ] && chown nobody:nogroup "$pg_base/password"
    (cd "$pg_base" && $as_pg "$pg_bin/initdb" -D "$pg_base/data" -U postgres --pwfile="$pg_base/password" --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C --no-sync >"$pg_base/initdb.log" 2>&1) \
      || { cat "$pg_base/initdb.log" >&2; exit 2; }
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    # PostgreSQL defaults (shared_buffers 128MB etc.) except durability, which only speeds up the load.
    cat >"$pg_base/data/postgresql.auto.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pg_base'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    (cd "$pg_base" && $as_pg "$pg_bin/pg_ctl" -D "$pg_base/data" -l "$pg_base/server.log" -w -t 60 start >/dev/null) || { cat "$pg_base/server.log" >&2; exit 2; }
    export PG_URL="jdbc:postgresql://127.0.0.1:$port/postgres" PG_USER=postgres PG_PASSWORD_FILE="$pg_base/password"
  fi
  MACHINE_FACTS="$(machine_facts)
postgres: $( [ -n "$pg_base" ] && "$pg_bin/postgres" --version || echo 'not used')"
  export MACHINE_FACTS
  run_bench_java "$main" "${dbs[@]}"
}
