# Connection settings for the local infrastructure (deploy/local/up.sh). Source it:
#   source deploy/local/env.sh
# Sets defaults only: variables the caller already set are kept. No `set -e` here on purpose:
# this file runs inside the caller's shell.
: "${KAFKA_BROKERS:=127.0.0.1:9092}"
: "${REDIS_URL:=redis://127.0.0.1:6379}"
: "${DATABASE_URL:=postgres://postgres@127.0.0.1:5432/ecogrid}"
export KAFKA_BROKERS REDIS_URL DATABASE_URL
