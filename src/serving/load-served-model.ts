import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RuntimePreference } from '../core/endpoints/endpoint.js';
import { SlipwayError } from '../core/errors/slipway-error.js';
import type { FeatureBatch, LoadedModel, ModelRuntime, Prediction } from '../core/ports/model-runtime.js';
import { DEFAULT_MICRO_BATCH, MicroBatcher, type MicroBatchOptions } from '../core/serving/micro-batcher.js';
import { parseMlModel, type MlModel } from '../core/serving/ml-model.js';
import { parseScoringJson } from '../core/serving/parse-scoring-request.js';
import { toFeatureBatch } from '../core/serving/to-feature-batch.js';
import type { ResolvedModel } from './resolve-model-uri.js';

/** A model loaded, warmed up and ready to take requests. */
export interface ServedModel {
  readonly name: string;
  readonly version: string | undefined;
  readonly mlmodel: MlModel;
  readonly model: LoadedModel;
  /** Scores a validated batch, micro-batched with concurrent requests. */
  readonly score: (batch: FeatureBatch) => Promise<Prediction>;
  close(): Promise<void>;
}

export interface LoadOptions {
  readonly runtime: ModelRuntime;
  /** `false` scores each request on its own. */
  readonly microBatch?: MicroBatchOptions | false;
  /** Which runtime the caller wants (passed to `runtime.load`). */
  readonly prefer?: RuntimePreference | undefined;
}

/**
 * Reads the model's `MLmodel`, loads it into the runtime and scores one warm-up batch (the
 * saved serving input example, else a row of zeros) before it is reported ready: the first
 * `session.run` allocates and optimises, and a client should not pay for it.
 */
export async function loadServedModel(resolved: ResolvedModel, options: LoadOptions): Promise<ServedModel> {
  const mlmodel = parseMlModel(await readFile(path.join(resolved.dir, 'MLmodel'), 'utf8'));
  const model = await options.runtime.load(resolved.dir, mlmodel, options.prefer === undefined ? undefined : { prefer: options.prefer });
  const predict = (batch: FeatureBatch) => model.predict(batch);
  const batcher = options.microBatch === false ? undefined : new MicroBatcher(predict, options.microBatch ?? DEFAULT_MICRO_BATCH);
  const warmUp = await warmUpBatch(resolved.dir, mlmodel, model);
  if (warmUp !== undefined) {
    try {
      await model.predict(warmUp);
    } catch (error) {
      await model.close();
      throw SlipwayError.invalidParameter(`The model failed its warm-up prediction on its own input example: ${(error as Error).message}`);
    }
  }
  return {
    name: resolved.name,
    version: resolved.version,
    mlmodel,
    model,
    score: batcher === undefined ? predict : (batch) => batcher.submit(batch),
    close: () => model.close(),
  };
}

async function warmUpBatch(dir: string, mlmodel: MlModel, model: LoadedModel): Promise<FeatureBatch | undefined> {
  const servingInput = mlmodel.inputExampleInfo?.['serving_input_path'];
  if (typeof servingInput === 'string') {
    const text = await readFile(path.join(dir, path.basename(servingInput)), 'utf8').catch(() => undefined);
    if (text !== undefined) return toFeatureBatch(parseScoringJson(JSON.parse(text) as unknown).input, mlmodel.signature);
  }
  const columns = mlmodel.signature?.inputs;
  if (columns !== undefined && columns.every((spec) => spec.kind === 'column' && spec.name !== undefined)) {
    return toFeatureBatch({ kind: 'table', columns: undefined, rows: [columns.map((spec) => (spec.kind === 'column' && spec.type === 'string' ? '' : spec.kind === 'column' && spec.type === 'boolean' ? false : 0))] }, mlmodel.signature);
  }
  if (model.inputs.every((input) => input.datatype !== 'BYTES')) {
    return {
      rows: 1,
      features: model.inputs.map((input) => {
        const shape = input.shape.map((dim) => (dim < 0 ? 1 : dim));
        const size = shape.reduce((product, dim) => product * dim, 1);
        return { name: input.name, type: 'double' as const, shape, values: new Array<number>(size).fill(0) };
      }),
    };
  }
  return undefined;
}
