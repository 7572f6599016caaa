#!/usr/bin/env bash
# `pnpm start`: sets up and runs the whole platform on a fresh machine of this kind, then keeps running.
# Installs what is missing, starts (or reuses) Kafka, Redis and PostgreSQL, builds, creates the topics,
# migrates every service's schema, starts every built service, waits until each is ready and prints the URLs. Ctrl-C stops the services,
# and Kafka too when this run started it. ECOGRID_OBSERVABILITY=1 also runs Prometheus and Zipkin (observability.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIR="$ROOT/deploy/local"
RUN_DIR="$DIR/.run"
mkdir -p "$RUN_DIR"
cd "$ROOT"
say() { printf '\033[1m==>\033[0m %s\n' "$*"; }

say "toolchain"
if ! command -v pnpm >/dev/null; then
  npm install -g pnpm@12.4.2 --no-fund --no-audit --loglevel=error
fi
pnpm install --frozen-lockfile --reporter=silent

# KAFKA_NODES=3: the three-node replicated cluster instead of the demo broker (deploy/local/README.md).
KAFKA_CTL=("$DIR/kafka/kafka.sh")
[ "${KAFKA_NODES:-1}" = 3 ] && KAFKA_CTL=("$DIR/kafka/cluster.sh")
INSTANCES="${ECOGRID_INSTANCES:-1}"
[[ "$INSTANCES" =~ ^[1-4]$ ]] || { echo "ECOGRID_INSTANCES must be 1 to 4, not '$INSTANCES'" >&2; exit 2; }
kafka_was_running=false
if bash "${KAFKA_CTL[@]}" status >/dev/null 2>&1; then kafka_was_running=true; fi
say "infrastructure"
bash "$DIR/up.sh"
# shellcheck source=env.sh
source "$DIR/env.sh"

# The gRPC ports (50051–50056, and + 100 for each further instance) lie inside Linux's ephemeral range (32768–60999):
# an outgoing connection of a service started earlier can take one before its owner listens (seen once with two of
# every service: emergency-2 found 50156 in use). Reserve them from the ephemeral range where this user may.
reserved_file=/proc/sys/net/ipv4/ip_local_reserved_ports
grpc_ports="50051-50056"
for ((instance = 2; instance <= INSTANCES; instance++)); do grpc_ports+=",$((50051 + 100 * (instance - 1)))-$((50056 + 100 * (instance - 1)))"; done
if [ -w "$reserved_file" ] && current="$(cat "$reserved_file")" && printf '%s' "${current:+$current,}$grpc_ports" >"$reserved_file" 2>/dev/null; then
  echo "    gRPC ports $grpc_ports reserved from the ephemeral range"
else
  echo "    note: could not reserve the gRPC ports $grpc_ports from the ephemeral range (needs root): a start may rarely find one taken"
fi

# Local use: the services accept the development secrets published in this repository (a service started
# without NODE_ENV=development or test refuses them).
export NODE_ENV=development
echo "    NODE_ENV=development: development secrets and tokens are accepted; set your own secrets elsewhere"

observability=false
if [ "${ECOGRID_OBSERVABILITY:-0}" = 1 ]; then
  say "observability (ECOGRID_OBSERVABILITY=1: Prometheus scraping every service, traces to Zipkin)"
  bash "$DIR/observability.sh" start
  observability=true
  # The services send their spans to Zipkin (Zipkin v2 JSON; @ecogrid/telemetry loads the exporter only then).
  export OTEL_EXPORTER_ZIPKIN_ENDPOINT="http://127.0.0.1:${ZIPKIN_PORT:-9411}/api/v2/spans"
fi

say "build"
pnpm exec turbo run build --output-logs=errors-only

say "topics"
node packages/kafka/dist/cli/ensure-topics.js
if [ "${KAFKA_SECURITY:-plaintext}" = scram ]; then
  say "Kafka ACLs (KAFKA_SECURITY=scram: each service its own user, docs/security.md)"
  node packages/kafka/dist/cli/kafka-acls.js grant
fi

say "database schemas"
bash "$DIR/migrate.sh"

# shellcheck source=platform-services.sh
source "$DIR/platform-services.sh"
pids=()
names=()
stop_all() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$kafka_was_running" = false ]; then bash "${KAFKA_CTL[@]}" stop || true; fi
  if [ "$observability" = true ]; then bash "$DIR/observability.sh" stop || true; fi
  say "stopped"
}
# On Ctrl-C or TERM: stop and end here (the watch loop below must not report the stopped services as crashed).
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

wait_ready() {
  local name=$1 ready=$2 deadline=$((SECONDS + 120))
  until curl -fsS -o /dev/null "$ready" 2>/dev/null; do
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then
      echo "$name exited during start-up; last log lines:" >&2
      tail -20 "$RUN_DIR/$name.log" >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "$name did not become ready at $ready; last log lines:" >&2
      tail -20 "$RUN_DIR/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

for step in "${PLATFORM_STEPS[@]}"; do
  IFS='|' read -r kind name entry ready extra <<<"$step"
  if [ "$kind" = task ]; then
    say "$name"
    # shellcheck disable=SC2086
    (cd "$ROOT" && $entry)
    continue
  fi
  if [ ! -f "$ROOT/$entry" ]; then
    say "$name: not built ($entry), skipped"
    continue
  fi
  log="$RUN_DIR/$name.log"
  # shellcheck disable=SC2086
  env $extra node "$ROOT/$entry" >>"$log" 2>&1 &
  pids+=("$!")
  names+=("$name")
  if [ -n "$ready" ]; then
    wait_ready "$name" "$ready"
    printf '    %-10s ready (pid %s, log %s)\n' "$name" "$!" "${log#"$ROOT"/}"
  else
    printf '    %-10s started (pid %s, log %s)\n' "$name" "$!" "${log#"$ROOT"/}"
  fi
  # ECOGRID_INSTANCES: the further instances of a service that scales, each on its own ports (platform-services.sh).
  for ((instance = 2; instance <= INSTANCES; instance++)); do
    addresses="$(instance_addresses "$name" "$instance")"
    [ -n "$addresses" ] || break
    admin="${addresses##*ADMIN_HTTP_ADDRESS=}"
    admin="${admin%% *}"
    log="$RUN_DIR/$name-$instance.log"
    # shellcheck disable=SC2086
    env $extra $addresses node "$ROOT/$entry" >>"$log" 2>&1 &
    pids+=("$!")
    names+=("$name-$instance")
    wait_ready "$name-$instance" "http://$admin/readyz"
    printf '    %-10s ready (pid %s, log %s, %s)\n' "$name-$instance" "$!" "${log#"$ROOT"/}" "$addresses"
  done
done

say "EcoGrid is running"
for entry in "${PLATFORM_URLS[@]}"; do
  IFS='|' read -r label url <<<"$entry"
  printf '    %-40s %s\n' "$label" "$url"
done
printf '    %-40s %s\n' "Kafka" "$KAFKA_BROKERS" "Redis" "$REDIS_URL" "PostgreSQL" "$DATABASE_URL"
if [ "$observability" = true ]; then
  printf '    %-40s %s\n' "Prometheus (alerts, rules)" "http://127.0.0.1:${PROMETHEUS_PORT:-9090}/alerts" "Zipkin (traces)" "http://127.0.0.1:${ZIPKIN_PORT:-9411}/zipkin/"
fi
echo "Press Ctrl-C to stop."

# Stay up while the services do; if one dies, say which and stop the rest.
while :; do
  for index in "${!pids[@]}"; do
    if ! kill -0 "${pids[$index]}" 2>/dev/null; then
      echo "${names[$index]} exited; see $RUN_DIR/${names[$index]}.log" >&2
      exit 1
    fi
  done
  sleep 2
done
