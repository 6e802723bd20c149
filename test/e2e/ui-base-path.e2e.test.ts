import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { postJson } from '../support/server-process.js';
import { BACKENDS } from '../support/test-databases.js';
import { chromiumSkip, launchChromium, reportSkip, shot } from './ui-e2e-support.js';

/**
 * `slipway server --static-prefix /slipway`: the UI works under the prefix (assets, client
 * routes, reloads, links) and calls the API under it too, as it would behind a proxy that
 * forwards `/slipway/…` unchanged.
 */
reportSkip('UI base path end-to-end test');
const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;

describe.skipIf(chromiumSkip !== undefined)('web UI under a path prefix in Chromium (sqlite)', () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;
  let runId: string;
  const apiPaths: string[] = [];

  beforeAll(async () => {
    server = await startLiveServer(sqlite, ['--static-prefix', '/slipway']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.includes('/api/')) apiPaths.push(path);
    });
    // The API answers under the prefix as well as at the root.
    const prefixed = `${server.url}/slipway`;
    const created = await postJson(prefixed, '/experiments/create', { name: 'under-a-prefix' });
    expect(created.status).toBe(200);
    const experimentId = (created.json as { experiment_id: string }).experiment_id;
    const run = await postJson(server.url, '/runs/create', { experiment_id: experimentId, run_name: 'prefixed-run' });
    runId = (run.json as { run: { info: { run_id: string } } }).run.info.run_id;
    await postJson(server.url, '/runs/log-batch', { run_id: runId, metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }, { key: 'loss', value: 0.5, timestamp: 2, step: 1 }] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('navigates from the experiments to a run without leaving the prefix', async () => {
    await page.goto(`${server.url}/slipway/`);
    await page.getByRole('link', { name: 'under-a-prefix' }).click();
    await page.waitForURL(/\/slipway\/experiments\/\d+$/);
    await page.getByRole('link', { name: 'prefixed-run' }).click();
    await page.waitForURL(`${server.url}/slipway/runs/${runId}`);
    await page.getByTestId('chart-caption').getByText('loss: 2 points').waitFor();
    expect(await page.getByRole('link', { name: 'Models' }).getAttribute('href')).toBe('/slipway/models');
    // Every API call went through the prefix.
    expect(apiPaths.length).toBeGreaterThan(3);
    expect(apiPaths.every((p) => p.startsWith('/slipway/api/'))).toBe(true);
    // A reload of a client route under the prefix serves the app again.
    await page.reload();
    await page.getByRole('heading', { name: 'prefixed-run' }).waitFor();
    await shot(page, 'base-path-run');
  });

  it('tells new users the tracking URI with the prefix', async () => {
    const created = await postJson(server.url, '/experiments/create', { name: 'empty-one' });
    const id = (created.json as { experiment_id: string }).experiment_id;
    await page.goto(`${server.url}/slipway/experiments/${id}`);
    await page.getByRole('heading', { name: 'No runs in this experiment yet' }).waitFor();
    expect(await page.locator('.empty-state').innerText()).toContain(`export MLFLOW_TRACKING_URI=${server.url}/slipway`);
  });
});
