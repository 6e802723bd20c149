/**
 * Vitest global setup: PostgreSQL-backed tests run against SLIPWAY_TEST_PG_URL. Without
 * it they are skipped (the reason is printed here), unless SLIPWAY_REQUIRE_PG=1 — as in
 * CI — which makes a missing database an error rather than a silent skip.
 */
export default function setup(): void {
  if (process.env.SLIPWAY_TEST_PG_URL) return;
  if (process.env.SLIPWAY_REQUIRE_PG === '1') {
    throw new Error('SLIPWAY_REQUIRE_PG=1 but SLIPWAY_TEST_PG_URL is not set: start PostgreSQL (scripts/start-test-postgres.sh).');
  }
  process.stderr.write('\n[slipway tests] SLIPWAY_TEST_PG_URL is not set: PostgreSQL variants are skipped.\n\n');
}
