/**
 * The serving benchmark's endpoints part: `slipway server` (a fresh data directory), the
 * benchmark's ONNX model registered on it through MLflow's client (register_model.py), N
 * endpoints created through Slipway's API (`POST /api/slipway/v1/endpoints`, what `slipway
 * endpoints create` sends), each serving that version; then the server's RSS with all N
 * loaded and a load run against `/endpoints/<first>/invocations`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../support/bench-paths.js';
import { onCleanup } from '../support/cleanup-stack.js';
import { log } from '../support/log.js';
import { startServerProcess, stopServerProcess, waitForServer } from '../support/start-server-process.js';
import { waitUntilIdle } from '../support/wait-until-idle.js';
import { loadRun, type LoadResult } from './load-run.js';
import { ProcessRss } from './process-rss.js';
import { runLogged } from './run-logged.js';

/** A call to Slipway's API (`/api/slipway/v1`); throws on an error answer. */
async function api(url: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/api/slipway/v1${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /api/slipway/v1${route} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

const MODEL_NAME = 'serving-bench-rf';

export interface EndpointsSpec {
  readonly onnxDir: string;
  readonly body: Buffer;
  readonly expected: readonly number[];
  readonly workDir: string;
  readonly python: string;
  readonly registerScript: string;
  readonly count: number;
  readonly connections: number;
  readonly warmupS: number;
  readonly durationS: number;
  /** Node's arguments before Slipway's own (node flags, the CLI's entry point). */
  readonly entry: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

export interface EndpointsResult {
  readonly endpoints: number;
  readonly modelUri: string;
  /** The server's RSS before the model was registered. */
  readonly emptyRssMb: number;
  /** With every endpoint loaded, idle. */
  readonly loadedRssMb: number;
  /** Highest seen from the first endpoint's load to the end of the load run. */
  readonly peakRssMb: number;
  readonly secondsToInService: number;
  readonly run: LoadResult & { readonly serverCpuSeconds: number };
}

/** Why the part cannot run in this build (no endpoint routes next to the CLI's entry point), or undefined when it can. */
export function endpointsUnavailable(entry: readonly string[]): string | undefined {
  const main = entry[entry.length - 1]!;
  const routes = path.join(path.dirname(main), '..', 'server', 'endpoints', `endpoint-routes${path.extname(main)}`);
  return existsSync(routes) ? undefined : `this build has no endpoints (no ${path.relative(REPO, routes)})`;
}

export async function runEndpointsPart(spec: EndpointsSpec): Promise<EndpointsResult> {
  const logFile = path.join(spec.workDir, 'slipway-server.log');
  const args = [...spec.entry, 'server', '--port', '0', '--data-dir', path.join(spec.workDir, 'server-data')];
  const proc = startServerProcess({ command: process.execPath, args, cwd: spec.workDir, logFile, env: spec.env }, 'could not spawn slipway server');
  const rss = new ProcessRss(proc.pid, false);
  onCleanup('stop slipway server', async () => {
    rss.stop();
    await stopServerProcess(proc.child, 'slipway server');
  });
  const url = await waitForServer(proc, 'slipway server', { timeoutMs: 60_000, pollMs: 100, timeoutText: 'printed no URL within 60 s' }, () => {
    const m = /Slipway is running at (\S+)/.exec(readFileSync(logFile, 'utf8'));
    return m === null ? undefined : m[1]!.replace(/\/$/, '');
  });
  await waitUntilIdle(() => rss.cpuNow() * 100, 30_000);
  const emptyRssMb = rss.nowMb();

  const registered = await runLogged(
    {
      command: spec.python,
      args: [spec.registerScript, '--onnx-dir', spec.onnxDir, '--name', MODEL_NAME],
      logFile: path.join(spec.workDir, 'register-model.log'),
      env: { ...process.env, MLFLOW_TRACKING_URI: url },
    },
    'register_model.py',
  );
  const version = /"version": "([^"]+)"/.exec(registered.output)?.[1];
  if (version === undefined) throw new Error(`register_model.py printed no version:\n${registered.output.slice(-1000)}`);
  const modelUri = `models:/${MODEL_NAME}/${version}`;

  rss.setPhase('endpoints');
  const started = Date.now();
  const names = Array.from({ length: spec.count }, (_, i) => `bench-rf-${i + 1}`);
  for (const name of names) await api(url, 'POST', '/endpoints', { name, variants: [{ model_uri: modelUri }] });
  for (const name of names) {
    await waitForServer(proc, `endpoint ${name}`, { timeoutMs: 180_000, pollMs: 250, timeoutText: 'was not InService within 180 s' }, async () => {
      const { endpoint } = (await api(url, 'GET', `/endpoints/${name}`)) as { endpoint: { status: string; status_reason?: string } };
      if (endpoint.status === 'Failed') throw new Error(`endpoint ${name} failed: ${endpoint.status_reason ?? '(no reason)'}`);
      return endpoint.status === 'InService' ? true : undefined;
    });
  }
  const secondsToInService = (Date.now() - started) / 1000;
  for (const name of names) {
    const res = await fetch(`${url}/endpoints/${name}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: spec.body });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST /endpoints/${name}/invocations answered ${res.status}: ${text.slice(0, 500)}`);
    const got = (JSON.parse(text) as { predictions: number[] }).predictions;
    if (got.length !== spec.expected.length || got.some((v, i) => Math.abs(v - spec.expected[i]!) > 1e-4 * Math.max(1, Math.abs(spec.expected[i]!)))) {
      throw new Error(`endpoint ${name} predicts ${JSON.stringify(got)}; sklearn predicts ${JSON.stringify(spec.expected)}`);
    }
  }
  log(`${spec.count} endpoints serving ${modelUri} after ${secondsToInService.toFixed(1)} s`);
  await waitUntilIdle(() => rss.cpuNow() * 100, 30_000);
  const loadedRssMb = rss.nowMb();

  const target = `${url}/endpoints/${names[0]!}/invocations`;
  if (spec.warmupS > 0) await loadRun({ url: target, body: spec.body, connections: spec.connections, seconds: spec.warmupS });
  rss.setPhase('load');
  const run = await loadRun({ url: target, body: spec.body, connections: spec.connections, seconds: spec.durationS });
  rss.setPhase('done');
  const peakRssMb = Math.max(rss.peakMb('endpoints') ?? 0, rss.peakMb('load') ?? 0);
  const serverCpuSeconds = rss.phaseCpuSeconds('load') ?? Number.NaN;
  log(`endpoint c=${spec.connections}: ${Math.round(run.reqPerSec)} req/s, p99 ${run.p99Ms.toFixed(2)} ms; RSS loaded ${loadedRssMb.toFixed(0)} MB, peak ${peakRssMb.toFixed(0)} MB`);
  rss.stop();
  await stopServerProcess(proc.child, 'slipway server');
  return { endpoints: spec.count, modelUri, emptyRssMb, loadedRssMb, peakRssMb, secondsToInService, run: { ...run, serverCpuSeconds } };
}
