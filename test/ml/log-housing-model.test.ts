import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScoringJson } from '../../src/core/serving/parse-scoring-request.js';
import { toFeatureBatch } from '../../src/core/serving/to-feature-batch.js';
import { logHousingModel, trainHousingModel, type HousingTraining, type LoggedHousingModel } from '../../src/ml/index.js';
import { SlipwayClient } from '../../src/sdk/index.js';
import { resolveServerConfig } from '../../src/server/server-config.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { loadServedModel } from '../../src/serving/load-served-model.js';
import { OnnxModelRuntime } from '../../src/serving/onnx/onnx-model-runtime.js';
import { resolveModelUri } from '../../src/serving/resolve-model-uri.js';

const DATA = fileURLToPath(new URL('../../examples/california-housing/data/california-housing.csv', import.meta.url));

/** A real server (SQLite and local disk in a temporary data directory), logged to over HTTP. */
describe('logHousingModel against a Slipway server', () => {
  let dataDir: string;
  let server: RunningServer;
  let training: HousingTraining;
  let logged: LoggedHousingModel;
  const env = {};

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'slipway-ml-log-'));
    server = await startServer(resolveServerConfig({ port: '0', dataDir, logLevel: 'silent' }, dataDir, {}));
    training = await trainHousingModel({ data: DATA, nEstimators: 30 });
    logged = await logHousingModel(training, { client: { trackingUri: server.url, env }, experimentName: 'housing-node-test' });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = async <T>(route: string): Promise<T> => {
    const response = await fetch(`${server.url}${route}`);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  it('logs params and metrics (rmse, baseline_rmse) into a finished run', async () => {
    const { run } = await get<{ run: { info: { status: string }; data: { metrics: Array<{ key: string; value: number }>; params: Array<{ key: string; value: string }> } } }>(
      `/api/2.0/mlflow/runs/get?run_id=${logged.run.runId}`,
    );
    expect(run.info.status).toBe('FINISHED');
    const metric = (key: string) => run.data.metrics.find((m) => m.key === key)?.value;
    expect(metric('rmse')).toBeCloseTo(training.metrics.rmse, 10);
    expect(metric('baseline_rmse')).toBeCloseTo(training.metrics.baseline_rmse, 10);
    expect(run.data.params).toContainEqual({ key: 'n_estimators', value: '30' });
    expect(run.data.params).toContainEqual({ key: 'imputed_total_bedrooms', value: '207' });
  });

  it('logs the model as a READY logged model of the run, with its files uploaded', async () => {
    const { model } = await get<{ model: { info: { status: string; source_run_id: string; name: string; model_type: string } } }>(
      `/api/2.0/mlflow/logged-models/${logged.model.modelId}`,
    );
    expect(model.info).toMatchObject({ status: 'LOGGED_MODEL_READY', source_run_id: logged.run.runId, name: 'model', model_type: 'onnx' });
    expect(logged.model.uri).toBe(`models:/${logged.model.modelId}`);
  });

  it('registers, downloads and serves: the served model predicts what the trained one did', async () => {
    const client = new SlipwayClient({ trackingUri: server.url, env });
    await client.registry.createRegisteredModel('housing-node');
    const version = await client.registry.createModelVersion('housing-node', logged.model.uri, { runId: logged.run.runId });
    const resolved = await resolveModelUri(`models:/housing-node/${version.version}`, { client: { trackingUri: server.url, env } });
    try {
      expect(await readFile(path.join(resolved.dir, 'MLmodel'), 'utf8')).toContain(`model_id: ${logged.model.modelId}`);
      const served = await loadServedModel(resolved, { runtime: new OnnxModelRuntime(), microBatch: false });
      try {
        const body = JSON.parse(await readFile(path.join(resolved.dir, 'serving_input_example.json'), 'utf8')) as unknown;
        const prediction = await served.score(toFeatureBatch(parseScoringJson(body).input, served.mlmodel.signature));
        const values = prediction.outputs[0]!.data.map(Number);
        expect(values).toHaveLength(5);
        values.forEach((value, row) => expect(Math.abs(value - training.testPredictions[row]!)).toBeLessThan(1e-4));
      } finally {
        await served.close();
      }
    } finally {
      await rm(resolved.dir, { recursive: true, force: true });
    }
  });
});
