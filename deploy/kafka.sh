#!/usr/bin/env bash
# Apache Kafka in KRaft mode (one node, broker and controller) from its Maven Central
# artifacts, bound to 127.0.0.1. Usage: deploy/kafka.sh start|stop|status
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

KAFKA_DATA="$DATA_DIR/kafka"
LIBS="$CACHE_DIR/kafka-libs-$KAFKA_VERSION"
PID_FILE="$KAFKA_DATA/kafka.pid"
CONFIG="$KAFKA_DATA/server.properties"

require_tools() {
  command -v java >/dev/null || die "java not found: install a JDK 17+ (apt-get install openjdk-17-jre-headless)"
  command -v mvn >/dev/null || die "mvn not found: install Maven (apt-get install maven)"
}

fetch_libs() {
  [ -f "$LIBS/.complete" ] && return
  say "fetching Apache Kafka $KAFKA_VERSION and its runtime dependencies from Maven Central"
  rm -rf "$LIBS"
  mvn -q -f "$DEPLOY_DIR/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS" \
    || die "maven could not fetch the Kafka artifacts"
  touch "$LIBS/.complete"
}

kafka_java() {
  java -Dkafka.logs.dir="$KAFKA_DATA/logs" \
    -Dlog4j2.configurationFile="$DEPLOY_DIR/kafka/log4j2.properties" \
    -cp "$LIBS/*" "$@"
}

write_config() {
  mkdir -p "$KAFKA_DATA/logs" "$KAFKA_DATA/log-dirs"
  cat > "$CONFIG" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DATA/log-dirs
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
# A single local node: no reason to wait for other group members to join.
group.initial.rebalance.delay.ms=0
CONF
}

format_storage_once() {
  [ -f "$KAFKA_DATA/log-dirs/meta.properties" ] && return
  local cluster_id
  cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid | tail -n 1)
  say "formatting KRaft storage (cluster $cluster_id)"
  kafka_java kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$CONFIG" >/dev/null
}

running() {
  [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

answers() {
  kafka_java org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" >/dev/null 2>&1
}

wait_until_ready() {
  for _ in $(seq 1 90); do
    if ! running; then
      tail -n 40 "$KAFKA_DATA/logs/server.log" "$KAFKA_DATA/logs/console.log" 2>/dev/null || true
      die "the Kafka broker exited during start-up (logs above)"
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null && answers; then
      return
    fi
    sleep 1
  done
  tail -n 40 "$KAFKA_DATA/logs/server.log" 2>/dev/null || true
  die "Kafka did not answer on 127.0.0.1:$KAFKA_PORT within 90 s"
}

start() {
  if running; then say "kafka already running (pid $(cat "$PID_FILE")) on 127.0.0.1:$KAFKA_PORT"; return; fi
  require_tools
  fetch_libs
  write_config
  format_storage_once
  say "starting Apache Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$KAFKA_PORT"
  nohup java -Xms256m -Xmx768m -Dkafka.logs.dir="$KAFKA_DATA/logs" \
    -Dlog4j2.configurationFile="$DEPLOY_DIR/kafka/log4j2.properties" \
    -cp "$LIBS/*" kafka.Kafka "$CONFIG" >"$KAFKA_DATA/logs/console.log" 2>&1 &
  echo $! >"$PID_FILE"
  wait_until_ready
  say "kafka ready on 127.0.0.1:$KAFKA_PORT"
}

stop() {
  if ! running; then say "kafka not running"; rm -f "$PID_FILE"; return; fi
  local pid; pid=$(cat "$PID_FILE")
  kill "$pid"
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  say "kafka stopped"
}

status() {
  if running; then say "kafka running (pid $(cat "$PID_FILE")) on 127.0.0.1:$KAFKA_PORT"
  else say "kafka stopped"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
