#!/usr/bin/env bash
# Run a command with the local infrastructure up and its settings in the environment:
#   deploy/local/with-infra.sh CMD [ARGS...]      (used by `pnpm test` and `pnpm bench`)
# up.sh's progress goes to stderr so the command's stdout stays its own.
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
bash "$DIR/up.sh" >&2
# shellcheck source=env.sh
source "$DIR/env.sh"
exec "$@"
