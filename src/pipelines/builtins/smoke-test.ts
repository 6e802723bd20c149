/**
 * `slipway/smoke-test`: sends sample requests to an endpoint of this server (or to a URL)
 * and requires every answer to be 2xx with one valid prediction per row. By default the
 * sample is the serving model's own input example (`serving_input_example.json`, which
 * `mlflow.<flavor>.log_model(input_example=…)` writes). Reports the slowest latency.
 * @module
 */

import { text as streamText } from 'node:stream/consumers';
import { artifactStorePath, joinArtifactPath } from '../../core/artifact-paths/artifact-uri.js';
import type { JsonValue } from '../../core/pipelines/pipeline-model.js';
import { parseDuration } from '../../core/pipelines/parse-duration.js';
import { isSlipwayError } from '../../core/errors/slipway-error.js';
import { parseMlModel } from '../../core/serving/ml-model.js';
import { BuiltinStepError, text, type BuiltinContext, type BuiltinResult } from './builtin-context.js';

export async function runSmokeTest(context: BuiltinContext): Promise<BuiltinResult> {
  const endpoint = text(context.inputs.endpoint);
  const url = endpoint === undefined ? (text(context.inputs.url) ?? '') : endpointUrl(context, endpoint);
  const requests = Array.isArray(context.inputs.requests) ? (context.inputs.requests as JsonValue[]) : [await inputExample(context, endpoint ?? '')];
  const expectedRows = typeof context.inputs['expected-rows'] === 'number' ? context.inputs['expected-rows'] : undefined;
  const maxLatency = typeof context.inputs['max-latency-ms'] === 'number' ? context.inputs['max-latency-ms'] : undefined;
  const timeoutMs = (parseDuration(text(context.inputs.timeout) ?? '30') ?? 30) * 1000;
  const headerInput = context.inputs.headers;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (headerInput !== null && typeof headerInput === 'object' && !Array.isArray(headerInput)) {
    for (const [key, value] of Object.entries(headerInput)) headers[key] = text(value) ?? '';
  }
  let slowest = 0;
  let variant = '';
  for (const [index, body] of requests.entries()) {
    const which = requests.length === 1 ? 'the request' : `request ${index + 1} of ${requests.length}`;
    const started = performance.now();
    let response: Response;
    try {
      response = await context.fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      throw new BuiltinStepError(`${which} to ${url} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const answer = await response.text();
    const latency = performance.now() - started;
    slowest = Math.max(slowest, latency);
    variant = response.headers.get('x-slipway-variant') ?? variant;
    if (!response.ok) throw new BuiltinStepError(`${which} to ${url} got HTTP ${response.status}: ${answer.slice(0, 500)}`);
    const rows = expectedRows ?? rowsOf(typeof body === 'string' ? safeJson(body) : body);
    const problem = checkPredictions(safeJson(answer), rows);
    if (problem !== undefined) throw new BuiltinStepError(`${which} to ${url}: ${problem}`);
    context.log(`${which}: HTTP ${response.status} in ${latency.toFixed(1)} ms${variant === '' ? '' : ` (variant ${variant})`}`);
    if (maxLatency !== undefined && latency > maxLatency) throw new BuiltinStepError(`${which} to ${url} took ${latency.toFixed(1)} ms, more than max-latency-ms ${maxLatency}`);
  }
  return { outputs: { 'latency-ms': slowest.toFixed(1), requests: String(requests.length), variant } };
}

function endpointUrl(context: BuiltinContext, endpoint: string): string {
  if (context.serverUrl === undefined) throw new BuiltinStepError("this engine does not know its server's URL; give 'url' instead of 'endpoint'", 'infrastructure');
  return `${context.serverUrl.replace(/\/+$/, '')}/endpoints/${encodeURIComponent(endpoint)}/invocations`;
}

/** The serving input example of the model the endpoint's main live variant serves. */
async function inputExample(context: BuiltinContext, endpoint: string): Promise<JsonValue> {
  if (context.endpoints === undefined) throw new BuiltinStepError('slipway/smoke-test needs a server with endpoints (this engine has none)', 'infrastructure');
  try {
    const found = await context.endpoints.get(endpoint);
    const live = found.variants.filter((v) => v.shadow === undefined).sort((a, b) => b.weight - a.weight)[0];
    if (live === undefined) throw new BuiltinStepError(`endpoint '${endpoint}' serves no model yet`);
    const version = await context.registry.getModelVersion(live.modelName, live.modelVersion);
    const root = artifactStorePath(version.storageLocation);
    const read = async (path: string): Promise<string> => streamText((await context.artifacts.get(joinArtifactPath(root, path))).stream);
    const mlmodel = parseMlModel(await read('MLmodel'));
    const example = mlmodel.inputExampleInfo?.['serving_input_path'];
    if (typeof example !== 'string') {
      throw new BuiltinStepError(`${live.modelName}/${live.modelVersion} has no serving input example (log it with input_example=…); give 'requests'`);
    }
    return JSON.parse(await read(example)) as JsonValue;
  } catch (e) {
    if (isSlipwayError(e)) throw new BuiltinStepError(`cannot find a sample request for endpoint '${endpoint}': ${e.message}`);
    throw e;
  }
}

/** How many rows an /invocations body holds; undefined when its shape does not say. */
function rowsOf(body: unknown): number | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const split = b.dataframe_split as { data?: unknown } | undefined;
  if (split !== undefined && Array.isArray(split.data)) return split.data.length;
  if (Array.isArray(b.dataframe_records)) return b.dataframe_records.length;
  if (Array.isArray(b.instances)) return b.instances.length;
  if (Array.isArray(b.inputs)) return b.inputs.length;
  if (b.inputs !== null && typeof b.inputs === 'object') {
    const first = Object.values(b.inputs as Record<string, unknown>)[0];
    return Array.isArray(first) ? first.length : undefined;
  }
  return undefined;
}

/** Why an answer is not a valid prediction list, or undefined when it is. */
function checkPredictions(answer: unknown, rows: number | undefined): string | undefined {
  const predictions = answer !== null && typeof answer === 'object' && !Array.isArray(answer) ? (answer as Record<string, unknown>).predictions : undefined;
  if (!Array.isArray(predictions)) return `the answer has no 'predictions' list: ${JSON.stringify(answer)?.slice(0, 300) ?? 'nothing'}`;
  if (predictions.length === 0) return 'the answer has no predictions';
  if (rows !== undefined && predictions.length !== rows) return `expected ${rows} prediction(s), got ${predictions.length}`;
  const bad = predictions.findIndex((p) => !validValue(p));
  return bad === -1 ? undefined : `prediction ${bad} is not a valid value: ${JSON.stringify(predictions[bad])}`;
}

function validValue(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (Array.isArray(value)) return value.length > 0 && value.every(validValue);
  if (value !== null && typeof value === 'object') return Object.values(value).every(validValue);
  return false;
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
