/**
 * The built-in steps a pipeline `uses:`, with the schema of their `with:` inputs and the
 * outputs they produce. The validator checks every `with:` against these schemas (types,
 * required inputs, unknown inputs, cross-input rules such as "a threshold names a metric
 * of the evaluated step"); the executor implements the steps (coming with the executor).
 * @module
 */

import type { StaticKind } from './expressions/expression-functions.js';
import type { JsonValue, StepDefinition } from './pipeline-model.js';
import { didYouMean, quoteList, type DocumentPath } from './pipeline-issues.js';
import { hasPlaceholder } from './expressions/template.js';
import { parseDuration } from './parse-duration.js';
import { TUNE_STEP } from '../tuning/tune-builtin-step.js';
import { BATCH_TRANSFORM_STEP, DEPLOY_STEP, SMOKE_TEST_STEP } from './serving-builtin-steps.js';

/** The type of one `with:` input. */
export type BuiltinInputType =
  | 'string'
  | 'number'
  | 'int'
  | 'bool'
  /** A map of names to scalars (tags, headers). */
  | 'string-map'
  /** A string or a list of strings. */
  | 'string-list'
  /** Any JSON value. */
  | 'json'
  /** A map with its own fields. */
  | 'object';

export interface BuiltinInput {
  readonly type: BuiltinInputType;
  readonly description: string;
  readonly required?: boolean;
  readonly enum?: readonly string[];
  /** For `object` inputs. */
  readonly fields?: Readonly<Record<string, BuiltinInput>>;
}

export interface BuiltinOutput {
  readonly type: StaticKind;
  readonly description: string;
}

/** What a built-in step's own checks can see. */
export interface BuiltinCheckContext {
  readonly stepId: string;
  /** The steps that run before this one. */
  readonly upstream: ReadonlySet<string>;
  readonly steps: ReadonlyMap<string, StepDefinition>;
  /** Reports an issue at `path`, relative to the step's `with:`. */
  report(path: DocumentPath, message: string): void;
}

export interface BuiltinStep {
  readonly name: string;
  readonly description: string;
  readonly inputs: Readonly<Record<string, BuiltinInput>>;
  readonly outputs: Readonly<Record<string, BuiltinOutput>>;
  /** The step gets an MLflow run of its own, like a `run:` step (for the artifacts it logs). */
  readonly runsInMlflowRun?: boolean;
  /** Rules across inputs, run after each input has been checked against its type. */
  check?(inputs: Readonly<Record<string, JsonValue>>, context: BuiltinCheckContext): void;
}

/** `rmse < 60000`: a metric, a comparison and a number. */
const THRESHOLD = /^\s*([A-Za-z0-9_.\-/]+)\s*(<=|>=|<|>|==|!=)\s*(-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

export interface Threshold {
  readonly metric: string;
  readonly operator: '<' | '<=' | '>' | '>=' | '==' | '!=';
  readonly value: number;
}

/** Parses `rmse < 60000`; `undefined` when the text is not a threshold. */
export function parseThreshold(text: string): Threshold | undefined {
  const match = THRESHOLD.exec(text);
  if (match === null) return undefined;
  const [, metric = '', operator = '<', value = '0'] = match;
  return { metric, operator: operator as Threshold['operator'], value: Number(value) };
}

const MODEL_STAGES = ['None', 'Staging', 'Production', 'Archived'];

const isLiteralString = (value: JsonValue | undefined): value is string =>
  typeof value === 'string' && !hasPlaceholder(value);

/** Checks that `with[key]` names an upstream `run:` step; returns that step. */
function upstreamRunStep(
  inputs: Readonly<Record<string, JsonValue>>,
  key: string,
  context: BuiltinCheckContext,
): StepDefinition | undefined {
  const id = inputs[key];
  if (!isLiteralString(id)) {
    if (id !== undefined) context.report([key], `'${key}' must name a step literally (no '\${{ … }}')`);
    return undefined;
  }
  const step = context.steps.get(id);
  if (step === undefined) {
    context.report([key], `unknown step '${id}'${didYouMean(id, context.steps.keys())}`);
    return undefined;
  }
  if (!context.upstream.has(id)) {
    context.report([key], `step '${id}' is not upstream of step '${context.stepId}' (add '${id}' to needs)`);
    return undefined;
  }
  // A tune step stands for its best trial (a run step): its metrics and its run.
  if (step.kind !== 'run' && step.uses !== TUNE_STEP.name) {
    context.report([key], `step '${id}' is a built-in step; '${key}' must name a 'run' step (or a slipway/tune step)`);
    return undefined;
  }
  return step;
}

function checkMetricName(
  step: StepDefinition | undefined,
  metric: string,
  path: DocumentPath,
  context: BuiltinCheckContext,
): void {
  if (step?.kind !== 'run') return;
  const names = step.metrics.map((m) => m.name);
  if (!names.includes(metric)) {
    context.report(
      path,
      `step '${step.id}' has no metric '${metric}'${
        names.length === 0 ? ' (it declares no metrics)' : didYouMean(metric, names) || ` (it has ${quoteList(names)})`
      }`,
    );
  }
}

const evaluate: BuiltinStep = {
  name: 'slipway/evaluate',
  description:
    "A metric gate: passes when the evaluated step's metrics meet every threshold and, if asked, beat the current champion of a registered model.",
  inputs: {
    step: { type: 'string', required: true, description: "The upstream 'run' step whose metrics are evaluated." },
    threshold: {
      type: 'string-list',
      description: "One or more thresholds such as 'rmse < 60000' (a metric of the step, a comparison, a number).",
    },
    champion: {
      type: 'object',
      description: 'Compare with the current champion version of a registered model.',
      fields: {
        model: { type: 'string', required: true, description: 'The registered model.' },
        alias: { type: 'string', description: "The champion's alias (default 'champion')." },
        stage: { type: 'string', enum: MODEL_STAGES, description: 'Or the champion is the latest version in this stage.' },
        metric: { type: 'string', required: true, description: 'The metric compared.' },
        direction: {
          type: 'string',
          required: true,
          enum: ['minimize', 'maximize'],
          description: 'Whether lower or higher is better.',
        },
        'min-improvement': { type: 'number', description: 'The least absolute improvement over the champion.' },
        'min-relative-improvement': {
          type: 'number',
          description: "The least improvement relative to the champion's value (0.01 = 1 %).",
        },
      },
    },
    'fail-on-reject': {
      type: 'bool',
      description: "Fail the step when the gate rejects (default true); when false, read 'outputs.passed'.",
    },
  },
  outputs: {
    passed: { type: 'boolean', description: 'Whether the gate passed.' },
    reason: { type: 'string', description: 'Why the gate passed or rejected.' },
    'champion-version': { type: 'string', description: "The champion's version compared with (empty without one)." },
  },
  check(inputs, context) {
    if (inputs.threshold === undefined && inputs.champion === undefined) {
      context.report([], "slipway/evaluate needs 'threshold', 'champion' or both");
    }
    const step = upstreamRunStep(inputs, 'step', context);
    const thresholds = inputs.threshold;
    const list = Array.isArray(thresholds) ? (thresholds as readonly JsonValue[]) : [thresholds];
    list.forEach((item, i) => {
      if (!isLiteralString(item)) return;
      const path: DocumentPath = Array.isArray(thresholds) ? ['threshold', i] : ['threshold'];
      const threshold = parseThreshold(item);
      if (threshold === undefined) {
        context.report(path, `invalid threshold '${item}' (expected '<metric> <op> <number>', e.g. 'rmse < 60000')`);
      } else {
        checkMetricName(step, threshold.metric, path, context);
      }
    });
    const champion = inputs.champion;
    if (champion !== null && typeof champion === 'object' && !Array.isArray(champion)) {
      const fields = champion as Readonly<Record<string, JsonValue>>;
      if (fields.alias !== undefined && fields.stage !== undefined) {
        context.report(['champion', 'stage'], "give the champion's 'alias' or its 'stage', not both");
      }
      if (isLiteralString(fields.metric)) checkMetricName(step, fields.metric, ['champion', 'metric'], context);
      for (const key of ['min-improvement', 'min-relative-improvement']) {
        const value = fields[key];
        if (typeof value === 'number' && value < 0) context.report(['champion', key], `'${key}' must not be negative`);
      }
    }
  },
};

const registerModel: BuiltinStep = {
  name: 'slipway/register-model',
  description: "Registers a step's logged model, or a model directory, as a new version of a registered model.",
  inputs: {
    name: { type: 'string', required: true, description: 'The registered model (created if missing).' },
    step: { type: 'string', description: "The upstream 'run' step whose logged model is registered." },
    'artifact-path': {
      type: 'string',
      description: "The model's path in that step's run artifacts (default 'model').",
    },
    'model-dir': {
      type: 'string',
      description: "A model directory, typically '${{ steps.<id>.artifacts.<name> }}'.",
    },
    description: { type: 'string', description: "The new version's description." },
    tags: { type: 'string-map', description: "The new version's tags." },
  },
  outputs: {
    name: { type: 'string', description: 'The registered model.' },
    version: { type: 'string', description: 'The new version.' },
  },
  check(inputs, context) {
    const hasStep = inputs.step !== undefined;
    const hasDir = inputs['model-dir'] !== undefined;
    if (hasStep && hasDir) context.report(['model-dir'], "give 'step' or 'model-dir', not both");
    if (!hasStep && !hasDir) context.report([], "slipway/register-model needs 'step' (a step's logged model) or 'model-dir'");
    if (hasStep) upstreamRunStep(inputs, 'step', context);
    if (inputs['artifact-path'] !== undefined && !hasStep) {
      context.report(['artifact-path'], "'artifact-path' only goes with 'step'");
    }
  },
};

const promote: BuiltinStep = {
  name: 'slipway/promote',
  description: 'Points an alias at a model version, or moves it to a stage.',
  inputs: {
    name: { type: 'string', required: true, description: 'The registered model.' },
    version: {
      type: 'string',
      required: true,
      description: "The version, typically '${{ steps.<register>.outputs.version }}'.",
    },
    alias: { type: 'string', description: "The alias to set (e.g. 'champion')." },
    stage: { type: 'string', enum: MODEL_STAGES, description: 'The stage to move the version to.' },
    'archive-existing': {
      type: 'bool',
      description: 'With a stage: archive the versions currently in it.',
    },
  },
  outputs: {
    'previous-version': {
      type: 'string',
      description: 'The version the alias or stage had before (empty if none).',
    },
  },
  check(inputs, context) {
    const hasAlias = inputs.alias !== undefined;
    const hasStage = inputs.stage !== undefined;
    if (hasAlias && hasStage) context.report(['stage'], "give 'alias' or 'stage', not both");
    if (!hasAlias && !hasStage) context.report([], "slipway/promote needs 'alias' or 'stage'");
    if (inputs['archive-existing'] !== undefined && !hasStage) {
      context.report(['archive-existing'], "'archive-existing' only goes with 'stage'");
    }
    if (isLiteralString(inputs.alias) && !/^[A-Za-z0-9_-]+$/.test(inputs.alias)) {
      context.report(['alias'], `invalid alias '${inputs.alias}' (letters, digits, '_' and '-')`);
    }
  },
};

const notify: BuiltinStep = {
  name: 'slipway/notify',
  description: 'POSTs JSON to a webhook URL; `format: slack` sends a Slack-compatible message.',
  inputs: {
    url: { type: 'string', required: true, description: 'The webhook URL (http or https).' },
    format: { type: 'string', enum: ['json', 'slack'], description: "'json' (default) or 'slack'." },
    message: { type: 'string', description: "A text message (Slack's 'text')." },
    payload: { type: 'json', description: 'A JSON body (merged with the message).' },
    headers: { type: 'string-map', description: 'Extra request headers.' },
  },
  outputs: {
    status: { type: 'number', description: 'The HTTP status of the answer.' },
  },
  check(inputs, context) {
    if (inputs.message === undefined && inputs.payload === undefined) {
      context.report([], "slipway/notify needs 'message', 'payload' or both");
    }
    const url = inputs.url;
    if (isLiteralString(url) && !/^https?:\/\/[^\s/]+/i.test(url)) {
      context.report(['url'], `'${url}' is not an http(s) URL`);
    }
  },
};

const approval: BuiltinStep = {
  name: 'slipway/approval',
  description:
    'Pauses the execution until someone approves or rejects (API, CLI or UI), or the timeout passes; with a model version, records the decision in the registry.',
  inputs: {
    message: { type: 'string', description: 'What the approvers are asked.' },
    model: { type: 'string', description: 'The registered model whose version this approval decides.' },
    version: { type: 'string', description: "That version, typically '${{ steps.<register>.outputs.version }}'." },
    approvers: { type: 'string-list', description: 'Who may decide (actor names); absent: anyone.' },
    timeout: { type: 'string', description: "How long to wait for a decision, e.g. '24h' (absent: no limit)." },
    'on-timeout': { type: 'string', enum: ['reject', 'approve'], description: "The outcome when the timeout passes: 'reject' (default) or 'approve'." },
    notify: {
      type: 'object',
      description: 'A webhook POSTed when the request opens (a failure is logged, not fatal).',
      fields: {
        url: { type: 'string', required: true, description: 'The webhook URL (http or https).' },
        format: { type: 'string', enum: ['json', 'slack'], description: "'json' (default) or 'slack'." },
        headers: { type: 'string-map', description: 'Extra request headers.' },
      },
    },
  },
  outputs: {
    decision: { type: 'string', description: "'approved' or 'rejected' (the timeout's outcome when it timed out)." },
    status: { type: 'string', description: "How the request ended: 'approved', 'rejected' or 'timed_out'." },
    actor: { type: 'string', description: "Who decided ('slipway' for a timeout)." },
    comment: { type: 'string', description: "The decider's comment (empty if none)." },
    'request-id': { type: 'string', description: 'The approval request.' },
  },
  check(inputs, context) {
    if ((inputs.model === undefined) !== (inputs.version === undefined)) {
      context.report([inputs.model === undefined ? 'version' : 'model'], "give both 'model' and 'version', or neither");
    }
    if (isLiteralString(inputs.timeout) && parseDuration(inputs.timeout) === undefined) {
      context.report(['timeout'], `invalid timeout '${inputs.timeout}' (a duration such as 30m, 24h or 2d)`);
    }
    if (inputs['on-timeout'] !== undefined && inputs.timeout === undefined) {
      context.report(['on-timeout'], "'on-timeout' only goes with 'timeout'");
    }
    const notifyInput = inputs.notify;
    if (notifyInput !== null && typeof notifyInput === 'object' && !Array.isArray(notifyInput)) {
      const url = (notifyInput as Readonly<Record<string, JsonValue>>).url;
      if (isLiteralString(url) && !/^https?:\/\/[^\s/]+/i.test(url)) context.report(['notify', 'url'], `'${url}' is not an http(s) URL`);
    }
  },
};

/** The built-in steps, by their `uses:` name. */
export const BUILTIN_STEPS: ReadonlyMap<string, BuiltinStep> = new Map(
  [evaluate, registerModel, promote, notify, approval, TUNE_STEP, BATCH_TRANSFORM_STEP, DEPLOY_STEP, SMOKE_TEST_STEP].map((step) => [step.name, step]),
);
