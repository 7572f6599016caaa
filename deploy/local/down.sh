#!/usr/bin/env bash
# Stop the local infrastructure: Kafka always (if running); Redis and PostgreSQL only when our
# scripts started them (markers in .run/); servers that were already running are left alone.
# Data stays in .data/ (delete it after down.sh for a clean slate).
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/common.sh
source "$DIR/lib/common.sh"

bash "$DIR/kafka/kafka.sh" stop
# The three-node cluster, when KAFKA_NODES=3 started it (a no-op for nodes that do not run).
[ -d "$DATA_DIR/kafka-cluster" ] && bash "$DIR/kafka/cluster.sh" stop

if [ -f "$RUN_DIR/redis.started-by-us" ]; then
  if [ "$(timeout 5 redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; then
    redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true
    wait_for 15 bash -c '! redis-cli -h 127.0.0.1 -p 6379 ping' || die "redis: still answering after SHUTDOWN"
    log "redis: stopped"
  else
    log "redis: not running"
  fi
  rm -f "$RUN_DIR/redis.started-by-us"
else
  log "redis: not started by up.sh, left as is"
fi

if [ -f "$RUN_DIR/postgres.started-by-us" ]; then
  read -r ver cluster <"$RUN_DIR/postgres.started-by-us"
  if pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" status >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" stop
    log "postgres: stopped cluster $ver/$cluster"
  else
    log "postgres: not running"
  fi
  rm -f "$RUN_DIR/postgres.started-by-us"
else
  log "postgres: not started by up.sh, left as is"
fi
