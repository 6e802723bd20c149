import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlRegistryStore } from '../../src/store-sql/sql-registry-store.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { seedTracking } from '../support/registry-fixture.js';
import { BACKENDS } from '../support/test-databases.js';
import { chromiumSkip, launchChromium, ok, okSend, reportSkip, shot } from './ui-e2e-support.js';

/**
 * The registry pages in Chromium against a real server: the models list with aliases and
 * stages; a model's versions with their approvals; a protected alias refused before
 * approval, then a version approved with a comment, given the alias and moved to
 * Production; the audit trail naming who did it; the lineage from the dataset to a
 * deployment.
 */
reportSkip('UI registry end-to-end test');
const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;
const MODEL = 'fraud-detector';

describe.skipIf(chromiumSkip !== undefined)('web UI registry in Chromium (sqlite)', () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    server = await startLiveServer(sqlite);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    const fixture = await seedTracking(server.url, 'ui-e2e-registry');
    runId = fixture.runId;
    await ok(server, '/registered-models/create', { name: MODEL, description: 'Scores card transactions.' });
    await okSend(server, 'PUT', `/api/slipway/v1/registered-models/${MODEL}/approval-policy`, { protected_aliases: ['champion'], protected_stages: ['Production'] });
    await ok(server, '/model-versions/create', { name: MODEL, source: `models:/${fixture.modelId}`, run_id: runId, model_id: fixture.modelId });
    await ok(server, '/model-versions/create', { name: MODEL, source: `models:/${fixture.modelId}`, run_id: runId, model_id: fixture.modelId });
    await ok(server, '/registered-models/create', { name: 'churn' });
    // A deployment of version 2, as the serving endpoints record it (no UI writes these).
    const registry = await SqlRegistryStore.open(server.database.database);
    await registry.addLineageLink({ from: `model_version:${MODEL}/2`, to: 'deployment:fraud-prod/blue', relation: 'deployed_as' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists the registered models', async () => {
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
    const table = page.getByRole('table', { name: 'Registered models' });
    await table.waitFor();
    expect(await table.locator('tbody th').allInnerTexts()).toEqual(['churn', MODEL]);
    expect(await table.locator('tbody tr', { hasText: MODEL }).locator('td').first().innerText()).toBe('v2');
    await page.getByLabel('Search models').fill('fraud');
    await expect.poll(() => table.locator('tbody th').allInnerTexts()).toEqual([MODEL]);
  });

  it('refuses a protected alias before approval, then approves, sets the alias and promotes', async () => {
    await page.getByRole('link', { name: MODEL }).click();
    await page.getByRole('heading', { name: MODEL, level: 1 }).waitFor();
    const versions = page.getByRole('table', { name: 'Versions' });
    expect(await versions.locator('tbody tr').count()).toBe(2);
    expect(await versions.locator('tbody tr').first().innerText()).toContain('Pending approval');
    await page.getByRole('heading', { name: 'Version 2' }).waitFor();
    await page.getByRole('img', { name: /^Lineage of Model version fraud-detector v2/ }).waitFor();
    await shot(page, 'model-pending');

    // The alias is protected: the server refuses it for an unapproved version, inline.
    await page.getByLabel('Alias', { exact: true }).fill('champion');
    await page.getByRole('button', { name: 'Set alias' }).click();
    const refusal = page.getByRole('form', { name: 'Set an alias' }).getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/champion/);

    await page.getByLabel('Your name').fill('alice');
    await page.getByLabel('Comment').fill('holdout AUC 0.93, checked by hand');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').getByText('Version 2 approved.').waitFor();
    await expect.poll(() => page.getByTestId('version-approval').innerText()).toMatch(/^Approved by alice, .+ — “holdout AUC 0\.93, checked by hand”$/);
    expect(await versions.locator('tbody tr').first().innerText()).toContain('Approved by alice');

    await page.getByLabel('Alias', { exact: true }).fill('champion');
    await page.getByRole('button', { name: 'Set alias' }).click();
    await page.getByRole('status').getByText('Alias @champion now points at version 2.').waitFor();
    await expect.poll(() => page.getByTestId('model-aliases').innerText()).toBe('@champion → v2');

    await page.getByLabel('Move to').selectOption('Production');
    await page.getByRole('button', { name: 'Transition' }).click();
    await page.getByRole('status').getByText('Version 2 moved to Production.').waitFor();
    await expect.poll(() => versions.locator('tbody tr').first().locator('td').first().innerText()).toBe('Production');
  });

  it('shows who did what in the audit trail, and the lineage from dataset to deployment', async () => {
    const audit = page.getByRole('table', { name: 'Audit trail' });
    await expect.poll(() => audit.locator('tbody tr').count()).toBeGreaterThanOrEqual(4);
    const rows = await audit.locator('tbody tr').allInnerTexts();
    const approval = rows.find((r) => r.includes('model_version.approval_changed'));
    expect(approval).toMatch(/\talice\tmodel_version\.approval_changed\tapproval: PendingManualApproval → Approved\tholdout AUC 0\.93, checked by hand$/);
    expect(rows.some((r) => r.includes('alice') && r.includes('alias') && r.includes('champion'))).toBe(true);
    expect(rows.some((r) => r.includes('alice') && r.includes('Production'))).toBe(true);

    const edges = await page.getByRole('list', { name: 'Lineage edges' }).locator('li').allTextContents();
    expect(edges).toEqual(
      expect.arrayContaining([
        'Dataset housing-data input to Run clever-owl-12',
        'Run clever-owl-12 produced Logged model model',
        `Logged model model registered as Model version ${MODEL} v2`,
        `Model version ${MODEL} v2 deployed as Deployment fraud-prod/blue`,
      ]),
    );
    expect(await page.locator('[data-testid=lineage] .lineage-node').count()).toBe(5);
    expect(await page.getByRole('link', { name: 'Run clever-owl-12' }).getAttribute('href')).toBe(`/runs/${runId}`);
    await page.getByRole('heading', { name: 'Lineage' }).scrollIntoViewIfNeeded();
    await shot(page, 'model');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'model-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The models list now shows the alias and the stage.
    await page.getByRole('link', { name: 'Models', exact: true }).first().click();
    const row = page.getByRole('table', { name: 'Registered models' }).locator('tbody tr', { hasText: MODEL });
    await row.waitFor();
    expect(await row.innerText()).toContain('Production: v2');
    expect(await row.innerText()).toContain('@champion → v2');
    await shot(page, 'models');
  });
});
