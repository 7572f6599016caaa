#!/usr/bin/env bash
# Bring up the local infrastructure: system packages (only missing ones), Redis, PostgreSQL, Kafka.
# Idempotent: whatever already answers is reused. Prints one line per component.
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/common.sh
source "$DIR/lib/common.sh"

t0=$SECONDS
# Serialise concurrent up.sh runs; children must not inherit the lock (daemons would keep it held).
exec 8>"$RUN_DIR/up.lock"
flock -w 600 8 || die "another up.sh is still running (lock $RUN_DIR/up.lock)"
bash "$DIR/install-system-deps.sh" 8>&-
bash "$DIR/redis.sh" 8>&-
bash "$DIR/postgres.sh" 8>&-
# KAFKA_NODES=3: the three-node cluster (replication factor 3) instead of the single demo broker.
if [ "${KAFKA_NODES:-1}" = 3 ]; then
  bash "$DIR/kafka/cluster.sh" start 8>&-
else
  [ "${KAFKA_NODES:-1}" = 1 ] || die "KAFKA_NODES must be 1 (the demo broker) or 3 (a replicated cluster), not '$KAFKA_NODES'"
  bash "$DIR/kafka/kafka.sh" start 8>&-
fi
# shellcheck source=env.sh
source "$DIR/env.sh"
log "infra: up in $((SECONDS - t0))s: KAFKA_BROKERS=$KAFKA_BROKERS REDIS_URL=redis://127.0.0.1:6379 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecogrid"
