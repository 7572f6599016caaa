#!/usr/bin/env bash
# Fails the build when src/gen no longer matches what buf + ts-proto generate from proto/.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s#out: src/gen#out: $tmp/gen#" buf.gen.yaml > "$tmp/buf.gen.yaml"
buf generate ../.. --template "$tmp/buf.gen.yaml"
if ! diff -r "$tmp/gen" src/gen > "$tmp/diff.txt"; then
  echo "packages/proto/src/gen is stale: run 'pnpm --filter @ecogrid/proto generate' and commit the result." >&2
  head -40 "$tmp/diff.txt" >&2
  exit 1
fi
