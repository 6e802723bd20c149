/**
 * Pipeline engine benchmark: the cost the engine adds per step, and a wide fan-out.
 *
 *   npm run build
 *   npx tsx bench/pipeline-bench.ts [--backends sqlite,postgresql] [--steps N] [--fanout N]
 *                                   [--max-parallel N] [--repeat N] [--max-concurrent-steps N|default]
 *                                   [--server-node-args "<node flags>"] [--keep]
 *
 * For each backend (SQLite, then PostgreSQL at BENCH_PG_URL in a fresh `?schema=`, skipped
 * with a note when unreachable) it starts the real server (`node dist/cli/main.js server
 * --port 0 --data-dir <tmp> [--backend-store-uri …]`, the URL read from what it prints) and
 * drives it through the built SDK (`dist/sdk`, `client.pipelines`):
 *
 *  (a) overhead: a chain of N (default 100) no-op steps (`run: "true"`, each needing the
 *      previous), run `--repeat` times (default 3) after an untimed warm-up. Per step:
 *        - wall: (execution ended − created) / N from the engine's own timestamps, and the
 *          client-observed time from `startExecution` to seeing `succeeded` (polling every 200 ms);
 *        - timestamps: (ended − started − Σ attempt durations) / N, the time between
 *          attempts — but an attempt's recorded window also holds engine work (its MLflow
 *          run, its rows, the workspace, the pid record), so this undercounts the engine;
 *        - process start: `sh -c true` spawned N times in a row from Node the way the local
 *          executor spawns (shell, detached, stdout/stderr piped), timed to 'close';
 *        - engine overhead excluding process start = wall per step − the median process start
 *          (the figure held against the target).
 *  (b) fan-out: `prepare` writes a JSON list of 1..F (default 500) to $SLIPWAY_OUTPUT, a
 *      matrix step over `${{ fromJSON(steps.prepare.outputs.items) }}` with `max-parallel`
 *      (default 8) writes each item squared, and `check` compares all F outputs with the
 *      expected list in the shell; afterwards every instance's output is checked again
 *      through the API. Time to completion from the engine's timestamps; the server's RSS
 *      (VmRSS of its node process alone) is sampled every 100 ms, the steps' processes
 *      (its descendants) separately.
 *
 * The server runs with `--max-concurrent-steps` = max-parallel (default 8) so that the
 * matrix's max-parallel, not the machine's CPU count (the server's default limit), bounds
 * the fan-out; `--max-concurrent-steps default` leaves the server's default.
 *
 * Prints a markdown table (targets: ≤ 20 ms engine overhead per step, all F correct, server
 * RSS ≤ 250 MB) and writes it to `bench/results/pipelines-<timestamp>.md`. Builds nothing:
 * run `npm run build` first. Servers, temporary directories and PostgreSQL schemas are
 * removed even when a run fails or is interrupted (`--keep` keeps the directories).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
// Types only (erased): at run time the SDK is the built one, `dist/sdk/index.js`, loaded in main()
// — the same build as the server, and unaffected by work in progress under src/.
import type * as SdkModule from '../src/sdk/index.js';
import type { Execution, SlipwayClient, StepExecution } from '../src/sdk/index.js';
import { REPO, SLIPWAY_MAIN } from './support/bench-paths.js';
import { cleanupMark, isInterrupted, onCleanup, runCleanup, runWithCleanup } from './support/cleanup-stack.js';
import { fmtMs } from './support/format-ms.js';
import { errorText, log, setLogName } from './support/log.js';
import { gitCommit, loadAverages, machineLine } from './support/machine-facts.js';
import { markdownHead, markdownTable } from './support/markdown-table.js';
import { listOf, makeUsage, nodeArgs, parseBenchArgs, positiveInt, type Usage } from './support/parse-bench-args.js';
import { mean, percentile } from './support/percentiles.js';
import { pgAdmin, pgHost, pgReachable, schemaUrl } from './support/postgres-admin.js';
import { CLOCK_TICKS, cpuTicks, descendants, postgresCpuSeconds, vmRssKb } from './support/proc-stats.js';
import { RssSampler } from './support/rss-sampler.js';
import { startServerProcess, stopServerProcess, waitForServer } from './support/start-server-process.js';
import { waitUntilIdle } from './support/wait-until-idle.js';
import { makeWorkDir } from './support/work-dir.js';
import { writeResults } from './support/write-results.js';

let sdk: typeof SdkModule | undefined;

// ---------------------------------------------------------------------------------------
// Configuration

setLogName('pipeline-bench');

const SLIPWAY_SDK = path.join(REPO, 'dist', 'sdk', 'index.js');

const TARGETS = { overheadMs: 20, rssMb: 250 } as const;
// Polling a big execution costs the server CPU (a full read and its JSON), so the wall times come
// from the engine's timestamps and the client polls slowly; the client-observed time is a check.
const CHAIN_POLL_MS = 200;
const FANOUT_POLL_MS = 500;
const WARMUP_STEPS = 10;

type BackendName = 'sqlite' | 'postgresql';

interface Options {
  readonly backends: BackendName[];
  readonly steps: number;
  readonly fanout: number;
  readonly maxParallel: number;
  readonly repeat: number;
  /** Undefined: the server's default (the number of CPUs). */
  readonly maxConcurrentSteps: number | undefined;
  readonly keep: boolean;
  /** Flags for the server's node (`--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the engine). */
  readonly serverNodeArgs: string[];
}

function parseOptions(argv: readonly string[]): Options {
  let backends: BackendName[] = ['sqlite', 'postgresql'];
  let steps = 100;
  let fanout = 500;
  let maxParallel = 8;
  let repeat = 3;
  let maxConcurrent: number | 'default' | undefined;
  let keep = false;
  let serverNodeArgs: string[] = [];
  const int = (text: string, flag: string, min: number, max: number): number => positiveInt(text, flag, min, max, usage);
  parseBenchArgs(argv, usage, (flag, value) => {
    switch (flag) {
      case '--backends':
        backends = listOf(value(), ['sqlite', 'postgresql'] as const, flag, usage, {
          notAllowed: (item) => `--backends: '${item}' is not sqlite or postgresql`,
          empty: '--backends must name sqlite, postgresql or both',
        });
        return true;
      case '--steps':
        steps = int(value(), flag, 1, 5000);
        return true;
      case '--fanout':
        fanout = int(value(), flag, 1, 9999);
        return true;
      case '--max-parallel':
        maxParallel = int(value(), flag, 1, 1000);
        return true;
      case '--repeat':
        repeat = int(value(), flag, 1, 100);
        return true;
      case '--max-concurrent-steps': {
        const v = value();
        maxConcurrent = v === 'default' ? 'default' : int(v, flag, 1, 10_000);
        return true;
      }
      case '--keep':
        keep = true;
        return true;
      case '--server-node-args':
        serverNodeArgs = nodeArgs(value());
        return true;
      default:
        return false;
    }
  });
  const maxConcurrentSteps = maxConcurrent === 'default' ? undefined : (maxConcurrent ?? maxParallel);
  return { backends, steps, fanout, maxParallel, repeat, maxConcurrentSteps, keep, serverNodeArgs };
}

const usage: Usage = makeUsage(
  'pipeline-bench',
  'usage: npx tsx bench/pipeline-bench.ts [--backends sqlite,postgresql] [--steps N] [--fanout N]\n' +
    '                                       [--max-parallel N] [--repeat N] [--max-concurrent-steps N|default]\n' +
    '                                       [--server-node-args "<node flags>"] [--keep]\n',
);

// ---------------------------------------------------------------------------------------
// RSS and CPU

/**
 * Every 100 ms: the server's VmRSS (its node process alone) and, separately, the summed
 * VmRSS of its descendants (the steps' shells) and how many there are. Peaks are kept per
 * phase; the server's CPU time (utime + stime) is recorded at each phase change.
 */
class ServerRssSampler extends RssSampler {
  private readonly peaks = new Map<string, { serverKb: number; childrenKb: number; children: number }>();
  overallPeakKb = 0;

  constructor(private readonly pid: number) {
    super();
  }

  peak(phase: string): { serverMb: number; childrenMb: number; children: number } | undefined {
    const p = this.peaks.get(phase);
    return p === undefined ? undefined : { serverMb: p.serverKb / 1024, childrenMb: p.childrenKb / 1024, children: p.children };
  }

  /** The server's CPU seconds so far. */
  cpuNow(): number {
    return cpuTicks(this.pid) / CLOCK_TICKS;
  }

  sample(): void {
    const serverKb = vmRssKb(this.pid);
    if (serverKb === undefined) return;
    let childrenKb = 0;
    let children = 0;
    for (const child of descendants(this.pid)) {
      const kb = vmRssKb(child);
      if (kb === undefined) continue;
      childrenKb += kb;
      children++;
    }
    this.overallPeakKb = Math.max(this.overallPeakKb, serverKb);
    const p = this.peaks.get(this.phase) ?? { serverKb: 0, childrenKb: 0, children: 0 };
    this.peaks.set(this.phase, {
      serverKb: Math.max(p.serverKb, serverKb),
      childrenKb: Math.max(p.childrenKb, childrenKb),
      children: Math.max(p.children, children),
    });
  }
}

/** Waits until the server uses under 5% of a core over one second (gives up after 60 s). */
async function quiesce(pid: number, what: string): Promise<void> {
  if (!(await waitUntilIdle(() => cpuTicks(pid), 60_000))) log(`server still busy before ${what} after 60 s; measuring anyway`);
}

// ---------------------------------------------------------------------------------------
// The server

interface Server {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly client: SlipwayClient;
  readonly rss: ServerRssSampler;
  readonly logFile: string;
}

async function startServer(workDir: string, backendStoreUri: string | undefined, options: Options): Promise<Server> {
  const logFile = path.join(workDir, 'server.log');
  const args = [...options.serverNodeArgs, SLIPWAY_MAIN, 'server', '--port', '0', '--data-dir', path.join(workDir, 'data')];
  if (backendStoreUri !== undefined) args.push('--backend-store-uri', backendStoreUri);
  if (options.maxConcurrentSteps !== undefined) args.push('--max-concurrent-steps', String(options.maxConcurrentSteps));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('SLIPWAY_')) delete env[name];
  const server = startServerProcess({ command: process.execPath, args, cwd: workDir, logFile, env }, 'could not spawn the server');
  const rss = new ServerRssSampler(server.pid);
  onCleanup('stop the server', () => stopServer(server.child, rss));
  const url = await waitForServer(server, 'the server', { timeoutMs: 60_000, pollMs: 100, timeoutText: 'printed no URL within 60 s' }, () => {
    const m = /Slipway is running at (\S+)/.exec(readFileSync(logFile, 'utf8'));
    return m === null ? undefined : m[1]!;
  });
  const client = new sdk!.SlipwayClient({ trackingUri: url, actor: 'bench', timeoutMs: 120_000 });
  return { process: server.child, pid: server.pid, url, client, rss, logFile };
}

async function stopServer(child: ChildProcess, rss: ServerRssSampler): Promise<void> {
  rss.stop();
  await stopServerProcess(child, 'the server');
}

// ---------------------------------------------------------------------------------------
// Pipelines

function chainYaml(name: string, n: number): string {
  const lines = [`name: ${name}`, 'description: A chain of no-op steps (bench/pipeline-bench.ts).', 'steps:'];
  const id = (i: number): string => `s${String(i).padStart(4, '0')}`;
  for (let i = 1; i <= n; i++) {
    lines.push(`  - id: ${id(i)}`);
    if (i > 1) lines.push(`    needs: ${id(i - 1)}`);
    lines.push('    run: "true"');
  }
  return lines.join('\n') + '\n';
}

function fanoutYaml(name: string, n: number, maxParallel: number): string {
  return `name: ${name}
description: A ${n}-way fan-out with max-parallel ${maxParallel} (bench/pipeline-bench.ts).
steps:
  - id: prepare
    run: echo "items=[$(seq -s, 1 ${n})]" >> "$SLIPWAY_OUTPUT"
    outputs:
      items: { type: value }

  - id: square
    needs: prepare
    matrix:
      n: \${{ fromJSON(steps.prepare.outputs.items) }}
      max-parallel: ${maxParallel}
    run: echo "sq=$(( \${{ matrix.n }} * \${{ matrix.n }} ))" >> "$SLIPWAY_OUTPUT"
    outputs:
      sq: { type: value }

  - id: check
    needs: square
    run: |
      expected=$(seq 1 ${n} | awk '{ printf "%s%d", (NR > 1 ? "," : ""), $1 * $1 }')
      actual='\${{ join(steps.square.outputs.sq, ',') }}'
      if [ "$actual" = "$expected" ]; then echo "all ${n} squares correct"; else echo "squares differ: $actual"; exit 1; fi
`;
}

async function upsert(client: SlipwayClient, yaml: string, fileName: string): Promise<string> {
  const { pipeline } = await client.pipelines.upsert({ source: yaml, sourceFormat: 'yaml', fileName });
  return pipeline.name;
}

/** Starts an execution and polls it until it has ended; the client-observed time is from before the start request. */
async function runToEnd(client: SlipwayClient, name: string, intervalMs: number): Promise<{ execution: Execution; clientMs: number; polls: number }> {
  const t0 = performance.now();
  const started = await client.pipelines.startExecution(name);
  let polls = 0;
  const execution = await client.pipelines.waitForExecution(started.execution_id, { intervalMs, onUpdate: () => void polls++ });
  const clientMs = performance.now() - t0;
  if (execution.status !== 'succeeded') {
    const bad = execution.steps.find((s) => s.status !== 'succeeded');
    throw new Error(`execution ${execution.execution_id} of ${name} ${execution.status}: ${execution.reason ?? ''}${bad === undefined ? '' : ` (step ${bad.step_id}${bad.instance === undefined ? '' : `[${bad.instance}]`}: ${bad.reason ?? bad.status})`}`);
  }
  return { execution, clientMs, polls };
}

/** runToEnd, with the CPU seconds the server process and PostgreSQL's processes used meanwhile. */
async function runToEndWithCpu(
  server: Server,
  name: string,
  intervalMs: number,
): Promise<{ execution: Execution; clientMs: number; polls: number; serverCpuS: number; postgresCpuS: number }> {
  const cpu0 = server.rss.cpuNow();
  const pg0 = postgresCpuSeconds();
  const run = await runToEnd(server.client, name, intervalMs);
  return { ...run, serverCpuS: server.rss.cpuNow() - cpu0, postgresCpuS: postgresCpuSeconds() - pg0 };
}

function attemptMs(step: StepExecution): number {
  return step.attempts.reduce((sum, a) => sum + ((a.ended_time ?? a.started_time) - a.started_time), 0);
}

// ---------------------------------------------------------------------------------------
// (a) overhead

interface ProcessStart {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
}

/** `sh -c true`, `count` times in a row, spawned as the local executor does; timed to 'close'. */
async function measureProcessStart(count: number, cwd: string): Promise<ProcessStart> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'TZ', 'TMPDIR']) {
    const v = process.env[name];
    if (v !== undefined) env[name] = v;
  }
  // About as many variables as the step contract adds.
  for (const name of ['EXECUTION_ID', 'PIPELINE', 'STEP_ID', 'ATTEMPT', 'OUTPUT', 'OUTPUTS_DIR', 'WORKSPACE', 'CODE_DIR']) env[`SLIPWAY_${name}`] = `${name.toLowerCase()}-${'x'.repeat(40)}`;
  for (const name of ['MLFLOW_TRACKING_URI', 'MLFLOW_EXPERIMENT_ID', 'MLFLOW_RUN_ID']) env[name] = 'y'.repeat(32);
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn('/bin/sh', ['-c', 'true'], { cwd, env: { ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', () => undefined);
      child.stderr.on('data', () => undefined);
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`sh -c true exited with ${code}`))));
    });
  for (let i = 0; i < 10; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await once());
  return { count, meanMs: mean(times), p50Ms: percentile(times, 50), p90Ms: percentile(times, 90) };
}

interface ChainRun {
  readonly wallMs: number; // created → ended (engine timestamps)
  readonly runMs: number; // started → ended
  readonly clientMs: number;
  readonly sumAttemptMs: number;
  readonly attemptP50Ms: number;
  /** Median time from one step's end to the next step's start. */
  readonly handoffP50Ms: number;
  readonly serverCpuS: number;
  readonly postgresCpuS: number;
  readonly executionId: string;
}

async function runChain(server: Server, name: string, n: number): Promise<ChainRun> {
  const { execution, clientMs, serverCpuS, postgresCpuS } = await runToEndWithCpu(server, name, CHAIN_POLL_MS);
  const steps = execution.steps;
  if (steps.length !== n || steps.some((s) => s.status !== 'succeeded' || s.attempts.length !== 1)) {
    throw new Error(`chain ${execution.execution_id}: expected ${n} steps succeeded in one attempt each`);
  }
  const ended = execution.ended_time!;
  const handoffs: number[] = [];
  for (let i = 1; i < steps.length; i++) handoffs.push(steps[i]!.attempts[0]!.started_time - steps[i - 1]!.attempts[0]!.ended_time!);
  return {
    wallMs: ended - execution.created_time,
    runMs: ended - execution.started_time!,
    clientMs,
    sumAttemptMs: steps.reduce((sum, s) => sum + attemptMs(s), 0),
    attemptP50Ms: percentile(steps.map(attemptMs), 50),
    handoffP50Ms: percentile(handoffs, 50),
    serverCpuS,
    postgresCpuS,
    executionId: execution.execution_id,
  };
}

// ---------------------------------------------------------------------------------------
// (b) fan-out

interface FanoutRun {
  readonly executionId: string;
  readonly wallMs: number;
  readonly clientMs: number;
  readonly matrixMs: number;
  readonly prepareMs: number;
  readonly checkMs: number;
  readonly instances: number;
  readonly succeeded: number;
  readonly correct: number;
  readonly checkStepOk: boolean;
  readonly maxConcurrent: number;
  readonly attemptP50Ms: number;
  readonly serverCpuS: number;
  readonly postgresCpuS: number;
  readonly polls: number;
}

async function runFanout(server: Server, name: string, n: number): Promise<FanoutRun> {
  const { execution, clientMs, polls, serverCpuS, postgresCpuS } = await runToEndWithCpu(server, name, FANOUT_POLL_MS);
  const parent = (id: string): StepExecution => {
    const s = execution.steps.find((x) => x.step_id === id && x.instance === undefined);
    if (s === undefined) throw new Error(`fan-out ${execution.execution_id} has no step '${id}'`);
    return s;
  };
  const span = (s: StepExecution): number => (s.ended_time ?? 0) - (s.started_time ?? 0);
  const instances = execution.steps.filter((s) => s.step_id === 'square' && s.instance !== undefined);
  let correct = 0;
  const seen = new Set<number>();
  for (const s of instances) {
    const m = /^n=(\d+)$/.exec(s.instance ?? '');
    if (m === null) continue;
    const k = Number(m[1]);
    if (s.status === 'succeeded' && s.outputs.sq === String(k * k) && k >= 1 && k <= n && !seen.has(k)) {
      seen.add(k);
      correct++;
    }
  }
  // Most attempts running at once: a sweep over their recorded windows.
  const events: [number, number][] = [];
  for (const s of instances) for (const a of s.attempts) events.push([a.started_time, 1], [a.ended_time ?? a.started_time, -1]);
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let running = 0;
  let maxConcurrent = 0;
  for (const [, d] of events) maxConcurrent = Math.max(maxConcurrent, (running += d));
  const check = parent('check');
  return {
    executionId: execution.execution_id,
    wallMs: execution.ended_time! - execution.created_time,
    clientMs,
    matrixMs: span(parent('square')),
    prepareMs: span(parent('prepare')),
    checkMs: span(check),
    instances: instances.length,
    succeeded: instances.filter((s) => s.status === 'succeeded').length,
    correct,
    checkStepOk: check.status === 'succeeded',
    maxConcurrent,
    attemptP50Ms: percentile(instances.map(attemptMs), 50),
    serverCpuS,
    postgresCpuS,
    polls,
  };
}

// ---------------------------------------------------------------------------------------
// One backend

interface BackendResult {
  readonly backend: BackendName;
  readonly title: string;
  error?: string;
  processStart?: ProcessStart;
  chains: ChainRun[];
  fanout?: FanoutRun;
  idleRssMb?: number;
  chainPeak?: { serverMb: number; childrenMb: number; children: number };
  fanoutPeak?: { serverMb: number; childrenMb: number; children: number };
  overallPeakMb?: number;
  /** GET /executions/{id} of a finished chain and of the fan-out, p50 of 20 (one full read of the execution, as JSON). */
  readChainMs?: number;
  readFanoutMs?: number;
}

async function readLatencyMs(client: SlipwayClient, executionId: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 23; i++) {
    const t0 = performance.now();
    await client.pipelines.getExecution(executionId);
    if (i >= 3) times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

async function runBackend(backend: BackendName, options: Options, postgres: string | undefined): Promise<BackendResult> {
  const title = backend === 'sqlite' ? 'SQLite' : `PostgreSQL ${postgres?.split(' ')[0] ?? ''}`.trim();
  const result: BackendResult = { backend, title, chains: [] };
  const mark = cleanupMark();
  try {
    const workDir = await makeWorkDir(`slipway-pipeline-bench-${backend}-`, options.keep);
    let storeUri: string | undefined;
    if (backend === 'postgresql') {
      const schema = `bench_pipelines_${randomBytes(4).toString('hex')}`;
      storeUri = schemaUrl(schema);
      onCleanup(`drop schema ${schema}`, () => pgAdmin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    }
    log(`${title}: starting the server`);
    const server = await startServer(workDir, storeUri, options);
    log(`${title}: server at ${server.url} (pid ${server.pid})`);

    // Warm-up (untimed): the experiment, the JIT, the statement caches.
    const warmup = await upsert(server.client, chainYaml('bench-warmup', WARMUP_STEPS), 'warmup.yaml');
    await runToEnd(server.client, warmup, CHAIN_POLL_MS);
    const chain = await upsert(server.client, chainYaml(`bench-chain-${options.steps}`, options.steps), 'chain.yaml');
    const fan = await upsert(server.client, fanoutYaml(`bench-fanout-${options.fanout}`, options.fanout, options.maxParallel), 'fanout.yaml');

    server.rss.setPhase('idle');
    await quiesce(server.pid, 'process start');
    result.idleRssMb = (vmRssKb(server.pid) ?? 0) / 1024;
    log(`${title}: timing ${options.steps} × sh -c true`);
    result.processStart = await measureProcessStart(options.steps, workDir);

    for (let r = 1; r <= options.repeat && !isInterrupted(); r++) {
      await quiesce(server.pid, `chain ${r}`);
      server.rss.setPhase('chain');
      log(`${title}: (a) chain of ${options.steps} no-op steps, run ${r}/${options.repeat}`);
      const run = await runChain(server, chain, options.steps);
      server.rss.setPhase('idle');
      log(`${title}:     ${fmtMs(run.wallMs / options.steps)}/step (wall), ${fmtMs((run.runMs - run.sumAttemptMs) / options.steps)}/step between attempts`);
      result.chains.push(run);
    }
    result.chainPeak = server.rss.peak('chain');
    const lastChain = result.chains.at(-1);
    if (lastChain !== undefined) result.readChainMs = await readLatencyMs(server.client, lastChain.executionId);

    if (!isInterrupted()) {
      await quiesce(server.pid, 'fan-out');
      server.rss.setPhase('fanout');
      log(`${title}: (b) ${options.fanout}-way fan-out, max-parallel ${options.maxParallel}`);
      result.fanout = await runFanout(server, fan, options.fanout);
      server.rss.setPhase('after');
      result.fanoutPeak = server.rss.peak('fanout');
      result.readFanoutMs = await readLatencyMs(server.client, result.fanout.executionId);
      log(`${title}:     ${(result.fanout.wallMs / 1000).toFixed(1)} s, ${result.fanout.correct}/${options.fanout} correct, peak RSS ${result.fanoutPeak?.serverMb.toFixed(0) ?? '?'} MB`);
    }
    server.rss.sample();
    result.overallPeakMb = server.rss.overallPeakKb / 1024;
  } catch (e) {
    result.error = errorText(e);
    if (!isInterrupted()) log(`${title}: FAILED: ${result.error}`);
  } finally {
    await runCleanup(mark);
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// Report

interface Row {
  readonly measure: string;
  readonly values: string[];
  readonly target: string;
  readonly results: string[];
}

/** Medians over the chain runs. */
function chainSummary(r: BackendResult, n: number) {
  if (r.chains.length === 0) return undefined;
  const med = (f: (c: ChainRun) => number): number => percentile(r.chains.map(f), 50);
  const wallPerStep = med((c) => c.wallMs / n);
  // The median: a spawn that a busy machine delayed should not count as process start.
  const processStart = r.processStart?.p50Ms;
  return {
    wallPerStep,
    clientPerStep: med((c) => c.clientMs / n),
    attemptPerStep: med((c) => c.sumAttemptMs / n),
    gapPerStep: med((c) => (c.runMs - c.sumAttemptMs) / n),
    handoffP50: med((c) => c.handoffP50Ms),
    attemptP50: med((c) => c.attemptP50Ms),
    cpuPerStep: med((c) => (c.serverCpuS * 1000) / n),
    pgCpuPerStep: med((c) => (c.postgresCpuS * 1000) / n),
    overhead: processStart === undefined ? undefined : wallPerStep - processStart,
    all: r.chains.map((c) => fmtMs(c.wallMs / n)).join(', '),
  };
}

function buildRows(results: BackendResult[], options: Options): Row[] {
  const n = options.steps;
  const f = options.fanout;
  const rows: Row[] = [];
  const per = (fn: (r: BackendResult) => string): string[] => results.map((r) => (r.error !== undefined && r.chains.length === 0 ? '—' : fn(r)));
  const chains = results.map((r) => chainSummary(r, n));
  const cs = (i: number) => chains[i];
  const dash = results.map(() => '—');

  rows.push({
    measure: `(a) chain of ${n} no-op steps: wall time per step, engine timestamps (execution created → ended) ÷ ${n}; median of ${options.repeat} runs`,
    values: results.map((_, i) => (cs(i) === undefined ? '—' : `**${fmtMs(cs(i)!.wallPerStep)}** (runs: ${cs(i)!.all})`)),
    target: '—',
    results: dash,
  });
  rows.push({
    measure: `(a) same, observed by the client (start request → \`succeeded\` seen, polling every ${CHAIN_POLL_MS} ms) ÷ ${n}`,
    values: results.map((_, i) => fmtMs(cs(i)?.clientPerStep)),
    target: '—',
    results: dash,
  });
  rows.push({
    measure: `(a) process start: \`sh -c true\` spawned from Node as the local executor does (shell, detached, piped), ${n} in a row: mean (p50, p90)`,
    values: per((r) => (r.processStart === undefined ? '—' : `${fmtMs(r.processStart.meanMs)} (${fmtMs(r.processStart.p50Ms)}, ${fmtMs(r.processStart.p90Ms)})`)),
    target: '—',
    results: dash,
  });
  rows.push({
    measure: '(a) **engine overhead per step excluding process start** = wall per step − p50 process start',
    values: results.map((_, i) => (cs(i)?.overhead === undefined ? '—' : `**${fmtMs(cs(i)!.overhead)}**`)),
    target: `≤ ${TARGETS.overheadMs} ms`,
    results: results.map((_, i) => {
      const o = cs(i)?.overhead;
      return o === undefined ? '—' : o <= TARGETS.overheadMs ? 'met' : `**missed** (${fmtMs(o - TARGETS.overheadMs)} over)`;
    }),
  });
  rows.push({
    measure: `(a) timestamp method: (ended − started − Σ attempt durations) ÷ ${n}, the time between attempts`,
    values: results.map((_, i) => fmtMs(cs(i)?.gapPerStep)),
    target: `(≤ ${TARGETS.overheadMs} ms)`,
    results: results.map((_, i) => {
      const g = cs(i)?.gapPerStep;
      return g === undefined ? '—' : g <= TARGETS.overheadMs ? 'met, but undercounts (see below)' : '**missed**';
    }),
  });
  rows.push({
    measure: '(a) recorded attempt window per step (Σ attempt durations ÷ N; holds the process and part of the engine\'s work)',
    values: results.map((_, i) => (cs(i) === undefined ? '—' : `${fmtMs(cs(i)!.attemptPerStep)} (p50 ${fmtMs(cs(i)!.attemptP50)})`)),
    target: '—',
    results: dash,
  });
  rows.push({
    measure: '(a) CPU per step: the server process (utime + stime ÷ N); PostgreSQL\'s processes',
    values: results.map((r, i) => (cs(i) === undefined ? '—' : `${fmtMs(cs(i)!.cpuPerStep)}${r.backend === 'postgresql' ? `; ${fmtMs(cs(i)!.pgCpuPerStep)}` : ''}`)),
    target: '—',
    results: dash,
  });
  rows.push({
    measure: `(a) one read of the finished ${n}-step execution (GET /executions/{id}, p50 of 20)`,
    values: per((r) => fmtMs(r.readChainMs)),
    target: '—',
    results: dash,
  });
  rows.push({
    measure: `(b) ${f}-way fan-out, max-parallel ${options.maxParallel}: time to completion (created → ended)`,
    values: per((r) => (r.fanout === undefined ? '—' : `**${fmtS(r.fanout.wallMs)}** (client saw ${fmtS(r.fanout.clientMs)})`)),
    target: '—',
    results: dash,
  });
  rows.push({
    measure: '(b) of which the matrix step (prepare, check)',
    values: per((r) =>
      r.fanout === undefined
        ? '—'
        : `${fmtS(r.fanout.matrixMs)}, ${((r.fanout.instances / r.fanout.matrixMs) * 1000).toFixed(1)} instances/s (${fmtMs(r.fanout.prepareMs)}, ${fmtMs(r.fanout.checkMs)})`,
    ),
    target: '—',
    results: dash,
  });
  rows.push({
    measure: '(b) instances at once (most overlapping attempt windows); attempt window p50',
    values: per((r) => (r.fanout === undefined ? '—' : `${r.fanout.maxConcurrent}; ${fmtMs(r.fanout.attemptP50Ms)}`)),
    target: `≤ ${options.maxParallel}`,
    results: per((r) => (r.fanout === undefined ? '—' : r.fanout.maxConcurrent <= options.maxParallel ? 'met' : '**missed**')),
  });
  rows.push({
    measure: `(b) correct: instances succeeded with output = item² (checked through the API); \`check\` step's own comparison`,
    values: per((r) =>
      r.fanout === undefined ? '—' : `**${r.fanout.correct}/${f}** (${r.fanout.instances} instances, ${r.fanout.succeeded} succeeded); check step ${r.fanout.checkStepOk ? 'succeeded' : 'FAILED'}`,
    ),
    target: `all ${f}`,
    results: per((r) => (r.fanout === undefined ? '—' : r.fanout.correct === f && r.fanout.instances === f && r.fanout.checkStepOk ? 'met' : '**missed**')),
  });
  rows.push({
    measure: '(b) CPU during the fan-out (per instance): the server process; PostgreSQL\'s processes',
    values: per((r) =>
      r.fanout === undefined
        ? '—'
        : `${r.fanout.serverCpuS.toFixed(1)} s (${fmtMs((r.fanout.serverCpuS * 1000) / f)})` +
          (r.backend === 'postgresql' ? `; ${r.fanout.postgresCpuS.toFixed(1)} s (${fmtMs((r.fanout.postgresCpuS * 1000) / f)})` : ''),
    ),
    target: '—',
    results: dash,
  });
  rows.push({
    measure: `(b) one read of the finished fan-out execution (${f + 3} step rows; GET /executions/{id}, p50 of 20)`,
    values: per((r) => fmtMs(r.readFanoutMs)),
    target: '—',
    results: dash,
  });
  rows.push({
    measure: '(b) **peak server RSS** during the fan-out (node process alone, sampled every 100 ms)',
    values: per((r) => (r.fanoutPeak === undefined ? '—' : `**${r.fanoutPeak.serverMb.toFixed(0)} MB** (idle before: ${r.idleRssMb?.toFixed(0) ?? '?'} MB)`)),
    target: `≤ ${TARGETS.rssMb} MB`,
    results: per((r) => (r.fanoutPeak === undefined ? '—' : r.fanoutPeak.serverMb <= TARGETS.rssMb ? 'met' : `**missed** (${(r.fanoutPeak.serverMb - TARGETS.rssMb).toFixed(0)} MB over)`)),
  });
  rows.push({
    measure: '(b) steps\' processes (the server\'s descendants), not counted above: peak summed RSS (most at once)',
    values: per((r) => (r.fanoutPeak === undefined ? '—' : `${r.fanoutPeak.childrenMb.toFixed(1)} MB (${r.fanoutPeak.children})`)),
    target: '—',
    results: dash,
  });
  rows.push({
    measure: 'Peak server RSS over the whole run (chains included)',
    values: per((r) => (r.overallPeakMb === undefined ? '—' : `${r.overallPeakMb.toFixed(0)} MB`)),
    target: `≤ ${TARGETS.rssMb} MB`,
    results: per((r) => (r.overallPeakMb === undefined ? '—' : r.overallPeakMb <= TARGETS.rssMb ? 'met' : '**missed**')),
  });
  return rows;
}

function gatherFacts(postgres: string | undefined, options: Options): string[] {
  const pgText = postgres !== undefined ? `PostgreSQL ${postgres} (${pgHost()}), a fresh schema per run` : options.backends.includes('postgresql') ? 'not reachable' : 'not used in this run';
  return [
    machineLine(),
    `- Slipway: commit ${gitCommit()}, Node ${process.version}, \`node dist/cli/main.js server --port 0 --data-dir <tmp>${options.maxConcurrentSteps === undefined ? '' : ` --max-concurrent-steps ${options.maxConcurrentSteps}`}\` (engine defaults otherwise: loop woken by every change and every 500 ms)`,
    `- PostgreSQL: ${pgText}`,
    `- Load average (1/5/15 min) at start: ${loadAverages()}`,
    `- Client: this process, through the SDK (\`client.pipelines\`); each timed phase starts once the server is idle (< 5% of a core over 1 s); an untimed ${WARMUP_STEPS}-step chain runs first`,
    '- Anchor: none runs on this machine (no Airflow or Kubeflow here; MLflow has no pipeline engine), so these are absolute numbers only',
  ];
}

function renderMarkdown(results: BackendResult[], facts: string[], options: Options, startedAt: Date, seconds: number): string {
  const out: string[] = [];
  out.push(...markdownHead(`Slipway pipeline engine: overhead per step and ${options.fanout}-way fan-out`, 'bench/pipeline-bench.ts', startedAt, seconds));
  out.push(...facts);
  out.push('');
  for (const r of results) if (r.error !== undefined) out.push(`**${r.title}: ${r.chains.length === 0 ? 'not run' : 'run failed'}:** ${r.error.split('\n')[0]}`, '');
  const shown = results.filter((r) => r.chains.length > 0 || r.fanout !== undefined);
  if (shown.length > 0) {
    const rows = buildRows(shown, options);
    const result = `Result${shown.length > 1 ? ` (${shown.map((r) => r.backend).join(' / ')})` : ''}`;
    out.push(
      ...markdownTable(
        ['Measure', ...shown.map((r) => r.title), 'Target', result],
        ['left', ...shown.map(() => 'right' as const), 'left', 'left'],
        rows.map((row) => [row.measure, ...row.values, row.target, row.results.every((x) => x === '—') ? '—' : row.results.join(' / ')]),
      ),
    );
    out.push('');
    for (const r of shown) {
      const c = chainSummary(r, options.steps);
      if (c === undefined) continue;
      out.push(
        `- ${r.title}: per step, the median hand-off (one step's attempt ended → the next one's started) was ${fmtMs(c.handoffP50)}, ` +
          `the median attempt window ${fmtMs(c.attemptP50)}; chain phase peak server RSS ${r.chainPeak?.serverMb.toFixed(0) ?? '?'} MB.`,
      );
    }
    out.push('');
  }
  out.push(`Load average (1/5/15 min) at the end: ${loadAverages()}.`);
  out.push('');
  out.push(
    'Wall times come from the engine\'s own timestamps (ms). An attempt\'s recorded window starts when the engine begins to launch it ' +
      '(before it creates the attempt\'s MLflow run, writes the `running` rows and prepares the workspace) and ends when the result is ' +
      'about to be written, so Σ attempt durations holds engine work besides the process, and the timestamp method undercounts the ' +
      'engine; the wall-clock figure minus the process start is the one held against the target.',
  );
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------
// Helpers

function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  try {
    readFileSync(SLIPWAY_MAIN);
    sdk = (await import(pathToFileURL(SLIPWAY_SDK).href)) as typeof SdkModule;
  } catch (e) {
    throw new Error(`cannot load ${path.relative(REPO, SLIPWAY_MAIN)} and ${path.relative(REPO, SLIPWAY_SDK)} (${errorText(e)}); run \`npm run build\` first`);
  }
  const postgres = options.backends.includes('postgresql') ? await pgReachable() : undefined;
  const facts = gatherFacts(postgres, options);
  const results: BackendResult[] = [];
  for (const backend of options.backends) {
    if (isInterrupted()) break;
    if (backend === 'postgresql' && postgres === undefined) {
      log(`PostgreSQL at ${pgHost()} is not reachable; skipping (pg_isready -h 127.0.0.1 || bash scripts/start-test-postgres.sh)`);
      results.push({ backend, title: 'PostgreSQL', chains: [], error: `not reachable at ${pgHost()}; skipped` });
      continue;
    }
    results.push(await runBackend(backend, options, postgres));
  }
  if (isInterrupted()) return;
  const markdown = renderMarkdown(results, facts, options, startedAt, (Date.now() - startedAt.getTime()) / 1000);
  writeResults('pipelines', startedAt, markdown);
  if (results.some((r) => r.error !== undefined && !r.error.includes('not reachable'))) process.exitCode = 1;
}

runWithCleanup(main);
