#!/usr/bin/env bash
# A local Apache Kafka broker: KRaft, one node that is both broker and controller, bound to
# 127.0.0.1, run straight from Kafka's own Maven Central artifacts (no tarball, no Docker).
#
#   deploy/kafka.sh start    fetch the jars if needed, format storage once, start, wait until
#                            the broker serves metadata; harmless when already running
#   deploy/kafka.sh stop     stop it (SIGTERM: Kafka shuts down cleanly on it)
#   deploy/kafka.sh status   exit 0 running and answering, 1 running but not answering, 3 stopped
#
# State: .data/kafka/ (server.properties, data/, logs/server.log, kafka.pid).
# Jars:  .cache/kafka-libs/ (re-fetched when the version or deploy/kafka/pom.xml changes).
set -euo pipefail
# shellcheck source=deploy/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

KAFKA_DATA="$DATA_DIR/kafka"
CONFIG="$KAFKA_DATA/server.properties"
LOG_DIR="$KAFKA_DATA/logs"
PID_FILE="$KAFKA_DATA/kafka.pid"
LIBS="$CACHE_DIR/kafka-libs"
POM="$DEPLOY_DIR/kafka/pom.xml"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"

require_java() {
  command -v java >/dev/null ||
    deploy_die "java not found. Kafka $KAFKA_VERSION needs Java 17+: apt-get install openjdk-17-jre-headless maven"
  local spec
  spec=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  # Kafka 4.x brokers are compiled for Java 17 and fail on anything older with an obscure
  # UnsupportedClassVersionError; say it plainly instead.
  [ "${spec%%.*}" -ge 17 ] 2>/dev/null ||
    deploy_die "java is version ${spec:-unknown}; Kafka $KAFKA_VERSION needs 17+: apt-get install openjdk-17-jre-headless"
}

# The cache is keyed on the version and the pom's content, so editing either re-fetches
# instead of silently running an old classpath.
libs_stamp() { printf '%s %s\n' "$KAFKA_VERSION" "$(sha256sum "$POM" | cut -d' ' -f1)"; }

fetch_libs() {
  if [ -f "$LIBS/.stamp" ] && [ "$(cat "$LIBS/.stamp")" = "$(libs_stamp)" ]; then return; fi
  command -v mvn >/dev/null ||
    deploy_die "mvn not found; it fetches Kafka from Maven Central: apt-get install openjdk-17-jre-headless maven"
  deploy_say "fetching Apache Kafka $KAFKA_VERSION and its runtime dependencies from Maven Central into $LIBS"
  # Into a scratch folder first: an interrupted download must not leave a half classpath
  # that looks complete.
  local tmp="$LIBS.partial"
  rm -rf "$tmp"
  mkdir -p "$CACHE_DIR"
  # Maven's output goes to a file (even -q leaves colour escapes on the terminal) and is
  # shown only when it fails.
  local mvn_log="$CACHE_DIR/kafka-libs.mvn.log"
  mvn -q -B -Dstyle.color=never -f "$POM" -Dkafka.version="$KAFKA_VERSION" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$mvn_log" 2>&1 ||
    { tail -n 30 "$mvn_log" >&2
      deploy_die "Maven could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION (output above; is Maven Central reachable?)"; }
  ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 ||
    deploy_die "Maven finished but $tmp has no kafka_2.13-$KAFKA_VERSION.jar"
  libs_stamp >"$tmp/.stamp"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
}

# java with the cached classpath and our logging; used for the broker and its tools alike,
# so even StorageTool's chatter lands in server.log rather than on the terminal.
kafka_java() {
  java -Dkafka.logs.dir="$LOG_DIR" \
    -Dlog4j2.configurationFile="$DEPLOY_DIR/kafka/log4j2.properties" \
    -cp "$LIBS/*" "$@"
}

write_config() {
  mkdir -p "$LOG_DIR" "$KAFKA_DATA/data"
  # Rewritten on every start so a changed KAFKA_PORT takes effect; only storage is formatted once.
  cat >"$CONFIG" <<CONF
# Written by deploy/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
# Dynamic quorum (formatted with --standalone): this node is the only voter.
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA/data

# One node: every internal topic must be satisfiable with a single replica, or the
# first consumer group / idempotent producer / transaction waits forever.
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=true

# Tests start and stop many consumers: no waiting for other members that never come.
group.initial.rebalance.delay.ms=0
# Shutdown needs no tuning: with the controller in the same process, SIGTERM's controlled
# shutdown takes ~0.3 s (measured on 4.4.0) and the JVM is gone within ~2 s.
CONF
}

format_storage_once() {
  [ -f "$KAFKA_DATA/data/meta.properties" ] && return
  local cluster_id
  cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid | tail -n 1)
  [ -n "$cluster_id" ] || deploy_die "kafka.tools.StorageTool random-uuid printed nothing (see $LOG_DIR/server.log)"
  deploy_say "formatting KRaft storage in $KAFKA_DATA/data (cluster id $cluster_id)"
  kafka_java kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$CONFIG" >>"$LOG_DIR/format.log" 2>&1 ||
    { tail -n 20 "$LOG_DIR/format.log" >&2; deploy_die "formatting Kafka storage failed (above)"; }
}

# A live pid is not enough: after a reboot the number may belong to something else.
running() {
  [ -f "$PID_FILE" ] || return 1
  local pid; pid=$(cat "$PID_FILE")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  local cmdline; cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"kafka.Kafka $CONFIG"* ]]
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Readiness at the protocol level, with bash alone (no JVM per poll, no Python needed):
# send a Metadata v1 request for no topics and read the reply header. A KRaft broker lists
# itself among the brokers only once the controller has unfenced it, which is the moment
# producers and consumers can really use it; an open port alone comes earlier.
#   request: size=18 | api_key=3 (Metadata) | version=1 | correlation_id=7 | client_id="ping" | topics=[]
#   reply:   size    | correlation_id        | number of brokers | ...
broker_answers() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT" &&
            printf '\x00\x00\x00\x12\x00\x03\x00\x01\x00\x00\x00\x07\x00\x04ping\x00\x00\x00\x00' >&3 &&
            timeout 5 head -c 12 <&3 | od -An -tu1 -v) 2>/dev/null) || return 1
  local b; read -r -a b <<<"${reply//$'\n'/ }"
  [ "${#b[@]}" -eq 12 ] || return 1
  [ "${b[4]}${b[5]}${b[6]}${b[7]}" = "0007" ] || return 1
  local brokers=$(( (b[8] << 24) | (b[9] << 16) | (b[10] << 8) | b[11] ))
  [ "$brokers" -ge 1 ]
}

show_logs() {
  echo "--- last lines of $LOG_DIR/console.log (JVM output) ---" >&2
  tail -n 15 "$LOG_DIR/console.log" >&2 2>/dev/null || true
  echo "--- last lines of $LOG_DIR/server.log ---" >&2
  tail -n 40 "$LOG_DIR/server.log" >&2 2>/dev/null || true
}

wait_until_ready() {
  local pid; pid=$(cat "$PID_FILE")
  local deadline=$((SECONDS + START_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    broker_answers && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      show_logs
      rm -f "$PID_FILE"
      deploy_die "the Kafka broker exited during start-up (logs above)"
    fi
    sleep 1
  done
  show_logs
  deploy_die "Kafka did not serve metadata on 127.0.0.1:$KAFKA_PORT within ${START_TIMEOUT}s (still running as pid $pid; logs above)"
}

start() {
  if running; then
    if broker_answers; then
      deploy_say "kafka already running (pid $(cat "$PID_FILE")) on 127.0.0.1:$KAFKA_PORT"
      return
    fi
    # Started by an earlier call that gave up waiting, or still starting: wait again.
    deploy_say "kafka process exists (pid $(cat "$PID_FILE")) but does not answer yet; waiting"
    wait_until_ready
    deploy_say "kafka ready on 127.0.0.1:$KAFKA_PORT"
    return
  fi
  rm -f "$PID_FILE"
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_open "$port" && deploy_die "127.0.0.1:$port is already taken by another process (not this stack's broker); stop it or set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
  done
  require_java
  fetch_libs
  write_config
  format_storage_once
  deploy_say "starting Apache Kafka $KAFKA_VERSION (KRaft, broker+controller) on 127.0.0.1:$KAFKA_PORT"
  # setsid: the broker must outlive this script and not receive the terminal's or a CI
  # job's Ctrl-C / process-group kill. The inner shell records its own pid and then execs
  # java, so the pid file names the JVM itself.
  # shellcheck disable=SC2086  # KAFKA_HEAP_OPTS is a list of JVM flags
  # shellcheck disable=SC2016  # $$, $0 and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java $KAFKA_HEAP_OPTS -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$DEPLOY_DIR/kafka/log4j2.properties" \
      -cp "$LIBS/*" kafka.Kafka "$CONFIG" \
    </dev/null >>"$LOG_DIR/console.log" 2>&1 &
  for _ in $(seq 1 50); do [ -s "$PID_FILE" ] && break; sleep 0.1; done
  wait_until_ready
  deploy_say "kafka ready on 127.0.0.1:$KAFKA_PORT (pid $(cat "$PID_FILE"), logs in $LOG_DIR)"
}

stop() {
  if ! running; then
    rm -f "$PID_FILE"
    deploy_say "kafka not running"
    return
  fi
  local pid; pid=$(cat "$PID_FILE")
  deploy_say "stopping kafka (pid $pid)"
  kill -TERM "$pid"
  # A clean shutdown writes checkpoints so the next start skips log recovery; give it time.
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    deploy_say "kafka did not stop within 60s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  deploy_say "kafka stopped"
}

status() {
  if ! running; then deploy_say "kafka stopped"; return 3; fi
  if broker_answers; then
    deploy_say "kafka $KAFKA_VERSION running (pid $(cat "$PID_FILE")) on 127.0.0.1:$KAFKA_PORT, answering"
  else
    deploy_say "kafka process running (pid $(cat "$PID_FILE")) but 127.0.0.1:$KAFKA_PORT does not answer; see $LOG_DIR/server.log"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
