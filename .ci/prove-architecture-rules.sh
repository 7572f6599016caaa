#!/usr/bin/env bash
# Proves the architecture lint can fail: builds a throw-away tree with one forbidden import per rule and
# expects dependency-cruiser, with the project's own rules, to name every one of them.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
fixture=$(mktemp -d)
trap 'rm -rf "$fixture"' EXIT
ln -s "$ROOT/node_modules" "$fixture/node_modules"
cp "$ROOT/tsconfig.base.json" "$fixture/"
mkdir -p "$fixture/services/alpha/src/domain" "$fixture/services/alpha/src/app" "$fixture/services/alpha/src/adapters" \
  "$fixture/services/beta/src" "$fixture/packages/shared-thing/src" "$fixture/services/gamma/src/domain" "$fixture/services/gamma/node_modules/@ecogrid"
# pnpm gives each workspace package its own node_modules; borrow one that has kafkajs.
ln -s "$ROOT/packages/kafka/node_modules" "$fixture/services/alpha/node_modules"
# A service that depends on the generated contracts, linked as pnpm links a workspace package.
ln -s "$ROOT/packages/proto" "$fixture/services/gamma/node_modules/@ecogrid/proto"
cat > "$fixture/services/alpha/src/adapters/kafka-sink.ts" <<'TS'
export const sink = 1;
TS
cat > "$fixture/services/alpha/src/domain/rule.ts" <<'TS'
import { Kafka } from 'kafkajs';
import { readFileSync } from 'node:fs';
import { sink } from '../adapters/kafka-sink';
export const rule = [Kafka, readFileSync, sink];
TS
cat > "$fixture/services/alpha/src/app/use-case.ts" <<'TS'
import { sink } from '../adapters/kafka-sink';
export const useCase = sink;
TS
cat > "$fixture/services/beta/src/main.ts" <<'TS'
import { useCase } from '../../alpha/src/app/use-case';
export const main = useCase;
TS
cat > "$fixture/packages/shared-thing/src/index.ts" <<'TS'
import { main } from '../../../services/beta/src/main';
export const thing = main;
TS
cat > "$fixture/services/gamma/src/domain/rule.ts" <<'TS'
import { OfficerRole } from '@ecogrid/proto/registry/v1/entities';
export const rule = OfficerRole.OFFICER_ROLE_SUPERVISOR;
TS
cd "$fixture"
set +e
out=$("$ROOT/node_modules/.bin/depcruise" --config "$ROOT/.dependency-cruiser.cjs" --output-type err packages services 2>&1)
rc=$?
set -e
if [ "$rc" -eq 0 ]; then
  echo "architecture lint accepted forbidden imports:" >&2
  echo "$out" >&2
  exit 1
fi
missing=0
for rule in domain-is-pure domain-no-wire-types domain-no-node-io app-not-adapters no-service-to-service no-package-to-service; do
  if ! grep -q "$rule" <<<"$out"; then
    echo "architecture lint did not report rule $rule" >&2
    missing=1
  fi
done
if [ "$missing" -ne 0 ]; then
  echo "$out" >&2
  exit 1
fi
grep -q "node_modules/.*kafkajs" <<<"$out" || { echo "the kafkajs import in domain/ was not reported" >&2; echo "$out" >&2; exit 1; }
grep -q "domain-no-wire-types: services/gamma/src/domain/rule.ts" <<<"$out" || { echo "the @ecogrid/proto import in domain/ was not reported" >&2; echo "$out" >&2; exit 1; }
echo "architecture lint rejects every forbidden import in the fixture (domain-is-pure, domain-no-wire-types, domain-no-node-io, app-not-adapters, no-service-to-service, no-package-to-service)"
