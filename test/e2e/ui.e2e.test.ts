import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { postJson } from '../support/server-process.js';
import { BACKENDS } from '../support/test-databases.js';

/**
 * The web UI in a real browser: Debian's Chromium (installed by `.ci/run`) drives the
 * built UI served by a real `slipway server` on SQLite, seeded through the MLflow REST API.
 * Screenshots of each main page go to `test-artifacts/ui/`.
 */
const CHROMIUM = '/usr/bin/chromium';
const UI_INDEX = fileURLToPath(new URL('../../dist/ui/index.html', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/ui/', import.meta.url));
const skip = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install chromium)`;
// In CI (.ci/run sets SLIPWAY_REQUIRE_CHROMIUM=1) a missing browser is a failure, never a skip.
if (skip !== undefined && process.env.SLIPWAY_REQUIRE_CHROMIUM === '1') throw new Error(`SLIPWAY_REQUIRE_CHROMIUM=1 but ${skip}`);
if (skip !== undefined) process.stderr.write(`\n[slipway tests] UI end-to-end test skipped: ${skip}.\n\n`);

const sqlite = BACKENDS.find((b) => b.name === 'sqlite');
const RUNS = 30;
const HISTORY_POINTS = 1000;

async function ok(server: LiveServer, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await postJson(server.url, path, body);
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json as Record<string, unknown>;
}

/** One experiment of 30 runs (rmse = i/30, so 15 are below 0.5); run-000 has a 1,000-point loss history. */
async function seed(server: LiveServer): Promise<{ experimentId: string; historyRunId: string }> {
  const { experiment_id: experimentId } = (await ok(server, '/experiments/create', { name: 'ui-e2e-fraud' })) as { experiment_id: string };
  let historyRunId = '';
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < RUNS; i++) {
    const name = `run-${String(i).padStart(3, '0')}`;
    const created = (await ok(server, '/runs/create', { experiment_id: experimentId, run_name: name, start_time: t0 + i * 60_000 })) as {
      run: { info: { run_id: string } };
    };
    const runId = created.run.info.run_id;
    if (i === 0) historyRunId = runId;
    await ok(server, '/runs/log-batch', {
      run_id: runId,
      params: [
        { key: 'lr', value: (0.001 * (i + 1)).toFixed(3) },
        { key: 'depth', value: String(3 + (i % 4)) },
        { key: 'model', value: i % 2 === 0 ? 'tree' : 'linear' },
      ],
      metrics: [
        { key: 'rmse', value: i / RUNS, timestamp: t0, step: 0 },
        { key: 'accuracy', value: 1 - i / (2 * RUNS), timestamp: t0, step: 0 },
      ],
      tags: [{ key: 'team', value: 'risk' }],
    });
    await ok(server, '/runs/update', { run_id: runId, status: 'FINISHED', end_time: t0 + i * 60_000 + 42_000 });
  }
  const history = Array.from({ length: HISTORY_POINTS }, (_, step) => ({
    key: 'loss',
    value: 2 * Math.exp(-step / 200) + 0.05 * Math.sin(step / 7),
    timestamp: t0 + step,
    step,
  }));
  await ok(server, '/runs/log-batch', { run_id: historyRunId, metrics: history });
  return { experimentId, historyRunId };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

describe.skipIf(skip !== undefined)('web UI in Chromium (sqlite)', () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(UI_INDEX)) throw new Error(`${UI_INDEX} is missing: run \`npm run build\` first`);
    if (sqlite === undefined) throw new Error('no sqlite backend');
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startLiveServer(sqlite);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('tells a new user how to point MLflow at the server', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'No experiments yet' }).waitFor();
    expect(await page.locator('.empty-state').innerText()).toContain(`export MLFLOW_TRACKING_URI=${server.url}`);
    await shot(page, 'experiments-empty');
  });

  let ids: { experimentId: string; historyRunId: string };

  it('lists experiments and searches them by name', async () => {
    ids = await seed(server);
    await page.goto(server.url);
    const list = page.getByRole('list', { name: 'Experiments' });
    await list.getByRole('link', { name: 'ui-e2e-fraud' }).waitFor();
    expect(await list.getByRole('link').allInnerTexts()).toEqual(['ui-e2e-fraud', 'Default']);
    await shot(page, 'experiments');

    await page.getByLabel('Search experiments').fill('FRAUD');
    await expect.poll(() => list.getByRole('link').allInnerTexts()).toEqual(['ui-e2e-fraud']);
    await page.getByLabel('Search experiments').fill('no-such-thing');
    await page.getByText('No experiment name contains').waitFor();
    await page.getByLabel('Search experiments').fill('');
    await list.getByRole('link', { name: 'Default' }).waitFor();
  });

  it('shows the runs, sorts them on the server and filters them with the search grammar', async () => {
    await page.getByRole('link', { name: 'ui-e2e-fraud' }).click();
    await page.waitForURL(`${server.url}/experiments/${ids.experimentId}`);
    await page.getByRole('heading', { name: 'ui-e2e-fraud' }).waitFor();
    const rows = page.locator('table.runs tbody tr[aria-rowindex]');
    const table = page.getByRole('table', { name: 'Runs' });
    await page.getByTestId('run-count').getByText(`${RUNS} runs`).waitFor();
    expect(await table.getAttribute('aria-rowcount')).toBe(String(RUNS + 1));
    // Virtualised: only the rows in view (plus a few) are in the DOM; scrolling brings the rest.
    expect(await rows.count()).toBeLessThan(RUNS);
    await page.evaluate("document.querySelector('.table-viewport').scrollTo(0, 1e9)");
    await expect.poll(() => rows.last().getByRole('link').innerText()).toBe('run-000');
    await page.evaluate("document.querySelector('.table-viewport').scrollTo(0, 0)");
    // Default order: newest first; the params and metrics the runs have are columns.
    await expect.poll(() => rows.first().getByRole('link').innerText()).toBe('run-029');
    const headers = await page.locator('table.runs thead th').allInnerTexts();
    expect(headers.map((h) => h.replace(/[▲▼]/g, '').trim())).toEqual(expect.arrayContaining(['Run', 'Started', 'accuracy', 'rmse', 'depth', 'lr', 'model']));
    await shot(page, 'runs');

    // Sorting by a metric asks the server (order_by): ascending on the second click.
    const rmseHeader = page.getByRole('columnheader', { name: 'rmse' });
    await rmseHeader.getByRole('button').click();
    await expect.poll(() => rmseHeader.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(() => rows.first().getByRole('link').innerText()).toBe('run-029');
    await rmseHeader.getByRole('button').click();
    await expect.poll(() => rows.first().getByRole('link').innerText()).toBe('run-000');

    const filter = page.getByLabel('Filter runs');
    await filter.fill('metrics.rmse < 0.5');
    await filter.press('Enter');
    await expect.poll(() => rows.count()).toBe(15);
    expect(await page.getByTestId('run-count').innerText()).toBe('15 runs');

    await filter.fill("params.model = 'tree' and metrics.rmse < 0.5");
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => rows.count()).toBe(8);

    // A wrong filter: the server's 400 message, inline, and the input marked invalid.
    await filter.fill('metrics.rmse <<< oops');
    await filter.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/^Invalid request: .+/);
    expect(await filter.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.table-viewport').isHidden()).toBe(true);
    await shot(page, 'runs-filter-error');

    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.getByTestId('run-count').getByText(`${RUNS} runs`).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);

    // Selecting runs for comparison.
    await page.getByLabel('Select run run-003').check();
    await page.getByLabel('Select run run-007').check();
    expect(await page.getByTestId('run-count').innerText()).toBe(`${RUNS} runs · 2 selected`);

    // A chosen column: the tag `team`.
    await page.getByText('Columns', { exact: true }).click();
    await page.getByLabel('tag: team').check();
    await page.getByRole('columnheader', { name: 'team' }).waitFor();
    expect(await rows.first().locator('td.tag').innerText()).toBe('risk');
  });

  it('opens a run with its params, tags, metrics and a metric history chart', async () => {
    await page.getByRole('link', { name: 'run-000', exact: true }).click();
    await page.waitForURL(`${server.url}/runs/${ids.historyRunId}`);
    await page.getByRole('heading', { name: 'run-000' }).waitFor();
    await page.getByRole('link', { name: 'ui-e2e-fraud' }).waitFor();
    expect(await page.locator('dl.attributes').innerText()).toContain('FINISHED');
    const params = page.getByRole('table', { name: 'Parameters' });
    expect(await params.locator('tbody tr').allInnerTexts()).toEqual(['depth\t3', 'lr\t0.001', 'model\ttree']);
    expect(await page.getByRole('table', { name: 'Tags' }).innerText()).toContain('team\trisk');
    // The chart starts with the longest history (loss); another metric can be chosen.
    await page.getByText(`loss: ${HISTORY_POINTS.toLocaleString('en')} points`).waitFor();
    expect(await page.getByLabel('Chart metric').inputValue()).toBe('loss');
    await page.getByLabel('Chart metric').selectOption('rmse');
    await page.getByText('rmse: 1 point', { exact: true }).waitFor();
    await page.getByLabel('Chart metric').selectOption('loss');
    await page.getByText(`loss: ${HISTORY_POINTS.toLocaleString('en')} points`).waitFor();
    // The canvas chart (its data checked in ui-charts.e2e.test.ts) names what it draws.
    expect(await page.locator('[data-testid=history-chart] canvas').getAttribute('aria-label')).toMatch(/^loss by step: 1 series, step 0 to 999/);
    await shot(page, 'run');

    // A client route survives a reload: the server answers index.html for it.
    await page.reload();
    await page.getByRole('heading', { name: 'run-000' }).waitFor();

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByText(`loss: ${HISTORY_POINTS.toLocaleString('en')} points`).waitFor();
    const background = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(15, 20, 25)');
    await shot(page, 'run-dark');
    await page.goto(`${server.url}/experiments/${ids.experimentId}`);
    await page.getByTestId('run-count').getByText(`${RUNS} runs`).waitFor();
    await shot(page, 'runs-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('pages through a large experiment as the table scrolls, sorted on the server', async () => {
    const { experiment_id: manyId } = (await ok(server, '/experiments/create', { name: 'ui-e2e-many' })) as { experiment_id: string };
    const total = 450;
    const t0 = Date.UTC(2026, 1, 1);
    for (let i = 0; i < total; i++) {
      await ok(server, '/runs/create', { experiment_id: manyId, run_name: `bulk-${String(i).padStart(3, '0')}`, start_time: t0 + i * 1000 });
    }
    await page.goto(`${server.url}/experiments/${manyId}`);
    const count = page.getByTestId('run-count');
    const rows = page.locator('table.runs tbody tr[aria-rowindex]');
    // 200 a page: the first page says there are more.
    await count.getByText('200+ runs').waitFor();
    await page.evaluate("document.querySelector('.table-viewport').scrollTo(0, 1e9)");
    await count.getByText('400+ runs').waitFor();
    await page.evaluate("document.querySelector('.table-viewport').scrollTo(0, 1e9)");
    await count.getByText(`${total} runs`).waitFor();
    await page.evaluate("document.querySelector('.table-viewport').scrollTo(0, 1e9)");
    await expect.poll(() => rows.last().getByRole('link').innerText()).toBe('bulk-000');
    expect(await rows.count()).toBeLessThan(60);
    // Sorting starts again from the first page, ordered by the server.
    await page.getByRole('columnheader', { name: 'Run' }).getByRole('button').click();
    await count.getByText('200+ runs').waitFor();
    await expect.poll(() => rows.first().getByRole('link').innerText()).toBe('bulk-000');
    expect(await rows.nth(1).getByRole('link').innerText()).toBe('bulk-001');
    await shot(page, 'runs-paged');
  });

  it('is keyboard navigable: links and controls take focus in order', async () => {
    await page.goto(server.url);
    await page.getByRole('link', { name: 'ui-e2e-fraud' }).waitFor();
    const focused: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate<string>('`${document.activeElement.tagName}:${document.activeElement.textContent.trim()}`'));
    }
    expect(focused).toEqual(['A:Skip to content', 'A:Slipway', 'A:Experiments', 'A:Models', 'A:Pipelines', 'A:Approvals', 'A:Endpoints', 'INPUT:']);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'ui-e2e-many' }).waitFor();
    expect(page.url()).toMatch(/\/experiments\/\d+$/);
  });

  it("says what is missing for an unknown experiment, run or page", async () => {
    await page.goto(`${server.url}/experiments/987654`);
    expect(await page.getByRole('alert').innerText()).toMatch(/^Not found: .*987654/);
    await page.goto(`${server.url}/runs/0123456789abcdef`);
    expect(await page.getByRole('alert').innerText()).toMatch(/^Not found: /);
    await page.goto(`${server.url}/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  });

  it('serves hashed assets for a year, index.html uncached, and keeps API 404s', async () => {
    const index = await fetch(`${server.url}/experiments/${ids.experimentId}`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    // Asset paths are relative to the <base href> the server writes in.
    expect(html).toContain('<head><base href="/">');
    const script = /src="\.(\/assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const api = await fetch(`${server.url}/api/2.0/mlflow/no-such-endpoint`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error_code: string }).error_code).toBe('ENDPOINT_NOT_FOUND');
  });
});
