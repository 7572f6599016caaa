#!/usr/bin/env bash
# Local Apache Kafka (KRaft, one node = broker + controller) on 127.0.0.1:9092 (controller 9093).
#   kafka.sh start        resolve jars (Maven, once), format storage (once), start, wait until it answers
#   kafka.sh stop         stop the broker this script started (no-op when stopped)
#   kafka.sh status       exit 0 only when a broker answers a metadata request on 127.0.0.1:9092
#   kafka.sh restart | logs | topics | create-topic NAME [PARTITIONS] | delete-topic NAME
# Data: deploy/local/.data/kafka/   pid + logs: deploy/local/.run/kafka.{pid,log,out}
set -euo pipefail
KAFKA_DIR="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/common.sh
source "$KAFKA_DIR/../lib/common.sh"

BOOTSTRAP=127.0.0.1:9092
CONTROLLER_PORT=9093
LIB_DIR="$KAFKA_DIR/lib"
KAFKA_DATA="$DATA_DIR/kafka"
CONFIG="$KAFKA_DATA/server.properties"
PID_FILE="$RUN_DIR/kafka.pid"
LOG_FILE="$RUN_DIR/kafka.log"   # broker log (log4j2, rolling, see log4j2.yaml)
OUT_FILE="$RUN_DIR/kafka.out"   # JVM stdout/stderr (crashes, early errors)
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
PROBE="${KAFKA_PROBE:-auto}"    # auto (kcat when installed, else KafkaAdmin.java) | kcat | java
JAVA="${KAFKA_JAVA:-java}"
read -r -a HEAP_OPTS <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
JVM_OPTS=(
  -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$KAFKA_DIR/log4j2.yaml" "-Dkafka.logs.dir=$RUN_DIR"
)

ensure_java() {
  command -v "$JAVA" >/dev/null || die "java not found: Kafka 4 needs Java 17+ (apt-get install openjdk-17-jre-headless)"
  local v
  v="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ "${v%%.*}" -ge 17 ] 2>/dev/null || die "Kafka 4 needs Java 17+, '$JAVA' is Java ${v:-unknown}"
}

# lib/ holds the jars Maven resolved from pom.xml; lib/.pom.sha256 says from which pom.
# Present and matching: nothing to do (works offline). Otherwise resolve into a temp dir and swap.
ensure_lib() {
  local want have=""
  want="$(sha256sum "$KAFKA_DIR/pom.xml" | cut -d' ' -f1)"
  [ -f "$LIB_DIR/.pom.sha256" ] && have="$(cat "$LIB_DIR/.pom.sha256")"
  if [ "$want" = "$have" ] && compgen -G "$LIB_DIR/kafka_2.13-*.jar" >/dev/null; then return 0; fi
  command -v mvn >/dev/null || die "mvn not found: needed once to resolve the Kafka jars (apt-get install maven)"
  log "kafka: resolving broker jars with Maven (once)..."
  local tmp
  tmp="$(mktemp -d "$RUN_DIR/kafka-lib.XXXXXX")"
  if ! mvn -q -B -Dstyle.color=never -f "$KAFKA_DIR/pom.xml" package "-Dkafka.lib.dir=$tmp" \
      >"$RUN_DIR/kafka-mvn.log" 2>&1 </dev/null; then
    rm -rf "$tmp"; tail -n 30 "$RUN_DIR/kafka-mvn.log" >&2
    die "kafka: Maven could not resolve the broker jars (full log: $RUN_DIR/kafka-mvn.log)"
  fi
  printf '%s\n' "$want" >"$tmp/.pom.sha256"
  rm -rf "$LIB_DIR" && mv "$tmp" "$LIB_DIR"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A metadata request that must list at least one broker.
probe() {
  port_open "${BOOTSTRAP##*:}" || return 1
  if [ "$PROBE" = kcat ] || { [ "$PROBE" = auto ] && command -v kcat >/dev/null; }; then
    local out
    out="$(timeout 10 kcat -b "$BOOTSTRAP" -L -m 3 2>/dev/null)" || return 1
    grep -q 'broker [0-9]* at' <<<"$out"
  else
    compgen -G "$LIB_DIR/kafka-clients-*.jar" >/dev/null || return 1
    timeout 30 "$JAVA" -cp "$LIB_DIR/*" "$KAFKA_DIR/KafkaAdmin.java" "$BOOTSTRAP" probe >/dev/null 2>&1
  fi
}

# Pid of the broker this script started, if it is alive.
our_pid() {
  local pid
  [ -f "$PID_FILE" ] || return 1
  pid="$(cat "$PID_FILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  printf '%s\n' "$pid"
}

fail_with_logs() {
  { echo "---- $OUT_FILE (tail)"; tail -n 20 "$OUT_FILE" 2>/dev/null || true
    echo "---- $LOG_FILE (tail)"; tail -n 40 "$LOG_FILE" 2>/dev/null || true; } >&2
  die "$1"
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + READY_TIMEOUT))
  until probe; do
    kill -0 "$pid" 2>/dev/null || fail_with_logs "kafka: broker process $pid exited during startup (a broken .data/kafka? reset: down.sh && rm -rf $KAFKA_DATA)"
    [ "$SECONDS" -lt "$deadline" ] || fail_with_logs "kafka: no answer on $BOOTSTRAP within ${READY_TIMEOUT}s (pid $pid still running)"
    sleep 0.5
  done
}

lock() { exec 9>"$RUN_DIR/kafka.lock"; flock -w 300 9 || die "kafka: another kafka.sh holds $RUN_DIR/kafka.lock"; }

cmd_start() {
  lock
  local pid t0=$SECONDS
  # The jars are needed even when another broker already answers: fault tests start brokers of their own.
  ensure_java
  ensure_lib
  if pid="$(our_pid)"; then
    wait_ready "$pid"
    log "kafka: running (pid $pid) at $BOOTSTRAP"
    return 0
  fi
  rm -f "$PID_FILE"
  if port_open "${BOOTSTRAP##*:}" || port_open "$CONTROLLER_PORT"; then
    if probe; then log "kafka: reusing the broker already answering at $BOOTSTRAP (not started by kafka.sh)"; return 0; fi
    die "kafka: port ${BOOTSTRAP##*:} or $CONTROLLER_PORT is taken by something that is not a Kafka broker: $(ss -ltnpH "( sport = :${BOOTSTRAP##*:} or sport = :$CONTROLLER_PORT )" 2>/dev/null | head -n 2)"
  fi
  ensure_java
  ensure_lib
  mkdir -p "$KAFKA_DATA/logs"
  sed "s|@LOG_DIRS@|$KAFKA_DATA/logs|" "$KAFKA_DIR/server.properties" >"$CONFIG"
  if [ ! -f "$KAFKA_DATA/logs/meta.properties" ]; then
    local cluster_id
    cluster_id="$("$JAVA" -cp "$LIB_DIR/*" kafka.tools.StorageTool random-uuid 2>/dev/null)"
    "$JAVA" "${JVM_OPTS[@]}" -cp "$LIB_DIR/*" kafka.tools.StorageTool format \
        --config "$CONFIG" --cluster-id "$cluster_id" --standalone >"$RUN_DIR/kafka-format.log" 2>&1 \
      || { cat "$RUN_DIR/kafka-format.log" >&2; die "kafka: formatting storage in $KAFKA_DATA failed"; }
  fi
  # New session (setsid) + nohup: the broker outlives the calling shell; fd 9 (the lock) is not inherited.
  (cd "$KAFKA_DATA" && exec setsid nohup "$JAVA" "${HEAP_OPTS[@]}" "${JVM_OPTS[@]}" -cp "$LIB_DIR/*" \
      kafka.Kafka "$CONFIG" >>"$OUT_FILE" 2>&1 </dev/null 9>&-) &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  wait_ready "$pid"
  log "kafka: started (pid $pid) at $BOOTSTRAP in $((SECONDS - t0))s"
}

cmd_stop() {
  lock
  local pid
  if pid="$(our_pid)"; then
    kill -TERM "$pid"
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then warn "kafka: pid $pid ignored SIGTERM for 60s, killing"; kill -KILL "$pid"; fi
    rm -f "$PID_FILE"
    log "kafka: stopped (pid $pid)"
  else
    rm -f "$PID_FILE"
    if port_open "${BOOTSTRAP##*:}"; then
      log "kafka: nothing started by kafka.sh here; the broker at $BOOTSTRAP belongs to someone else, left alone"
    else
      log "kafka: not running"
    fi
  fi
}

cmd_status() {
  local pid
  if probe; then
    if pid="$(our_pid)"; then log "kafka: running (pid $pid) at $BOOTSTRAP"; else log "kafka: answering at $BOOTSTRAP (not started by kafka.sh)"; fi
    return 0
  fi
  if pid="$(our_pid)"; then log "kafka: pid $pid alive but not answering at $BOOTSTRAP"; else log "kafka: not running"; fi
  return 1
}

admin() {
  compgen -G "$LIB_DIR/kafka-clients-*.jar" >/dev/null || { ensure_java; ensure_lib; }
  exec "$JAVA" -cp "$LIB_DIR/*" "$KAFKA_DIR/KafkaAdmin.java" "$BOOTSTRAP" "$@"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  logs) exec tail -n "${2:-100}" "$LOG_FILE" ;;
  topics) admin list ;;
  create-topic) [ $# -ge 2 ] || die "usage: kafka.sh create-topic NAME [PARTITIONS]"; admin create "$2" "${3:-1}" ;;
  delete-topic) [ $# -ge 2 ] || die "usage: kafka.sh delete-topic NAME"; admin delete "$2" ;;
  *) echo "usage: $0 start|stop|restart|status|logs [N]|topics|create-topic NAME [PARTITIONS]|delete-topic NAME" >&2; exit 2 ;;
esac
