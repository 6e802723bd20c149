import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { holdLine, scratchDir, type ScratchDir } from '../support/pipeline-scratch.js';
import { BACKENDS } from '../support/test-databases.js';
import { chromiumSkip, launchChromium, okSend, reportSkip, shot } from './ui-e2e-support.js';

/**
 * The pipelines pages in Chromium against a real server and its real pipeline engine
 * (small `sh` steps): the pipeline list, a version's YAML and its generated run form; an
 * execution started from the form and watched live to completion (the DAG's colours, the
 * log while the step runs, attempts, outputs, metrics, a skipped step); a failed execution
 * retried from the page after the script is fixed (the succeeded step reused); a pending
 * approval approved with a comment.
 */
reportSkip('UI pipelines end-to-end test');
const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;

const TRAIN = `name: ui-train
description: Prepares data and trains a model (UI test).
params:
  n: { type: int, default: 2, description: Trees. }
  hold: { type: string, default: / }
  deploy: { type: bool, default: false }
  model: { type: choice, options: [tree, linear], default: tree }
steps:
  - id: prepare
    retry: { max-attempts: 2, backoff: { initial-seconds: 0.1, factor: 1, max-seconds: 1, jitter: 0 } }
    run: |
      if [ "$SLIPWAY_ATTEMPT" = 1 ]; then echo "first try" >&2; exit 1; fi
      echo prepared
      echo "rows=42" >> "$SLIPWAY_OUTPUT"
    outputs:
      rows: { type: value }
  - id: train
    needs: prepare
    run: |
      echo "train starts"
      ${holdLine()}
      sh train.sh \${{ params.n }}
    metrics:
      - name: rmse
        regex: 'rmse: ([0-9.]+)'
  - id: report
    needs: prepare
    run: echo "report for \${{ params.model }}"
  - id: deploy
    needs: [train, report]
    if: \${{ params.deploy }}
    run: echo deploying
`;
const GOOD_TRAIN = 'echo "training $1"\necho "rmse: 0.5"\n';
const BROKEN_TRAIN = 'echo "training $1"\necho "boom"\nexit 3\n';

const APPROVE = `name: ui-approve
steps:
  - id: ask
    uses: slipway/approval
    with:
      message: Ship the UI build?
  - id: after
    needs: ask
    run: echo shipped
`;

describe.skipIf(chromiumSkip !== undefined)('web UI pipelines in Chromium (sqlite, real engine)', () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;
  let scratch: ScratchDir;
  let code: string;

  const nodeStatus = (step: string): Promise<string | null> => page.locator(`svg.dag g[data-step="${step}"]`).getAttribute('data-status');
  const heading = (): Promise<string> => page.getByRole('heading', { level: 1 }).innerText();

  beforeAll(async () => {
    server = await startLiveServer(sqlite, ['--max-concurrent-steps', '4']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20_000);
    scratch = scratchDir('slipway-ui-pipelines-');
    code = scratch.dir({ 'train.sh': BROKEN_TRAIN });
    await okSend(server, 'POST', '/api/slipway/v1/pipelines', { source: TRAIN, source_format: 'yaml', file_name: 'train.yaml', code_dir: code });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    scratch?.remove();
  });

  it('shows how to run a pipeline before there are executions', async () => {
    await page.goto(`${server.url}/executions`);
    await page.getByRole('heading', { name: 'No executions yet' }).waitFor();
    expect(await page.locator('.empty-state').innerText()).toContain('slipway run examples/california-housing/pipeline.yaml');
  });

  it('a failed execution is watched, then retried from the failed steps after the fix', async () => {
    const started = await okSend(server, 'POST', '/api/slipway/v1/pipelines/ui-train/executions', {});
    const id = (started.execution as { execution_id: string }).execution_id;
    await page.goto(`${server.url}/executions/${id}`);
    await expect.poll(heading, { timeout: 30_000 }).toMatch(/failed$/);
    expect(await nodeStatus('prepare')).toBe('succeeded');
    expect(await nodeStatus('train')).toBe('failed');
    expect(await nodeStatus('deploy')).toBe('skipped');
    // The failed step is shown first, with its log.
    await page.getByRole('heading', { name: /^Step train/ }).waitFor();
    await expect.poll(() => page.getByTestId('step-log').innerText()).toContain('boom');
    await page.getByText('Log complete.').waitFor();
    await shot(page, 'execution-failed');

    writeFileSync(join(code, 'train.sh'), GOOD_TRAIN);
    await page.getByLabel('Your name').fill('carol');
    await page.getByRole('button', { name: 'Retry failed steps' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/executions/') && !u.pathname.endsWith(id));
    // "retry of <id>" in the attributes (a reused step's panel may link the same execution too).
    await page.locator('dl.execution-attributes').getByRole('link', { name: id }).waitFor();
    await expect.poll(heading, { timeout: 30_000 }).toMatch(/succeeded$/);
    expect(await nodeStatus('train')).toBe('succeeded');
    expect(await page.locator('svg.dag g[data-step="prepare"]').getAttribute('aria-label')).toBe('Step prepare: succeeded (reused)');
    expect(await page.locator('dl.execution-attributes').innerText()).toMatch(/By\s+carol/);
    await shot(page, 'execution-retried');
  });

  it('a pipeline is run from its form and its execution watched live to completion', async () => {
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pipelines' }).click();
    const table = page.getByRole('table', { name: 'Pipelines' });
    await table.waitFor();
    expect(await table.locator('tbody tr').first().innerText()).toMatch(/ui-train\s+v1\s+succeeded/);
    await shot(page, 'pipelines');
    await table.getByRole('link', { name: 'ui-train', exact: true }).click();
    await page.getByRole('heading', { name: 'Version 1', level: 2 }).waitFor();
    expect(await page.getByLabel('Source of version 1').innerText()).toContain('regex: \'rmse: ([0-9.]+)\'');
    await shot(page, 'pipeline-version');

    // The form checks types before sending anything.
    const form = page.getByRole('form', { name: 'Run ui-train version 1' });
    await form.getByLabel('n', { exact: true }).fill('2.5');
    await form.getByRole('button', { name: 'Run' }).click();
    expect(await form.getByRole('alert').first().innerText()).toBe('Must be a whole number.');

    const hold = scratch.hold();
    await form.getByLabel('n', { exact: true }).fill('7');
    await form.getByLabel('hold', { exact: true }).fill(hold.path);
    await form.getByLabel('model', { exact: true }).selectOption('linear');
    await form.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/\/executions\/[^/]+$/);

    // Live: train runs (held), its log streams in, report has finished, deploy waits.
    await expect.poll(() => nodeStatus('train'), { timeout: 30_000 }).toBe('running');
    await page.locator('table.steps').getByRole('button', { name: 'train', exact: true }).click();
    await expect.poll(() => page.getByTestId('step-log').innerText()).toContain('train starts');
    expect(await page.getByText('Following the log live…').count()).toBe(1);
    await expect.poll(() => nodeStatus('report')).toBe('succeeded');
    expect(await nodeStatus('deploy')).toBe('pending');
    await page.getByRole('button', { name: 'Cancel' }).waitFor();
    expect(await page.getByRole('button', { name: 'Retry failed steps' }).isDisabled()).toBe(true);
    await shot(page, 'execution-running');

    hold.release();
    await expect.poll(heading, { timeout: 30_000 }).toMatch(/succeeded$/);
    await expect.poll(() => page.getByTestId('step-log').innerText()).toContain('training 7\nrmse: 0.5');
    await page.getByText('Log complete.').waitFor();
    expect(await page.getByRole('table', { name: 'Metrics of train' }).innerText()).toMatch(/rmse\s+0\.5/);
    expect(await nodeStatus('deploy')).toBe('skipped');
    expect(await page.getByRole('button', { name: 'Cancel' }).isDisabled()).toBe(true);

    // prepare: two attempts (the first failed), the value output, each attempt's own log.
    await page.locator('svg.dag g[data-step="prepare"]').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Step prepare/ }).waitFor();
    const attempts = page.getByRole('table', { name: 'Attempts of prepare' });
    expect(await attempts.locator('tbody tr').count()).toBe(2);
    expect(await page.getByRole('table', { name: 'Outputs of prepare' }).innerText()).toMatch(/rows\s+42/);
    await attempts.getByRole('button', { name: 'Log of attempt 1' }).click();
    await expect.poll(() => page.getByTestId('step-log').innerText()).toContain('first try');
    await shot(page, 'execution-succeeded');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'execution-succeeded-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.goto(`${server.url}/executions?pipeline=ui-train`);
    const executions = page.getByRole('table', { name: 'Executions' });
    await executions.waitFor();
    expect(await executions.locator('tbody tr').count()).toBe(3);
    await shot(page, 'executions');
    expect(await executions.locator('tbody tr').nth(1).innerText()).toMatch(/succeeded\s+retry \(of /);
  });

  it('lists schedules with their next fire times, pauses one, and shows its (empty) fire history', async () => {
    await okSend(server, 'POST', '/api/slipway/v1/schedules', { pipeline: 'ui-train', cron: '0 6 * * *', timezone: 'Europe/Berlin' });
    await page.goto(`${server.url}/schedules`);
    const table = page.getByRole('table', { name: 'Schedules' });
    await table.waitFor();
    const row = table.locator('tbody tr').first();
    expect(await row.innerText()).toMatch(/ui-train\s+0 6 \* \* \* \(Europe\/Berlin\)/);
    // Three next fire times, each at 06:00 in Berlin (04:00 or 05:00 UTC).
    const times = await row.locator('td').nth(1).locator('div').allInnerTexts();
    expect(times).toHaveLength(3);
    await row.getByRole('button', { name: 'Fire history' }).click();
    await page.getByText('Not fired yet.').waitFor();
    await shot(page, 'schedules');
    await page.getByRole('button', { name: 'Pause schedule 0 6 * * * of ui-train' }).click();
    await expect.poll(() => row.locator('td').nth(1).innerText()).toBe('paused');
    await page.getByRole('button', { name: 'Resume schedule 0 6 * * * of ui-train' }).waitFor();
    expect(await page.getByText(/No event triggers/).count()).toBe(1);
  });

  it('a pending approval is approved with a comment and its execution goes on', async () => {
    await okSend(server, 'POST', '/api/slipway/v1/pipelines', { source: APPROVE, source_format: 'yaml', file_name: 'approve.yaml', code_dir: code });
    const started = await okSend(server, 'POST', '/api/slipway/v1/pipelines/ui-approve/executions', {});
    const id = (started.execution as { execution_id: string }).execution_id;
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals' }).click();
    const card = page.getByRole('listitem').filter({ hasText: 'Ship the UI build?' });
    await card.waitFor({ timeout: 30_000 });
    await page.getByLabel('Your name').fill('dana');
    await card.getByLabel('Comment').fill('looks good');
    await shot(page, 'approvals-pending');
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').getByText(`ask of ${id} approved.`).waitFor();
    await page.getByRole('heading', { name: 'Nothing waits for approval' }).waitFor();
    await page.getByLabel('Show decided').check();
    await expect.poll(() => page.locator('.approval-card').first().innerText()).toMatch(/by dana — “looks good”/);

    await page.goto(`${server.url}/executions/${id}`);
    await expect.poll(heading, { timeout: 30_000 }).toMatch(/succeeded$/);
  });
});
