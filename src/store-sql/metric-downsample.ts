import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DownsampledHistory, DownsampleQuery } from '../core/ports/metric-downsample.js';
import type { Database } from './database-schema.js';
import { runRow } from './run-queries.js';
import type { SqlFlavor } from './sql-flavor.js';

type Db = Kysely<Database>;
type Num = number | string | null;

/** `value` is finite: not NaN (stored as 0 with `is_nan = 1`) and not ±Infinity. */
const FINITE = sql`(is_nan = 0 and value between -1.7976931348623157e308 and 1.7976931348623157e308)`;

interface Columns {
  xStart: number[];
  xEnd: number[];
  min: number[];
  max: number[];
}

/**
 * {@link TrackingStore.downsampleMetricHistory} in SQL, so only the buckets leave the
 * database:
 * 1. a count of the points in range, which says whether the range is short enough to
 *    answer exactly (then the finite points are read as they are);
 * 2. the x range: two probes of the primary key for steps, one aggregate for timestamps
 *    (no index leads with them);
 * 3. the buckets. On SQLite by step, one range scan of the primary key per bucket giving
 *    its minimum, maximum and count in one pass (packed into one text value: a scalar
 *    subquery has one column), and two probes for its first and last step; a `GROUP BY`
 *    on a computed bucket would make SQLite sort the whole history. Otherwise one
 *    `GROUP BY` on the bucket number (PostgreSQL hashes it).
 */
export async function downsampleMetricHistory(db: Db, flavor: SqlFlavor, query: DownsampleQuery): Promise<DownsampledHistory> {
  await runRow(db, query.runId);
  const x = sql.ref(query.xAxis === 'step' ? 'step' : 'timestamp');
  const where = sql`run_uuid = ${query.runId} and key = ${query.key} and ${rangeCondition(x, query)}`;
  const rangeScans = flavor === 'sqlite' && query.xAxis === 'step';

  // Counting every point needs no look at the values, which makes it the cheap pass.
  const counts = rangeScans
    ? await sql<{ n: Num; finite: Num }>`select count(*) as n, null as finite from metrics where ${where}`.execute(db)
    : await sql<{ n: Num; finite: Num }>`
        select count(*) as n, sum(case when ${FINITE} then 1 else 0 end) as finite from metrics where ${where}`.execute(db);
  const totalPoints = Number(counts.rows[0]?.n ?? 0);
  const exactly = async (): Promise<DownsampledHistory> => {
    const points = await rawPoints(db, query, x, where);
    return { xAxis: query.xAxis, totalPoints, nonFinitePoints: totalPoints - points.xStart.length, exact: true, ...points };
  };
  if (totalPoints <= 2 * query.buckets) return exactly();
  const knownFinite = counts.rows[0]?.finite;
  if (knownFinite !== null && knownFinite !== undefined && Number(knownFinite) <= 2 * query.buckets) return exactly();

  const bounds = await dataBounds(db, query, x, where);
  const { columns, finite } = rangeScans
    ? await bucketsByRangeScans(db, query, bounds)
    : { columns: await bucketsByGroup(db, flavor, query, x, where, bounds), finite: Number(knownFinite ?? 0) };
  // Mostly NaN or infinite: few enough finite points to send them all.
  if (finite <= 2 * query.buckets) return exactly();
  return { xAxis: query.xAxis, totalPoints, nonFinitePoints: totalPoints - finite, exact: false, ...columns };
}

function rangeCondition(x: RawBuilder<unknown>, query: DownsampleQuery): RawBuilder<unknown> {
  const parts = [sql`1 = 1`];
  if (query.xMin !== undefined) parts.push(sql`${x} >= ${query.xMin}`);
  if (query.xMax !== undefined) parts.push(sql`${x} <= ${query.xMax}`);
  return sql.join(parts, sql` and `);
}

/** The smallest and largest x of the points in range (there are some: the count said so). */
async function dataBounds(db: Db, query: DownsampleQuery, x: RawBuilder<unknown>, where: RawBuilder<unknown>): Promise<{ lo: number; hi: number }> {
  if (query.xAxis === 'step') {
    const edge = async (direction: RawBuilder<unknown>): Promise<number> => {
      const r = await sql<{ x: Num }>`select step as x from metrics where ${where} order by step ${direction} limit 1`.execute(db);
      return Number(r.rows[0]?.x ?? 0);
    };
    return { lo: await edge(sql`asc`), hi: await edge(sql`desc`) };
  }
  const r = await sql<{ lo: Num; hi: Num }>`select min(${x}) as lo, max(${x}) as hi from metrics where ${where}`.execute(db);
  return { lo: Number(r.rows[0]?.lo ?? 0), hi: Number(r.rows[0]?.hi ?? 0) };
}

/**
 * Bucket `i` holds the integer x in `[lo + ⌈i·w⌉, lo + ⌈(i+1)·w⌉)` with `w = (hi − lo + 1) / buckets`,
 * i.e. `⌊(x − lo) / w⌋ = i`: both bucketing paths cut the range the same way.
 */
function bucketWidth(bounds: { lo: number; hi: number }, buckets: number): number {
  return (bounds.hi - bounds.lo + 1) / buckets;
}

async function bucketsByRangeScans(db: Db, query: DownsampleQuery, bounds: { lo: number; hi: number }): Promise<{ columns: Columns; finite: number }> {
  const w = bucketWidth(bounds, query.buckets);
  const edges: [number, number][] = [];
  for (let i = 0; i < query.buckets; i++) {
    const from = bounds.lo + Math.ceil(i * w);
    const to = i === query.buckets - 1 ? bounds.hi + 1 : bounds.lo + Math.ceil((i + 1) * w);
    if (to > from) edges.push([from, to]);
  }
  const inBucket = sql`run_uuid = ${query.runId} and key = ${query.key} and step >= b.lo and step < b.hi and ${FINITE}`;
  // `%!.17g` prints enough digits for the double to read back exactly.
  const r = await sql<{ agg: string | null; x_start: Num; x_end: Num }>`
    with b(i, lo, hi) as (
      select cast(key as integer), json_extract(value, '$[0]'), json_extract(value, '$[1]') from json_each(${JSON.stringify(edges)})
    )
    select
      (select printf('%!.17g %!.17g %d', min(value), max(value), count(*)) from metrics where ${inBucket}) as agg,
      (select step from metrics where ${inBucket} order by step asc limit 1) as x_start,
      (select step from metrics where ${inBucket} order by step desc limit 1) as x_end
    from b order by b.i`.execute(db);
  let finite = 0;
  const rows = r.rows.map((row) => {
    const [mn, mx, n] = (row.agg ?? '').split(' ');
    const count = Number(n ?? 0);
    finite += count;
    return count === 0 ? { v_min: null, v_max: null, x_start: null, x_end: null } : { v_min: Number(mn), v_max: Number(mx), x_start: row.x_start, x_end: row.x_end };
  });
  return { columns: toColumns(rows), finite };
}

async function bucketsByGroup(
  db: Db,
  flavor: SqlFlavor,
  query: DownsampleQuery,
  x: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
  bounds: { lo: number; hi: number },
): Promise<Columns> {
  const w = bucketWidth(bounds, query.buckets);
  // x − lo ≥ 0, so truncating (SQLite's cast) is flooring.
  const bucket =
    flavor === 'sqlite'
      ? sql`cast((${x} - ${bounds.lo}) / cast(${w} as real) as integer)`
      : sql`floor((${x} - ${bounds.lo}) / cast(${w} as double precision))`;
  const r = await sql<{ v_min: Num; v_max: Num; x_start: Num; x_end: Num }>`
    select ${bucket} as b, min(value) as v_min, max(value) as v_max, min(${x}) as x_start, max(${x}) as x_end
    from metrics
    where ${where} and ${FINITE}
    group by 1
    order by 1`.execute(db);
  return toColumns(r.rows);
}

function toColumns(rows: readonly { v_min: Num; v_max: Num; x_start: Num; x_end: Num }[]): Columns {
  const out: Columns = { xStart: [], xEnd: [], min: [], max: [] };
  for (const r of rows) {
    if (r.v_min === null || r.v_max === null || r.x_start === null || r.x_end === null) continue;
    out.xStart.push(Number(r.x_start));
    out.xEnd.push(Number(r.x_end));
    out.min.push(Number(r.v_min));
    out.max.push(Number(r.v_max));
  }
  return out;
}

/** The finite points in range as one-point buckets, in x order. */
async function rawPoints(db: Db, query: DownsampleQuery, x: RawBuilder<unknown>, where: RawBuilder<unknown>): Promise<Columns> {
  const order = query.xAxis === 'step' ? sql`step, timestamp, value` : sql`timestamp, step, value`;
  const r = await sql<{ x: Num; value: Num }>`
    select ${x} as x, value from metrics where ${where} and ${FINITE} order by ${order}`.execute(db);
  const xs = r.rows.map((p) => Number(p.x));
  const values = r.rows.map((p) => Number(p.value));
  return { xStart: xs, xEnd: [...xs], min: values, max: [...values] };
}
