#!/usr/bin/env bash
# Local Apache Kafka (KRaft, one node = broker + controller) on 127.0.0.1:9092 (controller 9093).
#   kafka.sh start        resolve jars (Maven, once), format storage (once), start, wait until it answers
#   kafka.sh stop         stop the broker this script started (no-op when stopped)
#   kafka.sh status       exit 0 only when a broker answers a metadata request on 127.0.0.1:9092
#   kafka.sh restart | logs | topics | create-topic NAME [PARTITIONS] | delete-topic NAME
#   kafka.sh credentials USER  (KAFKA_SECURITY=scram) prints the KAFKA_SASL_* settings of USER, for `env`
# Data: deploy/local/.data/kafka/   pid + logs: deploy/local/.run/kafka.{pid,log,out}
#
# KAFKA_SECURITY=scram: clients must authenticate (SASL/SCRAM-SHA-512) and are authorised by ACLs. The storage is
# formatted with a SCRAM user per service (KAFKA_SCRAM_USERS) and `admin`, with random passwords kept in
# .data/kafka/scram-credentials (mode 600); `pnpm kafka-acls grant` then grants each service its ACLs. A storage
# formatted in one mode is refused in the other (reset: down.sh && rm -rf deploy/local/.data/kafka).
# KAFKA_PORT, KAFKA_CONTROLLER_PORT and KAFKA_STATE_DIR (data, pid and logs in one folder) run a second broker
# beside the usual one, as the deploy test does. KAFKA_NODE_ID with KAFKA_QUORUM_VOTERS (id@host:port,...) make it
# one node of a multi-node cluster (cluster.properties); cluster.sh runs three that way.
set -euo pipefail
KAFKA_DIR="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/common.sh
source "$KAFKA_DIR/../lib/common.sh"

BOOTSTRAP="127.0.0.1:${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
LIB_DIR="$KAFKA_DIR/lib"
KAFKA_DATA="${KAFKA_STATE_DIR:-$DATA_DIR/kafka}"
KAFKA_RUN="${KAFKA_STATE_DIR:-$RUN_DIR}"
mkdir -p "$KAFKA_RUN"
CONFIG="$KAFKA_DATA/server.properties"
PID_FILE="$KAFKA_RUN/kafka.pid"
LOG_FILE="$KAFKA_RUN/kafka.log"   # broker log (log4j2, rolling, see log4j2.yaml)
OUT_FILE="$KAFKA_RUN/kafka.out"   # JVM stdout/stderr (crashes, early errors)
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
PROBE="${KAFKA_PROBE:-auto}"    # auto (kcat when installed, else KafkaAdmin.java) | kcat | java
SECURITY="${KAFKA_SECURITY:-plaintext}"   # plaintext | scram
NODE_ID="${KAFKA_NODE_ID:-1}"
VOTERS="${KAFKA_QUORUM_VOTERS:-}"         # empty: a single node, its own one-voter quorum
CREDENTIALS="$KAFKA_DATA/scram-credentials"
# One SCRAM user per service (and the demo's simulator); their ACLs: SERVICE_KAFKA_ACCESS in packages/kafka.
read -r -a SCRAM_USERS <<<"${KAFKA_SCRAM_USERS:-registry ingest alerting dispatch credit sharing console emergency simulator}"
case "$SECURITY" in plaintext | scram) ;; *) die "KAFKA_SECURITY must be plaintext or scram, not '$SECURITY'" ;; esac
JAVA="${KAFKA_JAVA:-java}"
read -r -a HEAP_OPTS <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
JVM_OPTS=(
  -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$KAFKA_DIR/log4j2.yaml" "-Dkafka.logs.dir=$KAFKA_RUN"
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

# The password of a SCRAM user from the credentials file.
scram_password() {
  [ -f "$CREDENTIALS" ] || die "kafka: no $CREDENTIALS: start the broker with KAFKA_SECURITY=scram first"
  sed -n "s/^$1=//p" "$CREDENTIALS" | head -n 1
}

# KafkaAdmin.java (as the admin user when the broker authenticates clients), at most $1 seconds.
admin_java() {
  local seconds=$1
  shift
  local -a user=()
  [ "$SECURITY" = scram ] && user=(KAFKA_SASL_USERNAME=admin "KAFKA_SASL_PASSWORD=$(scram_password admin)")
  timeout "$seconds" env "${user[@]}" "$JAVA" -cp "$LIB_DIR/*" "$KAFKA_DIR/KafkaAdmin.java" "$BOOTSTRAP" "$@"
}

# A metadata request that must list at least one broker.
probe() {
  port_open "${BOOTSTRAP##*:}" || return 1
  if [ "$SECURITY" = plaintext ] && { [ "$PROBE" = kcat ] || { [ "$PROBE" = auto ] && command -v kcat >/dev/null; }; }; then
    local out
    out="$(timeout 10 kcat -b "$BOOTSTRAP" -L -m 3 2>/dev/null)" || return 1
    grep -q 'broker [0-9]* at' <<<"$out"
  else
    compgen -G "$LIB_DIR/kafka-clients-*.jar" >/dev/null || return 1
    admin_java 30 probe >/dev/null 2>&1
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

lock() { exec 9>"$KAFKA_RUN/kafka.lock"; flock -w 300 9 || die "kafka: another kafka.sh holds $KAFKA_RUN/kafka.lock"; }

# The effective config: the template on this instance's ports, plus the SCRAM listeners in scram mode (later keys
# win in a properties file).
write_config() {
  sed -e "s|@LOG_DIRS@|$KAFKA_DATA/logs|" -e "s|127.0.0.1:9092|$BOOTSTRAP|g" -e "s|127.0.0.1:9093|127.0.0.1:$CONTROLLER_PORT|g" \
    "$KAFKA_DIR/server.properties" >"$CONFIG"
  if [ -n "$VOTERS" ]; then
    sed -i '/^controller.quorum.bootstrap.servers=/d' "$CONFIG"
    sed -e "s|@NODE_ID@|$NODE_ID|" -e "s|@VOTERS@|$VOTERS|" "$KAFKA_DIR/cluster.properties" >>"$CONFIG"
  fi
  if [ "$SECURITY" = scram ]; then
    sed -e "s|@PORT@|${BOOTSTRAP##*:}|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@ADMIN_PASSWORD@|$(scram_password admin)|g" \
      "$KAFKA_DIR/scram.properties" >>"$CONFIG"
  fi
  chmod 600 "$CONFIG"
}

# Random passwords for admin and every service user, once per storage.
ensure_credentials() {
  [ -f "$CREDENTIALS" ] && return 0
  local user
  (umask 077 && for user in admin "${SCRAM_USERS[@]}"; do printf '%s=%s\n' "$user" "$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"; done >"$CREDENTIALS")
}

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
  if [ -f "$KAFKA_DATA/logs/meta.properties" ]; then
    local formatted
    formatted="$(cat "$KAFKA_DATA/security" 2>/dev/null || echo plaintext)"
    [ "$formatted" = "$SECURITY" ] || die "kafka: the storage in $KAFKA_DATA is formatted for KAFKA_SECURITY=$formatted, not $SECURITY (reset: down.sh && rm -rf $KAFKA_DATA)"
  fi
  [ "$SECURITY" = scram ] && ensure_credentials
  write_config
  if [ ! -f "$KAFKA_DATA/logs/meta.properties" ]; then
    local cluster_id user
    local -a scram=()
    if [ "$SECURITY" = scram ]; then
      for user in admin "${SCRAM_USERS[@]}"; do scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(scram_password "$user")]"); done
    fi
    # The nodes of a cluster share one id (KAFKA_CLUSTER_ID, from cluster.sh); a static quorum is formatted without
    # --standalone.
    local -a quorum=(--standalone)
    [ -n "$VOTERS" ] && quorum=()
    cluster_id="${KAFKA_CLUSTER_ID:-$("$JAVA" -cp "$LIB_DIR/*" kafka.tools.StorageTool random-uuid 2>/dev/null)}"
    "$JAVA" "${JVM_OPTS[@]}" -cp "$LIB_DIR/*" kafka.tools.StorageTool format \
        --config "$CONFIG" --cluster-id "$cluster_id" "${quorum[@]}" "${scram[@]}" >"$KAFKA_RUN/kafka-format.log" 2>&1 \
      || { cat "$KAFKA_RUN/kafka-format.log" >&2; die "kafka: formatting storage in $KAFKA_DATA failed"; }
    printf '%s\n' "$SECURITY" >"$KAFKA_DATA/security"
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
  admin_java 60 "$@"
}

# `env $(kafka.sh credentials alerting) node …`: the user's SASL settings (nothing in plaintext mode).
cmd_credentials() {
  [ "$SECURITY" = scram ] || return 0
  local password
  password="$(scram_password "$1")"
  [ -n "$password" ] || die "kafka: no SCRAM user '$1' in $CREDENTIALS"
  printf 'KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME=%s KAFKA_SASL_PASSWORD=%s\n' "$1" "$password"
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
  credentials) [ $# -ge 2 ] || die "usage: kafka.sh credentials USER"; cmd_credentials "$2" ;;
  *) echo "usage: $0 start|stop|restart|status|logs [N]|topics|create-topic NAME [PARTITIONS]|delete-topic NAME|credentials USER" >&2; exit 2 ;;
esac
