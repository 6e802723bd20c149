import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { BACKENDS } from '../support/test-databases.js';
import { chromiumSkip, createExperiment, createRun, launchChromium, logMetrics, reportSkip, shot } from './ui-e2e-support.js';

/**
 * The run page's canvas chart in Chromium against a real server: the history is
 * downsampled on the server for the chart's width, drawn on a canvas, zoomed by dragging
 * (which asks the server for just that range), reset by double-clicking, drawn on a log
 * scale and over time. The long history is a few thousand points here; the million-point
 * one is for `bench/ui-bench.ts`.
 */
reportSkip('UI chart end-to-end test');
const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;
const POINTS = 5000;
const T0 = Date.UTC(2026, 2, 1);

describe.skipIf(chromiumSkip !== undefined)('web UI charts in Chromium (sqlite)', () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;
  let runId: string;
  const requests: URL[] = [];

  beforeAll(async () => {
    server = await startLiveServer(sqlite);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('request', (r: Request) => {
      if (r.url().includes('/metrics/history-downsampled')) requests.push(new URL(r.url()));
    });
    const experimentId = await createExperiment(server, 'ui-e2e-charts');
    runId = await createRun(server, experimentId, 'long-run', T0);
    // A decaying loss with a spike at step 3210 and three NaN points; one point a second.
    const loss = Array.from({ length: POINTS }, (_, step) => ({
      key: 'loss',
      value: step % 1000 === 500 ? 'NaN' : step === 3210 ? 50 : 2 * Math.exp(-step / 800) + 0.05 * Math.sin(step / 9) + 0.06,
      timestamp: T0 + step * 1000,
      step,
    }));
    await logMetrics(server, runId, loss);
    await logMetrics(server, runId, [{ key: 'accuracy', value: 0.9, timestamp: T0, step: 0 }]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const caption = () => page.getByTestId('chart-caption');
  const canvas = () => page.locator('[data-testid=history-chart] canvas');
  const last = (): URL => requests[requests.length - 1]!;

  /** Pixels of the canvas painted in the first series' colour (the line itself). */
  async function linePixels(): Promise<number> {
    return page.evaluate(`(() => {
      const c = document.querySelector('[data-testid=history-chart] canvas');
      const probe = document.createElement('canvas').getContext('2d');
      probe.fillStyle = getComputedStyle(c).getPropertyValue('--series-0').trim();
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) < 30 && Math.abs(d[i + 1] - g) < 30 && Math.abs(d[i + 2] - b) < 30 && d[i + 3] > 200) n++;
      return n;
    })()`);
  }

  it('asks the server for two points per pixel and draws the buckets on a canvas', async () => {
    await page.goto(`${server.url}/runs/${runId}`);
    await caption().getByText(/^loss: 5,000 points, drawn as [\d,]+ min\/max buckets · 5 NaN\/∞ not drawn$/).waitFor();
    const first = last();
    expect(first.searchParams.get('metric_key')).toBe('loss');
    expect(first.searchParams.get('x_axis')).toBe('step');
    expect(first.searchParams.has('x_min')).toBe(false);
    const width = (await canvas().boundingBox())!.width;
    const maxPoints = Number(first.searchParams.get('max_points'));
    expect(maxPoints).toBe(2 * (width - 80));
    expect(maxPoints).toBeLessThan(POINTS);
    const buckets = Number(/drawn as ([\d,]+)/.exec(await caption().innerText())![1]!.replace(/,/g, ''));
    expect(buckets).toBeLessThanOrEqual(maxPoints / 2);
    // The spike decides the y range, and the canvas holds a drawn line.
    expect(await canvas().getAttribute('aria-label')).toMatch(/^loss by step: 1 series, step 0 to 4,999, values 0\.\d+ to 50$/);
    expect(await linePixels()).toBeGreaterThan(300);
    await shot(page, 'run-chart');
  });

  it('zooms into a dragged range, re-querying it at full resolution, and resets on double-click', async () => {
    const box = (await canvas().boundingBox())!;
    const before = requests.length;
    // Drag over roughly steps 3,150–3,280 of 0–4,999.
    const plotLeft = box.x + 64;
    const plotWidth = box.width - 64 - 16;
    const at = (step: number): number => plotLeft + (step / POINTS) * plotWidth;
    await page.mouse.move(at(3150), box.y + 100);
    await page.mouse.down();
    await page.mouse.move(at(3220), box.y + 120, { steps: 4 });
    await page.mouse.move(at(3280), box.y + 140, { steps: 4 });
    await page.mouse.up();
    await caption().getByText(/in the zoomed range$/).waitFor();
    expect(requests.length).toBe(before + 1);
    const zoomed = last();
    const lo = Number(zoomed.searchParams.get('x_min'));
    const hi = Number(zoomed.searchParams.get('x_max'));
    expect(lo).toBeGreaterThan(3100);
    expect(hi).toBeLessThan(3330);
    // Few enough points in range: the server sends them as they are (no buckets).
    expect(await caption().innerText()).toBe(`loss: ${hi - lo + 1} points in the zoomed range`);
    expect(await canvas().getAttribute('aria-label')).toContain(`step ${lo.toLocaleString('en')} to ${hi.toLocaleString('en')}, values`);
    expect(await page.getByRole('button', { name: 'Reset zoom' }).isEnabled()).toBe(true);
    await shot(page, 'run-chart-zoomed');

    await canvas().dblclick({ position: { x: 300, y: 100 } });
    await caption().getByText(/^loss: 5,000 points, drawn as/).waitFor();
    expect(last().searchParams.has('x_min')).toBe(false);
    expect(await page.getByRole('button', { name: 'Reset zoom' }).isDisabled()).toBe(true);
  });

  it('zooms with the keyboard, and draws on a log scale and over time', async () => {
    await page.getByTestId('history-chart').focus();
    await page.keyboard.press('+');
    await caption().getByText(/^loss: 2,50\d points in the zoomed range, drawn as/).waitFor();
    expect(Number(last().searchParams.get('x_min'))).toBe(1249);
    await page.keyboard.press('0');
    await caption().getByText(/^loss: 5,000 points, drawn as/).waitFor();

    await page.getByLabel('Log scale', { exact: true }).check();
    await expect.poll(() => canvas().getAttribute('aria-label'), { timeout: 15_000 }).toMatch(/\(log scale\)$/);
    expect(await linePixels()).toBeGreaterThan(300);
    await shot(page, 'run-chart-log');
    await page.getByLabel('Log scale', { exact: true }).uncheck();

    await page.getByLabel('X axis').selectOption('time');
    await expect.poll(() => canvas().getAttribute('aria-label'), { timeout: 15_000 }).toMatch(/^loss by time: 1 series, time 00:00:00 to 01:23:19/);
    expect(last().searchParams.get('x_axis')).toBe('time');

    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => linePixels()).toBeGreaterThan(300);
    await shot(page, 'run-chart-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
