#!/usr/bin/env bash
# The whole local stack: PostgreSQL, Kafka and the three services.
# Usage: deploy/stack.sh up|down|status
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SERVICES=(intake matching sessions)
RUN_DIR="$DATA_DIR/run"
LOG_DIR="$DATA_DIR/logs"

port_of() { local var="${1^^}_PORT"; echo "${!var}"; }

service_running() {
  [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null
}

start_service() {
  local name=$1 port; port=$(port_of "$name")
  if service_running "$name"; then say "$name already running on http://127.0.0.1:$port"; return; fi
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  (cd "$REPO_DIR" && nohup "$REPO_DIR/.venv/bin/python" -m uvicorn "services.$name.main:app" \
    --host 127.0.0.1 --port "$port" --no-access-log >>"$LOG_DIR/$name.log" 2>&1 &
   echo $! >"$RUN_DIR/$name.pid")
  for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return; fi
    service_running "$name" || { tail -n 30 "$LOG_DIR/$name.log"; die "$name exited during start-up"; }
    sleep 0.5
  done
  tail -n 30 "$LOG_DIR/$name.log"; die "$name did not answer /healthz in 30 s"
}

stop_service() {
  local name=$1
  if service_running "$name"; then
    kill "$(cat "$RUN_DIR/$name.pid")" && say "$name stopped"
  fi
  rm -f "$RUN_DIR/$name.pid"
}

up() {
  [ -x "$REPO_DIR/.venv/bin/python" ] || bash "$DEPLOY_DIR/venv.sh"
  bash "$DEPLOY_DIR/postgres.sh" start
  bash "$DEPLOY_DIR/kafka.sh" start
  for name in "${SERVICES[@]}"; do start_service "$name"; done
  echo
  echo "PostgreSQL  127.0.0.1:$POSTGRES_PORT  (user $POSTGRES_USER)"
  echo "Kafka       $KAFKA_BOOTSTRAP_SERVERS"
  for name in "${SERVICES[@]}"; do
    printf '%-11s http://127.0.0.1:%s  (OpenAPI: /docs, /openapi.json)\n' "$name" "$(port_of "$name")"
  done
  echo "logs in $LOG_DIR"
}

down() {
  for name in "${SERVICES[@]}"; do stop_service "$name"; done
  bash "$DEPLOY_DIR/kafka.sh" stop
  bash "$DEPLOY_DIR/postgres.sh" stop
}

status() {
  bash "$DEPLOY_DIR/postgres.sh" status || true
  bash "$DEPLOY_DIR/kafka.sh" status || true
  for name in "${SERVICES[@]}"; do
    if service_running "$name"; then say "$name running on http://127.0.0.1:$(port_of "$name")"
    else say "$name stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
