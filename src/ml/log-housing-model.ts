import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SlipwayClientOptions } from '../sdk/index.js';
import { MlflowTrackingLogger, type LoggedModelRef, type RunRef } from './mlflow-tracking-logger.js';
import { writeHousingModelDir, type HousingTraining } from './train-housing.js';

export interface LoggedHousingModel {
  readonly run: RunRef;
  readonly model: LoggedModelRef;
}

/**
 * Logs a trained housing model to a tracking server: params, metrics (`rmse`,
 * `baseline_rmse`, …) and the ONNX model as a logged model of the run (`name` `model`).
 * Under Slipway, `runId` is the step's `MLFLOW_RUN_ID`, so `slipway/register-model` finds it.
 */
export async function logHousingModel(
  training: HousingTraining,
  options: { readonly client?: SlipwayClientOptions; readonly runId?: string | undefined; readonly experimentName?: string } = {},
): Promise<LoggedHousingModel> {
  const logger = new MlflowTrackingLogger(options.client);
  const run = await logger.startRun({ runId: options.runId, experimentName: options.experimentName ?? 'california-housing-node', runName: 'train' });
  try {
    await logger.logParams(run.runId, training.params);
    await logger.logMetrics(run.runId, { ...training.metrics });
    const scratch = await mkdtemp(path.join(tmpdir(), 'slipway-housing-model-'));
    try {
      const model = await logger.logModel(run, { name: 'model', modelType: 'onnx', params: training.params }, async (modelId) => {
        const dir = path.join(scratch, 'model');
        await writeHousingModelDir(training, dir, { modelId });
        return dir;
      });
      await logger.endRun(run);
      return { run, model };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  } catch (e) {
    await logger.endRun(run, 'FAILED').catch(() => undefined);
    throw e;
  }
}
