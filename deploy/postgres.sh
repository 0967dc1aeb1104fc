#!/usr/bin/env bash
# PostgreSQL from Debian's packages, a private cluster under .data/, bound to 127.0.0.1.
# Usage: deploy/postgres.sh start|stop|status
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PG_DATA="$DATA_DIR/postgres"
PG_LOG="$DATA_DIR/postgres.log"

find_bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_if_missing() {
  [ -n "$(find_bin_dir)" ] && [ -x "$(find_bin_dir)/initdb" ] && return
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed and installing needs root (apt-get install postgresql)"
  say "installing PostgreSQL from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  # The package starts a system cluster on 5432; this stack uses its own.
  command -v pg_ctlcluster >/dev/null && pg_ctlcluster --skip-systemctl-redirect "$(basename "$(dirname "$(find_bin_dir)")")" main stop 2>/dev/null || true
}

# initdb and postgres refuse to run as root, so the cluster belongs to `postgres`.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

prepare_data_dir() {
  mkdir -p "$PG_DATA"
  if [ "$(id -u)" = 0 ]; then
    # postgres must be able to reach its data directory through the repository's folders.
    local dir="$PG_DATA"
    while [ "$dir" != "/" ]; do chmod o+x "$dir" 2>/dev/null || true; dir=$(dirname "$dir"); done
    chown postgres:postgres "$PG_DATA"
    touch "$PG_LOG" && chown postgres:postgres "$PG_LOG"
  fi
  chmod 700 "$PG_DATA"
}

init_cluster_once() {
  [ -f "$PG_DATA/PG_VERSION" ] && return
  say "initialising a cluster in $PG_DATA"
  as_postgres "$BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = '$PG_DATA'
max_connections = 300
# A development and test stack: durability traded for speed. Never in production.
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
}

running() {
  [ -n "${BIN:-}" ] && as_postgres "$BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

psql_admin() {
  as_postgres "$BIN/psql" -h "$PG_DATA" -p "$POSTGRES_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

create_role_and_databases() {
  psql_admin -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$POSTGRES_USER') THEN
        CREATE ROLE \"$POSTGRES_USER\" LOGIN CREATEDB PASSWORD '$POSTGRES_PASSWORD';
      END IF; END \$\$;"
  for db in "$INTAKE_DATABASE" "$MATCHING_DATABASE" "$SESSIONS_DATABASE"; do
    if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      psql_admin -c "CREATE DATABASE \"$db\" OWNER \"$POSTGRES_USER\""
    fi
  done
}

start() {
  install_if_missing
  BIN=$(find_bin_dir)
  prepare_data_dir
  init_cluster_once
  if running; then
    say "postgres already running on 127.0.0.1:$POSTGRES_PORT"
  else
    say "starting PostgreSQL on 127.0.0.1:$POSTGRES_PORT"
    as_postgres "$BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null \
      || { tail -n 30 "$PG_LOG"; die "PostgreSQL did not start (log above)"; }
  fi
  create_role_and_databases
  say "postgres ready on 127.0.0.1:$POSTGRES_PORT (databases $INTAKE_DATABASE, $MATCHING_DATABASE, $SESSIONS_DATABASE)"
}

stop() {
  BIN=$(find_bin_dir)
  if [ -z "$BIN" ] || ! running; then say "postgres not running"; return; fi
  as_postgres "$BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  say "postgres stopped"
}

status() {
  BIN=$(find_bin_dir)
  if [ -n "$BIN" ] && running; then say "postgres running on 127.0.0.1:$POSTGRES_PORT"
  else say "postgres stopped"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
