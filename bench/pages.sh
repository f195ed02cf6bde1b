#!/usr/bin/env bash
# Every page's server time (status, history with filters, build, change) at 1M builds in H2 and
# PostgreSQL, through the real WebServer over loopback HTTP (bench/java/PageTiming.java).
#   bench/pages.sh [h2] [postgresql]      (default: both)
# Env: ROWS (default 1000000), QUERIES (timed per page kind, default 200), REAL_STORE_ROWS (written
# through Store.transaction before the bulk load, default 20000), KEEP=1.
# PostgreSQL: a throw-away cluster made with initdb and pg_ctl under a temp dir (as nobody when root), on 127.0.0.1 and a free port, removed afterwards.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/store-bench.sh"
store_bench PageTiming "$@"
