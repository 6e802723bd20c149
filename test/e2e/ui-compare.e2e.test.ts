import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { BACKENDS } from '../support/test-databases.js';
import { chromiumSkip, createExperiment, createRun, launchChromium, logMetrics, ok, reportSkip, shot } from './ui-e2e-support.js';

/**
 * Comparing runs in Chromium: chosen in the runs table, then their loss curves overlaid
 * (one downsampled request per run), the param/metric table marking differences, the
 * scatter and the parallel coordinates.
 */
reportSkip('UI compare end-to-end test');
const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;
const T0 = Date.UTC(2026, 3, 1);

describe.skipIf(chromiumSkip !== undefined)('web UI run comparison in Chromium (sqlite)', () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;
  let experimentId: string;
  const runIds: string[] = [];
  const historyRequests: URL[] = [];

  beforeAll(async () => {
    server = await startLiveServer(sqlite);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('request', (r) => {
      if (r.url().includes('/metrics/history-downsampled')) historyRequests.push(new URL(r.url()));
    });
    experimentId = await createExperiment(server, 'ui-e2e-compare');
    const specs = [
      { name: 'baseline', lr: '0.01', model: 'tree', rmse: 0.52, decay: 600 },
      { name: 'faster-lr', lr: '0.1', model: 'tree', rmse: 0.41, decay: 250 },
      { name: 'linear', lr: '0.05', model: 'linear', rmse: 0.63, decay: 900 },
    ];
    for (const [i, s] of specs.entries()) {
      const id = await createRun(server, experimentId, s.name, T0 + i * 60_000);
      runIds.push(id);
      await ok(server, '/runs/log-batch', {
        run_id: id,
        params: [
          { key: 'lr', value: s.lr },
          { key: 'model', value: s.model },
          { key: 'seed', value: '7' },
        ],
        metrics: [{ key: 'rmse', value: s.rmse, timestamp: T0, step: 0 }],
      });
      await logMetrics(
        server,
        id,
        Array.from({ length: 2000 }, (_, step) => ({ key: 'loss', value: 1.5 * Math.exp(-step / s.decay) + 0.1 + 0.02 * Math.sin(step / 11 + i), timestamp: T0 + step, step })),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('compares two runs chosen in the runs table', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`);
    await page.getByTestId('run-count').getByText('3 runs').waitFor();
    await page.getByLabel('Select run baseline').check();
    expect(await page.getByRole('link', { name: /^Compare/ }).count()).toBe(0);
    await page.getByLabel('Select run faster-lr').check();
    await page.getByRole('link', { name: 'Compare 2 runs' }).click();
    await page.waitForURL(/\/compare\?runs=/);
    expect(new URL(page.url()).searchParams.get('runs')?.split(',').sort()).toEqual([runIds[0], runIds[1]].sort());
    await page.getByRole('heading', { name: 'Comparing 2 runs' }).waitFor();
    expect(await page.getByRole('list', { name: 'Compared runs' }).getByRole('link').allInnerTexts()).toEqual(expect.arrayContaining(['baseline', 'faster-lr']));

    // Both loss curves, each downsampled on the server.
    await page.getByTestId('chart-caption').getByText(/^loss: 4,000 points/).waitFor();
    const asked = new Set(historyRequests.filter((u) => u.searchParams.get('metric_key') === 'loss').map((u) => u.searchParams.get('run_id')));
    expect(asked).toEqual(new Set([runIds[0], runIds[1]]));
    expect(await page.locator('[data-testid=history-chart] canvas').getAttribute('aria-label')).toMatch(/^loss by step: 2 series, step 0 to 1,999/);
    expect(await page.getByRole('list', { name: 'Legend' }).innerText()).toContain('faster-lr');

    // The diff table marks lr and rmse, not model and seed.
    const table = page.getByRole('table', { name: 'Differences' });
    const differs = await table.locator('tbody tr.differs th').allInnerTexts();
    expect(differs.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['param lr (differs)', 'metric loss (differs)', 'metric rmse (differs)']);
    expect(await page.getByTestId('diff-count').innerText()).toBe('3 of 5 differ');
    const rmse = await table.locator('tbody tr', { hasText: 'rmse' }).locator('td').allInnerTexts();
    expect(rmse.sort()).toEqual(['0.41', '0.52']);
    await page.getByLabel('Only show differences').check();
    expect(await table.locator('tbody tr').count()).toBe(3);

    // Scatter: rmse against lr, one dot per run; parallel coordinates: one line per run.
    const scatter = page.getByTestId('scatter');
    expect(await scatter.getAttribute('aria-label')).toBe('Scatter of loss against param lr over 2 runs');
    await page.getByLabel('Up').selectOption('metric:rmse');
    expect(await scatter.getAttribute('aria-label')).toBe('Scatter of rmse against param lr over 2 runs');
    expect(await scatter.locator('circle').count()).toBe(2);
    expect(await page.getByRole('list', { name: 'Scatter points' }).locator('li').allInnerTexts()).toEqual(
      expect.arrayContaining(['baseline: lr 0.01, rmse 0.52', 'faster-lr: lr 0.1, rmse 0.41']),
    );
    const pc = page.getByTestId('parallel-coordinates');
    expect(await pc.locator('g.pc-line').count()).toBe(2);
    expect(await pc.locator('g.pc-line polyline').count()).toBe(2);
    await page.getByLabel('Only show differences').uncheck();
    await shot(page, 'compare');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'compare-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('explains what to do without two runs', async () => {
    await page.goto(`${server.url}/compare`);
    await page.getByText('Choose two or more runs to compare').waitFor();
  });
});
