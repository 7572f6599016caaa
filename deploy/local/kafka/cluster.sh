#!/usr/bin/env bash
# A local three-node Apache Kafka cluster (KRaft; each node broker and controller, a static quorum of three voters),
# replication factor 3 and min.insync.replicas=2 (cluster.properties): what a bureau runs in production, on one box.
#   cluster.sh start | stop | status | bootstrap
# Node N (1..3) listens on 127.0.0.1:91(9+2N-1) for clients, the next port for the controller: 9192/9193,
# 9194/9195, 9196/9197; data, pid and logs in deploy/local/.data/kafka-cluster/nodeN. Each node is a kafka.sh with
# KAFKA_NODE_ID / KAFKA_QUORUM_VOTERS / KAFKA_PORT / KAFKA_CONTROLLER_PORT / KAFKA_STATE_DIR set, so stopping,
# logs and the jars work as for the single broker. `up.sh` runs this instead of the single broker when
# KAFKA_NODES=3; env.sh then points KAFKA_BROKERS at all three.
set -euo pipefail
KAFKA_DIR="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/common.sh
source "$KAFKA_DIR/../lib/common.sh"

NODES=(1 2 3)
CLUSTER_DIR="$DATA_DIR/kafka-cluster"
client_port() { echo $((9190 + 2 * $1)); }
controller_port() { echo $((9191 + 2 * $1)); }
voters() { local n out=""; for n in "${NODES[@]}"; do out+="${out:+,}$n@127.0.0.1:$(controller_port "$n")"; done; printf '%s' "$out"; }
bootstrap() { local n out=""; for n in "${NODES[@]}"; do out+="${out:+,}127.0.0.1:$(client_port "$n")"; done; printf '%s' "$out"; }

node() {
  local n=$1
  shift
  KAFKA_NODE_ID="$n" KAFKA_QUORUM_VOTERS="$(voters)" KAFKA_PORT="$(client_port "$n")" KAFKA_CONTROLLER_PORT="$(controller_port "$n")" \
    KAFKA_STATE_DIR="$CLUSTER_DIR/node$n" KAFKA_CLUSTER_ID="$(cluster_id)" KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}" \
    bash "$KAFKA_DIR/kafka.sh" "$@"
}

# One id for the three storages, kept beside them: a node formatted with another id would refuse to join.
cluster_id() {
  mkdir -p "$CLUSTER_DIR"
  if [ ! -s "$CLUSTER_DIR/cluster-id" ]; then
    # 16 random bytes, base64url without padding, not starting with '-' (Kafka's own rule for cluster ids).
    local id
    until id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" && [ "${id:0:1}" != - ]; do :; done
    printf '%s\n' "$id" >"$CLUSTER_DIR/cluster-id"
  fi
  cat "$CLUSTER_DIR/cluster-id"
}

cmd_start() {
  local n t0=$SECONDS failed=0
  local -a pids=()
  cluster_id >/dev/null
  # Together: a node of a three-voter quorum is ready only once a majority of voters runs.
  for n in "${NODES[@]}"; do node "$n" start & pids+=($!); done
  for n in "${!pids[@]}"; do wait "${pids[$n]}" || failed=1; done
  [ "$failed" = 0 ] || die "kafka cluster: a node did not start (logs: $CLUSTER_DIR/node*/kafka.{log,out})"
  log "kafka cluster: three nodes at $(bootstrap) in $((SECONDS - t0))s (replication factor 3, min.insync.replicas 2)"
}

case "${1:-}" in
  start) cmd_start ;;
  # Together as well: the last node left alone cannot finish a controlled shutdown without a quorum, and waits.
  stop) for n in "${NODES[@]}"; do node "$n" stop & done; wait ;;
  status) rc=0; for n in "${NODES[@]}"; do node "$n" status || rc=1; done; exit "$rc" ;;
  bootstrap) bootstrap; echo ;;
  *) echo "usage: $0 start|stop|status|bootstrap" >&2; exit 2 ;;
esac
