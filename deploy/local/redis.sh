#!/usr/bin/env bash
# Ensure Redis answers PONG on 127.0.0.1:6379. Reuses a running server; otherwise starts one
# (no persistence, loopback only) and remembers that in .run/redis.started-by-us for down.sh.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "$0")" && pwd)/lib/common.sh"

HOST=127.0.0.1 PORT=6379
MARKER="$RUN_DIR/redis.started-by-us"
LOGFILE=/var/log/redis/ci.log

if ! { command -v redis-server && command -v redis-cli; } >/dev/null; then
  apt_install redis-server redis-tools
fi

ping() { [ "$(timeout 5 redis-cli -h "$HOST" -p "$PORT" ping 2>/dev/null)" = PONG ]; }

started=""
if ! ping; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile "$LOGFILE" >"$RUN_DIR/redis-start.log" 2>&1 \
    || { cat "$RUN_DIR/redis-start.log" >&2; die "redis: redis-server failed to start"; }
  wait_for 15 ping || { tail -n 20 "$LOGFILE" >&2 2>/dev/null || true; die "redis: started but $HOST:$PORT does not answer PONG"; }
  : >"$MARKER"
  started=" (started)"
fi
log "redis: ready at redis://$HOST:$PORT ($(redis-cli -h "$HOST" -p "$PORT" info server | sed -n 's/^redis_version:\([^[:space:]]*\).*/v\1/p'))$started"
