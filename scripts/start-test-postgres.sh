#!/usr/bin/env bash
# Starts the machine's PostgreSQL (Debian's packaged cluster) for the test suites and makes
# sure the test role and database exist. Prints the connection URL on stdout.
# Needs root (it manages the Debian cluster); installs nothing (see .ci/run for that).
set -euo pipefail

log() { echo "start-test-postgres: $*" >&2; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  log "PostgreSQL is not installed (apt-get install -y postgresql)"
  exit 1
fi
if [ "$(id -u)" != "0" ]; then
  log "must run as root to manage the Debian PostgreSQL cluster"
  exit 1
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  log "creating cluster $version/main"
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "starting cluster $version/main"
  pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')

psql_admin() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qAt "$@"; }
for _ in $(seq 1 50); do psql_admin -c 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
if [ "$(psql_admin -c "select count(*) from pg_roles where rolname='slipway'")" = "0" ]; then
  psql_admin -c "create role slipway login password 'slipway' createdb" >&2
fi
if [ "$(psql_admin -c "select count(*) from pg_database where datname='slipway_test'")" = "0" ]; then
  psql_admin -c "create database slipway_test owner slipway" >&2
fi
echo "postgresql://slipway:slipway@127.0.0.1:${port}/slipway_test"
