import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { BACKENDS } from '../support/test-databases.js';
import { chromiumSkip, createExperiment, createRun, launchChromium, ok, reportSkip, shot } from './ui-e2e-support.js';

/**
 * The run page's dataset inputs, logged models and artifact browser in Chromium against a
 * real server, seeded through the REST and proxied artifact APIs: text, JSON, CSV, an
 * image and an MLmodel file are previewed, a large file only in part.
 */
reportSkip('UI run detail end-to-end test');
const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;

const MLMODEL = `artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.sklearn
    python_version: 3.11.9
  sklearn:
    pickled_model: model.pkl
    sklearn_version: 1.5.2
mlflow_version: 3.1.0
model_uuid: 0a1b2c
run_id: RUN
signature:
  inputs: '[{"type": "double", "name": "age", "required": true}, {"type": "double", "name": "income", "required": true}]'
  outputs: '[{"type": "long", "required": true}]'
utc_time_created: '2026-03-01 10:00:00.000000'
`;
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120">
<rect width="240" height="120" fill="#f4f6f8"/><rect x="10" y="10" width="100" height="100" fill="#0b5cad"/>
<rect x="130" y="10" width="100" height="100" fill="#c2410c"/><text x="60" y="66" fill="#fff" font-size="20" text-anchor="middle">TP 42</text>
<text x="180" y="66" fill="#fff" font-size="20" text-anchor="middle">FP 3</text></svg>`;

async function put(server: LiveServer, storePath: string, body: string | Uint8Array): Promise<void> {
  const res = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${storePath}`, { method: 'PUT', body });
  if (res.status !== 200) throw new Error(`upload of ${storePath} answered ${res.status}`);
}

describe.skipIf(chromiumSkip !== undefined)('web UI run detail in Chromium (sqlite)', () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    server = await startLiveServer(sqlite);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    const experimentId = await createExperiment(server, 'ui-e2e-detail');
    runId = await createRun(server, experimentId, 'trained-run');
    await ok(server, '/runs/log-batch', { run_id: runId, params: [{ key: 'C', value: '0.5' }], metrics: [{ key: 'auc', value: 0.91, timestamp: 1, step: 0 }] });
    await ok(server, '/runs/log-inputs', {
      run_id: runId,
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: {
            name: 'credit-train',
            digest: 'd41d8cd9',
            source_type: 'http',
            source: JSON.stringify({ url: 'https://data.example.com/credit/train.parquet' }),
            schema: JSON.stringify({ mlflow_colspec: [{ type: 'double', name: 'age' }, { type: 'double', name: 'income' }, { type: 'long', name: 'label' }] }),
            profile: JSON.stringify({ num_rows: 12_345, num_elements: 37_035 }),
          },
        },
      ],
    });
    const model = (await ok(server, '/logged-models', { experiment_id: experimentId, name: 'credit-model', source_run_id: runId, model_type: 'sklearn' })) as {
      model: { info: { model_id: string; artifact_uri: string } };
    };
    const modelRoot = model.model.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
    await put(server, `${modelRoot}/MLmodel`, MLMODEL.replace('RUN', runId));
    await put(server, `${modelRoot}/requirements.txt`, 'scikit-learn==1.5.2\n');
    const runRoot = `${experimentId}/${runId}/artifacts`;
    await put(server, `${runRoot}/notes.txt`, 'Trained on the March snapshot.\nAUC 0.91 on holdout.\n');
    await put(server, `${runRoot}/metrics.json`, JSON.stringify({ auc: 0.91, thresholds: [0.3, 0.5] }));
    await put(server, `${runRoot}/eval/predictions.csv`, 'id,label,score\n1,0,0.12\n2,1,0.87\n3,"1",0.66\n');
    await put(server, `${runRoot}/eval/confusion.svg`, SVG);
    await put(server, `${runRoot}/eval/big.log`, 'x'.repeat(99) + '\n'.repeat(1) + 'line\n'.repeat(80_000));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the dataset inputs with context, digest, source, rows and schema', async () => {
    await page.goto(`${server.url}/runs/${runId}`);
    const datasets = page.getByRole('table', { name: 'Datasets' });
    await datasets.waitFor();
    const row = await datasets.locator('tbody tr').innerText();
    expect(row).toContain('credit-train');
    expect(row).toContain('training');
    expect(row).toContain('d41d8cd9');
    expect(row).toContain('https://data.example.com/credit/train.parquet');
    expect(row).toContain('12,345');
    await datasets.getByText('3 columns').click();
    expect(await datasets.locator('ul.columns').innerText()).toContain('income double');
  });

  it('browses artifacts: text, JSON, CSV as a table, an image, and a large file in part', async () => {
    const files = page.getByRole('list', { name: 'Files in Artifacts' });
    await files.waitFor();
    expect(await files.getByRole('button').allInnerTexts()).toEqual([
      expect.stringMatching(/^eval/),
      expect.stringMatching(/^metrics\.json\s*\d+ B$/),
      expect.stringMatching(/^notes\.txt\s*\d+ B$/),
    ]);
    await files.getByRole('button', { name: /notes\.txt/ }).click();
    await page.getByRole('region', { name: 'Preview of notes.txt' }).getByText('Trained on the March snapshot.').waitFor();
    await files.getByRole('button', { name: /metrics\.json/ }).click();
    const json = page.getByRole('region', { name: 'Preview of metrics.json' });
    await json.locator('pre').waitFor();
    expect(await json.locator('pre').innerText()).toBe('{\n  "auc": 0.91,\n  "thresholds": [\n    0.3,\n    0.5\n  ]\n}');

    await files.getByRole('button', { name: /eval/ }).click();
    const evalFiles = page.getByRole('list', { name: 'Files in eval' });
    await evalFiles.getByRole('button', { name: /predictions\.csv/ }).click();
    const table = page.getByRole('table', { name: 'Rows of predictions.csv' });
    await table.waitFor();
    expect(await table.locator('thead th').allInnerTexts()).toEqual(['id', 'label', 'score']);
    expect(await table.locator('tbody tr').count()).toBe(3);
    await evalFiles.getByRole('button', { name: /confusion\.svg/ }).click();
    const img = page.getByRole('img', { name: 'confusion.svg' });
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(240);
    await shot(page, 'run-artifacts');

    await evalFiles.getByRole('button', { name: /big\.log/ }).click();
    const big = page.getByRole('region', { name: 'Preview of big.log' });
    await big.getByRole('note').waitFor();
    expect(await big.getByRole('note').innerText()).toMatch(/^Showing the first 256 KB of 391 KB\.$/);
    // Back up with the breadcrumb.
    await page.getByRole('navigation', { name: 'Artifacts path' }).getByRole('button', { name: 'Artifacts' }).click();
    await files.getByRole('button', { name: /notes\.txt/ }).waitFor();
  });

  it("lists the run's logged models and previews a model's MLmodel file", async () => {
    const models = page.getByRole('table', { name: 'Logged models' });
    await models.waitFor();
    const cells = await models.locator('tbody tr').first().locator('th, td').allInnerTexts();
    expect(cells.slice(0, 4)).toEqual(['credit-model', expect.stringMatching(/^m-[0-9a-f]{32}$/), 'PENDING', 'sklearn']);
    await models.getByRole('button', { name: 'Files of credit-model' }).click();
    const mlmodel = page.getByRole('region', { name: 'Preview of MLmodel' });
    await mlmodel.getByText('sklearn_version: 1.5.2', { exact: false }).waitFor();
    expect(await mlmodel.locator('.flavors li').allInnerTexts()).toEqual([
      'python_function — loader_module: mlflow.sklearn, python_version: 3.11.9',
      'sklearn — pickled_model: model.pkl, sklearn_version: 1.5.2',
    ]);
    expect(await page.getByRole('table', { name: 'Signature inputs' }).locator('tbody tr').allInnerTexts()).toEqual(['age\tdouble', 'income\tdouble']);
    expect(await page.getByRole('table', { name: 'Signature outputs' }).locator('tbody tr').allInnerTexts()).toEqual(['#0\tlong']);
    await mlmodel.scrollIntoViewIfNeeded();
    await shot(page, 'run-logged-model');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'run-detail-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
