#!/bin/sh
# Run once by the postgres image when it creates the database (after 20-service-roles.sql made the roles):
# gives each service's role the password of its DATABASE_URL secret, so every service logs in as itself.
set -eu
for file in /run/secrets/*-database-url; do
  service="$(basename "$file" -database-url)"
  password="$(sed -E 's#^[a-z]+://[^:/@]+:([^@]+)@.*#\1#' "$file")"
  echo "ALTER ROLE \"ecogrid_${service}\" PASSWORD :'password';" \
    | psql -v ON_ERROR_STOP=1 -q -U "$POSTGRES_USER" -d "$POSTGRES_DB" -v password="$password"
done
