#!/usr/bin/env bash
# Makes the secret files compose.yaml hands to the containers (deploy/docker/secrets/, git-ignored, mode 600),
# each a fresh random value; an existing file is kept, so running it again changes nothing.
# Gateways: deploy/docker/secrets/ingest-gateway-tokens holds `name:<sha256 of the token>` entries; the token of
# the one made here is printed once. The console's users file starts with one `admin` whose random password is
# printed once (its scrypt hash, as services/console's hash-password.js makes it, by OpenSSL 3's SCRYPT KDF); add
# staff with `node dist/cli/hash-password.js` in the console's image.
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
make incident-chain-key "$(random)"
for service in registry ingest alerting dispatch credit sharing emergency; do
  make "$service-database-url" "postgres://ecogrid_$service:$(random)@postgres:5432/ecogrid"
done
if [ ! -s "$DIR/ingest-gateway-tokens" ]; then
  token="$(random)"
  make ingest-gateway-tokens "gateway:$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
  echo "gateway token (shown once; ingest keeps only its SHA-256): $token"
fi
if [ ! -s "$DIR/console-users.json" ]; then
  password="$(random)"
  salt="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  key="$(openssl kdf -keylen 32 -kdfopt "pass:$password" -kdfopt "hexsalt:$salt" -kdfopt n:16384 -kdfopt r:8 -kdfopt p:1 SCRYPT | tr -d ':\n')"
  hex_base64() { printf "$(printf '%s' "$1" | sed 's/../\\x&/g')" | base64 | tr -d '\n'; }
  make console-users.json "{\"users\":[{\"username\":\"admin\",\"displayName\":\"系统管理员\",\"role\":\"admin\",\"passwordHash\":\"scrypt\$16384\$8\$1\$$(hex_base64 "$salt")\$$(hex_base64 "$key")\"}]}"
  echo "console user admin, password (shown once; the console keeps only its scrypt hash): $password"
fi
echo "secrets in ${DIR#"$PWD"/}"
