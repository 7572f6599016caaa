#!/usr/bin/env bash
# Makes the secret files compose.yaml hands to the containers (deploy/docker/secrets/, git-ignored, mode 600),
# each a fresh random value; an existing file is kept, so running it again changes nothing.
# Gateways: deploy/docker/secrets/ingest-gateway-tokens holds `name:<sha256 of the token>` entries; the token of
# the one made here is printed once.
set -euo pipefail
DIR="${SECRETS_OUT:-$(cd "$(dirname "$0")" && pwd)/secrets}"
mkdir -p "$DIR"
chmod 700 "$DIR"
umask 077
random() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | cut -c1-48; }
make() { [ -s "$DIR/$1" ] || printf '%s' "$2" >"$DIR/$1"; }
make postgres-password "$(random)"
make staff-token-secret "$(random)"
make history-chain-key "$(random)"
make partner-token-secret "$(random)"
make audit-chain-key "$(random)"
for service in registry ingest alerting dispatch credit sharing; do
  make "$service-database-url" "postgres://ecogrid_$service:$(random)@postgres:5432/ecogrid"
done
if [ ! -s "$DIR/ingest-gateway-tokens" ]; then
  token="$(random)"
  make ingest-gateway-tokens "gateway:$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
  echo "gateway token (shown once; ingest keeps only its SHA-256): $token"
fi
echo "secrets in ${DIR#"$PWD"/}"
