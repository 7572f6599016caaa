#!/usr/bin/env bash
# Install the Debian packages the local infrastructure and the browser tests need, only those missing:
# PostgreSQL (+ PostGIS 3 for its major version), Redis, kcat, chromium (Debian's; never a downloaded
# browser) and a Chinese font for it, and promtool. Java 17+ and Maven must already be there. A second run checks and returns at once.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "$0")" && pwd)/lib/common.sh"

command -v java >/dev/null || die "java not found: Java 17 is expected on this machine (openjdk-17-jdk-headless)"
jv="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[ "${jv%%.*}" -ge 17 ] 2>/dev/null || die "java is version ${jv:-unknown}; Kafka 4 needs Java 17+"
command -v mvn >/dev/null || die "mvn not found: Maven is expected on this machine (it resolves the Kafka jars)"

need=()
{ command -v pg_lsclusters && command -v psql && command -v pg_isready; } >/dev/null || need+=(postgresql)
# PostGIS for the installed server's major version (Debian 12's default server is 15).
pg_major="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)"
need+=("postgresql-${pg_major:-15}-postgis-3")
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v kcat >/dev/null || need+=(kcat)
command -v chromium >/dev/null || need+=(chromium)
# promtool (Debian's prometheus package) checks the alerting rules and the scrape configuration in the tests.
command -v promtool >/dev/null || need+=(prometheus)
# A Chinese font, so the console's zh-CN pages render in the browser tests and screenshots (not as empty boxes).
{ command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; } || need+=(fonts-wqy-microhei)

apt_install "${need[@]}"
if [ -z "$APT_INSTALLED" ]; then
  log "system deps: present (java $jv, maven, postgresql, postgis, redis, kcat, chromium, promtool)"
else
  log "system deps: installed $APT_INSTALLED"
fi
