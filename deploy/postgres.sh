#!/usr/bin/env bash
# A private PostgreSQL cluster for the local stack, from Debian's packages, in .data/postgres,
# listening on 127.0.0.1:$POSTGRES_PORT only (55432, away from a system cluster's 5432).
#
#   deploy/postgres.sh start    install PostgreSQL if missing, initdb once, start, then make
#                               sure role $POSTGRES_USER and the four databases exist;
#                               harmless when already running
#   deploy/postgres.sh stop     fast shutdown
#   deploy/postgres.sh status   exit 0 running and accepting connections, 1 not accepting, 3 stopped
set -euo pipefail
# shellcheck source=deploy/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PG_DATA="$DATA_DIR/postgres"
LOG_DIR="$DATA_DIR/logs"
PG_LOG="$LOG_DIR/postgres.log"
DATABASES=("$INTAKE_DATABASE" "$MATCHING_DATABASE" "$SESSIONS_DATABASE" "$INSIGHTS_DATABASE" "$WEBHOOKS_DATABASE")

# The cluster's own major version first: after an upgrade installs a newer PostgreSQL, the
# old binaries must still be the ones that open this data directory.
find_bin_dir() {
  local version
  if [ -f "$PG_DATA/PG_VERSION" ]; then
    version=$(cat "$PG_DATA/PG_VERSION")
    [ -x "/usr/lib/postgresql/$version/bin/initdb" ] && { echo "/usr/lib/postgresql/$version/bin"; return; }
  fi
  local dir
  # shellcheck disable=SC2012  # sort -V orders 9.6 < 15; a glob would not
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
  return 0
}

install_if_missing() {
  [ -n "$(find_bin_dir)" ] && return
  [ "$(id -u)" = 0 ] || deploy_die "PostgreSQL is not installed and installing it needs root: apt-get install postgresql"
  command -v apt-get >/dev/null || deploy_die "PostgreSQL is not installed and apt-get is not available to install it"
  deploy_say "PostgreSQL not found; installing it from Debian's packages (apt-get install postgresql)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  [ -n "$(find_bin_dir)" ] || deploy_die "installed postgresql but found no /usr/lib/postgresql/*/bin/initdb"
  # The package creates and may start a system cluster on 5432. This stack never uses it;
  # stop it so it does not hold memory and connections next to ours.
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h 2>/dev/null | while read -r ver name _; do
      pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" stop 2>/dev/null || true
    done
  fi
}

# initdb and postgres refuse to run as root, so as root the cluster belongs to the
# `postgres` account the package created. `cd /` first: postgres cannot enter /root and
# would warn about the current directory on every call.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

prepare_dirs() {
  mkdir -p "$PG_DATA" "$LOG_DIR"
  touch "$PG_LOG"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || deploy_die "no 'postgres' OS account to own the cluster (it comes with Debian's postgresql package)"
    # The repository (and so .data/) may sit under root-only folders. postgres only needs
    # to pass through them (x), not read them: grant exactly that, and only where missing.
    # Top down, since a closed parent makes every folder below it look closed too.
    local dir="" part
    local -a parts
    IFS=/ read -r -a parts <<<"${DATA_DIR#/}"
    for part in "${parts[@]}"; do
      dir="$dir/$part"
      if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
        chmod o+x "$dir"
        deploy_say "allowed others to traverse $dir (postgres must reach $PG_DATA)"
      fi
    done
    chown postgres:postgres "$PG_DATA" "$PG_LOG"
  fi
  chmod 700 "$PG_DATA"
}

init_cluster_once() {
  [ -f "$PG_DATA/PG_VERSION" ] && return
  deploy_say "initialising a PostgreSQL $(basename "$(dirname "$BIN")") cluster in $PG_DATA"
  # Local (unix socket, inside the data dir) connections are trusted so this script can
  # administer without a password; TCP needs the password, which start() sets.
  as_postgres "$BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$LOG_DIR/initdb.log" 2>&1 ||
    { tail -n 20 "$LOG_DIR/initdb.log" >&2; deploy_die "initdb failed (above)"; }
}

# Our settings live in their own file, rewritten on every start, so a changed
# POSTGRES_PORT or a changed line here takes effect without re-initialising.
write_config() {
  # Appended last, so it wins over anything earlier in postgresql.conf (also in clusters
  # made before this file existed).
  grep -qxF "include = 'stack.conf'" "$PG_DATA/postgresql.conf" ||
    echo "include = 'stack.conf'" >>"$PG_DATA/postgresql.conf"
  cat >"$PG_DATA/stack.conf" <<CONF
# Written by deploy/postgres.sh on every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
# Sockets in the data dir: /var/run/postgresql may not exist or belong to the system cluster.
unix_socket_directories = '$PG_DATA'
# Three services with pools, their consumers and relays, plus parallel tests.
max_connections = 300

# A development and test stack only: durability is traded for speed. A crash (not a
# clean stop) can lose or corrupt data; throw .data/postgres away then. Never production.
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA/stack.conf"
  return 0
}

running() {
  [ -n "${BIN:-}" ] && [ -f "$PG_DATA/PG_VERSION" ] &&
    as_postgres "$BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

accepting() {
  "$BIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -t 3
}

psql_admin() {
  as_postgres "$BIN/psql" -h "$PG_DATA" -p "$POSTGRES_PORT" -U postgres -d postgres \
    -X -q -v ON_ERROR_STOP=1 "$@"
}

# Idempotent: creates what is missing and (re)sets the password, so changing
# POSTGRES_PASSWORD and running start again is enough. Values travel as psql variables,
# quoted by psql (:'x' literal, :"x" identifier), never pasted into SQL text.
ensure_role_and_databases() {
  # Every service's database (DATABASES), as one comma-joined variable: names hold no commas.
  local joined
  joined=$(IFS=,; echo "${DATABASES[*]}")
  psql_admin -v user="$POSTGRES_USER" -v pw="$POSTGRES_PASSWORD" -v dbs="$joined" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I LOGIN CREATEDB', :'user')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
ALTER ROLE :"user" WITH LOGIN CREATEDB PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', d, :'user')
  FROM unnest(string_to_array(:'dbs', ',')) AS d
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = d) \gexec
SQL
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$POSTGRES_PORT") 2>/dev/null; }

start() {
  install_if_missing
  BIN=$(find_bin_dir)
  prepare_dirs
  init_cluster_once
  if running; then
    deploy_say "postgres already running on 127.0.0.1:$POSTGRES_PORT"
  else
    port_taken && deploy_die "127.0.0.1:$POSTGRES_PORT is already taken by another process; stop it or set POSTGRES_PORT"
    write_config
    deploy_say "starting PostgreSQL $(cat "$PG_DATA/PG_VERSION") on 127.0.0.1:$POSTGRES_PORT"
    as_postgres "$BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null ||
      { tail -n 30 "$PG_LOG" >&2; deploy_die "PostgreSQL did not start (last lines of $PG_LOG above)"; }
  fi
  ensure_role_and_databases
  deploy_say "postgres ready on 127.0.0.1:$POSTGRES_PORT (user $POSTGRES_USER; databases ${DATABASES[*]})"
}

stop() {
  BIN=$(find_bin_dir)
  if ! running; then deploy_say "postgres not running"; return; fi
  as_postgres "$BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
  deploy_say "postgres stopped"
}

status() {
  BIN=$(find_bin_dir)
  if ! running; then deploy_say "postgres stopped"; return 3; fi
  if accepting; then
    deploy_say "postgres $(cat "$PG_DATA/PG_VERSION") running on 127.0.0.1:$POSTGRES_PORT, accepting connections"
  else
    deploy_say "postgres process running but 127.0.0.1:$POSTGRES_PORT does not accept connections; see $PG_LOG"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
