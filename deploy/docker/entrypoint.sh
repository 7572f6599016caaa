#!/bin/sh
# Secrets by file: for every NAME_FILE in the environment that names a file under the secrets directory
# (/run/secrets: compose secrets, a mounted Kubernetes Secret), NAME is set to that file's content and NAME_FILE
# removed, so the value is never written in the compose file nor shown by `docker inspect`. Other *_FILE
# variables (SSL_CERT_FILE, …) are left alone. Then exec, so that signals reach node directly.
set -eu
secrets="${SECRETS_DIR:-/run/secrets}"
for name in $(env | sed -n "s#^\([A-Z][A-Z0-9_]*\)_FILE=${secrets}/.*#\1#p"); do
  eval "file=\${${name}_FILE}"
  # shellcheck disable=SC2154 # file is set by the eval above
  [ -r "$file" ] || { echo "entrypoint: ${name}_FILE names $file, which cannot be read" >&2; exit 1; }
  value="$(cat "$file")"
  export "$name=$value"
  unset "${name}_FILE"
done
exec "$@"
