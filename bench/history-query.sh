#!/usr/bin/env bash
# History queries on 1M build records in H2 and in PostgreSQL, through the real store.
#   bench/history-query.sh [h2] [postgresql]      (default: both)
# Env: ROWS (default 1000000), QUERIES (timed per kind, default 300), REAL_STORE_ROWS (written
# through Store.transaction before the bulk load, default 20000), CANDIDATE=0 (skip the second
# pass with candidate indexes), KEEP=1. PostgreSQL: a throw-away cluster made with initdb and
# pg_ctl under a temp dir (as nobody when root), on 127.0.0.1 and a free port, removed afterwards.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/store-bench.sh"
store_bench HistoryQuery "$@"
