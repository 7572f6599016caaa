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
bash "$DIR/kafka/kafka.sh" start 8>&-
log "infra: up in $((SECONDS - t0))s: KAFKA_BROKERS=127.0.0.1:9092 REDIS_URL=redis://127.0.0.1:6379 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecogrid"
