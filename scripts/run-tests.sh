#!/usr/bin/env bash
# The whole test suite (what `npm test` runs): lint, typecheck, build, the vitest suites
# (store contracts on SQLite and PostgreSQL, API, concurrency, durability) and the Python
# interop suite with the real mlflow client against live servers.
#
# PostgreSQL: uses SLIPWAY_TEST_PG_URL when set; otherwise starts the machine's cluster
# when it can (root + Debian's postgresql). Without one, the PostgreSQL tests are skipped
# with that reason printed, unless SLIPWAY_REQUIRE_PG=1 (CI), which makes that an error.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run --silent lint
npm run --silent typecheck
npm run --silent build

if [ -z "${SLIPWAY_TEST_PG_URL:-}" ]; then
  if url=$(bash scripts/start-test-postgres.sh 2>/tmp/slipway-start-pg.log); then
    export SLIPWAY_TEST_PG_URL="$url"
  else
    echo "run-tests: no PostgreSQL for the tests: $(tail -n 1 /tmp/slipway-start-pg.log)" >&2
    if [ "${SLIPWAY_REQUIRE_PG:-0}" = "1" ]; then exit 1; fi
  fi
fi

# The venv first: vitest's serving tests run Python model workers with it.
bash scripts/ensure-venv.sh
npx vitest run
.venv/bin/python -m pytest -q -p no:cacheprovider tests/interop "$@"
