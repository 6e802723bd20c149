import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayClient, type Execution } from '../../src/sdk/index.js';
import { CLEAN_ENV, spawnCli, type CliResult, type RunningCli } from '../support/cli-runner.js';

const DONE = /Press Ctrl-C to stop it\./;
const RUNNING_AT = /Slipway is running at (http:\/\/\S+)/;
const EXECUTION = /Execution (\S+) started/;

interface DemoRun {
  readonly cli: RunningCli;
  readonly url: string;
  readonly executionId: string;
}

/** `slipway demo` (the built CLI) on a free port; its PATH is node's directory and the system's (no .venv): the Node variant runs no Python. */
async function startDemo(dataDir: string): Promise<DemoRun> {
  const env = { ...CLEAN_ENV, PATH: path.dirname(process.execPath) + path.delimiter + '/usr/bin:/bin' };
  const cli = spawnCli(['demo', '--port', '0', '--data-dir', dataDir], env);
  await Promise.race([
    cli.waitForOutput(DONE, 300_000),
    cli.exited.then((result) => {
      throw new Error(`slipway demo exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
    }),
  ]);
  return { cli, url: RUNNING_AT.exec(cli.stdout())![1]!, executionId: EXECUTION.exec(cli.stdout())![1]! };
}

async function stopDemo(run: DemoRun | undefined): Promise<CliResult | undefined> {
  if (run === undefined || run.cli.child.exitCode !== null) return undefined;
  run.cli.child.kill('SIGINT');
  return run.cli.exited;
}

interface WireEndpoint {
  status: string;
  variants: Array<{ model_name: string; model_version: string; status: string }>;
}

async function endpoint(url: string, name: string): Promise<WireEndpoint> {
  const response = await fetch(`${url}/api/slipway/v1/endpoints/${name}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { endpoint: WireEndpoint }).endpoint;
}

async function invoke(url: string): Promise<{ status: number; predictions: number[] }> {
  const response = await fetch(`${url}/endpoints/housing-production/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      dataframe_split: {
        columns: ['longitude', 'latitude', 'housing_median_age', 'total_rooms', 'total_bedrooms', 'population', 'households', 'median_income', 'ocean_proximity'],
        data: [
          [-122.23, 37.88, 41.0, 880.0, 129.0, 322.0, 126.0, 8.3252, 'NEAR BAY'],
          [-121.31, 38.02, 24.0, 4157.0, null, 2734.0, 879.0, 2.7981, 'INLAND'],
        ],
      },
    }),
  });
  return { status: response.status, predictions: ((await response.json()) as { predictions: number[] }).predictions };
}

function succeededEverywhere(execution: Execution): void {
  expect(execution.status).toBe('succeeded');
  expect(execution.steps.map((step) => [step.step_id, step.status])).toEqual(
    [
      'train',
      'evaluate',
      'register',
      'deploy-staging',
      'test-staging',
      'promote-staging',
      'deploy-production',
      'test-production',
      'promote-production',
      'stage-production',
    ].map((id) => [id, 'succeeded']),
  );
}

/** The README's first command, end to end: the built CLI, a real server, real training, real endpoints. */
describe('slipway demo (Node only)', () => {
  let dataDir: string;
  let first: DemoRun | undefined;
  let second: DemoRun | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'slipway-demo-'));
  });
  afterAll(async () => {
    await stopDemo(first);
    await stopDemo(second);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('trains, registers, deploys to staging and production, promotes, and serves predictions', async () => {
    first = await startDemo(dataDir);
    const client = new SlipwayClient({ trackingUri: first.url, env: {} });
    const execution = await client.pipelines.getExecution(first.executionId);
    succeededEverywhere(execution);

    const metrics = execution.steps.find((step) => step.step_id === 'train')!.metrics;
    expect(typeof metrics['rmse']).toBe('number');
    expect(metrics['rmse'] as number).toBeLessThan(metrics['baseline_rmse'] as number);
    expect(metrics['rmse'] as number).toBeLessThan(0.55);

    const champion = await client.registry.getModelVersionByAlias('california-housing-node', 'champion');
    expect(champion.version).toBe('1');
    expect(champion.current_stage).toBe('Production');
    const production = await endpoint(first.url, 'housing-production');
    expect(production.status).toBe('InService');
    expect(production.variants.map((v) => [v.model_name, v.model_version, v.status])).toEqual([['california-housing-node', champion.version, 'Ready']]);
    const staging = await endpoint(first.url, 'housing-staging');
    expect(staging.variants.map((v) => v.model_version)).toEqual([champion.version]);

    const answer = await invoke(first.url);
    expect(answer.status).toBe(200);
    expect(answer.predictions).toHaveLength(2);
    // $452,600 and $70,000-ish districts, in units of $100,000.
    expect(answer.predictions[0]!).toBeGreaterThan(3);
    expect(answer.predictions[1]!).toBeLessThan(2);

    const out = first.cli.stdout();
    expect(out).toMatch(/train succeeded/);
    expect(out).toMatch(/Done: california-housing-node version 1 is serving at housing-production\./);
    expect(out).toMatch(/Held-out RMSE: +0\.\d{4} \(\$[\d,]+\) +linear baseline: 0\.\d{4}/);
    expect(out).toContain(`Web UI:          ${first.url}/`);
    expect(out).toContain(`curl -s ${first.url}/endpoints/housing-production/invocations`);

    const stopped = await stopDemo(first);
    expect(stopped?.code).toBe(0);
  }, 420_000);

  it('run again on the same data: version 2 rolls out blue/green, champion moves, version 1 is archived', async () => {
    second = await startDemo(dataDir);
    const client = new SlipwayClient({ trackingUri: second.url, env: {} });
    succeededEverywhere(await client.pipelines.getExecution(second.executionId));
    const champion = await client.registry.getModelVersionByAlias('california-housing-node', 'champion');
    expect(champion.version).toBe('2');
    expect((await client.registry.getModelVersion('california-housing-node', 1)).current_stage).toBe('Archived');
    const production = await endpoint(second.url, 'housing-production');
    expect(production.variants.map((v) => v.model_version)).toEqual(['2']);
    expect((await invoke(second.url)).status).toBe(200);
    expect(second.cli.stdout()).toMatch(/Done: california-housing-node version 2 is serving at housing-production\./);
  }, 420_000);
});
