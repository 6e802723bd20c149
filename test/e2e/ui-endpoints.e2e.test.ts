import { readdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { BACKENDS } from '../support/test-databases.js';
import { expected, FIXTURES } from '../serving/endpoints/serving-harness.js';
import { chromiumSkip, launchChromium, ok, okSend, reportSkip, shot } from './ui-e2e-support.js';

/**
 * The endpoints pages in Chromium against a real `slipway server`: the ONNX fixture model
 * uploaded through the artifact API and registered, an endpoint created through the
 * endpoints API and called over HTTP, then the list and the endpoint page — the variant
 * row and the live request-rate chart showing that traffic.
 */
reportSkip('UI endpoints end-to-end test');
const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;
const housing = expected('housing-rf');

async function getJson<T>(server: LiveServer, path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`);
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

async function invoke(server: LiveServer, name: string): Promise<void> {
  const res = await fetch(`${server.url}/endpoints/${name}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dataframe_split: housing.rows }),
  });
  if (res.status !== 200) throw new Error(`invocations answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

describe.skipIf(chromiumSkip !== undefined)('web UI endpoints in Chromium (sqlite)', () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startLiveServer(sqlite);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('tells a new user how to create an endpoint', async () => {
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('heading', { name: 'No endpoints yet' }).waitFor();
    expect(await page.locator('.empty-state').innerText()).toContain('slipway endpoints create prices -m models:/housing@champion');
  });

  it('an endpoint page shows traffic', async () => {
    for (const file of readdirSync(`${FIXTURES}housing-rf`)) {
      const res = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/models/housing-rf/${file}`, { method: 'PUT', body: readFileSync(`${FIXTURES}housing-rf/${file}`) });
      expect(res.status).toBe(200);
    }
    await ok(server, '/registered-models/create', { name: 'housing' });
    await ok(server, '/model-versions/create', { name: 'housing', source: 'mlflow-artifacts:/models/housing-rf' });
    await ok(server, '/registered-models/alias', { name: 'housing', alias: 'champion', version: '1' });
    await okSend(server, 'POST', '/api/slipway/v1/endpoints', { name: 'prices', description: 'House prices.', variants: [{ name: 'blue', model_uri: 'models:/housing@champion' }] });
    await expect
      .poll(async () => (await getJson<{ endpoint: { status: string } }>(server, '/api/slipway/v1/endpoints/prices')).endpoint.status, { timeout: 60_000, interval: 200 })
      .toBe('InService');
    for (let i = 0; i < 30; i++) await invoke(server, 'prices');

    await page.goto(`${server.url}/endpoints`);
    const list = page.getByRole('table', { name: 'Endpoints' });
    await list.waitFor();
    expect(await list.locator('tbody tr').first().innerText()).toMatch(/prices\s+InService\s+blue: housing v1 \(weight 100\) · Ready/);
    await shot(page, 'endpoints');
    await list.getByRole('link', { name: 'prices' }).click();

    const variants = page.getByRole('table', { name: 'Variants' });
    await variants.waitFor();
    const row = variants.locator('tbody tr[data-variant="blue"]');
    const rowText = await row.innerText();
    expect(rowText).toContain('housing v1');
    expect(rowText).toContain('100%');
    expect(rowText).toContain('Ready');
    expect(rowText).toContain('onnx');
    expect(await row.getByRole('link', { name: 'housing v1' }).getAttribute('href')).toBe('/models/housing?version=1');

    // Requests keep arriving while the page polls: the chart's newest value is above zero.
    const rate = page.locator('figure[data-metric="rate"]');
    const stop = { now: false };
    const sending = (async () => {
      while (!stop.now) {
        await invoke(server, 'prices');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await expect.poll(async () => (await rate.locator('svg').getAttribute('aria-label')) ?? '', { timeout: 20_000 }).toMatch(/Request rate now: blue [1-9]?\d*\.\d+ req\/s/);
      expect(await rate.locator('svg').getAttribute('aria-label')).not.toContain('blue 0.00 req/s');
      // At least two polls drawn: the line has a segment.
      await expect.poll(async () => (await rate.locator('path.series-line').getAttribute('d')) ?? '', { timeout: 20_000 }).toContain('L');
      expect(await page.locator('.total-rate').innerText()).not.toBe('0.00 req/s');
      expect(await page.getByRole('img', { name: /Latency p99 now: blue \d+(\.\d+)? ms/ }).count()).toBe(1);
    } finally {
      stop.now = true;
      await sending;
    }
    const curl = page.locator('.help pre code');
    expect(await curl.innerText()).toContain(`curl -s ${server.url}/endpoints/prices/invocations`);
    // The columns come from the model's signature (OIP v2 metadata).
    await expect.poll(() => curl.innerText()).toContain(`"columns":${JSON.stringify(housing.rows.columns)}`);
    const events = page.getByRole('list', { name: 'Events, newest first' });
    expect(await events.innerText()).toContain('created');
    expect(await page.locator('body').innerText()).not.toContain('Roll back…');
    await shot(page, 'endpoint');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'endpoint-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows a canary step in progress and rolls it back after confirmation', async () => {
    await ok(server, '/model-versions/create', { name: 'housing', source: 'mlflow-artifacts:/models/housing-rf' });
    const patched = await fetch(`${server.url}/api/slipway/v1/endpoints/prices`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ variants: [{ name: 'green', model_uri: 'models:/housing/2' }], rollout: { strategy: 'canary', steps: [10, 50, 100], bake_seconds: 3600 } }),
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    await expect
      .poll(async () => (await getJson<{ endpoint: { rollout?: { phase: string } } }>(server, '/api/slipway/v1/endpoints/prices')).endpoint.rollout?.phase, { timeout: 60_000, interval: 200 })
      .toBe('Baking');
    await page.reload();
    const variants = page.getByRole('table', { name: 'Variants' });
    await variants.waitFor();
    expect(await variants.locator('tbody tr[data-variant="blue"]').innerText()).toContain('90%');
    const green = await variants.locator('tbody tr[data-variant="green"]').innerText();
    expect(green).toContain('candidate');
    expect(green).toContain('housing v2');
    expect(green).toContain('10%');
    const steps = page.getByRole('list', { name: 'Rollout steps' });
    expect(await steps.locator('[aria-current="step"]').innerText()).toContain('10%');
    expect(await page.locator('.bake-remaining').innerText()).toMatch(/of 1h 0m$/);
    await shot(page, 'endpoint-canary');

    await page.getByRole('button', { name: 'Roll back…' }).click();
    // Nothing is sent before the confirmation; Cancel leaves the rollout running.
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await getJson<{ endpoint: { rollout: { phase: string } } }>(server, '/api/slipway/v1/endpoints/prices')).endpoint.rollout.phase).toBe('Baking');
    await page.getByRole('button', { name: 'Roll back…' }).click();
    await page.getByLabel('Reason (optional)').fill('checking the UI');
    await page.getByRole('button', { name: 'Confirm roll back' }).click();
    await page.getByRole('status').filter({ hasText: 'Rolled back' }).waitFor();
    const after = (await getJson<{ endpoint: { status: string; rollout: { phase: string; reason?: string } } }>(server, '/api/slipway/v1/endpoints/prices')).endpoint;
    expect(after.rollout.phase).toBe('RolledBack');
    expect(after.rollout.reason).toContain('checking the UI');
    await expect.poll(() => page.locator('.rollout').innerText()).toContain('RolledBack');
    expect(await page.getByRole('button', { name: 'Roll back…' }).count()).toBe(0);
    expect(await page.getByRole('table', { name: 'Variants' }).locator('tbody tr[data-variant="green"]').count()).toBe(0);
    await expect.poll(() => page.getByRole('list', { name: 'Events, newest first' }).innerText()).toMatch(/roll/i);
  });
});
