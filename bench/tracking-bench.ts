/**
 * Tracking benchmark: Slipway against the real `mlflow server`, side by side on one machine.
 *
 *   npx tsx bench/tracking-bench.ts [--scale small|full] [--backends sqlite,postgresql]
 *                                   [--servers slipway,mlflow] [--slipway-node-args "<flags>"] [--keep]
 *
 * For each backend (SQLite, then PostgreSQL when reachable) it starts both servers on
 * fresh storage and drives them, one at a time, with the same HTTP workload from this
 * process (node:http keep-alive agents, request bodies built before the clock starts):
 *
 *  (a) `runs/log-batch` ingest: 1,000 metrics per call, 1M points, 8 concurrent clients
 *      (one run each, 10 keys × 100 steps per call);
 *  (b) `runs/search` over 100k runs of one experiment, with a metric filter and an
 *      `order_by` on that metric, `max_results=100`: p50/p99 of sequential requests;
 *  (c) `metrics/get-history` of one 100k-point metric, read the way the 3.x client reads
 *      it (`max_results=25000` and page tokens) and in one request: p50/p99.
 *
 * A server whose requests take minutes gets fewer timed requests (see measureLatency).
 * Slipway's RSS (VmRSS of its node process) and MLflow's (sum over its process group) are
 * sampled every 100 ms throughout. Prints a markdown table and writes it to
 * `bench/results/tracking-<timestamp>.md`. `--scale small` shrinks every workload ~50×.
 * Servers, temporary directories and PostgreSQL schemas/databases are removed even when a
 * run fails or is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PG_URL, REPO, SLIPWAY_MAIN } from './support/bench-paths.js';
import { cleanupMark, isInterrupted, onCleanup, runCleanup, runWithCleanup } from './support/cleanup-stack.js';
import { fmtMs } from './support/format-ms.js';
import { errorText, log, setLogName } from './support/log.js';
import { commandOutput, gitCommit, loadAverages, machineLine } from './support/machine-facts.js';
import { markdownHead, markdownTable } from './support/markdown-table.js';
import { listOf, makeUsage, nodeArgs, parseBenchArgs, type Usage } from './support/parse-bench-args.js';
import { mean, percentile } from './support/percentiles.js';
import { pgAdmin, pgHost, pgReachable, schemaUrl } from './support/postgres-admin.js';
import { CLOCK_TICKS, cmdline, cpuTicks, groupMembers, vmRssKb } from './support/proc-stats.js';
import { trackGroup, untrackGroup } from './support/process-groups.js';
import { RssSampler } from './support/rss-sampler.js';
import { startServerProcess, stopServerProcess, waitForServer } from './support/start-server-process.js';
import { waitUntilIdle } from './support/wait-until-idle.js';
import { makeWorkDir } from './support/work-dir.js';
import { writeResults } from './support/write-results.js';

// ---------------------------------------------------------------------------------------
// Configuration

setLogName('bench');

const VENV_BIN = path.join(REPO, '.venv', 'bin');

type BackendName = 'sqlite' | 'postgresql';
type ServerName = 'slipway' | 'mlflow';

interface Scale {
  readonly name: 'small' | 'full';
  readonly ingestPoints: number;
  readonly ingestBatch: number;
  readonly ingestClients: number;
  readonly ingestKeys: number;
  readonly searchRuns: number;
  readonly searchSeedConcurrency: number;
  readonly searchWarmup: number;
  readonly searchRequests: number;
  readonly historyPoints: number;
  readonly historyPageSize: number;
  readonly historyWarmup: number;
  readonly historyReads: number;
  /** Time budget of one latency measurement (see measureLatency). */
  readonly budgetMs: number;
}

const SCALES: Record<Scale['name'], Scale> = {
  full: {
    name: 'full',
    ingestPoints: 1_000_000,
    ingestBatch: 1000,
    ingestClients: 8,
    ingestKeys: 10,
    searchRuns: 100_000,
    searchSeedConcurrency: 16,
    searchWarmup: 5,
    searchRequests: 50,
    historyPoints: 100_000,
    historyPageSize: 25_000,
    historyWarmup: 3,
    historyReads: 20,
    budgetMs: 5 * 60_000,
  },
  small: {
    name: 'small',
    ingestPoints: 24_000,
    ingestBatch: 1000,
    ingestClients: 8,
    ingestKeys: 10,
    searchRuns: 2_000,
    searchSeedConcurrency: 16,
    searchWarmup: 5,
    searchRequests: 50,
    historyPoints: 2_000,
    historyPageSize: 500,
    historyWarmup: 3,
    historyReads: 20,
    budgetMs: 30_000,
  },
};

const TARGETS = { ingest: 20, searchP50: 10, historyP50: 10, rssMb: 200 } as const;
const SEARCH_FILTER = 'metrics.rmse < 0.5';
const SEARCH_ORDER_BY = ['metrics.rmse ASC'];
const SEARCH_MAX_RESULTS = 100;
const HISTORY_KEY = 'loss';
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

interface Options {
  readonly scale: Scale;
  readonly backends: BackendName[];
  readonly servers: ServerName[];
  readonly slipwayNodeArgs: string[];
  /** Keep the temporary directory (SQLite databases, server logs) for inspection. */
  readonly keep: boolean;
  /** Which of the three workloads to run. */
  readonly workloads: WorkloadName[];
}

type WorkloadName = 'ingest' | 'search' | 'history';

function parseOptions(argv: readonly string[]): Options {
  let scale: Scale = SCALES.full;
  let backends: BackendName[] = ['sqlite', 'postgresql'];
  let servers: ServerName[] = ['slipway', 'mlflow'];
  let slipwayNodeArgs: string[] = [];
  let keep = false;
  let workloads: WorkloadName[] = ['ingest', 'search', 'history'];
  parseBenchArgs(argv, usage, (flag, value) => {
    switch (flag) {
      case '--scale': {
        const v = value();
        if (v !== 'small' && v !== 'full') usage(`--scale must be small or full; got '${v}'`);
        scale = SCALES[v];
        return true;
      }
      case '--backends':
        backends = listOf(value(), ['sqlite', 'postgresql'] as const, '--backends', usage);
        return true;
      case '--servers':
        servers = listOf(value(), ['slipway', 'mlflow'] as const, '--servers', usage);
        return true;
      case '--slipway-node-args':
        slipwayNodeArgs = nodeArgs(value());
        return true;
      case '--keep':
        keep = true;
        return true;
      case '--workloads':
        workloads = listOf(value(), ['ingest', 'search', 'history'] as const, '--workloads', usage);
        return true;
      default:
        return false;
    }
  });
  return { scale, backends, servers, slipwayNodeArgs, keep, workloads };
}

const usage: Usage = makeUsage(
  'tracking-bench',
  'usage: npx tsx bench/tracking-bench.ts [--scale small|full] [--backends sqlite,postgresql]\n' +
    '                                       [--servers slipway,mlflow] [--workloads ingest,search,history]\n' +
    '                                       [--slipway-node-args "<node flags>"] [--keep]\n',
);

// ---------------------------------------------------------------------------------------
// HTTP

interface Target {
  readonly name: ServerName;
  readonly label: string;
  readonly port: number;
  readonly rss: ServerRssSampler;
  readonly process: ChildProcess;
  agent: http.Agent;
}

interface HttpResponse {
  readonly status: number;
  readonly body: Buffer;
}

function newAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 64, keepAliveMsecs: 1000 });
}

/** Fresh keep-alive connections for a measured phase (idle ones may have been closed). */
function resetAgent(t: Target): void {
  t.agent.destroy();
  t.agent = newAgent();
}

function rawRequest(agent: http.Agent, port: number, method: string, urlPath: string, body?: Buffer): Promise<HttpResponse> {
  const attempt = (): Promise<HttpResponse & { reused?: boolean }> =>
    new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {};
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = body.length;
      }
      const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        Object.assign(e, { reusedSocket: req.reusedSocket });
        reject(e);
      });
      req.end(body);
    });
  // A keep-alive socket the server closed while idle fails at once; retry such a request once.
  return attempt().catch((e: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
    if (e.reusedSocket === true && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) return attempt();
    throw e;
  });
}

async function request(t: Target, method: string, endpoint: string, body?: Buffer): Promise<Buffer> {
  const res = await rawRequest(t.agent, t.port, method, `/api/2.0/mlflow/${endpoint}`, body);
  if (res.status !== 200) {
    throw new Error(`${t.label}: ${method} ${endpoint} → HTTP ${res.status}: ${res.body.toString('utf8').slice(0, 400)}`);
  }
  return res.body;
}

async function postJson<T>(t: Target, endpoint: string, payload: unknown): Promise<T> {
  const body = await request(t, 'POST', endpoint, Buffer.from(JSON.stringify(payload)));
  return JSON.parse(body.toString('utf8')) as T;
}

async function createExperiment(t: Target, name: string): Promise<string> {
  return (await postJson<{ experiment_id: string }>(t, 'experiments/create', { name })).experiment_id;
}

interface CreatedRun {
  run: { info: { run_id: string } };
}

async function createRun(t: Target, experimentId: string, name: string, startTime: number, tags: [string, string][] = []): Promise<string> {
  const res = await postJson<CreatedRun>(t, 'runs/create', {
    experiment_id: experimentId,
    run_name: name,
    user_id: 'bench',
    start_time: startTime,
    tags: tags.map(([key, value]) => ({ key, value })),
  });
  return res.run.info.run_id;
}

// ---------------------------------------------------------------------------------------
// Processes and RSS

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

/**
 * Samples RSS every 100 ms: one pid, or every process in the pid's process group (for
 * MLflow: the CLI, uvicorn and its workers, and the job runner with its huey consumers).
 * `servingPeakKb` counts only the processes that serve HTTP (uvicorn and its workers).
 * CPU time (utime + stime of the live processes) is recorded at each phase change.
 */
class ServerRssSampler extends RssSampler {
  peakKb = 0;
  servingPeakKb = 0;
  processes = 1;
  private readonly phasePeaks = new Map<string, number>();
  private pids: number[];
  private serving = new Set<number>();
  private ticks = 0;

  constructor(
    private readonly pid: number,
    private readonly wholeGroup: boolean,
  ) {
    super();
    this.pids = [pid];
    this.serving.add(pid);
  }

  phasePeakMb(phase: string): number | undefined {
    const kb = this.phasePeaks.get(phase);
    return kb === undefined ? undefined : kb / 1024;
  }

  get peakMb(): number {
    return this.peakKb / 1024;
  }

  get servingPeakMb(): number {
    return this.servingPeakKb / 1024;
  }

  sample(): void {
    if (this.wholeGroup && this.ticks++ % 10 === 0) this.refreshPids();
    let kb = 0;
    let servingKb = 0;
    let alive = 0;
    for (const pid of this.pids) {
      const v = vmRssKb(pid);
      if (v !== undefined) {
        kb += v;
        if (this.serving.has(pid)) servingKb += v;
        alive++;
      }
    }
    if (alive === 0) return;
    this.processes = Math.max(this.processes, alive);
    this.peakKb = Math.max(this.peakKb, kb);
    this.servingPeakKb = Math.max(this.servingPeakKb, servingKb);
    this.phasePeaks.set(this.phase, Math.max(this.phasePeaks.get(this.phase) ?? 0, kb));
  }

  /** CPU seconds of the live processes (all of the group's, for MLflow). */
  cpuNow(): number {
    let ticks = 0;
    for (const pid of this.pids) ticks += cpuTicks(pid);
    return ticks / CLOCK_TICKS;
  }

  private refreshPids(): void {
    this.pids = groupMembers(this.pid);
    this.serving = new Set(this.pids.filter((p) => /uvicorn|spawn_main/.test(cmdline(p))));
  }
}

/**
 * Waits until every server (all processes of each group) is idle — under 5% of a core
 * over one second — so that the server being measured does not share the two cores with
 * the other one still starting workers or running background jobs. Gives up after 90 s
 * and says so.
 */
async function quiesce(targets: readonly Target[], phase: string): Promise<void> {
  const groups = targets.map((t) => t.process.pid).filter((pid): pid is number => pid !== undefined);
  const busy = (): number => groups.reduce((sum, g) => sum + groupMembers(g).reduce((s2, pid) => s2 + cpuTicks(pid), 0), 0);
  if (!(await waitUntilIdle(busy, 90_000))) log(`servers still busy before ${phase} after 90 s; measuring anyway`);
}

interface StartSpec {
  readonly name: ServerName;
  readonly label: string;
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
  readonly logFile: string;
  readonly port: number;
  readonly startupTimeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

async function startServer(spec: StartSpec): Promise<Target> {
  const server = startServerProcess(spec, `${spec.label}: could not spawn ${spec.command}`);
  const target: Target = {
    name: spec.name,
    label: spec.label,
    port: spec.port,
    rss: new ServerRssSampler(server.pid, spec.name === 'mlflow'),
    process: server.child,
    agent: newAgent(),
  };
  onCleanup(`stop ${spec.label}`, () => stopServer(target));
  const timeoutText = `did not answer /health within ${spec.startupTimeoutMs} ms`;
  await waitForServer(server, spec.label, { timeoutMs: spec.startupTimeoutMs, pollMs: 200, timeoutText }, async () => {
    try {
      const res = await rawRequest(target.agent, spec.port, 'GET', '/health');
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    return undefined;
  });
  return target;
}

async function stopServer(t: Target): Promise<void> {
  t.rss.stop();
  t.agent.destroy();
  await stopServerProcess(t.process, t.label);
}

// ---------------------------------------------------------------------------------------
// Workload data (deterministic, identical for both servers)

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INGEST_KEYS = [
  'train/loss',
  'train/accuracy',
  'train/learning_rate',
  'train/grad_norm',
  'val/loss',
  'val/accuracy',
  'val/f1',
  'val/precision',
  'val/recall',
  'system/gpu_utilization',
];

/** Per client, per call: the JSON array of that call's metrics (keys × consecutive steps). */
function ingestFragments(scale: Scale): string[][] {
  const calls = Math.ceil(scale.ingestPoints / scale.ingestBatch);
  const keys = INGEST_KEYS.slice(0, scale.ingestKeys);
  const stepsPerCall = scale.ingestBatch / keys.length;
  const out: string[][] = Array.from({ length: scale.ingestClients }, () => []);
  for (let call = 0; call < calls; call++) {
    const client = call % scale.ingestClients;
    const k = out[client]!.length;
    const rand = mulberry32(call + 1);
    const metrics: { key: string; value: number; timestamp: number; step: number }[] = [];
    for (let j = 0; j < stepsPerCall; j++) {
      const step = k * stepsPerCall + j;
      const timestamp = T0 + step * 250 + client;
      keys.forEach((key, ki) => {
        const decay = Math.exp(-step / 4000);
        const value = key.includes('loss') ? 2.3 * decay + 0.05 * rand() : key.includes('rate') ? 1e-3 * decay : (1 - decay) * 0.9 + 0.05 * rand() + ki * 1e-3;
        metrics.push({ key, value, timestamp, step });
      });
    }
    out[client]!.push(JSON.stringify(metrics));
  }
  return out;
}

interface SeedRun {
  readonly run_id: string;
  readonly name: string;
  readonly user: string;
  readonly start_time: number;
  readonly tags: [string, string][];
  readonly params: [string, string][];
  readonly metrics: [string, number, number, number][];
}

/** The runs-search data set: `rmse` is a permutation of (i + 0.5) / n, so half match the filter. */
function searchSeedRuns(n: number): SeedRun[] {
  const multiplier = 7919; // prime, coprime with the run counts used here
  const teams = ['vision', 'nlp', 'forecasting', 'ranking'];
  const optimizers = ['adam', 'sgd', 'adamw'];
  const runs: SeedRun[] = [];
  for (let i = 0; i < n; i++) {
    const name = `search-run-${String(i).padStart(6, '0')}`;
    const start = T0 + i * 1000;
    const rmse = (((i * multiplier) % n) + 0.5) / n;
    runs.push({
      run_id: randomUUID().replaceAll('-', ''),
      name,
      user: 'bench',
      start_time: start,
      tags: [
        ['mlflow.runName', name],
        ['mlflow.user', 'bench'],
        ['team', teams[i % teams.length]!],
      ],
      params: [
        ['learning_rate', String([0.1, 0.01, 0.001, 0.0001][i % 4])],
        ['batch_size', String([32, 64, 128, 256][(i >> 2) % 4])],
        ['optimizer', optimizers[i % optimizers.length]!],
      ],
      metrics: [
        ['rmse', rmse, start + 60_000, 0],
        ['mae', rmse * 0.8, start + 60_000, 0],
        ['r2', 1 - rmse, start + 60_000, 0],
      ],
    });
  }
  return runs;
}

// ---------------------------------------------------------------------------------------
// Workloads

interface IngestResult {
  readonly seconds: number;
  readonly metricsPerSecond: number;
}

async function runIngest(t: Target, scale: Scale, fragments: string[][], tag: string): Promise<IngestResult> {
  const experimentId = await createExperiment(t, `bench-ingest-${tag}`);
  const runIds: string[] = [];
  for (let c = 0; c < fragments.length; c++) runIds.push(await createRun(t, experimentId, `ingest-${c}`, T0 + c));
  const bodies = fragments.map((calls, c) => calls.map((f) => Buffer.from(`{"run_id":"${runIds[c]}","metrics":${f}}`)));
  const total = bodies.reduce((n, list) => n + list.length, 0) * scale.ingestBatch;
  resetAgent(t);
  t.rss.setPhase('ingest');
  log(`${t.label}: ingest ${fmtInt(total)} points (${fragments.length} clients)`);
  const started = performance.now();
  await Promise.all(
    bodies.map(async (list) => {
      for (const body of list) await request(t, 'POST', 'runs/log-batch', body);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  t.rss.setPhase('idle');
  // Check that every point of one key landed.
  const expected = fragments[0]!.length * (scale.ingestBatch / scale.ingestKeys);
  const got = await historyCount(t, runIds[0]!, INGEST_KEYS[0]!);
  if (got !== expected) throw new Error(`${t.label}: after ingest, ${INGEST_KEYS[0]} of run 0 has ${got} points, expected ${expected}`);
  log(`${t.label}: ingest ${seconds.toFixed(1)} s, ${fmtInt(total / seconds)} metrics/s`);
  return { seconds, metricsPerSecond: total / seconds };
}

async function historyCount(t: Target, runId: string, key: string): Promise<number> {
  const body = await request(t, 'GET', `metrics/get-history?${new URLSearchParams({ run_id: runId, metric_key: key }).toString()}`);
  return (JSON.parse(body.toString('utf8')) as { metrics?: unknown[] }).metrics?.length ?? 0;
}

async function seedSlipwayRuns(t: Target, experimentId: string, runs: readonly SeedRun[], concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < runs.length) {
        const r = runs[next++]!;
        const runId = await createRun(t, experimentId, r.name, r.start_time, r.tags);
        await request(
          t,
          'POST',
          'runs/log-batch',
          Buffer.from(
            JSON.stringify({
              run_id: runId,
              params: r.params.map(([key, value]) => ({ key, value })),
              metrics: r.metrics.map(([key, value, timestamp, step]) => ({ key, value, timestamp, step })),
            }),
          ),
        );
      }
    }),
  );
}

async function seedMlflowRuns(dbUri: string, experimentId: string, runs: readonly SeedRun[], workDir: string): Promise<void> {
  const input = path.join(workDir, 'search-seed.json');
  await writeFile(input, JSON.stringify({ runs }));
  await runCommand(path.join(VENV_BIN, 'python'), [path.join(REPO, 'bench', 'seed_mlflow.py'), '--db-uri', dbUri, '--experiment-id', experimentId, '--input', input]);
  await rm(input, { force: true });
}

function runCommand(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    if (child.pid !== undefined) trackGroup(child.pid);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (child.pid !== undefined) untrackGroup(child.pid);
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}:\n${err.slice(-2000)}`));
    });
  });
}

interface LatencyResult {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly samples: number;
  readonly warmups: number;
  /** Fewer samples than planned were taken because the time budget ran out. */
  readonly budgetHit: boolean;
}

/** A warm-up request slower than this ends the warm-up: one such request warms every cache. */
const SLOW_REQUEST_MS = 10_000;
/** Timed requests taken even when the time budget is exceeded. */
const MIN_SAMPLES = 3;

/**
 * Runs `op` `warmup` times untimed, then up to `requests` times timed, one at a time.
 * A slow server gets fewer timed requests: none is started once the budget would be
 * exceeded (predicted from the last one), but at least MIN_SAMPLES are taken.
 */
async function measureLatency(
  plan: { warmup: number; requests: number; budgetMs: number },
  op: (warmupIndex: number | undefined) => Promise<void>,
): Promise<LatencyResult> {
  let warmups = 0;
  for (let i = 0; i < plan.warmup; i++) {
    const started = performance.now();
    await op(i);
    warmups++;
    if (performance.now() - started > SLOW_REQUEST_MS) break;
  }
  const samples: number[] = [];
  const started = performance.now();
  let budgetHit = false;
  for (let i = 0; i < plan.requests; i++) {
    const last = samples[samples.length - 1] ?? 0;
    if (samples.length >= MIN_SAMPLES && performance.now() - started + last > plan.budgetMs) {
      budgetHit = true;
      break;
    }
    const t0 = performance.now();
    await op(undefined);
    samples.push(performance.now() - t0);
  }
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    mean: mean(samples),
    samples: samples.length,
    warmups,
    budgetHit,
  };
}

interface SearchResult extends LatencyResult {
  readonly names: string[];
}

async function runSearch(t: Target, scale: Scale, experimentId: string): Promise<SearchResult> {
  const body = Buffer.from(
    JSON.stringify({ experiment_ids: [experimentId], filter: SEARCH_FILTER, order_by: SEARCH_ORDER_BY, max_results: SEARCH_MAX_RESULTS }),
  );
  resetAgent(t);
  t.rss.setPhase('search');
  let names: string[] = [];
  const latency = await measureLatency({ warmup: scale.searchWarmup, requests: scale.searchRequests, budgetMs: scale.budgetMs }, async (warmup) => {
    const res = await request(t, 'POST', 'runs/search', body);
    if (warmup === 0) {
      const parsed = JSON.parse(res.toString('utf8')) as { runs?: { info: { run_name: string } }[] };
      names = (parsed.runs ?? []).map((r) => r.info.run_name);
    }
  });
  t.rss.setPhase('idle');
  const result = { ...latency, names };
  log(`${t.label}: search p50 ${fmtMs(result.p50)}, p99 ${fmtMs(result.p99)} (${names.length} runs per page)`);
  return result;
}

async function seedHistory(t: Target, scale: Scale, experimentId: string): Promise<string> {
  const runId = await createRun(t, experimentId, 'history', T0);
  const rand = mulberry32(42);
  const bodies: Buffer[] = [];
  for (let start = 0; start < scale.historyPoints; start += scale.ingestBatch) {
    const metrics = [];
    for (let step = start; step < Math.min(scale.historyPoints, start + scale.ingestBatch); step++) {
      metrics.push({ key: HISTORY_KEY, value: 2.3 * Math.exp(-step / 20_000) + 0.05 * rand(), timestamp: T0 + step * 100, step });
    }
    bodies.push(Buffer.from(JSON.stringify({ run_id: runId, metrics })));
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < bodies.length) await request(t, 'POST', 'runs/log-batch', bodies[next++]);
    }),
  );
  return runId;
}

const NEXT_PAGE_TOKEN = Buffer.from('"next_page_token"');

/** The token of a get-history page, found without parsing the (large) body. */
function nextPageToken(body: Buffer): string | undefined {
  const at = body.indexOf(NEXT_PAGE_TOKEN);
  if (at < 0) return undefined;
  const open = body.indexOf(0x22 /* " */, at + NEXT_PAGE_TOKEN.length);
  const close = body.indexOf(0x22, open + 1);
  const token = body.subarray(open + 1, close).toString('utf8');
  return token === '' ? undefined : token;
}

/** Reads the whole history; with `pageSize`, the 3.x client's way (pages until no token). */
async function readHistory(t: Target, runId: string, pageSize: number | undefined, validate: boolean): Promise<number> {
  let token: string | undefined;
  let points = 0;
  let pages = 0;
  do {
    const q = new URLSearchParams({ run_id: runId, metric_key: HISTORY_KEY });
    if (pageSize !== undefined) q.set('max_results', String(pageSize));
    if (token !== undefined) q.set('page_token', token);
    const body = await request(t, 'GET', `metrics/get-history?${q.toString()}`);
    token = pageSize === undefined ? undefined : nextPageToken(body);
    if (validate) points += (JSON.parse(body.toString('utf8')) as { metrics?: unknown[] }).metrics?.length ?? 0;
    if (++pages > 10_000) throw new Error(`${t.label}: get-history paging does not end`);
  } while (token !== undefined);
  return points;
}

interface HistoryResult {
  readonly paged: LatencyResult;
  readonly single: LatencyResult;
}

async function runHistory(t: Target, scale: Scale, runId: string): Promise<HistoryResult> {
  resetAgent(t);
  t.rss.setPhase('history');
  const measure = (pageSize: number | undefined): Promise<LatencyResult> =>
    measureLatency({ warmup: scale.historyWarmup, requests: scale.historyReads, budgetMs: scale.budgetMs }, async (warmup) => {
      const got = await readHistory(t, runId, pageSize, warmup === 0);
      if (warmup === 0 && got !== scale.historyPoints) {
        throw new Error(`${t.label}: get-history (max_results=${pageSize ?? 'none'}) returned ${got} points, expected ${scale.historyPoints}`);
      }
    });
  const paged = await measure(scale.historyPageSize);
  const single = await measure(undefined);
  t.rss.setPhase('idle');
  log(`${t.label}: history paged p50 ${fmtMs(paged.p50)}, single p50 ${fmtMs(single.p50)}`);
  return { paged, single };
}

// ---------------------------------------------------------------------------------------
// One backend: both servers, all workloads

interface Row {
  readonly workload: string;
  readonly slipway: string;
  readonly mlflow: string;
  readonly ratio: string;
  readonly target: string;
  readonly status: string;
}

interface BackendReport {
  readonly backend: BackendName;
  readonly title: string;
  readonly rows: Row[];
  readonly notes: string[];
  readonly error?: string;
}

interface ServerResults {
  ingest?: IngestResult;
  searchSeedSeconds?: number;
  search?: SearchResult;
  historySeedSeconds?: number;
  history?: HistoryResult;
  target?: Target;
}

function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  url.search = '';
  return url.toString();
}

async function runBackend(backend: BackendName, options: Options, facts: Facts): Promise<BackendReport> {
  const { scale } = options;
  const title = backend === 'sqlite' ? 'SQLite' : `PostgreSQL ${facts.postgres ?? ''}`.trim();
  const mark = cleanupMark();
  const results: Record<ServerName, ServerResults> = { slipway: {}, mlflow: {} };
  const notes: string[] = [];
  let error: string | undefined;
  try {
    const workDir = await makeWorkDir(`slipway-bench-${backend}-`, options.keep);
    const suffix = randomBytes(4).toString('hex');
    let slipwayUri: string;
    let mlflowUri: string;
    if (backend === 'sqlite') {
      slipwayUri = `sqlite:///${path.join(workDir, 'slipway', 'slipway.db')}`;
      mlflowUri = `sqlite:///${path.join(workDir, 'mlflow', 'mlflow.db')}`;
      mkdirSync(path.join(workDir, 'mlflow'), { recursive: true });
    } else {
      const schema = `bench_${suffix}`;
      slipwayUri = schemaUrl(schema);
      onCleanup(`drop schema ${schema}`, () => pgAdmin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
      const database = `bench_mlflow_${suffix}`;
      await pgAdmin(`CREATE DATABASE "${database}"`);
      onCleanup(`drop database ${database}`, () => pgAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
      // SQLAlchemy 2.1 maps plain postgresql:// to psycopg 3; the venv has psycopg2.
      mlflowUri = databaseUrl(PG_URL, database).replace(/^postgres(ql)?:/, 'postgresql+psycopg2:');
    }

    const targets: Target[] = [];
    if (options.servers.includes('slipway')) {
      const port = await freePort();
      const t = await startServer({
        name: 'slipway',
        label: `Slipway/${backend}`,
        command: process.execPath,
        args: [...options.slipwayNodeArgs, SLIPWAY_MAIN, 'server', '--port', String(port), '--data-dir', path.join(workDir, 'slipway'), '--backend-store-uri', slipwayUri],
        cwd: workDir,
        logFile: path.join(workDir, 'slipway.log'),
        port,
        startupTimeoutMs: 60_000,
      });
      results.slipway.target = t;
      targets.push(t);
    }
    if (options.servers.includes('mlflow')) {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1' };
      delete env.MLFLOW_TRACKING_URI;
      const t = await startServer({
        name: 'mlflow',
        label: `MLflow/${backend}`,
        command: path.join(VENV_BIN, 'mlflow'),
        args: ['server', '--host', '127.0.0.1', '--port', String(port), '--backend-store-uri', mlflowUri, '--artifacts-destination', path.join(workDir, 'mlflow-artifacts')],
        cwd: workDir,
        logFile: path.join(workDir, 'mlflow.log'),
        port,
        startupTimeoutMs: 180_000,
        env,
      });
      results.mlflow.target = t;
      targets.push(t);
    }
    for (const t of targets) t.rss.setPhase('idle');

    // (a) ingest
    const fragments = options.workloads.includes('ingest') ? ingestFragments(scale) : [];
    for (const t of options.workloads.includes('ingest') ? targets : []) {
      await quiesce(targets, `${t.label} ingest`);
      results[t.name].ingest = await runIngest(t, scale, fragments, suffix);
    }

    // (b) search: seed each server through its fastest path, then query
    const searchTargets = options.workloads.includes('search') ? targets : [];
    const seed = searchTargets.length > 0 ? searchSeedRuns(scale.searchRuns) : [];
    const searchExperiments = new Map<ServerName, string>();
    for (const t of searchTargets) {
      const experimentId = await createExperiment(t, `bench-search-${suffix}`);
      searchExperiments.set(t.name, experimentId);
      t.rss.setPhase('seed-search');
      log(`${t.label}: seeding ${fmtInt(seed.length)} runs`);
      const started = performance.now();
      if (t.name === 'slipway') await seedSlipwayRuns(t, experimentId, seed, scale.searchSeedConcurrency);
      else await seedMlflowRuns(mlflowUri, experimentId, seed, workDir);
      results[t.name].searchSeedSeconds = (performance.now() - started) / 1000;
      t.rss.setPhase('idle');
      log(`${t.label}: seeded in ${results[t.name].searchSeedSeconds!.toFixed(1)} s`);
    }
    for (const t of searchTargets) {
      await quiesce(targets, `${t.label} search`);
      results[t.name].search = await runSearch(t, scale, searchExperiments.get(t.name)!);
    }
    const a = results.slipway.search?.names;
    const b = results.mlflow.search?.names;
    if (a !== undefined && b !== undefined) {
      const same = a.length === b.length && a.every((n, i) => n === b[i]);
      if (!same) throw new Error(`runs/search results differ: Slipway [${a.slice(0, 5).join(', ')}…] vs MLflow [${b.slice(0, 5).join(', ')}…]`);
      notes.push(`runs/search: both servers returned the same ${a.length} runs in the same order.`);
    }

    // (c) metric history
    for (const t of options.workloads.includes('history') ? targets : []) {
      const experimentId = await createExperiment(t, `bench-history-${suffix}`);
      t.rss.setPhase('seed-history');
      const started = performance.now();
      const runId = await seedHistory(t, scale, experimentId);
      results[t.name].historySeedSeconds = (performance.now() - started) / 1000;
      t.rss.setPhase('idle');
      await quiesce(targets, `${t.label} history`);
      results[t.name].history = await runHistory(t, scale, runId);
    }
    for (const t of targets) t.rss.sample();
  } catch (e) {
    error = errorText(e);
    if (!isInterrupted()) log(`${backend}: FAILED: ${error}`);
  } finally {
    // Stop this backend's servers and drop its storage before the next backend starts.
    await runCleanup(mark);
  }
  const report = buildReport(backend, title, scale, results, notes);
  return error === undefined ? report : { ...report, error };
}

// ---------------------------------------------------------------------------------------
// Report

function buildReport(backend: BackendName, title: string, scale: Scale, r: Record<ServerName, ServerResults>, notes: string[]): BackendReport {
  const rows: Row[] = [];
  const s = r.slipway;
  const m = r.mlflow;
  const higherIsBetter = (sv: number | undefined, mv: number | undefined): number | undefined =>
    sv !== undefined && mv !== undefined ? sv / mv : undefined;
  const fasterBy = (sv: number | undefined, mv: number | undefined): number | undefined =>
    sv !== undefined && mv !== undefined ? mv / sv : undefined;
  const status = (ratio: number | undefined, target: number): string =>
    ratio === undefined ? '—' : ratio >= target ? 'met' : `**missed** (${fmtRatio(ratio)} of ${target}×, ${((ratio / target) * 100).toFixed(0)}% of target)`;

  const counts = (a: LatencyResult | undefined, b: LatencyResult | undefined): string =>
    a !== undefined && b !== undefined && a.samples !== b.samples
      ? `Slipway ${a.samples}, MLflow ${b.samples}`
      : String(a?.samples ?? b?.samples ?? 0);

  const ingestRatio = higherIsBetter(s.ingest?.metricsPerSecond, m.ingest?.metricsPerSecond);
  rows.push({
    workload: `(a) runs/log-batch ingest: ${fmtInt(scale.ingestPoints)} points, ${scale.ingestBatch}/call, ${scale.ingestClients} clients`,
    slipway: s.ingest ? `${fmtInt(s.ingest.metricsPerSecond)} metrics/s (${s.ingest.seconds.toFixed(1)} s)` : '—',
    mlflow: m.ingest ? `${fmtInt(m.ingest.metricsPerSecond)} metrics/s (${m.ingest.seconds.toFixed(1)} s)` : '—',
    ratio: fmtRatio(ingestRatio),
    target: `≥ ${TARGETS.ingest}×`,
    status: status(ingestRatio, TARGETS.ingest),
  });
  const searchName = `(b) runs/search, ${fmtInt(scale.searchRuns)} runs, \`${SEARCH_FILTER}\`, order_by \`${SEARCH_ORDER_BY.join(', ')}\`, max_results=${SEARCH_MAX_RESULTS}`;
  const searchP50 = fasterBy(s.search?.p50, m.search?.p50);
  rows.push({
    workload: `${searchName}: p50`,
    slipway: fmtMs(s.search?.p50),
    mlflow: fmtMs(m.search?.p50),
    ratio: fmtRatio(searchP50, ' faster'),
    target: `≥ ${TARGETS.searchP50}× faster`,
    status: status(searchP50, TARGETS.searchP50),
  });
  rows.push({
    workload: `(b) runs/search: p99 (${counts(s.search, m.search)} requests)`,
    slipway: fmtMs(s.search?.p99),
    mlflow: fmtMs(m.search?.p99),
    ratio: fmtRatio(fasterBy(s.search?.p99, m.search?.p99), ' faster'),
    target: '—',
    status: '—',
  });
  const historyName = `(c) metrics/get-history, ${fmtInt(scale.historyPoints)} points`;
  const pagedP50 = fasterBy(s.history?.paged.p50, m.history?.paged.p50);
  rows.push({
    workload: `${historyName}, max_results=${fmtInt(scale.historyPageSize)} + page tokens (3.x client): p50`,
    slipway: fmtMs(s.history?.paged.p50),
    mlflow: fmtMs(m.history?.paged.p50),
    ratio: fmtRatio(pagedP50, ' faster'),
    target: `≥ ${TARGETS.historyP50}× faster`,
    status: status(pagedP50, TARGETS.historyP50),
  });
  rows.push({
    workload: `(c) paged: p99 (${counts(s.history?.paged, m.history?.paged)} reads)`,
    slipway: fmtMs(s.history?.paged.p99),
    mlflow: fmtMs(m.history?.paged.p99),
    ratio: fmtRatio(fasterBy(s.history?.paged.p99, m.history?.paged.p99), ' faster'),
    target: '—',
    status: '—',
  });
  const singleP50 = fasterBy(s.history?.single.p50, m.history?.single.p50);
  rows.push({
    workload: `${historyName}, one request without max_results: p50`,
    slipway: fmtMs(s.history?.single.p50),
    mlflow: fmtMs(m.history?.single.p50),
    ratio: fmtRatio(singleP50, ' faster'),
    target: `≥ ${TARGETS.historyP50}× faster`,
    status: status(singleP50, TARGETS.historyP50),
  });
  rows.push({
    workload: `(c) single request: p99 (${counts(s.history?.single, m.history?.single)} reads)`,
    slipway: fmtMs(s.history?.single.p99),
    mlflow: fmtMs(m.history?.single.p99),
    ratio: fmtRatio(fasterBy(s.history?.single.p99, m.history?.single.p99), ' faster'),
    target: '—',
    status: '—',
  });
  const sPeak = s.target?.rss.peakMb;
  const mPeak = m.target?.rss.peakMb;
  rows.push({
    workload: 'Peak RSS over the whole run (sampled every 100 ms)',
    slipway: sPeak === undefined ? '—' : `${sPeak.toFixed(0)} MB`,
    mlflow:
      mPeak === undefined
        ? '—'
        : `${mPeak.toFixed(0)} MB over ${m.target!.rss.processes} processes (uvicorn + workers: ${m.target!.rss.servingPeakMb.toFixed(0)} MB)`,
    ratio: '—',
    target: `Slipway ≤ ${TARGETS.rssMb} MB`,
    status: sPeak === undefined ? '—' : sPeak <= TARGETS.rssMb ? 'met' : `**missed** (${(sPeak - TARGETS.rssMb).toFixed(0)} MB over)`,
  });

  const phases = ['startup', 'ingest', 'seed-search', 'search', 'seed-history', 'history'];
  for (const name of ['slipway', 'mlflow'] as const) {
    const t = r[name].target;
    if (t === undefined) continue;
    const parts = phases.flatMap((p) => {
      const mb = t.rss.phasePeakMb(p);
      return mb === undefined ? [] : [`${p} ${mb.toFixed(0)}`];
    });
    notes.push(`${t.label} peak RSS by phase (MB): ${parts.join(', ')}.`);
    const cpu = ['ingest', 'search', 'history'].flatMap((p) => {
      const secs = t.rss.phaseCpuSeconds(p);
      return secs === undefined ? [] : [`${p} ${secs.toFixed(1)}`];
    });
    const ingest = r[name].ingest;
    const ingestCpu = t.rss.phaseCpuSeconds('ingest');
    const busy = ingest !== undefined && ingestCpu !== undefined ? ` (ingest kept ${(ingestCpu / ingest.seconds).toFixed(2)} cores busy)` : '';
    notes.push(`${t.label} CPU seconds by phase (all its processes): ${cpu.join(', ')}${busy}.`);
  }
  for (const name of ['slipway', 'mlflow'] as const) {
    const t = r[name].target;
    const measured: [string, LatencyResult | undefined][] = [
      ['runs/search', r[name].search],
      ['paged get-history', r[name].history?.paged],
      ['single-request get-history', r[name].history?.single],
    ];
    for (const [what, l] of measured) {
      if (t === undefined || l === undefined || (!l.budgetHit && l.warmups > 0 && l.samples > 0 && l.warmups === plannedWarmups(scale, what))) continue;
      notes.push(
        `${t.label} ${what}: ${l.warmups} warm-up and ${l.samples} timed requests (mean ${fmtMs(l.mean)}), ` +
          `fewer than planned because ${l.budgetHit ? `the ${(scale.budgetMs / 60_000).toFixed(1)}-min time budget ran out` : 'a warm-up request took over 10 s'}.`,
      );
    }
  }
  if (s.searchSeedSeconds !== undefined) {
    notes.push(
      `Search data seeded into Slipway through its REST API (${SCALES[scale.name].searchSeedConcurrency} concurrent clients, runs/create + runs/log-batch per run): ${s.searchSeedSeconds.toFixed(1)} s.`,
    );
  }
  if (m.searchSeedSeconds !== undefined) {
    notes.push(
      `Search data seeded into MLflow's database through MLflow's own SqlAlchemyStore (bench/seed_mlflow.py: bulk INSERTs into its ORM tables runs/tags/params/metrics/latest_metrics): ${m.searchSeedSeconds.toFixed(1)} s.`,
    );
  }
  if (s.historySeedSeconds !== undefined || m.historySeedSeconds !== undefined) {
    notes.push(
      `History seeded through REST runs/log-batch on both (${Math.ceil(scale.historyPoints / scale.ingestBatch)} calls × ${scale.ingestBatch}, 4 clients): Slipway ${s.historySeedSeconds?.toFixed(1) ?? '—'} s, MLflow ${m.historySeedSeconds?.toFixed(1) ?? '—'} s.`,
    );
  }
  return { backend, title, rows, notes };
}

function plannedWarmups(scale: Scale, what: string): number {
  return what === 'runs/search' ? scale.searchWarmup : scale.historyWarmup;
}

interface Facts {
  readonly lines: string[];
  readonly postgres?: string;
}

function gatherFacts(postgres: string | undefined, postgresWanted: boolean): Facts {
  const postgresText = postgres !== undefined ? `PostgreSQL ${postgres}` : postgresWanted ? 'not reachable' : 'not used in this run';
  const python = commandOutput(path.join(VENV_BIN, 'python'), ['--version']);
  const pyInfo = commandOutput(path.join(VENV_BIN, 'python'), ['-c', 'import mlflow, sqlalchemy, sqlite3; print(mlflow.__version__, sqlalchemy.__version__, sqlite3.sqlite_version)']).split(' ');
  const commit = gitCommit();
  const lines = [
    machineLine(),
    `- Slipway: commit ${commit}, Node ${process.version}, \`node dist/cli/main.js server\` (one process; SQLite through better-sqlite3, PostgreSQL pool of 10)`,
    `- MLflow: ${pyInfo[0] ?? 'unknown'} (${python}, SQLAlchemy ${pyInfo[1] ?? '?'}, Python sqlite3 ${pyInfo[2] ?? '?'}), \`mlflow server\` with its defaults: uvicorn, 4 worker processes`,
    `- PostgreSQL: ${postgresText} (${pgHost()}); each server gets a fresh schema (Slipway) or database (MLflow)`,
    `- Load average (1/5/15 min) at start: ${loadAverages()}`,
    `- Client: this Node process, node:http keep-alive agents, request bodies built before timing; the servers and the client share the machine and are measured one server at a time, each timed phase starting once both servers are idle (< 5% of a core over 1 s)`,
  ];
  return { lines, postgres };
}

function renderMarkdown(reports: BackendReport[], facts: Facts, options: Options, startedAt: Date, seconds: number): string {
  const out: string[] = [];
  out.push(...markdownHead(`Slipway vs mlflow server: tracking benchmark (${options.scale.name} scale)`, 'bench/tracking-bench.ts', startedAt, seconds));
  out.push(...facts.lines);
  for (const r of reports) {
    out.push('');
    out.push(`## ${r.title}`);
    out.push('');
    if (r.error !== undefined) {
      out.push(`**Run failed:** ${r.error.split('\n')[0]}`);
      out.push('');
    }
    const rows = r.rows.filter((row) => row.slipway !== '—' || row.mlflow !== '—');
    if (rows.length === 0) continue;
    out.push(
      ...markdownTable(
        ['Workload', 'Slipway', 'MLflow', 'Ratio', 'Target', 'Result'],
        ['left', 'right', 'right', 'right', 'left', 'left'],
        rows.map((row) => [row.workload, row.slipway, row.mlflow, row.ratio, row.target, row.status]),
      ),
    );
    out.push('');
    for (const n of r.notes) out.push(`- ${n}`);
  }
  out.push('');
  out.push(`Load average (1/5/15 min) at the end: ${loadAverages()}.`);
  out.push('');
  out.push(
    'Latencies are wall-clock times at the client from request to last byte (for the paged history: all pages), ' +
      'nearest-rank percentiles over sequential requests after warm-up (with few samples p99 is the maximum). ' +
      `A server whose requests take minutes gets fewer of them: the warm-up ends after one request slower than ${SLOW_REQUEST_MS / 1000} s, ` +
      `and no timed request starts once the measurement's ${(options.scale.budgetMs / 60_000).toFixed(1)}-min budget would be exceeded (at least ${MIN_SAMPLES} are taken). ` +
      'Ratios: throughput Slipway ÷ MLflow; latency MLflow ÷ Slipway.',
  );
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------
// Helpers

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function fmtRatio(ratio: number | undefined, suffix = ''): string {
  if (ratio === undefined) return '—';
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×${suffix}`;
}

// ---------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  try {
    readFileSync(SLIPWAY_MAIN);
  } catch {
    throw new Error(`${path.relative(REPO, SLIPWAY_MAIN)} is missing; run \`npm run build\` first`);
  }
  const postgres = options.backends.includes('postgresql') ? await pgReachable() : undefined;
  const facts = gatherFacts(postgres, options.backends.includes('postgresql'));
  const reports: BackendReport[] = [];
  for (const backend of options.backends) {
    if (isInterrupted()) break;
    if (backend === 'postgresql' && postgres === undefined) {
      log(`PostgreSQL at ${pgHost()} is not reachable; skipping (start it with scripts/start-test-postgres.sh)`);
      reports.push({ backend, title: 'PostgreSQL', rows: [], notes: [], error: `not reachable at ${pgHost()}; skipped` });
      continue;
    }
    const report = await runBackend(backend, options, facts);
    if (isInterrupted()) return;
    reports.push(report);
  }
  if (isInterrupted()) return; // the signal handler cleans up and exits
  const markdown = renderMarkdown(reports, facts, options, startedAt, (Date.now() - startedAt.getTime()) / 1000);
  writeResults('tracking', startedAt, markdown);
  if (reports.some((r) => r.error !== undefined && r.rows.length > 0)) process.exitCode = 1;
}

runWithCleanup(main);
