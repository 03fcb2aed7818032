#!/bin/sh
# Installs the npm dependencies when node_modules is missing or older than the lock file,
# so the quick-start commands work on a fresh clone without a separate install step.
set -eu
cd "$(dirname "$0")/../.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ticket-archiver: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
