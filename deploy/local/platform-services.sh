# The database URL of a service: the same server and database as DATABASE_URL, as the service's own role
# (ecogrid_<service>, created by service-roles.sql) — locally with trust auth, elsewhere with its own password.
service_database_url() {
  local url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ecogrid}"
  local rest="${url#*://}"
  printf '%s://ecogrid_%s@%s' "${url%%://*}" "$1" "${rest#*@}"
}

# The Kafka user of a service as NAME=value pairs when the broker authenticates clients (KAFKA_SECURITY=scram);
# nothing on the plaintext demo listener.
kafka_user() {
  [ "${KAFKA_SECURITY:-plaintext}" = scram ] || return 0
  bash "$(dirname "${BASH_SOURCE[0]}")/kafka/kafka.sh" credentials "$1"
}

# What `pnpm start` runs, in order. Each step waits for the one before to be ready.
#   service|name|entry (from the repo root)|readiness URL (empty: started, not probed)|extra env
#   task|label|command                      (run to completion; the start fails if it fails)
# A service whose entry has not been built is reported and skipped.
PLATFORM_STEPS=(
  "service|registry|services/registry/dist/main.js|http://127.0.0.1:8091/readyz|DATABASE_URL=$(service_database_url registry) $(kafka_user registry)"
  "task|Yanhu demo data (registry seed)|env DATABASE_URL=$(service_database_url registry) $(kafka_user registry) node services/registry/dist/cli/seed.js yanhu"
  "service|ingest|services/ingest/dist/main.js|http://127.0.0.1:8093/readyz|DATABASE_URL=$(service_database_url ingest) INGEST_GATEWAY_TOKENS=demo:$(printf '%s' demo-gateway-token | sha256sum | cut -d' ' -f1) $(kafka_user ingest)"
  "service|alerting|services/alerting/dist/main.js|http://127.0.0.1:8092/readyz|DATABASE_URL=$(service_database_url alerting) $(kafka_user alerting)"
  "service|dispatch|services/dispatch/dist/main.js|http://127.0.0.1:8094/readyz|DATABASE_URL=$(service_database_url dispatch) $(kafka_user dispatch)"
  "service|credit|services/credit/dist/main.js|http://127.0.0.1:8095/readyz|DATABASE_URL=$(service_database_url credit) $(kafka_user credit)"
  "task|Yanhu demo credit records (penalties, inspections, a veto)|env $(kafka_user credit) node services/credit/dist/cli/seed-demo.js"
  "service|emergency|services/emergency/dist/main.js|http://127.0.0.1:8098/readyz|DATABASE_URL=$(service_database_url emergency) $(kafka_user emergency)"
  "task|Yanhu demo reduction list (heavy-pollution warnings: grades and measures per level)|env $(kafka_user emergency) node services/emergency/dist/cli/seed-demo.js"
  "service|sharing|services/sharing/dist/main.js|http://127.0.0.1:8096/readyz|DATABASE_URL=$(service_database_url sharing) $(kafka_user sharing)"
  "task|Yanhu partner departments (sharing demo: keys and curl lines)|node services/sharing/dist/cli/seed-demo.js"
  "service|console|services/console/dist/main.js|http://127.0.0.1:8097/readyz|SESSION_STORE=redis $(kafka_user console)"
  "service|simulator|packages/simulator/dist/cli.js||SIMULATOR_RATE=1 SIMULATOR_PASSWORDS_FILE=services/registry/data/yanhu/devices.csv SIMULATOR_REPORT_INTERVAL_MS=300000 LOG_LEVEL=warn $(kafka_user simulator)"
)

# ECOGRID_INSTANCES=2 (or more): these services run that many instances. Alerting, dispatch and credit share their
# partitions through their consumer groups; ingest instances each take devices (put a TCP balancer in front of the
# HJ 212 ports, or give data loggers both addresses) and each sees every device command, sending those of the devices
# it holds. Registry instances serialise their writes on the registry's write lock in PostgreSQL, one publishes
# through the outbox's lease, and each answers LocateCell from its own view of the topics. Instance k listens on
# every port of the first + 100 × (k − 1). Console instances keep their sessions in Redis (SESSION_STORE=redis), so a
# login on one serves the next request on another. Sharing instances count quotas in Redis, chain one audit log
# under a lock and lease each webhook subscription (docs/architecture.md, "Several instances").
#   name|the first instance's listening addresses
SCALABLE_SERVICES=(
  "registry|GRPC_ADDRESS=127.0.0.1:50051 ADMIN_HTTP_ADDRESS=127.0.0.1:8091"
  "ingest|HTTP_ADDRESS=127.0.0.1:8081 HJ212_ADDRESS=127.0.0.1:9212 GRPC_ADDRESS=127.0.0.1:50052 ADMIN_HTTP_ADDRESS=127.0.0.1:8093"
  "alerting|GRPC_ADDRESS=127.0.0.1:50055 ADMIN_HTTP_ADDRESS=127.0.0.1:8092"
  "dispatch|HTTP_ADDRESS=127.0.0.1:8083 GRPC_ADDRESS=127.0.0.1:50053 ADMIN_HTTP_ADDRESS=127.0.0.1:8094"
  "credit|GRPC_ADDRESS=127.0.0.1:50054 ADMIN_HTTP_ADDRESS=127.0.0.1:8095"
  "console|HTTP_ADDRESS=127.0.0.1:8080 ADMIN_HTTP_ADDRESS=127.0.0.1:8097"
  "sharing|HTTP_ADDRESS=127.0.0.1:8085 ADMIN_HTTP_ADDRESS=127.0.0.1:8096"
  "emergency|GRPC_ADDRESS=127.0.0.1:50056 ADMIN_HTTP_ADDRESS=127.0.0.1:8098"
)

# The addresses of instance $2 (2, 3, …) of service $1, as NAME=host:port pairs; nothing when it does not scale.
instance_addresses() {
  local entry name addresses pair out=""
  for entry in "${SCALABLE_SERVICES[@]}"; do
    IFS='|' read -r name addresses <<<"$entry"
    [ "$name" = "$1" ] || continue
    for pair in $addresses; do out+="${out:+ }${pair%:*}:$(( ${pair##*:} + 100 * ($2 - 1) ))"; done
  done
  printf '%s' "$out"
}

# What the operator is told once everything is up: label|URL.
PLATFORM_URLS=(
  "registry gRPC (LocateCell, Import, …)|127.0.0.1:50051"
  "ingest HJ 212 TCP|127.0.0.1:9212"
  "ingest HTTP (POST /v1/observations)|http://127.0.0.1:8081  (demo gateway token: demo-gateway-token)"
  "ingest gRPC|127.0.0.1:50052"
  "console: the command center's web app|http://127.0.0.1:8080"
  "console development logins (user / password)|dispatcher / dispatcher-dev, commander / commander-dev, supervisor / supervisor-dev, officer1 / officer1-dev, officer2 / officer2-dev, analyst / analyst-dev, operator / operator-dev"
  "admin listeners (/healthz, /readyz, /metrics)|registry :8091, alerting :8092, ingest :8093, dispatch :8094, credit :8095, sharing :8096, console :8097, emergency :8098"
  "sharing partner API (OpenAPI 3.1)|http://127.0.0.1:8085/openapi.json"
  "dispatch REST and Open311|http://127.0.0.1:8083/open311/v2/services.json"
  "dispatch gRPC|127.0.0.1:50053"
  "credit gRPC (GetRating, ExplainRating, ListPublicRatings, …)|127.0.0.1:50054"
  "emergency gRPC (warnings: IssueWarning, ListObligations, GetEpisodeEvaluation, …)|127.0.0.1:50056"
  "a dispatcher's bearer token|pnpm run token --role dispatcher   (pnpm's own 'pnpm token' is a built-in)"
)
