#!/usr/bin/env bash
# buf breaking (FILE) against the main branch, once main has contracts to compare with.
set -euo pipefail
cd "$(dirname "$0")/../../.."
if git rev-parse --verify -q main >/dev/null && git cat-file -e main:buf.yaml 2>/dev/null; then
  buf breaking --against '.git#branch=main'
else
  echo "buf breaking: no main branch with contracts yet, nothing to compare"
fi
