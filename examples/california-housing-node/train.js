// Trains the California housing model in Node: gradient-boosted trees against a linear
// baseline, exported as ONNX with the preprocessing inside, and logs it to MLflow.
//
// Under Slipway (the `train` step of pipeline.yaml) it logs into the step's run
// (MLFLOW_TRACKING_URI, MLFLOW_RUN_ID), so `slipway/register-model` finds the model; it
// prints `rmse: …` lines for the step's `metrics:` and writes `model_uri=…` and the metrics
// to $SLIPWAY_OUTPUT. Standalone, it starts a run of its own in the experiment
// `california-housing-node` on MLFLOW_TRACKING_URI:
//
//   node train.js --slipway-dir ../.. --n-estimators 100
//
// The library is Slipway's `slipway/ml` (src/ml, built to dist/ml): from `--slipway-dir`
// (a Slipway checkout or installed package), else from an installed `slipway` package.

import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** Prints a line to stdout. */
const say = (line) => process.stdout.write(`${line}\n`);

const { values: args } = parseArgs({
  options: {
    'slipway-dir': { type: 'string', default: '' },
    data: { type: 'string', default: '' },
    'n-estimators': { type: 'string', default: '300' },
    'max-depth': { type: 'string', default: '6' },
    'learning-rate': { type: 'string', default: '0.1' },
    subsample: { type: 'string', default: '0.8' },
    seed: { type: 'string', default: '42' },
    experiment: { type: 'string', default: 'california-housing-node' },
  },
});

const slipwayDir = args['slipway-dir'] === '' ? undefined : path.resolve(args['slipway-dir']);
let ml;
try {
  ml = slipwayDir === undefined ? await import('slipway/ml') : await import(pathToFileURL(path.join(slipwayDir, 'dist', 'ml', 'index.js')).href);
} catch (error) {
  const where = slipwayDir === undefined ? "the package 'slipway' (pass --slipway-dir <Slipway's directory>)" : `${slipwayDir}/dist/ml/index.js (run \`npm run build\` there)`;
  process.stderr.write(`train.js: cannot load Slipway's ML library from ${where}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

const data = args.data !== '' ? path.resolve(args.data) : slipwayDir !== undefined ? path.join(slipwayDir, 'examples', 'california-housing', 'data', 'california-housing.csv') : undefined;
if (data === undefined) {
  process.stderr.write('train.js: pass --data <california-housing.csv> (or --slipway-dir, whose examples/ hold it)\n');
  process.exit(2);
}

const number = (name) => {
  const value = Number(args[name]);
  if (!Number.isFinite(value)) {
    process.stderr.write(`train.js: --${name} must be a number, not '${args[name]}'\n`);
    process.exit(2);
  }
  return value;
};

const training = await ml.trainHousingModel({
  data,
  nEstimators: number('n-estimators'),
  maxDepth: number('max-depth'),
  learningRate: number('learning-rate'),
  subsample: number('subsample'),
  seed: number('seed'),
});
const { metrics } = training;
const improvement = 1 - metrics.rmse / metrics.baseline_rmse;
say(`trained ${training.trees.trees.length} trees on ${training.train.rows} rows in ${metrics.training_seconds.toFixed(1)}s`);

const logged = await ml.logHousingModel(training, { runId: process.env.MLFLOW_RUN_ID, experimentName: args.experiment });
say(`logged model ${logged.model.modelId} in run ${logged.run.runId} (${logged.model.uri})`);

const outputs = {
  model_uri: logged.model.uri,
  model_id: logged.model.modelId,
  rmse: metrics.rmse.toFixed(4),
  baseline_rmse: metrics.baseline_rmse.toFixed(4),
  baseline_improvement: improvement.toFixed(4),
};
for (const [name, value] of Object.entries({ rmse: metrics.rmse, baseline_rmse: metrics.baseline_rmse, baseline_improvement: improvement, mae: metrics.mae, r2: metrics.r2 })) {
  say(`${name}: ${value.toFixed(4)}`);
}
if (process.env.SLIPWAY_OUTPUT) {
  await appendFile(process.env.SLIPWAY_OUTPUT, Object.entries(outputs).map(([name, value]) => `${name}=${value}\n`).join(''));
}
