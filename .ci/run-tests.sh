#!/usr/bin/env bash
# The body of `pnpm test` (run by deploy/local/with-infra.sh, so the servers are up): lint with the
# architecture rules, typecheck, build, unit and integration tests of every package and service, then one
# closing line that adds up every vitest report. Fails when anything failed or when no test ran at all.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
find packages services load-tests deploy -path '*/node_modules' -prune -o -type d -name .test-results -print0 2>/dev/null | xargs -0 rm -rf
node .ci/drop-test-leftovers.mjs || echo "could not delete leftovers of earlier test runs; carrying on"
pnpm exec turbo run build lint typecheck test test:integration //#lint:architecture --concurrency=2 --continue
turbo_rc=$?
node .ci/summarize-tests.mjs
summary_rc=$?
if [ "$turbo_rc" -ne 0 ]; then exit "$turbo_rc"; fi
exit "$summary_rc"
