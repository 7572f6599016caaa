#!/usr/bin/env bash
# Prometheus and Zipkin for operators on this machine: `start`, `stop`, `status`.
# `ECOGRID_OBSERVABILITY=1 pnpm start` runs it (and stops what it started); it can also run on its own beside a
# running platform. Installs what is missing: Prometheus from Debian's package, the Zipkin server
# (io.zipkin:zipkin-server:3.4.4, the exec jar) from Maven Central into .data/zipkin/. Java 17 runs Zipkin.
#   Prometheus  http://127.0.0.1:${PROMETHEUS_PORT:-9090}  scraping deploy/prometheus/prometheus.yml, with its rules
#   Zipkin      http://127.0.0.1:${ZIPKIN_PORT:-9411}      the services send spans when OTEL_EXPORTER_ZIPKIN_ENDPOINT is set
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "$0")" && pwd)/lib/common.sh"
ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
ZIPKIN_PORT="${ZIPKIN_PORT:-9411}"
ZIPKIN_VERSION=3.4.4
ZIPKIN_JAR="$DATA_DIR/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar"

running() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

install() {
  apt_install prometheus
  [ -z "$APT_INSTALLED" ] || log "observability: installed $APT_INSTALLED"
  if [ ! -s "$ZIPKIN_JAR" ]; then
    log "observability: fetching zipkin-server $ZIPKIN_VERSION (Maven)"
    mkdir -p "$(dirname "$ZIPKIN_JAR")"
    mvn -q -B dependency:copy "-Dartifact=io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
      "-DoutputDirectory=$(dirname "$ZIPKIN_JAR")" >"$RUN_DIR/zipkin-mvn.log" 2>&1 \
      || { tail -20 "$RUN_DIR/zipkin-mvn.log" >&2; die "could not fetch zipkin-server $ZIPKIN_VERSION"; }
  fi
}

# The scrape configuration for this start: deploy/prometheus/prometheus.yml, or with ECOGRID_INSTANCES=n a copy in
# .run/ that lists every instance's admin listener (the first's port + 100 × (k − 1), as platform-services.sh places
# them) and names the rules by absolute path.
prometheus_config() {
  local instances="${ECOGRID_INSTANCES:-1}" source="$ROOT/deploy/prometheus/prometheus.yml"
  if ! [ "$instances" -gt 1 ] 2>/dev/null; then
    printf '%s' "$source"
    return
  fi
  awk -v n="$instances" -v rules="$ROOT/deploy/prometheus/rules/*.yml" '
    /^  - rules\/\*\.yml/ { print "  - " rules; next }
    match($0, /"127\.0\.0\.1:[0-9]+"/) {
      port = substr($0, RSTART + 11, RLENGTH - 12); list = ""
      for (k = 0; k < n; k++) list = list (k ? ", " : "") "\"127.0.0.1:" (port + 100 * k) "\""
      sub(/"127\.0\.0\.1:[0-9]+"/, list); print; next
    }
    { print }' "$source" >"$RUN_DIR/prometheus.yml"
  printf '%s' "$RUN_DIR/prometheus.yml"
}

start() {
  install
  if running prometheus; then
    log "prometheus: running (pid $(cat "$RUN_DIR/prometheus.pid"))"
  else
    mkdir -p "$DATA_DIR/prometheus"
    setsid nohup prometheus \
      --config.file="$(prometheus_config)" \
      --storage.tsdb.path="$DATA_DIR/prometheus" \
      --storage.tsdb.retention.time=7d \
      --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
      >"$RUN_DIR/prometheus.log" 2>&1 </dev/null &
    echo $! >"$RUN_DIR/prometheus.pid"
    wait_for 60 curl -fsS "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" \
      || { tail -20 "$RUN_DIR/prometheus.log" >&2; die "prometheus did not become ready"; }
    log "prometheus: ready at http://127.0.0.1:$PROMETHEUS_PORT (log deploy/local/.run/prometheus.log)"
  fi
  if running zipkin; then
    log "zipkin: running (pid $(cat "$RUN_DIR/zipkin.pid"))"
  else
    # In-memory storage: traces of the last while, lost on restart; enough to follow a frame through the services.
    # On loopback only, like everything `pnpm start` runs (Zipkin listens on every address by default).
    STORAGE_TYPE=mem MEM_MAX_SPANS="${ZIPKIN_MAX_SPANS:-200000}" \
      setsid nohup java -Xms128m -Xmx512m -jar "$ZIPKIN_JAR" \
      "--armeria.ports[0].ip=127.0.0.1" "--armeria.ports[0].port=$ZIPKIN_PORT" "--armeria.ports[0].protocols=http" \
      >"$RUN_DIR/zipkin.log" 2>&1 </dev/null &
    echo $! >"$RUN_DIR/zipkin.pid"
    wait_for 120 curl -fsS "http://127.0.0.1:$ZIPKIN_PORT/health" \
      || { tail -20 "$RUN_DIR/zipkin.log" >&2; die "zipkin did not become ready"; }
    log "zipkin: ready at http://127.0.0.1:$ZIPKIN_PORT (log deploy/local/.run/zipkin.log)"
  fi
}

stop() {
  local name
  for name in prometheus zipkin; do
    if running "$name"; then
      kill -TERM "$(cat "$RUN_DIR/$name.pid")" 2>/dev/null || true
      log "$name: stopped"
    fi
    rm -f "$RUN_DIR/$name.pid"
  done
}

status() {
  local rc=0
  curl -fs -o /dev/null "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" && log "prometheus: ready" || { log "prometheus: down"; rc=1; }
  curl -fs -o /dev/null "http://127.0.0.1:$ZIPKIN_PORT/health" && log "zipkin: ready" || { log "zipkin: down"; rc=1; }
  return $rc
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  install) install ;;
  *) die "usage: observability.sh start|stop|status|install" ;;
esac
