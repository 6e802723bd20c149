/**
 * The built-in steps that put models to work: `slipway/batch-transform` (score a file),
 * `slipway/deploy` (create or roll out an endpoint) and `slipway/smoke-test` (call an
 * endpoint and check its answers). Their `with:` schemas, checked by the validator like the
 * other built-ins' (see `builtin-steps.ts`).
 * @module
 */

import { ENDPOINT_NAME_PATTERN } from '../endpoints/read-endpoint-spec.js';
import { hasPlaceholder } from './expressions/template.js';
import { parseDuration } from './parse-duration.js';
import type { BuiltinCheckContext, BuiltinInput, BuiltinStep } from './builtin-steps.js';
import type { JsonValue } from './pipeline-model.js';

const MODEL_URI = /^(?:models:\/[^/@]+(?:\/[1-9][0-9]*|@[\w-]+)|runs:\/[A-Za-z0-9][\w-]*\/.+)\/?$/;

const isLiteralString = (value: JsonValue | undefined): value is string => typeof value === 'string' && !hasPlaceholder(value);

/** The model inputs the three steps share: `model-uri`, or `model` with `version`. */
const MODEL_INPUTS: Readonly<Record<string, BuiltinInput>> = {
  'model-uri': { type: 'string', description: "The model: 'models:/<name>/<version>' or 'models:/<name>@<alias>'." },
  model: { type: 'string', description: "Or the registered model's name, with 'version'." },
  version: { type: 'string', description: "The version, typically '${{ steps.<register>.outputs.version }}'." },
};

function checkModel(inputs: Readonly<Record<string, JsonValue>>, context: BuiltinCheckContext, options: { required: boolean; runs: boolean }): void {
  const hasUri = inputs['model-uri'] !== undefined;
  const hasName = inputs.model !== undefined;
  if (hasUri && (hasName || inputs.version !== undefined)) context.report(['model-uri'], "give 'model-uri', or 'model' and 'version', not both");
  else if (hasName !== (inputs.version !== undefined)) context.report([hasName ? 'version' : 'model'], "give both 'model' and 'version'");
  else if (options.required && !hasUri && !hasName) context.report([], "name the model with 'model-uri', or 'model' and 'version'");
  const uri = inputs['model-uri'];
  if (isLiteralString(uri) && (!MODEL_URI.test(uri) || (!options.runs && uri.startsWith('runs:')))) {
    context.report(['model-uri'], `invalid model URI '${uri}' (expected models:/<name>/<version> or models:/<name>@<alias>${options.runs ? ', or runs:/<run id>/<path>' : ''})`);
  }
}

function checkDuration(inputs: Readonly<Record<string, JsonValue>>, key: string, context: BuiltinCheckContext): void {
  const value = inputs[key];
  if (isLiteralString(value) && parseDuration(value) === undefined) context.report([key], `invalid ${key} '${value}' (a duration such as 30s, 10m or 1h)`);
}

function checkEndpointName(inputs: Readonly<Record<string, JsonValue>>, key: string, context: BuiltinCheckContext): void {
  const value = inputs[key];
  if (isLiteralString(value) && !ENDPOINT_NAME_PATTERN.test(value)) {
    context.report([key], `invalid ${key} name '${value}' (lower-case letters, digits and '-', starting with a letter or digit, at most 63)`);
  }
}

export const BATCH_TRANSFORM_STEP: BuiltinStep = {
  name: 'slipway/batch-transform',
  description: "Scores a CSV or JSON Lines file with an ONNX model on worker threads and logs the predictions as an artifact of the step's run.",
  runsInMlflowRun: true,
  inputs: {
    ...MODEL_INPUTS,
    input: {
      type: 'string',
      required: true,
      description: "The file to score: an upstream artifact ('${{ steps.<id>.artifacts.<name> }}'), an mlflow-artifacts:/ URI, or a path in the pipeline's code directory.",
    },
    output: { type: 'string', description: "The predictions' file name in the run's artifacts (default 'predictions.csv' or 'predictions.jsonl')." },
    format: { type: 'string', enum: ['csv', 'jsonl'], description: "The input's (and output's) format (default: from the input's name)." },
    workers: { type: 'int', description: 'Worker threads, each with its own onnxruntime session (default: the number of cores).' },
    'chunk-rows': { type: 'int', description: 'Records per chunk handed to a worker (default 16384).' },
    'predictions-only': { type: 'bool', description: 'Write only the predictions, not the input columns with them.' },
    'prediction-column': { type: 'string', description: "The prediction's column or key (default 'prediction')." },
    'skip-bad-rows': { type: 'bool', description: "Skip records that do not fit the signature (logged as 'errors.jsonl') instead of failing." },
  },
  outputs: {
    rows: { type: 'number', description: 'The rows scored.' },
    'bad-rows': { type: 'number', description: 'The records skipped (with skip-bad-rows).' },
    'output-uri': { type: 'string', description: "The predictions' artifact URI (mlflow-artifacts:/…)." },
    'run-id': { type: 'string', description: "The step's MLflow run, which holds the predictions." },
    'rows-per-second': { type: 'number', description: 'Scoring speed.' },
  },
  check(inputs, context) {
    checkModel(inputs, context, { required: true, runs: true });
    for (const key of ['workers', 'chunk-rows']) {
      const value = inputs[key];
      if (typeof value === 'number' && value < 1) context.report([key], `'${key}' must be at least 1`);
    }
    const output = inputs.output;
    if (isLiteralString(output) && (output.includes('/') || output.includes('\\') || output === '' || output.startsWith('.'))) {
      context.report(['output'], `'output' is a file name (no directories), not '${output}'`);
    }
  },
};

export const DEPLOY_STEP: BuiltinStep = {
  name: 'slipway/deploy',
  description:
    'Creates an endpoint serving a model version, or rolls the version out to an existing endpoint (blue/green or canary), and waits until it settles; fails when the endpoint fails or the rollout is rolled back.',
  inputs: {
    endpoint: { type: 'string', required: true, description: 'The endpoint (created if missing).' },
    ...MODEL_INPUTS,
    variant: { type: 'string', description: "The new variant's name (default '<model>-<version>')." },
    strategy: { type: 'string', enum: ['blue-green', 'canary'], description: "How an existing endpoint moves to the new version (default 'blue-green')." },
    steps: { type: 'json', description: 'Canary traffic steps in percent, e.g. [10, 50, 100] (blue-green: [100]).' },
    bake: { type: 'string', description: "How long each step runs before the next, e.g. '5m' (default: 0 for blue-green, 60s for canary)." },
    'max-error-rate': { type: 'number', description: "Roll back when the new version's 5xx rate exceeds this (0.01 = 1 %)." },
    'max-p99-ms': { type: 'number', description: "Roll back when the new version's p99 latency exceeds this many ms." },
    'min-requests': { type: 'int', description: 'Requests a step needs before the thresholds are judged (default 20).' },
    runtime: { type: 'string', enum: ['auto', 'onnx', 'python'], description: "Which runtime serves the model (default 'auto')." },
    timeout: { type: 'string', description: "How long to wait for the endpoint to settle (default '30m')." },
  },
  outputs: {
    endpoint: { type: 'string', description: 'The endpoint.' },
    url: { type: 'string', description: "Its scoring path on this server, '/endpoints/<name>/invocations'." },
    'model-name': { type: 'string', description: 'The registered model now served.' },
    version: { type: 'string', description: 'The model version now served.' },
    variant: { type: 'string', description: 'The variant serving it.' },
    'rollout-id': { type: 'string', description: "The rollout (empty when the endpoint was created, or already served the version)." },
    status: { type: 'string', description: "The endpoint's status once settled ('InService')." },
  },
  check(inputs, context) {
    checkEndpointName(inputs, 'endpoint', context);
    checkEndpointName(inputs, 'variant', context);
    checkModel(inputs, context, { required: true, runs: false });
    checkDuration(inputs, 'bake', context);
    checkDuration(inputs, 'timeout', context);
    const steps = inputs.steps;
    if (steps !== undefined && !(typeof steps === 'string' && hasPlaceholder(steps))) {
      const list = Array.isArray(steps) ? (steps as readonly JsonValue[]) : undefined;
      if (list === undefined || list.length === 0 || !list.every((s) => typeof s === 'number' && s > 0 && s <= 100)) {
        context.report(['steps'], "'steps' is a list of traffic percentages in (0, 100], e.g. [10, 50, 100]");
      } else if (list.some((s, i) => i > 0 && (s as number) <= (list[i - 1] as number)) || list.at(-1) !== 100) {
        context.report(['steps'], "'steps' must increase and end at 100");
      }
      if (inputs.strategy === 'blue-green' && list !== undefined && list.length !== 1) context.report(['steps'], "a blue-green rollout has the single step [100]; use strategy 'canary'");
    }
    const rate = inputs['max-error-rate'];
    if (typeof rate === 'number' && (rate < 0 || rate > 1)) context.report(['max-error-rate'], "'max-error-rate' is a fraction from 0 to 1");
    const p99 = inputs['max-p99-ms'];
    if (typeof p99 === 'number' && p99 <= 0) context.report(['max-p99-ms'], "'max-p99-ms' must be positive");
  },
};

export const SMOKE_TEST_STEP: BuiltinStep = {
  name: 'slipway/smoke-test',
  description:
    "Sends sample requests (by default the served model's input example) to an endpoint of this server, or to a URL, and requires 2xx answers with one valid prediction per row.",
  inputs: {
    endpoint: { type: 'string', description: 'An endpoint of this server.' },
    url: { type: 'string', description: "Or a scoring URL (e.g. 'http://host:5001/invocations')." },
    requests: { type: 'json', description: "Request bodies (MLflow's /invocations JSON), a list; default: the model's serving input example." },
    'expected-rows': { type: 'int', description: "Predictions each answer must have (default: the rows of its request)." },
    headers: { type: 'string-map', description: 'Extra request headers.' },
    'max-latency-ms': { type: 'number', description: 'Fail when a request takes longer.' },
    timeout: { type: 'string', description: "How long one request may take (default '30s')." },
  },
  outputs: {
    'latency-ms': { type: 'number', description: 'The slowest request, in ms.' },
    requests: { type: 'number', description: 'Requests sent.' },
    variant: { type: 'string', description: "The variant that answered the last request (x-slipway-variant; empty for a URL that does not say)." },
  },
  check(inputs, context) {
    if ((inputs.endpoint === undefined) === (inputs.url === undefined)) context.report([], "slipway/smoke-test needs 'endpoint' or 'url' (one of them)");
    checkEndpointName(inputs, 'endpoint', context);
    const url = inputs.url;
    if (isLiteralString(url) && !/^https?:\/\/[^\s/]+/i.test(url)) context.report(['url'], `'${url}' is not an http(s) URL`);
    const requests = inputs.requests;
    if (requests !== undefined && !(typeof requests === 'string' && hasPlaceholder(requests)) && (!Array.isArray(requests) || requests.length === 0)) {
      context.report(['requests'], "'requests' is a non-empty list of request bodies");
    }
    if (inputs.url !== undefined && inputs.requests === undefined) context.report(['requests'], "with 'url', give the 'requests' to send (the input example is found through an endpoint)");
    checkDuration(inputs, 'timeout', context);
  },
};
