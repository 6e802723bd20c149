/**
 * Web UI benchmark: time to first interactive render of the 100k-run table and of a
 * 1M-point metric chart, measured in Chromium against a real `slipway server`.
 *
 *   npx tsx bench/ui-bench.ts [--runs 100000] [--points 1000000] [--repeat 5] [--keep]
 *
 * Needs `npm run build` (the server serves dist/ui) and /usr/bin/chromium. Seeds a fresh
 * SQLite database through the store (Slipway's own `SqlTrackingStore` and its tables, in one
 * transaction for the runs, `logBatch` for the history), starts the server on it, and then,
 * `--repeat` times each in a fresh browser context (no cache):
 *
 *  (a) runs table: navigation start → the first rows of the 100k-run experiment are in the
 *      DOM (and React has attached their handlers); then a click on a metric column header →
 *      the first row of the server-sorted result;
 *  (b) chart: navigation start → the run page's canvas has drawn the 1M-point history
 *      (downsampled in the database to two points per pixel); then a drag-zoom → the zoomed
 *      range redrawn at full resolution.
 *
 * Times are from the page's own clock (`performance.now()`, zero at navigation start), so
 * they include the HTML, the assets, the API requests and rendering. Prints a markdown
 * table and writes it to `bench/results/ui-<timestamp>.md`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type Page } from 'playwright-core';
import { sql } from 'kysely';
import { SqlTrackingStore } from '../src/store-sql/sql-tracking-store.js';
import { openSqliteDatabase } from '../src/store-sql/sqlite-database.js';
import { REPO, SLIPWAY_MAIN } from './support/bench-paths.js';
import { onCleanup, runWithCleanup } from './support/cleanup-stack.js';
import { log, setLogName } from './support/log.js';
import { gitCommit, loadAverages, machineLine } from './support/machine-facts.js';
import { makeUsage, parseBenchArgs, positiveInt } from './support/parse-bench-args.js';
import { percentile } from './support/percentiles.js';
import { startServerProcess, stopServerProcess, waitForServer } from './support/start-server-process.js';
import { makeWorkDir } from './support/work-dir.js';
import { writeResults } from './support/write-results.js';

setLogName('ui-bench');

const CHROMIUM = '/usr/bin/chromium';
/** The targets the UI promises (docs/ui.md). */
const TARGET_MS = 1000;

interface Options {
  runs: number;
  points: number;
  repeat: number;
  keep: boolean;
}

const usage = makeUsage(
  'bench/ui-bench.ts',
  '[--runs N (default 100000)] [--points N (default 1000000)] [--repeat N (default 5)] [--keep]',
);

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { runs: 100_000, points: 1_000_000, repeat: 5, keep: false };
  parseBenchArgs(argv, usage, (flag, value) => {
    if (flag === '--runs') o.runs = positiveInt(value(), flag, 10, 10_000_000, usage);
    else if (flag === '--points') o.points = positiveInt(value(), flag, 10, 100_000_000, usage);
    else if (flag === '--repeat') o.repeat = positiveInt(value(), flag, 1, 100, usage);
    else if (flag === '--keep') o.keep = true;
    else return false;
    return true;
  });
  return o;
}

interface Seeded {
  readonly experimentId: string;
  readonly historyRunId: string;
  readonly dbPath: string;
}

/**
 * `runs` runs in one experiment (4 params, 3 metrics, a tag each) written in one
 * transaction into the store's tables, and one run with a `points`-point `loss` history
 * logged through `logBatch`, 1,000 points a call as the REST API takes them.
 */
async function seed(workDir: string, options: Options): Promise<Seeded> {
  const dbPath = path.join(workDir, 'slipway.db');
  const database = openSqliteDatabase({ path: dbPath });
  const store = await SqlTrackingStore.open(database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  try {
    // Seeding only: no fsync per transaction (the server reopens the file with its own settings).
    await sql`pragma synchronous = OFF`.execute(database.db);
    const experimentId = await store.createExperiment({ name: 'ui-bench', tags: [] });
    const t0 = Date.UTC(2026, 0, 1);
    const hex = (i: number): string => i.toString(16).padStart(32, '0');
    let started = performance.now();
    await database.db.transaction().execute(async (trx) => {
      const chunk = 500;
      for (let from = 0; from < options.runs; from += chunk) {
        const ids = Array.from({ length: Math.min(chunk, options.runs - from) }, (_, k) => from + k);
        await trx
          .insertInto('runs')
          .values(
            ids.map((i) => ({
              run_uuid: hex(i + 1),
              name: `run-${i}`,
              experiment_id: Number(experimentId),
              user_id: 'bench',
              status: 'FINISHED',
              start_time: t0 + i * 1000,
              end_time: t0 + i * 1000 + 60_000,
              deleted_time: null,
              deleted_with_experiment: 0,
              artifact_uri: `mlflow-artifacts:/${experimentId}/${hex(i + 1)}/artifacts`,
              lifecycle_stage: 'active',
            })),
          )
          .execute();
        const params = ids.flatMap((i) => [
          { run_uuid: hex(i + 1), key: 'lr', value: (0.001 * ((i % 50) + 1)).toFixed(3) },
          { run_uuid: hex(i + 1), key: 'depth', value: String(3 + (i % 8)) },
          { run_uuid: hex(i + 1), key: 'model', value: i % 3 === 0 ? 'tree' : i % 3 === 1 ? 'linear' : 'boosted' },
          { run_uuid: hex(i + 1), key: 'seed', value: String(i % 10) },
        ]);
        await trx.insertInto('params').values(params).execute();
        await trx
          .insertInto('tags')
          .values(ids.flatMap((i) => [{ run_uuid: hex(i + 1), key: 'mlflow.runName', value: `run-${i}` }]))
          .execute();
        const metrics = ids.flatMap((i) =>
          (
            [
              ['rmse', ((i * 7919) % 10_000) / 10_000],
              ['accuracy', 1 - ((i * 104_729) % 10_000) / 20_000],
              ['f1', ((i * 31) % 997) / 997],
            ] as const
          ).map(([key, value]) => ({ run_uuid: hex(i + 1), key, value, timestamp: t0, step: 0, is_nan: 0 })),
        );
        await trx.insertInto('latest_metrics').values(metrics).execute();
        await trx
          .insertInto('metrics')
          .values(metrics.map((m) => ({ ...m, model_id: null, dataset_name: null, dataset_digest: null })))
          .execute();
      }
    });
    log(`seeded ${options.runs.toLocaleString('en')} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    started = performance.now();
    const historyRunId = 'f'.repeat(32);
    await store.createRun({ runId: historyRunId, experimentId, userId: 'bench', runName: 'long-history', startTime: t0 - 1000, tags: [] });
    for (let from = 0; from < options.points; from += 1000) {
      const metrics = Array.from({ length: Math.min(1000, options.points - from) }, (_, k) => {
        const step = from + k;
        return { key: 'loss', value: 2 * Math.exp(-step / (options.points / 5)) + 0.05 * Math.sin(step / 500) + 0.02 * Math.random(), timestamp: t0 + step * 10, step };
      });
      await store.logBatch({ runId: historyRunId, metrics, params: [], tags: [] });
    }
    log(`seeded a ${options.points.toLocaleString('en')}-point history in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { experimentId, historyRunId, dbPath };
  } finally {
    await store.close();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** `performance.now()` in the page: milliseconds since its navigation started. */
function pageNow(page: Page): Promise<number> {
  return page.evaluate('performance.now()');
}

interface Sample {
  readonly firstRender: number;
  readonly followUp: number;
}

/** (a) The runs table: first rows, then a server-side sort by a metric. */
async function measureTable(browser: Browser, url: string, runs: number): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator('table.runs tbody tr[aria-rowindex] a').first().waitFor({ timeout: 60_000 });
    const firstRender = await pageNow(page);
    const count = await page.getByTestId('run-count').innerText();
    if (!count.startsWith('200+') && runs > 200) throw new Error(`unexpected run count '${count}'`);
    const before = await page.locator('table.runs tbody tr[aria-rowindex] a').first().innerText();
    const clicked = await pageNow(page);
    await page.getByRole('columnheader', { name: 'rmse' }).getByRole('button').click();
    // In the page: the first row's link changed and the table is no longer busy.
    await page.waitForFunction(
      `(() => {
        const a = document.querySelector('table.runs tbody tr[aria-rowindex] a');
        return a !== null && a.textContent !== ${JSON.stringify(before)} && document.querySelector('table.runs[aria-busy="false"]') !== null;
      })()`,
      undefined,
      { timeout: 60_000, polling: 'raf' },
    );
    const followUp = (await pageNow(page)) - clicked;
    return { firstRender, followUp };
  } finally {
    await context.close();
  }
}

/** (b) The chart: the 1M-point history drawn, then a drag-zoom redrawn. */
async function measureChart(browser: Browser, url: string, points: number): Promise<Sample & { serverMs: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    let serverMs = Number.NaN;
    page.on('requestfinished', (r) => {
      if (r.url().includes('/metrics/history-downsampled') && Number.isNaN(serverMs)) {
        const t = r.timing();
        serverMs = t.responseStart - t.requestStart;
      }
    });
    await page.goto(url, { waitUntil: 'commit' });
    const caption = page.getByTestId('chart-caption');
    await caption.getByText(`loss: ${points.toLocaleString('en')} points`).waitFor({ timeout: 120_000 });
    const firstRender = await pageNow(page);
    const box = await page.locator('[data-testid=history-chart] canvas').boundingBox();
    if (box === null) throw new Error('no chart canvas');
    const started = await pageNow(page);
    await page.mouse.move(box.x + 300, box.y + 100);
    await page.mouse.down();
    await page.mouse.move(box.x + 340, box.y + 120, { steps: 2 });
    await page.mouse.up();
    await caption.getByText(/in the zoomed range/).waitFor({ timeout: 60_000 });
    const followUp = (await pageNow(page)) - started;
    return { firstRender, followUp, serverMs };
  } finally {
    await context.close();
  }
}

function summary(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${Math.round(percentile(sorted, 50))} ms (min ${Math.round(sorted[0] ?? 0)}, max ${Math.round(sorted[sorted.length - 1] ?? 0)})`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  readFileSync(SLIPWAY_MAIN);
  readFileSync(path.join(REPO, 'dist', 'ui', 'index.html'));
  readFileSync(CHROMIUM);
  const workDir = await makeWorkDir('slipway-ui-bench-', options.keep);
  const seeded = await seed(workDir, options);

  const port = await freePort();
  mkdirSync(path.join(workDir, 'artifacts'), { recursive: true });
  const server = startServerProcess(
    {
      command: process.execPath,
      args: [SLIPWAY_MAIN, 'server', '--port', String(port), '--data-dir', workDir, '--backend-store-uri', `sqlite:///${seeded.dbPath}`, '--artifacts-destination', path.join(workDir, 'artifacts'), '--log-level', 'warn'],
      cwd: workDir,
      logFile: path.join(workDir, 'slipway.log'),
    },
    'could not start slipway',
  );
  onCleanup('stop slipway', () => stopServerProcess(server.child, 'slipway'));
  const base = `http://127.0.0.1:${port}`;
  await waitForServer(server, 'slipway', { timeoutMs: 60_000, pollMs: 200, timeoutText: 'did not answer /health within 60 s' }, async () => {
    try {
      return (await fetch(`${base}/health`)).ok ? true : undefined;
    } catch {
      return undefined;
    }
  });

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  onCleanup('close chromium', () => browser.close());
  // One warm-up of each page (the server's first queries fill SQLite's page cache).
  await measureTable(browser, `${base}/experiments/${seeded.experimentId}`, options.runs);
  await measureChart(browser, `${base}/runs/${seeded.historyRunId}`, options.points);
  const table: Sample[] = [];
  const chart: (Sample & { serverMs: number })[] = [];
  for (let i = 0; i < options.repeat; i++) {
    table.push(await measureTable(browser, `${base}/experiments/${seeded.experimentId}`, options.runs));
    chart.push(await measureChart(browser, `${base}/runs/${seeded.historyRunId}`, options.points));
    log(`round ${i + 1}: table ${Math.round(table[i]!.firstRender)} ms, chart ${Math.round(chart[i]!.firstRender)} ms`);
  }

  const tableMedian = percentile([...table.map((s) => s.firstRender)].sort((a, b) => a - b), 50);
  const chartMedian = percentile([...chart.map((s) => s.firstRender)].sort((a, b) => a - b), 50);
  const verdict = (ms: number): string => (ms < TARGET_MS ? `meets (< ${TARGET_MS} ms)` : `misses (≥ ${TARGET_MS} ms)`);
  const markdown = [
    `# Web UI benchmark (${startedAt.toISOString()})`,
    '',
    machineLine(),
    `- Commit: ${gitCommit()}; load averages at the end: ${loadAverages()}`,
    `- SQLite, ${options.runs.toLocaleString('en')} runs in one experiment; one ${options.points.toLocaleString('en')}-point history; Chromium ${browser.version()} headless, 1280×900, fresh context per sample; median of ${options.repeat} (after one warm-up)`,
    '',
    '| Measure | Median (min, max) | Target |',
    '|---|---|---|',
    `| Runs table: navigation → first rows rendered | ${summary(table.map((s) => s.firstRender))} | ${verdict(tableMedian)} |`,
    `| Runs table: sort by a metric (server) → first row | ${summary(table.map((s) => s.followUp))} | |`,
    `| Chart: navigation → ${options.points.toLocaleString('en')}-point history drawn | ${summary(chart.map((s) => s.firstRender))} | ${verdict(chartMedian)} |`,
    `| Chart: its downsampling request (server time to first byte) | ${summary(chart.map((s) => s.serverMs))} | |`,
    `| Chart: drag-zoom → zoomed range redrawn | ${summary(chart.map((s) => s.followUp))} | |`,
    '',
  ].join('\n');
  writeResults('ui', startedAt, markdown);
}

runWithCleanup(main);
