#!/usr/bin/env bash
# SchemaStore's checks on the schema (strict ajv, positive/negative tests, catalog
# entry): installs ajv, ajv-formats and js-yaml from npm into $DSTACK_EDITORS_STATE/ajv once,
# then runs check_schemastore.mjs. Run from editors/tests/run-all.sh (step `schema`).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${DSTACK_EDITORS_STATE:-/tmp/dstack-editors}/ajv"
if [ ! -f "$dir/node_modules/js-yaml/package.json" ]; then
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || (cd "$dir" && npm init -y >/dev/null)
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error ajv@8.20.0 ajv-formats@3.0.1 js-yaml@4.1.0)
fi
node "$here/check_schemastore.mjs" --ajv "$dir"
