/**
 * `slipway/batch-transform`: scores a file with a model (the batch-prediction engine of
 * `slipway predict`, on worker threads) and logs the predictions as an artifact of the
 * step's own MLflow run. The input is an upstream step's artifact, an `mlflow-artifacts:/`
 * URI, or a file in the pipeline's code directory.
 * @module
 */

import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { artifactStorePath, joinArtifactPath } from '../../core/artifact-paths/artifact-uri.js';
import { isSlipwayError } from '../../core/errors/slipway-error.js';
import { chooseFormat, type BatchFormat } from '../../batch/batch-format.js';
import { runBatchPredict } from '../../batch/run-batch-predict.js';
import { downloadArtifact } from '../engine/artifact-transfer.js';
import { BuiltinStepError, text, type BuiltinContext, type BuiltinResult } from './builtin-context.js';
import { downloadModel, modelUriOf, resolveModelSource } from './model-source.js';
import { watchInterruption } from './watch-interruption.js';

export async function runBatchTransform(context: BuiltinContext): Promise<BuiltinResult> {
  const run = context.stepRun;
  const workDir = context.workDir;
  if (run === undefined || workDir === undefined) throw new BuiltinStepError('slipway/batch-transform needs an MLflow run of its own (the execution has none)', 'infrastructure');
  await mkdir(workDir, { recursive: true });
  const watch = watchInterruption(context);
  try {
    const uri = modelUriOf(context);
    const source = await resolveModelSource(context, uri);
    const modelDir = path.join(workDir, 'model');
    await downloadModel(context, source, modelDir);
    const input = await localInput(context, workDir);
    let format: BatchFormat;
    try {
      format = chooseFormat(text(context.inputs.format), input);
    } catch (e) {
      throw new BuiltinStepError(`${(e as Error).message.replace('give --format', "give 'format:'")}`);
    }
    const outputName = text(context.inputs.output) ?? `predictions.${format}`;
    const output = path.join(workDir, 'out', outputName);
    await mkdir(path.dirname(output), { recursive: true });
    const errorsPath = context.inputs['skip-bad-rows'] === true ? path.join(workDir, 'out', 'errors.jsonl') : undefined;
    context.log(`scoring ${text(context.inputs.input) ?? ''} with ${uri}${source.version === undefined ? '' : ` (${source.name}/${source.version})`}`);
    const summary = await runBatchPredict({
      modelDir,
      input,
      output,
      format,
      workers: typeof context.inputs.workers === 'number' ? context.inputs.workers : undefined,
      chunkRows: typeof context.inputs['chunk-rows'] === 'number' ? context.inputs['chunk-rows'] : undefined,
      predictionsOnly: context.inputs['predictions-only'] === true,
      predictionColumn: text(context.inputs['prediction-column']),
      errorsPath,
      signal: watch.signal,
    }).catch((e: unknown) => {
      if (watch.reason() === 'cancel') throw new BuiltinStepError('cancelled while scoring', 'cancelled');
      if (isSlipwayError(e)) throw new BuiltinStepError(e.message.replace(input, text(context.inputs.input) ?? input));
      throw e;
    });
    const root = artifactStorePath(run.artifactUri);
    const target = joinArtifactPath(root, outputName);
    await context.artifacts.put(target, createReadStream(output));
    if (errorsPath !== undefined && (await stat(errorsPath).catch(() => undefined)) !== undefined) {
      await context.artifacts.put(joinArtifactPath(root, 'errors.jsonl'), createReadStream(errorsPath));
    }
    const rate = Math.round(summary.rowsPerSecond);
    await context.tracking.logBatch(
      run.runId,
      [
        { key: 'rows', value: summary.rows, timestamp: Date.now(), step: 0 },
        { key: 'bad_rows', value: summary.badRows, timestamp: Date.now(), step: 0 },
        { key: 'rows_per_second', value: rate, timestamp: Date.now(), step: 0 },
      ],
      [{ key: 'model_uri', value: uri }],
      [],
    );
    context.log(`scored ${summary.rows} rows in ${summary.seconds.toFixed(2)} s (${rate} rows/s)${summary.badRows > 0 ? `, skipped ${summary.badRows} bad record(s)` : ''}`);
    return {
      outputs: {
        rows: String(summary.rows),
        'bad-rows': String(summary.badRows),
        'output-uri': `mlflow-artifacts:/${target}`,
        'run-id': run.runId,
        'rows-per-second': String(rate),
      },
    };
  } finally {
    watch.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The input as a local file: downloaded when it is an artifact, else a path in the code directory. */
async function localInput(context: BuiltinContext, workDir: string): Promise<string> {
  const given = text(context.inputs.input) ?? '';
  const upstream = context.artifactByLocalPath.get(given.replace(/\/+$/, ''));
  const uri = upstream?.uri ?? (given.startsWith('mlflow-artifacts:') ? given : undefined);
  if (uri !== undefined) {
    const local = path.join(workDir, 'input', path.posix.basename(uri));
    try {
      await downloadArtifact(context.artifacts, uri, 'file', local);
    } catch (e) {
      if (isSlipwayError(e)) throw new BuiltinStepError(`cannot read the input '${given}': ${e.message}`);
      throw e;
    }
    return local;
  }
  if (path.isAbsolute(given) || given.split(/[/\\]/).includes('..')) {
    throw new BuiltinStepError(`'input' must be an upstream artifact, an mlflow-artifacts:/ URI or a path inside the pipeline's code directory, not '${given}'`);
  }
  if (context.codeDir === undefined) throw new BuiltinStepError(`'input' '${given}' names a file of the pipeline's code directory, but the execution has none`);
  const file = path.join(context.codeDir, given);
  const info = await stat(file).catch(() => undefined);
  if (info?.isFile() !== true) throw new BuiltinStepError(`'input' '${given}' is not a file in the pipeline's code directory`);
  return file;
}
