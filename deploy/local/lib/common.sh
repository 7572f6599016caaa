# Shared helpers for the deploy/local scripts. Sourced, never executed.
# Callers set `set -euo pipefail` themselves.

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$LOCAL_DIR/.run"     # pid files, logs, "started by us" markers (git-ignored)
# shellcheck disable=SC2034 # used by the scripts that source this file
DATA_DIR="$LOCAL_DIR/.data"   # service data (git-ignored)
mkdir -p "$RUN_DIR"

log() { printf '%s\n' "$*"; }
warn() { printf 'WARN: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Which of the given Debian packages are not installed (one per line).
missing_debs() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$p"
  done
}

# Install Debian packages that are missing; a no-op (no apt call) when all are present.
# Sets APT_INSTALLED to what it installed (space-separated, empty when nothing).
_APT_UPDATED=0
APT_INSTALLED=""
apt_install() {
  local -a missing
  mapfile -t missing < <(missing_debs "$@")
  # shellcheck disable=SC2034 # read by the callers
  APT_INSTALLED="${missing[*]}"
  [ "${#missing[@]}" -gt 0 ] || return 0
  [ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
  local opts=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)
  if [ "$_APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get "${opts[@]}" update -qq >/dev/null \
      || die "apt-get update failed"
    _APT_UPDATED=1
  fi
  log "apt: installing ${missing[*]}..."
  DEBIAN_FRONTEND=noninteractive apt-get "${opts[@]}" install -y -qq --no-install-recommends "${missing[@]}" \
    >"$RUN_DIR/apt.log" 2>&1 </dev/null \
    || { tail -n 30 "$RUN_DIR/apt.log" >&2; die "apt-get install failed: ${missing[*]}"; }
}

# wait_for SECONDS CMD...: retry CMD every 0.5 s until it succeeds or time runs out.
wait_for() {
  local limit="$1"; shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}
