import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayClient } from '../../src/sdk/index.js';
import { CLEAN_ENV, spawnCli, type RunningCli } from '../support/cli-runner.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { BACKENDS } from '../support/test-databases.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
const SERVING = /Slipway is serving '([^']+)'(?: version (\S+))? at (http:\/\/\S+)/;

interface Expected {
  predictions: number[];
  rows: { columns: string[]; data: number[][] };
}

async function startServe(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ cli: RunningCli; url: string; name: string; version: string | undefined }> {
  const cli = spawnCli(['models', 'serve', '--port', '0', ...args], { ...CLEAN_ENV, ...env });
  await Promise.race([
    cli.waitForOutput(SERVING),
    cli.exited.then((result) => {
      throw new Error(`slipway models serve exited with ${result.code}: ${result.stderr}`);
    }),
  ]);
  const [, name, version, url] = SERVING.exec(cli.stdout())!;
  return { cli, url: url!, name: name!, version };
}

async function stop(cli: RunningCli | undefined): Promise<void> {
  if (cli === undefined || cli.child.exitCode !== null) return;
  cli.child.kill('SIGTERM');
  await cli.exited;
}

async function invoke(url: string, body: unknown): Promise<{ status: number; json: { predictions?: number[]; message?: string } }> {
  const response = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as { predictions?: number[] } };
}

function expectClose(actual: number[] | undefined, expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual!.forEach((value, index) => expect(Math.abs(value - expected[index]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected[index]!))));
}

const housing = JSON.parse(readFileSync(`${FIXTURES}housing-rf/expected.json`, 'utf8')) as Expected;

/** The built CLI (`node dist/cli/main.js models serve`) as a real process, scored over real HTTP. */
describe('slipway models serve: a local model directory', () => {
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  afterAll(() => stop(serve?.cli));

  it('binds 127.0.0.1, scores MLflow and OIP requests, and stops on SIGTERM', async () => {
    serve = await startServe(['-m', `${FIXTURES}housing-rf`]);
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serve.name).toBe('housing-rf');
    expect((await fetch(`${serve.url}/ping`)).status).toBe(200);
    const scored = await invoke(serve.url, { dataframe_split: housing.rows });
    expect(scored.status).toBe(200);
    expectClose(scored.json.predictions, housing.predictions);
    const infer = await fetch(`${serve.url}/v2/models/housing-rf/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'float_input', shape: [housing.rows.data.length, 8], datatype: 'FP32', data: housing.rows.data }] }),
    });
    expect(infer.status).toBe(200);
    expectClose(((await infer.json()) as { outputs: Array<{ data: number[] }> }).outputs[0]!.data, housing.predictions);
    serve.cli.child.kill('SIGTERM');
    expect((await serve.cli.exited).code).toBe(0);
  });

  it('exits 1 naming the problem when there is no model', async () => {
    const cli = spawnCli(['models', 'serve', '-m', `${FIXTURES}does-not-exist`, '--port', '0'], CLEAN_ENV);
    const result = await cli.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^slipway: No MLmodel file found for '.*does-not-exist'/);
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: slipway models serve -m models:/… through a tracking server`, () => {
    let live: LiveServer;
    let serve: Awaited<ReturnType<typeof startServe>> | undefined;

    beforeAll(async () => {
      live = await startLiveServer(backend);
      // The model's files go into the artifact store through the proxy, as mlflow.onnx.log_model would put them.
      for (const file of readdirSync(`${FIXTURES}housing-rf`)) {
        const response = await fetch(`${live.url}/api/2.0/mlflow-artifacts/artifacts/models/housing-rf/${file}`, {
          method: 'PUT',
          body: readFileSync(`${FIXTURES}housing-rf/${file}`),
        });
        expect(response.status, file).toBe(200);
      }
      const sdk = new SlipwayClient({ trackingUri: live.url, env: {} });
      await sdk.registry.createRegisteredModel('housing');
      await sdk.registry.createModelVersion('housing', 'mlflow-artifacts:/models/housing-rf');
      await sdk.registry.setAlias('housing', 'champion', '1');
    });
    afterAll(async () => {
      await stop(serve?.cli);
      await live?.stop();
    });

    it('resolves models:/<name>@<alias>, downloads the files and serves that version', async () => {
      serve = await startServe(['-m', 'models:/housing@champion', '--tracking-uri', live.url]);
      expect([serve.name, serve.version]).toEqual(['housing', '1']);
      const scored = await invoke(serve.url, { dataframe_split: housing.rows });
      expect(scored.status).toBe(200);
      expectClose(scored.json.predictions, housing.predictions);
      const metadata = (await (await fetch(`${serve.url}/v2/models/housing/versions/1`)).json()) as { versions: string[] };
      expect(metadata.versions).toEqual(['1']);
      expect((await fetch(`${serve.url}/v2/models/housing/versions/2/ready`)).status).toBe(404);
    });

    it('resolves models:/<name>/<version> from $MLFLOW_TRACKING_URI, and names a missing alias', async () => {
      const byVersion = await startServe(['-m', 'models:/housing/1'], { MLFLOW_TRACKING_URI: live.url });
      try {
        expectClose((await invoke(byVersion.url, { inputs: housing.rows.data })).json.predictions, housing.predictions);
      } finally {
        await stop(byVersion.cli);
      }
      const missing = await spawnCli(['models', 'serve', '-m', 'models:/housing@nope', '--port', '0'], { ...CLEAN_ENV, MLFLOW_TRACKING_URI: live.url }).exited;
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^slipway: (RESOURCE_DOES_NOT_EXIST|INVALID_PARAMETER_VALUE): .*nope/);
    });
  });
}
