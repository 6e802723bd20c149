/**
 * `slipway/notify`: POSTs JSON to a URL. `format: json` (default) sends
 * `{message, pipeline, execution_id, ...payload}`; `format: slack` sends Slack's
 * `{text, ...payload}`. A non-2xx answer (or no answer within 30 s) fails the step (`user`).
 * @module
 */

import type { JsonValue } from '../../core/pipelines/pipeline-model.js';
import { BuiltinStepError, text, type BuiltinContext, type BuiltinResult } from './builtin-context.js';

const TIMEOUT_MS = 30_000;

export async function runNotify(context: BuiltinContext): Promise<BuiltinResult> {
  const url = text(context.inputs.url) ?? '';
  const message = text(context.inputs.message);
  const payload = context.inputs.payload;
  const extra = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, JsonValue>) : payload === undefined ? {} : { payload };
  const body =
    text(context.inputs.format) === 'slack'
      ? { ...(message === undefined ? {} : { text: message }), ...extra }
      : {
          ...(message === undefined ? {} : { message }),
          pipeline: context.execution.pipelineName,
          execution_id: context.execution.executionId,
          ...extra,
        };
  const headerInput = context.inputs.headers;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (headerInput !== null && typeof headerInput === 'object' && !Array.isArray(headerInput)) {
    for (const [k, v] of Object.entries(headerInput as Record<string, JsonValue>)) headers[k.toLowerCase()] = text(v) ?? '';
  }
  let response: Response;
  try {
    response = await context.fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new BuiltinStepError(`could not POST to ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const answer = (await response.text().catch(() => '')).slice(0, 200);
  context.log(`POST ${url} → ${response.status}`);
  if (response.status < 200 || response.status >= 300) {
    throw new BuiltinStepError(`POST ${url} answered ${response.status}${answer === '' ? '' : `: ${answer}`}`);
  }
  return { outputs: { status: String(response.status) } };
}
