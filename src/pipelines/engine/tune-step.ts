/**
 * A `slipway/tune` step's trials as the rest of the engine sees them: each trial instance
 * (`trial-1`, `trial-2`, …, its parameters in `matrixValues`) runs as the `run:` step its
 * template describes, so it gets everything a `run:` step has (code snapshot, env contract,
 * `$SLIPWAY_OUTPUT`, uploaded outputs, metric regexes, the tune step's retry, timeout and
 * cache, logs per attempt, cancel, crash recovery). `${{ trial.… }}` in the template is
 * evaluated per trial: the step built here carries its trial for `buildContext`.
 * @module
 */

import { IssueList } from '../../core/pipelines/pipeline-issues.js';
import type { JsonValue, RunStepDefinition, StepDefinition, StepOutput, UsesStepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { StepRecord } from '../../core/ports/pipeline-store.js';
import { InputReader } from '../../core/tuning/input-reader.js';
import { readTrialTemplate } from '../../core/tuning/read-trial-template.js';
import { TUNE_STEP } from '../../core/tuning/tune-builtin-step.js';
import type { TrialTemplate } from '../../core/tuning/tune-spec.js';

/** The trial a step built by {@link trialStepDefinition} runs. */
export interface TrialScope {
  readonly number: number;
  readonly params: Readonly<Record<string, JsonValue>>;
}

const trials = new WeakMap<StepDefinition, TrialScope>();
const templates = new WeakMap<UsesStepDefinition, TrialTemplate | undefined>();

export function isTuneStep(step: StepDefinition | undefined): step is UsesStepDefinition {
  return step?.kind === 'uses' && step.uses === TUNE_STEP.name;
}

/** The instance key of trial `n`. */
export function trialInstance(n: number): string {
  return `trial-${n}`;
}

/** The number of a trial instance (`trial-7` → 7). */
export function trialNumber(row: Pick<StepRecord, 'instance'>): number {
  const match = /^trial-(\d+)$/.exec(row.instance ?? '');
  return match === null ? 0 : Number(match[1]);
}

/**
 * The trial template of a tune step, as written (its strings are templates). Definitions
 * are validated and cached, so this is read once per definition; `undefined` only for a
 * definition that never passed the validator.
 */
export function trialTemplate(step: UsesStepDefinition): TrialTemplate | undefined {
  if (templates.has(step)) return templates.get(step);
  const template = readTrialTemplate(step.with, [], new InputReader(new IssueList()), undefined);
  templates.set(step, template);
  return template;
}

/**
 * The `run:` step that trial `row` of tune step `step` runs: the template's command, env,
 * working directory, outputs and metrics, with the tune step's id, needs, env, retry,
 * timeout and cache. Besides `$SLIPWAY_MATRIX` (the parameters, as for any instance) the
 * trial sees `$SLIPWAY_TRIAL` (its number) and `$SLIPWAY_TRIAL_PARAMS` (the parameters, JSON).
 */
export function trialStepDefinition(step: UsesStepDefinition, row: StepRecord): RunStepDefinition {
  const template = trialTemplate(step);
  if (template === undefined) throw new Error(`step '${step.id}' has no valid trial template`);
  const params = row.matrixValues ?? {};
  const number = trialNumber(row);
  const definition: RunStepDefinition = {
    kind: 'run',
    id: step.id,
    ...(step.name === undefined ? {} : { name: step.name }),
    needs: step.needs,
    ...(step.if === undefined ? {} : { if: step.if }),
    env: { ...step.env, ...template.env, SLIPWAY_TRIAL: String(number), SLIPWAY_TRIAL_PARAMS: JSON.stringify(params).replace(/\$\{\{/g, '$ {{') },
    ...(step.timeoutMinutes === undefined ? {} : { timeoutMinutes: step.timeoutMinutes }),
    ...(step.retry === undefined ? {} : { retry: step.retry }),
    cache: step.cache,
    run: template.run,
    ...(template.workingDirectory === undefined ? {} : { workingDirectory: template.workingDirectory }),
    outputs: template.outputs,
    metrics: template.metrics,
  };
  trials.set(definition, { number, params });
  return definition;
}

/** The `trial` of an expression context: present only for a step built by {@link trialStepDefinition}. */
export function trialScope(step: StepDefinition): { trial?: TrialScope } {
  const trial = trials.get(step);
  return trial === undefined ? {} : { trial };
}

/** The file, directory and value outputs a step declares (a tune step: its template's, which the best trial's fill). */
export function declaredOutputs(step: StepDefinition | undefined): Readonly<Record<string, StepOutput>> {
  if (step === undefined) return {};
  if (step.kind === 'run') return step.outputs;
  return isTuneStep(step) ? (trialTemplate(step)?.outputs ?? {}) : {};
}
