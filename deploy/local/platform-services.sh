# The services `pnpm start` runs, in start order: name|entry (from the repo root)|readiness URL|extra env.
# A service whose entry has not been built is reported and skipped, so the list can name the whole platform.
PLATFORM_SERVICES=(
  "ingest|services/ingest/dist/main.js|http://127.0.0.1:8081/readyz|HTTP_ADDRESS=127.0.0.1:8081"
)

# What the operator is told once everything is up: label|URL.
PLATFORM_URLS=(
  "ingest HTTP (POST /v1/observations)|http://127.0.0.1:8081"
  "ingest metrics|http://127.0.0.1:8081/metrics"
)
