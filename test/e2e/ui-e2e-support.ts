import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LiveServer } from '../support/live-server.js';
import { getJson, postJson } from '../support/server-process.js';

/**
 * What the web UI's Chromium tests share: the browser (Debian's `/usr/bin/chromium`), the
 * skip rule (a missing browser is a skip, or a failure under `SLIPWAY_REQUIRE_CHROMIUM=1`),
 * screenshots into `test-artifacts/ui/`, and seeding through the REST API.
 */
export const CHROMIUM = '/usr/bin/chromium';
const UI_INDEX = fileURLToPath(new URL('../../dist/ui/index.html', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/ui/', import.meta.url));

/** Why the browser tests cannot run here; undefined when they can. */
export const chromiumSkip: string | undefined = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install chromium)`;
if (chromiumSkip !== undefined && process.env.SLIPWAY_REQUIRE_CHROMIUM === '1') throw new Error(`SLIPWAY_REQUIRE_CHROMIUM=1 but ${chromiumSkip}`);

export function reportSkip(what: string): void {
  if (chromiumSkip !== undefined) process.stderr.write(`\n[slipway tests] ${what} skipped: ${chromiumSkip}.\n\n`);
}

/** Chromium, headless, after checking the UI is built. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(UI_INDEX)) throw new Error(`${UI_INDEX} is missing: run \`npm run build\` first`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** POST to an MLflow path (`/runs/create`), failing the test on anything but 200. */
export async function ok(server: LiveServer, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await postJson(server.url, path, body);
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json as Record<string, unknown>;
}

export async function okGet(server: LiveServer, path: string, query: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await getJson(server.url, path, query);
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json as Record<string, unknown>;
}

/** A send to any path of the server (Slipway's own API), failing on anything but 200. */
export async function okSend(server: LiveServer, method: 'POST' | 'PUT', path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

export async function createExperiment(server: LiveServer, name: string): Promise<string> {
  return ((await ok(server, '/experiments/create', { name })) as { experiment_id: string }).experiment_id;
}

export async function createRun(server: LiveServer, experimentId: string, runName: string, startTime = Date.UTC(2026, 0, 1)): Promise<string> {
  const created = (await ok(server, '/runs/create', { experiment_id: experimentId, run_name: runName, start_time: startTime })) as {
    run: { info: { run_id: string } };
  };
  return created.run.info.run_id;
}

/** Logs metric points 1,000 a batch (MLflow's batch limit). */
export async function logMetrics(server: LiveServer, runId: string, metrics: readonly { key: string; value: number | string; timestamp: number; step: number }[]): Promise<void> {
  for (let i = 0; i < metrics.length; i += 1000) await ok(server, '/runs/log-batch', { run_id: runId, metrics: metrics.slice(i, i + 1000) });
}
