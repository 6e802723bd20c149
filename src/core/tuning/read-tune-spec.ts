/**
 * Reads and checks the `with:` of a `slipway/tune` step into a {@link TuneSpec}. Every
 * problem goes to `issues` with its path (`steps[2].with.parameters.max_depth.min`), and
 * reading goes on, so one pass reports everything.
 *
 * The validator calls it on the written inputs, where a number or a choice may still be a
 * `${{ … }}` expression (`max-trials: ${{ params.trials }}`): those are left unchecked and
 * the result is `undefined`. The engine calls it again on the evaluated inputs, and then
 * gets the spec. Any problem reported means no spec. The template's strings (`run`, `env`, output paths) stay templates: they
 * are evaluated per trial, with `trial.params`.
 * @module
 */

import type { DocumentPath, IssueList } from '../pipelines/pipeline-issues.js';
import { gridSize } from './grid-sampler.js';
import { InputReader } from './input-reader.js';
import { readParameterSpace } from './read-parameter-space.js';
import { readTrialTemplate } from './read-trial-template.js';
import { TUNE_FIXED_OUTPUTS } from './tune-step-symbols.js';
import { TUNE_STRATEGIES, type EarlyStopPolicy, type TuneObjective, type TuneSpec } from './tune-spec.js';

/** The most trials a search may have. */
export const MAX_TUNE_TRIALS = 1000;
export const DEFAULT_MAX_TRIALS = 20;
export const DEFAULT_GRID_POINTS = 5;
export const MAX_GRID_POINTS = 100;
/** The largest seed (seeds are 32-bit). */
export const MAX_SEED = 0xffffffff;

export const TUNE_INPUTS = [
  'run',
  'env',
  'working-directory',
  'outputs',
  'metrics',
  'parameters',
  'strategy',
  'max-trials',
  'max-parallel',
  'objective',
  'early-stop',
  'seed',
  'grid-points',
  'startup-trials',
] as const;

const INPUT_HINTS: Readonly<Record<string, string>> = {
  params: "the searched parameters go under 'parameters'",
  'search-space': "the searched parameters go under 'parameters'",
  algorithm: "use 'strategy'",
  trials: "use 'max-trials'",
  'parallel-trials': "use 'max-parallel'",
  metric: "use 'objective: {metric: …, direction: …}'",
  patience: "use 'early-stop: {patience: …}'",
};
const STRATEGY_HINTS: Readonly<Record<string, string>> = {
  bayesian: "Slipway's model-based search is 'tpe'",
  bayes: "Slipway's model-based search is 'tpe'",
  tree_parzen: "use 'tpe'",
};

/** TPE's random start: 10 trials, or a third of a smaller budget. */
export function defaultStartupTrials(maxTrials: number): number {
  return Math.min(10, Math.max(1, Math.ceil(maxTrials / 3)));
}

export function readTuneSpec(inputs: Readonly<Record<string, unknown>>, path: DocumentPath, issues: IssueList): TuneSpec | undefined {
  const reader = new InputReader(issues);
  reader.checkKeys(inputs, TUNE_INPUTS, path, 'slipway/tune', INPUT_HINTS);

  let parameters;
  if (inputs.parameters === undefined) reader.report(path, "slipway/tune needs input 'parameters' (the ranges to search)");
  else parameters = readParameterSpace(inputs.parameters, [...path, 'parameters'], reader);
  const template = readTrialTemplate(inputs, path, reader, parameters?.map((p) => p.name));
  for (const name of Object.keys(template?.outputs ?? {})) {
    if (Object.hasOwn(TUNE_FIXED_OUTPUTS, name)) {
      reader.report([...path, 'outputs', name], `output '${name}' is one of the tune step's own outputs (${Object.keys(TUNE_FIXED_OUTPUTS).join(', ')}): rename it`, { target: 'key' });
    }
  }

  const strategy =
    inputs.strategy === undefined ? 'tpe' : reader.oneOf(inputs.strategy, TUNE_STRATEGIES, [...path, 'strategy'], "'strategy'", STRATEGY_HINTS);
  const objective = readObjective(inputs.objective, [...path, 'objective'], path, reader);
  const earlyStop = inputs['early-stop'] === undefined ? undefined : readEarlyStop(inputs['early-stop'], [...path, 'early-stop'], reader);
  const seed = inputs.seed === undefined ? undefined : reader.number(inputs.seed, [...path, 'seed'], "'seed'", { integer: true, min: 0, max: MAX_SEED });

  let gridPoints: number | undefined = DEFAULT_GRID_POINTS;
  if (inputs['grid-points'] !== undefined) {
    gridPoints = reader.number(inputs['grid-points'], [...path, 'grid-points'], "'grid-points'", { integer: true, min: 2, max: MAX_GRID_POINTS });
    if (strategy !== undefined && strategy !== 'grid') {
      reader.report([...path, 'grid-points'], `'grid-points' only goes with 'strategy: grid' (the strategy is '${strategy}')`);
    }
  }

  const grid = strategy === 'grid' && parameters !== undefined && gridPoints !== undefined ? gridSize(parameters, gridPoints) : undefined;
  let maxTrials: number | undefined = grid === undefined ? DEFAULT_MAX_TRIALS : Math.min(grid, MAX_TUNE_TRIALS);
  if (inputs['max-trials'] !== undefined) {
    maxTrials = reader.number(inputs['max-trials'], [...path, 'max-trials'], "'max-trials'", { integer: true, min: 1, max: MAX_TUNE_TRIALS });
  } else if (grid !== undefined && grid > MAX_TUNE_TRIALS) {
    reader.report(
      [...path, 'parameters'],
      `the grid has ${grid} points, more than the ${MAX_TUNE_TRIALS} trials a search may have: use fewer 'grid-points' or values, or set 'max-trials' to search its first points`,
    );
  }
  // A larger max-parallel than max-trials is harmless: it is clamped, not an error.
  const maxParallelRead =
    inputs['max-parallel'] === undefined ? 1 : reader.number(inputs['max-parallel'], [...path, 'max-parallel'], "'max-parallel'", { integer: true, min: 1 });

  let startupTrials = maxTrials === undefined ? undefined : defaultStartupTrials(maxTrials);
  if (inputs['startup-trials'] !== undefined) {
    startupTrials = reader.number(inputs['startup-trials'], [...path, 'startup-trials'], "'startup-trials'", { integer: true, min: 1 });
    if (strategy !== undefined && strategy !== 'tpe') {
      reader.report([...path, 'startup-trials'], `'startup-trials' only goes with 'strategy: tpe' (the strategy is '${strategy}')`);
    }
  }

  if (
    !reader.ok ||
    reader.deferred ||
    template === undefined ||
    parameters === undefined ||
    strategy === undefined ||
    objective === undefined ||
    maxTrials === undefined ||
    maxParallelRead === undefined ||
    gridPoints === undefined ||
    startupTrials === undefined ||
    (inputs.seed !== undefined && seed === undefined) ||
    (inputs['early-stop'] !== undefined && earlyStop === undefined)
  ) {
    return undefined;
  }
  return {
    template,
    parameters,
    strategy,
    maxTrials,
    maxParallel: Math.min(maxParallelRead, maxTrials),
    objective,
    ...(earlyStop === undefined ? {} : { earlyStop }),
    ...(seed === undefined ? {} : { seed }),
    gridPoints,
    startupTrials,
  };
}

function readObjective(value: unknown, path: DocumentPath, stepPath: DocumentPath, reader: InputReader): TuneObjective | undefined {
  if (value === undefined) {
    reader.report(stepPath, "slipway/tune needs input 'objective' ({metric: <name>, direction: minimize|maximize})");
    return undefined;
  }
  const map = reader.map(value, path, "'objective' ({metric: <name>, direction: minimize|maximize})");
  if (map === undefined) return undefined;
  reader.checkKeys(map, ['metric', 'direction'], path, "'objective'", { goal: "use 'direction'", mode: "use 'direction'" });
  for (const key of ['metric', 'direction']) if (map[key] === undefined) reader.report(path, `'objective' needs '${key}'`);
  const metric = map.metric === undefined ? undefined : reader.defer(map.metric) ? undefined : reader.string(map.metric, [...path, 'metric'], "the objective's 'metric'");
  const direction =
    map.direction === undefined
      ? undefined
      : reader.oneOf(map.direction, ['minimize', 'maximize'] as const, [...path, 'direction'], "the objective's 'direction'", {
          min: "use 'minimize'",
          max: "use 'maximize'",
        });
  return metric === undefined || direction === undefined ? undefined : { metric, direction };
}

function readEarlyStop(value: unknown, path: DocumentPath, reader: InputReader): EarlyStopPolicy | undefined {
  const map = reader.map(value, path, "'early-stop' ({patience: <trials>, min-delta: <number>})");
  if (map === undefined) return undefined;
  reader.checkKeys(map, ['patience', 'min-delta'], path, "'early-stop'");
  if (map.patience === undefined) {
    reader.report(path, "'early-stop' needs 'patience' (how many finished trials without improvement stop the search)");
    return undefined;
  }
  const patience = reader.number(map.patience, [...path, 'patience'], "'patience'", { integer: true, min: 1 });
  const minDelta = map['min-delta'] === undefined ? 0 : reader.number(map['min-delta'], [...path, 'min-delta'], "'min-delta'", { min: 0 });
  return patience === undefined || minDelta === undefined ? undefined : { patience, minDelta };
}
