/**
 * Serving benchmark: one scikit-learn random forest served by `mlflow models serve` and by
 * Slipway (its ONNX export), side by side on one machine.
 *
 *   npm run bench:serving          # builds, ensures the venv, then runs with the defaults below
 *   npx tsx bench/serving-bench.ts [--duration 15] [--warmup 5] [--concurrency 1,50]
 *                                  [--batch-rows 1000000] [--parts serve,batch,endpoints]
 *                                  [--servers slipway,mlflow] [--trees 100] [--max-depth 10|none]
 *                                  [--mlflow-workers N] [--slipway-node-args "<flags>"]
 *                                  [--slipway-from-source] [--cache-dir <dir>] [--keep]
 *
 * 1. Setup, cached in `--cache-dir` (default `<tmpdir>/slipway-serving-bench`): a
 *    RandomForestRegressor (100 trees, max_depth 10 by default) on the California housing
 *    data, saved with mlflow.sklearn and, converted by skl2onnx, with mlflow.onnx (same
 *    signature and input example) — bench/serving/make_models.py; the batch input CSV —
 *    bench/serving/make_batch_csv.py.
 * 2. serve: `mlflow models serve -m <sklearn> --env-manager local` (MLflow's default
 *    workers unless --mlflow-workers) and `slipway models serve -m <onnx>` (its defaults), both
 *    on 127.0.0.1. Both must answer the single-row `dataframe_split` body with sklearn's own
 *    prediction (within 1e-4) before anything is timed. Then, for each concurrency and each
 *    server in turn (the other idle): a warm-up run, then a measured autocannon run of the
 *    same body (bench/serving/load-run.ts): 2xx req/s, p50/p90/p99 of the 2xx latencies,
 *    non-2xx and errors, the server's CPU seconds and peak RSS, the load generator's CPU.
 * 3. batch: `mlflow models predict -m <sklearn> -i in.csv -t csv --env-manager local -o out.json`
 *    against `slipway predict -m <onnx> -i in.csv -o out.csv` on the same `--batch-rows` CSV,
 *    wall time of each whole command; the outputs are compared row by row.
 * 4. endpoints: `slipway server` with the ONNX model registered and 3 endpoints serving it:
 *    the server's RSS and a run at the highest concurrency against /endpoints/<name>/invocations.
 *
 * A part whose Slipway side does not exist in this build is skipped with the reason printed.
 * The load generator runs in this process, the servers in child processes; all share the
 * machine's cores. Prints a markdown table with ratios and the issue's targets and writes it
 * to `bench/results/serving-<time>.md`, the raw numbers to `…json` next to it (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { REPO, SLIPWAY_MAIN } from './support/bench-paths.js';
import { onCleanup, runWithCleanup } from './support/cleanup-stack.js';
import { fmtMs } from './support/format-ms.js';
import { errorText, log, setLogName } from './support/log.js';
import { commandOutput, gitCommit, loadAverages, machineLine } from './support/machine-facts.js';
import { markdownHead, markdownTable } from './support/markdown-table.js';
import { listOf, makeUsage, nodeArgs, parseBenchArgs, positiveInt, type Usage } from './support/parse-bench-args.js';
import { startServerProcess, stopServerProcess, waitForServer, type ServerProcess } from './support/start-server-process.js';
import { waitUntilIdle } from './support/wait-until-idle.js';
import { makeWorkDir } from './support/work-dir.js';
import { writeResults } from './support/write-results.js';
import { runEndpointsPart, endpointsUnavailable, type EndpointsResult } from './serving/endpoints-part.js';
import { loadRun, type LoadResult } from './serving/load-run.js';
import { ProcessRss } from './serving/process-rss.js';
import { runLogged } from './serving/run-logged.js';

setLogName('serving-bench');

// ---------------------------------------------------------------------------------------
// Configuration

const VENV_BIN = path.join(REPO, '.venv', 'bin');
const PYTHON = path.join(VENV_BIN, 'python');
const MLFLOW = path.join(VENV_BIN, 'mlflow');
const HELPERS = path.join(REPO, 'bench', 'serving');
const DATA_CANDIDATES = [
  path.join(REPO, 'examples', 'california-housing', 'data', 'california-housing.csv'),
  path.join(REPO, '..', 'shared', 'datasets', 'california-housing.csv'),
];
/** The issue's targets. */
const TARGETS = { throughputRatio: 50, p99Ms: 5, reqPerSec: 25_000, endpointsRssMb: 300, endpoints: 3 } as const;
/** The concurrency the c=50 targets are judged at. */
const TARGET_CONCURRENCY = 50;
const TOLERANCE = 1e-4;

type ServerName = 'slipway' | 'mlflow';
type PartName = 'serve' | 'batch' | 'endpoints';

interface Options {
  readonly durationS: number;
  readonly warmupS: number;
  readonly concurrency: number[];
  readonly batchRows: number;
  readonly parts: PartName[];
  readonly servers: ServerName[];
  readonly trees: number;
  readonly maxDepth: string;
  readonly mlflowWorkers?: number;
  readonly slipwayNodeArgs: string[];
  /** Run Slipway from src/ through tsx instead of dist/ (dry runs while dist/ is stale). */
  readonly fromSource: boolean;
  readonly cacheDir: string;
  readonly keep: boolean;
}

const usage: Usage = makeUsage(
  'serving-bench',
  'usage: npx tsx bench/serving-bench.ts [--duration S] [--warmup S] [--concurrency 1,50] [--batch-rows N]\n' +
    '                                      [--parts serve,batch,endpoints] [--servers slipway,mlflow]\n' +
    '                                      [--trees N] [--max-depth N|none] [--mlflow-workers N]\n' +
    '                                      [--slipway-node-args "<node flags>"] [--slipway-from-source] [--cache-dir DIR] [--keep]\n' +
    'defaults: --duration 15 --warmup 5 --concurrency 1,50 --batch-rows 1000000 --trees 100 --max-depth 10,\n' +
    "          MLflow's default workers, --cache-dir <tmpdir>/slipway-serving-bench\n",
);

function parseOptions(argv: readonly string[]): Options {
  let durationS = 15;
  let warmupS = 5;
  let concurrency = [1, 50];
  let batchRows = 1_000_000;
  let parts: PartName[] = ['serve', 'batch', 'endpoints'];
  let servers: ServerName[] = ['slipway', 'mlflow'];
  let trees = 100;
  let maxDepth = '10';
  let mlflowWorkers: number | undefined;
  let slipwayNodeArgs: string[] = [];
  let fromSource = false;
  let cacheDir = path.join(os.tmpdir(), 'slipway-serving-bench');
  let keep = false;
  parseBenchArgs(argv, usage, (flag, value) => {
    switch (flag) {
      case '--duration':
        durationS = positiveInt(value(), flag, 1, 3600, usage);
        return true;
      case '--warmup':
        warmupS = positiveInt(value(), flag, 0, 600, usage);
        return true;
      case '--concurrency':
        concurrency = value()
          .split(',')
          .map((c) => positiveInt(c.trim(), flag, 1, 1000, usage));
        return true;
      case '--batch-rows':
        batchRows = positiveInt(value(), flag, 1, 100_000_000, usage);
        return true;
      case '--parts':
        parts = listOf(value(), ['serve', 'batch', 'endpoints'] as const, flag, usage);
        return true;
      case '--servers':
        servers = listOf(value(), ['slipway', 'mlflow'] as const, flag, usage);
        return true;
      case '--trees':
        trees = positiveInt(value(), flag, 1, 10_000, usage);
        return true;
      case '--max-depth': {
        const v = value();
        if (v !== 'none') positiveInt(v, flag, 1, 1000, usage);
        maxDepth = v;
        return true;
      }
      case '--mlflow-workers':
        mlflowWorkers = positiveInt(value(), flag, 1, 64, usage);
        return true;
      case '--slipway-node-args':
        slipwayNodeArgs = nodeArgs(value());
        return true;
      case '--slipway-from-source':
        fromSource = true;
        return true;
      case '--cache-dir':
        cacheDir = path.resolve(value());
        return true;
      case '--keep':
        keep = true;
        return true;
      default:
        return false;
    }
  });
  return { durationS, warmupS, concurrency, batchRows, parts, servers, trees, maxDepth, mlflowWorkers, slipwayNodeArgs, fromSource, cacheDir, keep };
}

// ---------------------------------------------------------------------------------------
// Setup: the models and the batch input, cached

interface ModelMeta {
  readonly trees: number;
  readonly max_depth: number | null;
  readonly deepest_tree: number;
  readonly nodes: number;
  readonly training_rows: number;
  readonly onnx_bytes: number;
  readonly sklearn_bytes: number;
  readonly versions: Record<string, string>;
}

interface ModelSet {
  readonly dir: string;
  readonly sklearnDir: string;
  readonly onnxDir: string;
  readonly body: Buffer;
  /** sklearn's prediction for the body's row. */
  readonly expected: number[];
  readonly meta: ModelMeta;
}

function dataFile(): string {
  const found = DATA_CANDIDATES.find((f) => existsSync(f));
  if (found === undefined) throw new Error(`no California housing CSV at ${DATA_CANDIDATES.join(' or ')}`);
  return found;
}

async function ensureModels(options: Options, workDir: string): Promise<ModelSet> {
  const dir = path.join(options.cacheDir, `rf-${options.trees}-d${options.maxDepth}`);
  if (!existsSync(path.join(dir, 'meta.json'))) {
    log(`training the forest (${options.trees} trees, max_depth ${options.maxDepth}) into ${dir}`);
    await runLogged(
      {
        command: PYTHON,
        args: [path.join(HELPERS, 'make_models.py'), '--data', dataFile(), '--out', dir, '--trees', String(options.trees), '--max-depth', options.maxDepth],
        logFile: path.join(workDir, 'make-models.log'),
      },
      'make_models.py',
    );
  } else {
    log(`models cached in ${dir}`);
  }
  const expected = (JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { predictions: number[] }).predictions;
  return {
    dir,
    sklearnDir: path.join(dir, 'sklearn'),
    onnxDir: path.join(dir, 'onnx'),
    body: readFileSync(path.join(dir, 'body.json')),
    expected,
    meta: JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as ModelMeta,
  };
}

async function ensureBatchCsv(options: Options, workDir: string): Promise<string> {
  const file = path.join(options.cacheDir, `batch-${options.batchRows}.csv`);
  if (!existsSync(file)) {
    log(`writing the ${options.batchRows.toLocaleString('en-US')}-row batch input to ${file}`);
    await runLogged(
      {
        command: PYTHON,
        args: [path.join(HELPERS, 'make_batch_csv.py'), '--data', dataFile(), '--rows', String(options.batchRows), '--out', file],
        logFile: path.join(workDir, 'make-batch-csv.log'),
      },
      'make_batch_csv.py',
    );
  }
  return file;
}

// ---------------------------------------------------------------------------------------
// Servers

interface Served {
  readonly name: ServerName;
  readonly label: string;
  /** Base URL, no trailing slash. */
  readonly url: string;
  readonly proc: ServerProcess;
  readonly rss: ProcessRss;
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

async function pingOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** The environment of an activated venv: `mlflow models serve` execs `uvicorn` from PATH. */
function venvEnv(): NodeJS.ProcessEnv {
  return { ...process.env, VIRTUAL_ENV: path.dirname(VENV_BIN), PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}` };
}

/** Node's arguments before Slipway's own: node flags and the CLI's entry point. */
function slipwayEntry(options: Options): string[] {
  if (!options.fromSource) return [...options.slipwayNodeArgs, SLIPWAY_MAIN];
  return [...options.slipwayNodeArgs, '--import', path.join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs'), path.join(REPO, 'src', 'cli', 'main.ts')];
}

function slipwayEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('SLIPWAY_')) delete env[name];
  return env;
}

async function startSlipway(model: ModelSet, workDir: string, options: Options): Promise<Served> {
  const logFile = path.join(workDir, 'slipway-serve.log');
  const args = [...slipwayEntry(options), 'models', 'serve', '-m', model.onnxDir, '--port', '0'];
  const proc = startServerProcess({ command: process.execPath, args, cwd: workDir, logFile, env: slipwayEnv() }, 'could not spawn slipway models serve');
  const rss = new ProcessRss(proc.pid, false);
  onCleanup('stop slipway models serve', async () => {
    rss.stop();
    await stopServerProcess(proc.child, 'slipway models serve');
  });
  const url = await waitForServer(proc, 'slipway models serve', { timeoutMs: 60_000, pollMs: 100, timeoutText: 'printed no URL within 60 s' }, () => {
    const m = /Slipway is serving .* at (http:\/\/\S+)/.exec(readFileSync(logFile, 'utf8'));
    return m === null ? undefined : m[1]!;
  });
  await waitForServer(proc, 'slipway models serve', { timeoutMs: 30_000, pollMs: 200, timeoutText: 'did not answer /ping within 30 s' }, async () => ((await pingOk(url)) ? true : undefined));
  return { name: 'slipway', label: 'Slipway `models serve` (ONNX)', url, proc, rss };
}

async function startMlflow(model: ModelSet, workDir: string, options: Options): Promise<Served> {
  const logFile = path.join(workDir, 'mlflow-serve.log');
  const port = await freePort();
  const args = ['models', 'serve', '-m', model.sklearnDir, '--env-manager', 'local', '-p', String(port), '-h', '127.0.0.1'];
  if (options.mlflowWorkers !== undefined) args.push('-w', String(options.mlflowWorkers));
  const proc = startServerProcess({ command: MLFLOW, args, cwd: workDir, logFile, env: venvEnv() }, 'could not spawn mlflow models serve');
  const rss = new ProcessRss(proc.pid, true);
  onCleanup('stop mlflow models serve', async () => {
    rss.stop();
    await stopServerProcess(proc.child, 'mlflow models serve');
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForServer(proc, 'mlflow models serve', { timeoutMs: 180_000, pollMs: 500, timeoutText: 'did not answer /ping within 180 s' }, async () => ((await pingOk(url)) ? true : undefined));
  return { name: 'mlflow', label: '`mlflow models serve` (sklearn)', url, proc, rss };
}

async function predictions(url: string, body: Buffer): Promise<number[]> {
  const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}/invocations answered ${res.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { predictions: number[] }).predictions;
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(b));
}

/** Throws unless every server answers the body with sklearn's prediction. */
async function checkPredictions(servers: readonly Served[], model: ModelSet): Promise<Record<string, number[]>> {
  const seen: Record<string, number[]> = { sklearn: model.expected };
  for (const s of servers) {
    const got = await predictions(s.url, model.body);
    seen[s.name] = got;
    if (got.length !== model.expected.length || got.some((v, i) => !close(v, model.expected[i]!))) {
      throw new Error(`${s.name} predicts ${JSON.stringify(got)} for the body; sklearn predicts ${JSON.stringify(model.expected)}`);
    }
  }
  log(`predictions agree within ${TOLERANCE}: ${JSON.stringify(seen)}`);
  return seen;
}

/** Waits (up to 30 s) until the servers use < 5 % of a core; logs when they do not. */
async function quiesce(servers: readonly Served[], what: string): Promise<void> {
  const idle = await waitUntilIdle(() => servers.reduce((sum, s) => sum + s.rss.cpuNow() * 100, 0), 30_000);
  if (!idle) log(`servers not idle after 30 s before ${what}; measuring anyway`);
}

// ---------------------------------------------------------------------------------------
// Parts

interface ServeRun extends LoadResult {
  readonly serverCpuSeconds: number;
  readonly serverPeakRssMb: number;
  readonly loadAverage1m: number;
}

interface ServeResult {
  readonly predictions: Record<string, number[]>;
  /** runs[server][concurrency] */
  readonly runs: Partial<Record<ServerName, Record<string, ServeRun>>>;
  readonly idleRssMb: Partial<Record<ServerName, number>>;
  readonly processes: Partial<Record<ServerName, number>>;
}

async function runServe(model: ModelSet, workDir: string, options: Options): Promise<ServeResult> {
  const servers: Served[] = [];
  if (options.servers.includes('slipway')) servers.push(await startSlipway(model, workDir, options));
  if (options.servers.includes('mlflow')) servers.push(await startMlflow(model, workDir, options));
  const checked = await checkPredictions(servers, model);
  const idleRssMb: ServeResult['idleRssMb'] = {};
  for (const s of servers) idleRssMb[s.name] = s.rss.nowMb();
  const runs: ServeResult['runs'] = {};
  for (const c of options.concurrency) {
    for (const s of servers) {
      await quiesce(servers, `${s.name} c=${c}`);
      if (options.warmupS > 0) {
        s.rss.setPhase(`warmup-c${c}`);
        log(`${s.name}: warm-up, ${c} connection(s), ${options.warmupS} s`);
        await loadRun({ url: `${s.url}/invocations`, body: model.body, connections: c, seconds: options.warmupS });
      }
      const phase = `c${c}`;
      s.rss.setPhase(phase);
      const load1 = os.loadavg()[0]!;
      log(`${s.name}: measuring, ${c} connection(s), ${options.durationS} s`);
      const r = await loadRun({ url: `${s.url}/invocations`, body: model.body, connections: c, seconds: options.durationS });
      s.rss.setPhase('idle');
      const run: ServeRun = { ...r, serverCpuSeconds: s.rss.phaseCpuSeconds(phase) ?? Number.NaN, serverPeakRssMb: s.rss.peakMb(phase) ?? Number.NaN, loadAverage1m: load1 };
      (runs[s.name] ??= {})[String(c)] = run;
      log(
        `${s.name} c=${c}: ${fmtInt(run.reqPerSec)} req/s, p50 ${fmtMs(run.p50Ms)}, p99 ${fmtMs(run.p99Ms)}, non-2xx ${run.non2xx}, errors ${run.errors}, ` +
          `server CPU ${run.serverCpuSeconds.toFixed(1)} s, client CPU ${run.clientCpuSeconds.toFixed(1)} s, peak RSS ${run.serverPeakRssMb.toFixed(0)} MB`,
      );
    }
  }
  const processes: ServeResult['processes'] = {};
  for (const s of servers) {
    processes[s.name] = s.rss.processes;
    s.rss.stop();
    await stopServerProcess(s.proc.child, s.name);
  }
  return { predictions: checked, runs, idleRssMb, processes };
}

interface BatchSide {
  readonly command: string;
  readonly seconds: number;
  readonly rowsPerSec: number;
  readonly peakRssMb?: number | undefined;
}

interface BatchResult {
  readonly rows: number;
  readonly inputBytes: number;
  readonly mlflow?: BatchSide;
  readonly slipway?: BatchSide;
  readonly slipwaySkipped?: string;
  /** Row-by-row comparison of the two outputs. */
  readonly comparison?: { rows: number; mismatches: number; maxAbsDiff: number } | { error: string };
}

/** Why `slipway predict` cannot run in this build, or undefined when it can. */
function slipwayPredictUnavailable(options: Options): string | undefined {
  const res = spawnSync(process.execPath, [...slipwayEntry(options), 'predict', '--help'], { encoding: 'utf8', cwd: REPO });
  if (res.status === 0 && /-i, --input/.test(res.stdout)) return undefined;
  return '`slipway predict` is not a command of this build (`node dist/cli/main.js predict --help` shows no `-i, --input`)';
}

async function runBatch(model: ModelSet, workDir: string, options: Options): Promise<BatchResult> {
  const csv = await ensureBatchCsv(options, workDir);
  const rows = options.batchRows;
  const inputBytes = readFileSync(csv).byteLength;
  let mlflow: BatchSide | undefined;
  let slipway: BatchSide | undefined;
  const mlflowOut = path.join(workDir, 'mlflow-predictions.json');
  const slipwayOut = path.join(workDir, 'slipway-predictions.csv');
  if (options.servers.includes('mlflow')) {
    const args = ['models', 'predict', '-m', model.sklearnDir, '-i', csv, '-t', 'csv', '--env-manager', 'local', '-o', mlflowOut];
    log(`mlflow models predict: ${rows.toLocaleString('en-US')} rows`);
    const r = await runLogged({ command: MLFLOW, args, logFile: path.join(workDir, 'mlflow-predict.log'), env: venvEnv() }, 'mlflow models predict', (p) => new ProcessRss(p.pid, true));
    mlflow = { command: `mlflow ${args.join(' ')}`, seconds: r.seconds, rowsPerSec: rows / r.seconds, peakRssMb: r.peakRssMb };
    log(`mlflow models predict: ${r.seconds.toFixed(1)} s, ${fmtInt(rows / r.seconds)} rows/s`);
  }
  const unavailable = options.servers.includes('slipway') ? slipwayPredictUnavailable(options) : 'not asked for (--servers)';
  if (unavailable === undefined) {
    const entry = slipwayEntry(options);
    const args = [...entry, 'predict', '-m', model.onnxDir, '-i', csv, '-o', slipwayOut];
    log(`slipway predict: ${rows.toLocaleString('en-US')} rows`);
    const r = await runLogged({ command: process.execPath, args, logFile: path.join(workDir, 'slipway-predict.log'), env: slipwayEnv() }, 'slipway predict', (p) => new ProcessRss(p.pid, true));
    slipway = { command: `slipway ${args.slice(entry.length).join(' ')}`, seconds: r.seconds, rowsPerSec: rows / r.seconds, peakRssMb: r.peakRssMb };
    log(`slipway predict: ${r.seconds.toFixed(1)} s, ${fmtInt(rows / r.seconds)} rows/s`);
  } else {
    log(`skipping slipway predict: ${unavailable}`);
  }
  let comparison: BatchResult['comparison'];
  if (mlflow !== undefined && slipway !== undefined) {
    try {
      comparison = compareBatchOutputs(mlflowOut, slipwayOut, rows);
      log(`batch outputs: ${comparison.mismatches} of ${comparison.rows} rows differ by more than ${TOLERANCE} (largest difference ${comparison.maxAbsDiff.toExponential(2)})`);
    } catch (e) {
      comparison = { error: errorText(e) };
      log(`could not compare the batch outputs: ${errorText(e)}`);
    }
  }
  return { rows, inputBytes, mlflow, slipway, slipwaySkipped: unavailable, comparison };
}

/** MLflow's `{"predictions": [...]}` against Slipway's CSV (a `prediction(s)` column, else the last one) or JSON. */
function compareBatchOutputs(mlflowFile: string, slipwayFile: string, rows: number): { rows: number; mismatches: number; maxAbsDiff: number } {
  const expected = (JSON.parse(readFileSync(mlflowFile, 'utf8')) as { predictions: number[] }).predictions;
  const text = readFileSync(slipwayFile, 'utf8');
  let got: number[];
  if (text.trimStart().startsWith('{')) {
    got = (JSON.parse(text) as { predictions: number[] }).predictions;
  } else {
    const newline = text.indexOf('\n');
    const header = parseCsv(text.slice(0, newline < 0 ? text.length : newline))[0] ?? [];
    let col = header.findIndex((h) => h === 'prediction' || h === 'predictions');
    if (col < 0) col = header.length - 1;
    got = [];
    // One value per record kept, so a million records cost a million numbers, not nine million strings.
    const keep = (record: string[]): null => {
      got.push(Number(record[col]));
      return null;
    };
    parseCsv(text, { from_line: 2, skip_empty_lines: true, on_record: keep });
  }
  if (expected.length !== rows || got.length !== rows) throw new Error(`expected ${rows} predictions from each; MLflow wrote ${expected.length}, Slipway ${got.length}`);
  let mismatches = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < rows; i++) {
    const d = Math.abs(got[i]! - expected[i]!);
    if (!(d <= TOLERANCE * Math.max(1, Math.abs(expected[i]!)))) mismatches++;
    if (d > maxAbsDiff || Number.isNaN(d)) maxAbsDiff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return { rows, mismatches, maxAbsDiff };
}

// ---------------------------------------------------------------------------------------
// Report

interface Report {
  readonly startedAt: string;
  readonly seconds: number;
  readonly command: string;
  readonly machine: string;
  readonly commit: string;
  readonly node: string;
  readonly mlflowVersion: string;
  readonly loadAverages: { readonly start: string; readonly end: string };
  readonly options: Options;
  readonly model: ModelMeta;
  readonly serve?: ServeResult | { readonly skipped: string };
  readonly batch?: BatchResult | { readonly skipped: string };
  readonly endpoints?: EndpointsResult | { readonly skipped: string };
  readonly targets: TargetCheck[];
}

interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

function fmtInt(n: number | undefined): string {
  return n === undefined || Number.isNaN(n) ? '—' : Math.round(n).toLocaleString('en-US');
}

function fmtRatio(ratio: number | undefined, suffix = ''): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×${suffix}`;
}

function fmtMb(mb: number | undefined): string {
  return mb === undefined || Number.isNaN(mb) ? '—' : `${mb.toFixed(0)} MB`;
}

function isServe(x: Report['serve']): x is ServeResult {
  return x !== undefined && !('skipped' in x);
}

function targetChecks(serve: Report['serve'], endpoints: Report['endpoints']): TargetCheck[] {
  const key = String(TARGET_CONCURRENCY);
  const s = isServe(serve) ? serve.runs.slipway?.[key] : undefined;
  const m = isServe(serve) ? serve.runs.mlflow?.[key] : undefined;
  const ratio = s !== undefined && m !== undefined && m.reqPerSec > 0 ? s.reqPerSec / m.reqPerSec : undefined;
  const ep = endpoints !== undefined && !('skipped' in endpoints) ? endpoints : undefined;
  return [
    { target: `≥ ${TARGETS.throughputRatio}× the req/s of mlflow models serve (c=${TARGET_CONCURRENCY})`, measured: fmtRatio(ratio), met: ratio === undefined ? undefined : ratio >= TARGETS.throughputRatio },
    { target: `p99 ≤ ${TARGETS.p99Ms} ms at c=${TARGET_CONCURRENCY}`, measured: s === undefined ? 'not run' : fmtMs(s.p99Ms), met: s === undefined ? undefined : s.p99Ms <= TARGETS.p99Ms },
    {
      target: `≥ ${fmtInt(TARGETS.reqPerSec)} req/s from one Slipway process (c=${TARGET_CONCURRENCY})`,
      measured: s === undefined ? 'not run' : `${fmtInt(s.reqPerSec)} req/s`,
      met: s === undefined ? undefined : s.reqPerSec >= TARGETS.reqPerSec,
    },
    {
      target: `Slipway RSS ≤ ${TARGETS.endpointsRssMb} MB with ${TARGETS.endpoints} endpoints loaded`,
      measured: ep === undefined ? 'not run' : `${fmtMb(ep.peakRssMb)} peak (${fmtMb(ep.loadedRssMb)} loaded, idle)`,
      met: ep === undefined ? undefined : ep.peakRssMb <= TARGETS.endpointsRssMb,
    },
  ];
}

function renderMarkdown(report: Report, startedAt: Date): string {
  const lines = markdownHead('Serving: Slipway vs `mlflow models serve`', 'bench/serving-bench.ts', startedAt, report.seconds);
  const o = report.options;
  const meta = report.model;
  lines.push(
    report.machine,
    `- Slipway: commit ${report.commit}, Node ${report.node}, \`slipway models serve -m <onnx dir> --port 0\` (defaults: micro-batching on)${o.fromSource ? ' — **run from src/ through tsx (--slipway-from-source): a dry run**' : ''}`,
    `- MLflow ${report.mlflowVersion}: \`mlflow models serve -m <sklearn dir> --env-manager local\`${o.mlflowWorkers === undefined ? " (MLflow's default workers)" : ` -w ${o.mlflowWorkers}`}`,
    `- Model: RandomForestRegressor, ${meta.trees} trees, max_depth ${meta.max_depth ?? 'unbounded'} (deepest tree ${meta.deepest_tree}), ${fmtInt(meta.nodes)} nodes, ` +
      `${meta.training_rows} California housing rows; sklearn ${meta.versions.sklearn ?? '?'} (${(meta.sklearn_bytes / 1e6).toFixed(1)} MB skops) / skl2onnx ${meta.versions.skl2onnx ?? '?'} (${(meta.onnx_bytes / 1e6).toFixed(1)} MB ONNX)`,
    `- Load: autocannon 9 in the benchmark's process (the servers are child processes; all share the ${os.cpus().length} cores), POST /invocations with one ` +
      `\`dataframe_split\` row, ${o.warmupS} s warm-up + ${o.durationS} s measured per run; latencies of the 2xx answers, per response`,
    `- Load average (1/5/15 min) at start: ${report.loadAverages.start}; at end: ${report.loadAverages.end}`,
    '',
  );
  const rows: string[][] = [];
  const serve = report.serve;
  if (isServe(serve)) {
    for (const c of o.concurrency) {
      const s = serve.runs.slipway?.[String(c)];
      const m = serve.runs.mlflow?.[String(c)];
      const both = s !== undefined && m !== undefined;
      rows.push([`c=${c}: req/s (2xx)`, fmtInt(s?.reqPerSec), fmtInt(m?.reqPerSec), both && m.reqPerSec > 0 ? fmtRatio(s.reqPerSec / m.reqPerSec) : '—']);
      rows.push([`c=${c}: p50`, fmtMs(s?.p50Ms), fmtMs(m?.p50Ms), both ? fmtRatio(m.p50Ms / s.p50Ms, ' faster') : '—']);
      rows.push([`c=${c}: p99`, fmtMs(s?.p99Ms), fmtMs(m?.p99Ms), both ? fmtRatio(m.p99Ms / s.p99Ms, ' faster') : '—']);
      rows.push([`c=${c}: non-2xx / errors`, s === undefined ? '—' : `${s.non2xx} / ${s.errors}`, m === undefined ? '—' : `${m.non2xx} / ${m.errors}`, '']);
      const cpu = (r: ServeRun | undefined): string =>
        r === undefined ? '—' : `${fmtMs((r.serverCpuSeconds * 1000) / Math.max(1, r.responses))}; ${(r.serverCpuSeconds / r.seconds).toFixed(2)}, ${(r.clientCpuSeconds / r.seconds).toFixed(2)}`;
      rows.push([`c=${c}: CPU per request (server); cores busy (server, load generator)`, cpu(s), cpu(m), '']);
    }
    const peak = (name: ServerName): number | undefined => {
      const runs = serve.runs[name];
      return runs === undefined ? undefined : Math.max(...Object.values(runs).map((r) => r.serverPeakRssMb));
    };
    rows.push(['Server RSS: idle after load; peak under load', `${fmtMb(serve.idleRssMb.slipway)}; ${fmtMb(peak('slipway'))}`, `${fmtMb(serve.idleRssMb.mlflow)}; ${fmtMb(peak('mlflow'))} (${serve.processes.mlflow ?? '?'} processes)`, '']);
  } else if (serve !== undefined) {
    rows.push(['single-row scoring', `skipped: ${serve.skipped}`, '', '']);
  }
  const batch = report.batch;
  if (batch !== undefined && !('skipped' in batch)) {
    const label = `batch: ${fmtInt(batch.rows)} rows (CSV, ${(batch.inputBytes / 1e6).toFixed(0)} MB), whole command`;
    rows.push([
      label,
      batch.slipway === undefined ? `skipped: ${batch.slipwaySkipped ?? '?'}` : `${batch.slipway.seconds.toFixed(1)} s, ${fmtInt(batch.slipway.rowsPerSec)} rows/s`,
      batch.mlflow === undefined ? '—' : `${batch.mlflow.seconds.toFixed(1)} s, ${fmtInt(batch.mlflow.rowsPerSec)} rows/s`,
      batch.slipway !== undefined && batch.mlflow !== undefined ? fmtRatio(batch.mlflow.seconds / batch.slipway.seconds, ' faster') : '—',
    ]);
    rows.push(['batch: peak RSS of the command', fmtMb(batch.slipway?.peakRssMb), fmtMb(batch.mlflow?.peakRssMb), '']);
    if (batch.comparison !== undefined) {
      rows.push(['batch: outputs agree', 'error' in batch.comparison ? `could not compare: ${batch.comparison.error}` : `${fmtInt(batch.comparison.rows - batch.comparison.mismatches)} of ${fmtInt(batch.comparison.rows)} rows within ${TOLERANCE} (largest difference ${batch.comparison.maxAbsDiff.toExponential(1)})`, '', '']);
    }
  } else if (batch !== undefined) {
    rows.push(['batch scoring', `skipped: ${batch.skipped}`, '', '']);
  }
  const ep = report.endpoints;
  if (ep !== undefined && !('skipped' in ep)) {
    rows.push([`${ep.endpoints} endpoints on \`slipway server\`: RSS loaded (idle); peak under load`, `${fmtMb(ep.loadedRssMb)}; ${fmtMb(ep.peakRssMb)}`, '', '']);
    rows.push([`/endpoints/<name>/invocations, c=${ep.run.connections}: req/s, p50, p99`, `${fmtInt(ep.run.reqPerSec)} req/s, ${fmtMs(ep.run.p50Ms)}, ${fmtMs(ep.run.p99Ms)} (non-2xx ${ep.run.non2xx})`, '', '']);
  } else if (ep !== undefined) {
    rows.push(['3 endpoints on `slipway server`', `skipped: ${ep.skipped}`, '', '']);
  }
  lines.push(...markdownTable(['Measure', 'Slipway', 'MLflow', 'Ratio'], ['left', 'right', 'right', 'right'], rows), '');
  lines.push(
    'Targets (GitHub issue 6):',
    '',
    ...markdownTable(
      ['Target', 'Measured', 'Result'],
      ['left', 'right', 'left'],
      report.targets.map((t) => [t.target, t.measured, t.met === undefined ? 'not run' : t.met ? 'met' : '**missed**']),
    ),
    '',
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const loadStart = loadAverages();
  if (options.fromSource) log('--slipway-from-source: Slipway runs from src/ through tsx; a dry run, not numbers for the docs');
  else if (!existsSync(SLIPWAY_MAIN)) throw new Error(`${path.relative(REPO, SLIPWAY_MAIN)} is missing: run \`npm run build\` first`);
  if (!existsSync(MLFLOW)) throw new Error(`${MLFLOW} is missing: run \`bash scripts/ensure-venv.sh\` first`);
  const workDir = await makeWorkDir('slipway-serving-bench-', options.keep);
  const model = await ensureModels(options, workDir);

  let serve: Report['serve'];
  if (options.parts.includes('serve')) serve = await runServe(model, workDir, options);
  else serve = { skipped: 'not asked for (--parts)' };

  let batch: Report['batch'];
  if (options.parts.includes('batch')) batch = await runBatch(model, workDir, options);
  else batch = { skipped: 'not asked for (--parts)' };

  let endpoints: Report['endpoints'];
  const unavailable = options.parts.includes('endpoints') ? endpointsUnavailable(slipwayEntry(options)) : 'not asked for (--parts)';
  if (unavailable === undefined) {
    endpoints = await runEndpointsPart({
      onnxDir: model.onnxDir,
      body: model.body,
      expected: model.expected,
      workDir,
      python: PYTHON,
      registerScript: path.join(HELPERS, 'register_model.py'),
      count: TARGETS.endpoints,
      connections: Math.max(...options.concurrency),
      warmupS: options.warmupS,
      durationS: options.durationS,
      entry: slipwayEntry(options),
      env: slipwayEnv(),
    });
  } else {
    if (options.parts.includes('endpoints')) log(`skipping the endpoints part: ${unavailable}`);
    endpoints = { skipped: unavailable };
  }

  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  const report: Report = {
    startedAt: startedAt.toISOString(),
    seconds,
    command: `npx tsx bench/serving-bench.ts ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machineLine(),
    commit: gitCommit(),
    node: process.version,
    mlflowVersion: model.meta.versions.mlflow ?? commandOutput(PYTHON, ['-c', 'import mlflow; print(mlflow.__version__)']),
    loadAverages: { start: loadStart, end: loadAverages() },
    options,
    model: model.meta,
    serve,
    batch,
    endpoints,
    targets: targetChecks(serve, endpoints),
  };
  writeResults('serving', startedAt, renderMarkdown(report, startedAt));
  const jsonFile = path.join(REPO, 'bench', 'results', `serving-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(jsonFile, JSON.stringify(report, null, 1) + '\n');
  log(`raw numbers in ${path.relative(REPO, jsonFile)}`);
}

runWithCleanup(main);
