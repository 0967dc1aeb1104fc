#!/usr/bin/env bash
# The whole local stack: PostgreSQL, Kafka and the five services as plain processes.
#
#   deploy/stack.sh up       postgres.sh start, kafka.sh start, then for each service its
#                            database's migrations (python -m shared.migrate) and uvicorn on
#                            127.0.0.1, waiting for its /healthz; harmless to repeat
#   deploy/stack.sh down     stop the services, then Kafka, then PostgreSQL
#   deploy/stack.sh status   report each; exit 0 only when all seven are up
#
# Service logs: .data/logs/<name>.log; pid files: .data/run/<name>.pid.
set -euo pipefail
# shellcheck source=deploy/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SERVICES=(intake matching sessions insights webhooks)
RUN_DIR="$DATA_DIR/run"
LOG_DIR="$DATA_DIR/logs"
PYTHON="$REPO_DIR/.venv/bin/python"
HEALTH_TIMEOUT="${SERVICE_START_TIMEOUT:-60}"

port_of() { local var="${1^^}_PORT"; echo "${!var}"; }
pid_of() { cat "$RUN_DIR/$1.pid" 2>/dev/null || true; }

# Checks the command line too: a pid file that survived a reboot may name another process.
service_running() {
  local pid; pid=$(pid_of "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  local cmdline; cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"services.$1.main:create_app"* ]]
}

# curl when present; otherwise the venv's Python, which the services need anyway.
healthy() {
  local url="http://127.0.0.1:$1/healthz"
  if command -v curl >/dev/null; then
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url")" = 200 ]
  else
    "$PYTHON" -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('$url', timeout=3).status != 200)" 2>/dev/null
  fi
}

start_service() {
  local name=$1 port; port=$(port_of "$name")
  # Before the running check: an `up` after a pull migrates a running service's database
  # too (migrations only add, so the running release keeps working on it).
  (cd "$REPO_DIR" && "$PYTHON" -m shared.migrate "$name") ||
    deploy_die "migrating $name's database failed (output above); the service was not started"
  if service_running "$name"; then
    deploy_say "$name already running (pid $(pid_of "$name")) on http://127.0.0.1:$port"
    return
  fi
  [ -f "$REPO_DIR/services/$name/main.py" ] || deploy_die "services/$name/main.py does not exist"
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
    deploy_die "127.0.0.1:$port is already taken by another process; stop it or set ${name^^}_PORT"
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  rm -f "$RUN_DIR/$name.pid"  # a stale one would be read before the new pid is written
  deploy_say "starting $name on http://127.0.0.1:$port"
  # From the repository root so `services.<name>` imports; setsid so the service outlives
  # this script and a Ctrl-C in the calling terminal. The inner shell writes its own pid,
  # cds, then execs Python, so the pid file names the service process itself. No ( ... &)
  # subshell here: it would linger as the service's parent holding this script's stdout,
  # and `stack.sh up | tee` or a captured subprocess would never see end-of-file.
  # shellcheck disable=SC2016  # $$, $0, $1 and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$0" && cd "$1" && shift && exec "$@"' "$RUN_DIR/$name.pid" "$REPO_DIR" \
    "$PYTHON" -m uvicorn --factory "services.$name.main:create_app" --host 127.0.0.1 --port "$port" --no-access-log \
    </dev/null >>"$LOG_DIR/$name.log" 2>&1 &
  for _ in $(seq 1 50); do [ -s "$RUN_DIR/$name.pid" ] && break; sleep 0.1; done
  local deadline=$((SECONDS + HEALTH_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    healthy "$port" && return 0
    if ! service_running "$name"; then
      tail -n 30 "$LOG_DIR/$name.log" >&2
      rm -f "$RUN_DIR/$name.pid"
      deploy_die "$name exited during start-up (last lines of $LOG_DIR/$name.log above)"
    fi
    sleep 0.5
  done
  tail -n 30 "$LOG_DIR/$name.log" >&2
  deploy_die "$name did not answer /healthz with 200 within ${HEALTH_TIMEOUT}s (log above)"
}

stop_service() {
  local name=$1
  if ! service_running "$name"; then rm -f "$RUN_DIR/$name.pid"; return; fi
  local pid; pid=$(pid_of "$name")
  kill -TERM "$pid"
  # uvicorn drains requests and runs the app's shutdown (consumers, relay) on SIGTERM;
  # waiting here keeps `down; up` from racing the old process for the port.
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    deploy_say "$name did not stop within 20s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/$name.pid"
  deploy_say "$name stopped"
}

up() {
  # Fast when nothing changed (see venv.sh); creates .venv on a fresh clone.
  bash "$DEPLOY_DIR/venv.sh"
  bash "$DEPLOY_DIR/postgres.sh" start
  bash "$DEPLOY_DIR/kafka.sh" start
  for name in "${SERVICES[@]}"; do start_service "$name"; done
  echo
  echo "PostgreSQL  127.0.0.1:$POSTGRES_PORT  user $POSTGRES_USER, databases $INTAKE_DATABASE $MATCHING_DATABASE $SESSIONS_DATABASE $INSIGHTS_DATABASE $WEBHOOKS_DATABASE"
  echo "Kafka       $KAFKA_BOOTSTRAP_SERVERS  (Apache Kafka $KAFKA_VERSION, KRaft)"
  for name in "${SERVICES[@]}"; do
    printf '%-11s http://127.0.0.1:%s  (OpenAPI at /docs and /openapi.json)\n' "$name" "$(port_of "$name")"
  done
  echo "logs        $LOG_DIR, $DATA_DIR/kafka/logs"
}

down() {
  for name in "${SERVICES[@]}"; do stop_service "$name"; done
  bash "$DEPLOY_DIR/kafka.sh" stop
  bash "$DEPLOY_DIR/postgres.sh" stop
}

status() {
  local all_up=0
  bash "$DEPLOY_DIR/postgres.sh" status || all_up=1
  bash "$DEPLOY_DIR/kafka.sh" status || all_up=1
  for name in "${SERVICES[@]}"; do
    local port; port=$(port_of "$name")
    if ! service_running "$name"; then
      deploy_say "$name stopped"; all_up=1
    elif healthy "$port"; then
      deploy_say "$name running (pid $(pid_of "$name")) on http://127.0.0.1:$port, /healthz 200"
    else
      deploy_say "$name process running but /healthz on 127.0.0.1:$port does not answer 200; see $LOG_DIR/$name.log"
      all_up=1
    fi
  done
  return $all_up
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
