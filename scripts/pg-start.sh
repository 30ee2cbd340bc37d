#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the tests (own port, trust auth, no fsync); print its URL.
# Usage: eval "$(scripts/pg-start.sh)"   ->  exports DXDESK_TEST_PG_URL and PGDATA_DXDESK
set -euo pipefail
PGBIN=$(pg_config --bindir)
PORT=${DXDESK_PG_PORT:-54329}
DATA=${DXDESK_PG_DATA:-/tmp/dxdesk-pg-$PORT}
if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  rm -rf "$DATA"
  install -d -o postgres -g postgres "$DATA"
  runuser -u postgres -- "$PGBIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-p $PORT -k $DATA -c listen_addresses=localhost -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
fi
echo "export DXDESK_TEST_PG_URL=postgresql+psycopg://postgres@localhost:$PORT/postgres"
echo "export PGDATA_DXDESK=$DATA"
