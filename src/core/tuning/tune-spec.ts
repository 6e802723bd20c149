/**
 * The model of a `slipway/tune` step: a hyperparameter search over a step template. The
 * reader (`read-tune-spec.ts`) builds it from the step's `with:`; the samplers, the early
 * stop and the summary table work on it. Nothing here knows about runs or the engine:
 * a trial is its params, its objective value and whether it succeeded.
 * @module
 */

import type { MetricDefinition, StepOutput } from '../pipelines/pipeline-model.js';

/** The search strategies. */
export const TUNE_STRATEGIES = ['grid', 'random', 'tpe'] as const;
export type TuneStrategy = (typeof TUNE_STRATEGIES)[number];

export type TuneDirection = 'minimize' | 'maximize';

/** How a numeric range is spread: evenly, or evenly in the logarithm (learning rates). */
export type RangeScale = 'linear' | 'log';

/** An integer range, both ends included; `step` keeps `min + k·step` values only. */
export interface IntParameter {
  readonly type: 'int';
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly scale: RangeScale;
}

/** A float range, both ends included. */
export interface FloatParameter {
  readonly type: 'float';
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly scale: RangeScale;
}

/** One of a list of values (strings, numbers or booleans), unordered. */
export interface ChoiceParameter {
  readonly type: 'choice';
  readonly name: string;
  readonly values: readonly ParamScalar[];
}

export type ParameterSpec = IntParameter | FloatParameter | ChoiceParameter;

/** The parameters searched, in the order written. */
export type ParameterSpace = readonly ParameterSpec[];

export type ParamScalar = string | number | boolean;

/** The values of one trial's parameters, by name. */
export type Params = Readonly<Record<string, ParamScalar>>;

export type TrialStatus = 'succeeded' | 'failed';

/** A finished trial, as the samplers, the early stop and the summary see it. */
export interface Trial {
  readonly params: Params;
  /** The objective metric's value; absent when the trial failed or did not report it. */
  readonly objective?: number;
  readonly status: TrialStatus;
  /** 1-based; the position in the history when absent. */
  readonly number?: number;
  /** The trial's child run, for the summary table. */
  readonly runId?: string;
}

export interface TuneObjective {
  readonly metric: string;
  readonly direction: TuneDirection;
}

/** Stop when the best objective has not improved by more than `minDelta` in `patience` finished trials. */
export interface EarlyStopPolicy {
  readonly patience: number;
  readonly minDelta: number;
}

/** What each trial runs: a `run:` step template whose text may use `${{ trial.params.<name> }}`. */
export interface TrialTemplate {
  readonly run: string;
  readonly env: Readonly<Record<string, string>>;
  readonly workingDirectory?: string;
  readonly outputs: Readonly<Record<string, StepOutput>>;
  readonly metrics: readonly MetricDefinition[];
}

export interface TuneSpec {
  readonly template: TrialTemplate;
  readonly parameters: ParameterSpace;
  readonly strategy: TuneStrategy;
  readonly maxTrials: number;
  /** At most `maxTrials` (a larger `max-parallel` is clamped). */
  readonly maxParallel: number;
  readonly objective: TuneObjective;
  readonly earlyStop?: EarlyStopPolicy;
  /** Absent: the engine picks one and records it, so the search can be replayed. */
  readonly seed?: number;
  /** The values a float range (and an int range too wide to list) takes under `grid`. */
  readonly gridPoints: number;
  /** TPE: how many random trials come before the model is used. */
  readonly startupTrials: number;
}
