# Connection settings for the local infrastructure (deploy/local/up.sh). Source it:
#   source deploy/local/env.sh
# Sets defaults only: variables the caller already set are kept. No `set -e` here on purpose:
# this file runs inside the caller's shell.
# KAFKA_NODES=3 (up.sh started kafka/cluster.sh): every node of the three-node cluster.
if [ "${KAFKA_NODES:-1}" = 3 ]; then
  : "${KAFKA_BROKERS:=127.0.0.1:9192,127.0.0.1:9194,127.0.0.1:9196}"
else
  : "${KAFKA_BROKERS:=127.0.0.1:9092}"
fi
: "${REDIS_URL:=redis://127.0.0.1:6379}"
: "${DATABASE_URL:=postgres://postgres@127.0.0.1:5432/ecogrid}"
export KAFKA_BROKERS REDIS_URL DATABASE_URL
# A broker started with KAFKA_SECURITY=scram authenticates every client: operator tools (ensure-topics,
# kafka-acls, dlq) act as its admin user; each service gets its own user (platform-services.sh).
if [ "${KAFKA_SECURITY:-plaintext}" = scram ] && [ -z "${KAFKA_SASL_USERNAME:-}" ]; then
  # shellcheck disable=SC2046 # word splitting of NAME=value pairs is the point
  export $(bash "$(dirname "${BASH_SOURCE[0]}")/kafka/kafka.sh" credentials admin)
fi
