import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayClient } from '../../src/sdk/index.js';
import type { Execution } from '../../src/sdk/index.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { BACKENDS } from '../support/test-databases.js';
import { dedent } from './support.js';

const HOUSING = fileURLToPath(new URL('../fixtures/models/housing-rf', import.meta.url));

/** register → deploy → smoke-test → promote: the version becomes champion only once production serves it. */
const PIPELINE = dedent(`
  name: housing-cd
  params:
    model_dir: { type: string, default: model }
    strategy: { type: string, default: blue-green }
  steps:
    - id: train
      run: cp -r \${{ params.model_dir }} trained
      outputs: { model: trained/ }
    - id: register
      needs: train
      uses: slipway/register-model
      with:
        name: housing
        model-dir: \${{ steps.train.artifacts.model }}
    - id: deploy
      needs: register
      uses: slipway/deploy
      with:
        endpoint: housing
        model: housing
        version: \${{ steps.register.outputs.version }}
        strategy: \${{ params.strategy }}
        bake: 1s
        timeout: 3m
    - id: smoke
      needs: deploy
      uses: slipway/smoke-test
      with:
        endpoint: \${{ steps.deploy.outputs.endpoint }}
    - id: promote
      needs: smoke
      uses: slipway/promote
      with:
        name: housing
        version: \${{ steps.deploy.outputs.version }}
        alias: champion
`);

const backend = BACKENDS[0]!;

describe('slipway/deploy and slipway/smoke-test in a pipeline (built server on SQLite, real onnxruntime)', () => {
  let server: LiveServer;
  let client: SlipwayClient;
  let code: string;

  beforeAll(async () => {
    server = await startLiveServer(backend);
    client = new SlipwayClient({ trackingUri: server.url });
    code = mkdtempSync(join(tmpdir(), 'slipway-deploy-code-'));
    cpSync(HOUSING, join(code, 'model'), { recursive: true });
    cpSync(HOUSING, join(code, 'broken'), { recursive: true });
    writeFileSync(join(code, 'broken', 'model.onnx'), 'not an onnx graph');
    mkdirSync(join(code, 'data'), { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (code !== undefined) rmSync(code, { recursive: true, force: true });
  });

  async function run(params: Record<string, string>, yaml = PIPELINE): Promise<Execution> {
    const { pipeline } = await client.pipelines.upsert({ source: yaml, sourceFormat: 'yaml', fileName: 'pipeline.yaml', codeDir: code });
    const started = await client.pipelines.startExecution(pipeline.name, { params });
    return client.pipelines.waitForExecution(started.execution_id, { intervalMs: 200 });
  }
  const step = (e: Execution, id: string) => e.steps.find((s) => s.step_id === id)!;

  it('creates the endpoint, smoke-tests it with the input example, then promotes; a second version rolls out (canary); a broken one fails the deploy and is never promoted', async () => {
    const first = await run({});
    expect(first.status, JSON.stringify(first.steps, null, 1)).toBe('succeeded');
    expect(step(first, 'deploy').outputs).toMatchObject({ endpoint: 'housing', url: '/endpoints/housing/invocations', 'model-name': 'housing', version: '1', 'rollout-id': '', status: 'InService' });
    expect(Number(step(first, 'smoke').outputs['latency-ms'])).toBeGreaterThan(0);
    expect(step(first, 'smoke').outputs.requests).toBe('1');
    expect((await client.registry.getModelVersionByAlias('housing', 'champion')).version).toBe('1');
    const answer = await fetch(`${server.url}/endpoints/housing/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataframe_split: { columns: ['longitude', 'latitude', 'housing_median_age', 'total_rooms', 'total_bedrooms', 'population', 'households', 'median_income'], data: [[-122.23, 37.88, 41, 880, 129, 322, 126, 8.3252]] } }),
    });
    expect(answer.status).toBe(200);

    const second = await run({ strategy: 'canary' });
    expect(second.status, JSON.stringify(second.steps, null, 1)).toBe('succeeded');
    expect(step(second, 'deploy').outputs).toMatchObject({ version: '2', status: 'InService' });
    expect(step(second, 'deploy').outputs['rollout-id']).not.toBe('');
    const endpoint = await client.endpoints.get('housing');
    expect(endpoint.rollout, JSON.stringify(endpoint.rollout)).toMatchObject({ rollout_id: step(second, 'deploy').outputs['rollout-id'], phase: 'Completed' });
    expect((await client.registry.getModelVersionByAlias('housing', 'champion')).version).toBe('2');

    const third = await run({ model_dir: 'broken' });
    expect(third.status).toBe('failed');
    const deploy = step(third, 'deploy');
    expect(deploy.status).toBe('failed');
    expect(deploy.failure_class).toBe('user');
    expect(deploy.reason).toMatch(/the rollout to endpoint 'housing' failed: .+/);
    expect(step(third, 'promote').status).not.toBe('succeeded');
    // Version 2 still serves, and is still the champion.
    const after = await client.endpoints.get('housing');
    expect(after.status).toBe('InService');
    expect(after.variants.map((v) => v.model_version)).toEqual(['2']);
    expect((await client.registry.getModelVersionByAlias('housing', 'champion')).version).toBe('2');
  }, 300_000);

  it('smoke-test fails the step on a non-2xx answer or a wrong number of predictions', async () => {
    const yaml = dedent(`
      name: smoke-only
      steps:
        - id: wrong-rows
          uses: slipway/smoke-test
          with:
            endpoint: housing
            expected-rows: 3
        - id: bad-payload
          uses: slipway/smoke-test
          with:
            endpoint: housing
            requests: [{ dataframe_split: { columns: [nope], data: [[1]] } }]
        - id: missing
          uses: slipway/smoke-test
          with:
            endpoint: no-such-endpoint
            requests: [{ inputs: [[1, 2, 3, 4, 5, 6, 7, 8]] }]
    `);
    const done = await run({}, yaml);
    expect(done.status).toBe('failed');
    expect(step(done, 'wrong-rows').reason).toMatch(/expected 3 prediction\(s\), got 2/);
    expect(step(done, 'bad-payload').reason).toMatch(/got HTTP 400: .*nope/);
    expect(step(done, 'missing').reason).toMatch(/got HTTP 404/);
  }, 120_000);

  it('deploying the version the endpoint already serves changes nothing (a retry is safe)', async () => {
    const before = await client.endpoints.get('housing');
    const yaml = dedent(`
      name: redeploy
      steps:
        - id: deploy
          uses: slipway/deploy
          with: { endpoint: housing, model-uri: 'models:/housing/2', timeout: 1m }
    `);
    const done = await run({}, yaml);
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    expect(step(done, 'deploy').outputs).toMatchObject({ version: '2', 'rollout-id': '', status: 'InService' });
    const after = await client.endpoints.get('housing');
    expect(after.revision).toBe(before.revision);
  }, 120_000);

  it('a deploy that times out rolls its rollout back and fails; the old version keeps serving', async () => {
    const yaml = dedent(`
      name: slow-deploy
      steps:
        - id: deploy
          uses: slipway/deploy
          with: { endpoint: housing, model-uri: 'models:/housing/1', strategy: canary, bake: 10m, timeout: 3s }
    `);
    const done = await run({}, yaml);
    expect(done.status).toBe('failed');
    expect(step(done, 'deploy').failure_class).toBe('user');
    expect(step(done, 'deploy').reason).toMatch(/did not settle within 3 s/);
    const after = await client.endpoints.get('housing');
    expect(after.rollout?.phase).toBe('RolledBack');
    expect(after.rollout?.reason).toMatch(/the deploy step timed out/);
    expect(after.status).toBe('InService');
    expect(after.variants.map((v) => v.model_version)).toEqual(['2']);
  }, 120_000);

  it('refuses bad deploy and smoke-test inputs when the pipeline is validated', async () => {
    const yaml = dedent(`
      name: bad-deploy
      steps:
        - id: deploy
          uses: slipway/deploy
          with:
            endpoint: Not_A_Name
            model-uri: runs:/abc/model
            strategy: blue-green
            steps: [10, 50]
            bake: soon
        - id: smoke
          uses: slipway/smoke-test
          with:
            url: ftp://x
    `);
    const refused = client.pipelines.upsert({ source: yaml, sourceFormat: 'yaml', fileName: 'pipeline.yaml', codeDir: code });
    await expect(refused).rejects.toThrow(/invalid endpoint name 'Not_A_Name'/);
    await expect(refused).rejects.toThrow(/invalid model URI 'runs:\/abc\/model'/);
    await expect(refused).rejects.toThrow(/'steps' must increase and end at 100/);
    await expect(refused).rejects.toThrow(/invalid bake 'soon'/);
    await expect(refused).rejects.toThrow(/'ftp:\/\/x' is not an http\(s\) URL/);
  });
});
