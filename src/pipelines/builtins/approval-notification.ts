/**
 * The POST a `slipway/approval` step sends when its request opens (`notify: {url, format}`),
 * as `slipway/notify` sends it: `format: slack` is Slack's `{text}`, `json` (default) the
 * request's fields. A failure to notify is written to the step's log and is not fatal: the
 * request is open and can be decided anyway.
 * @module
 */

import type { ApprovalRequest } from '../../core/approvals/approval-request.js';
import type { JsonValue } from '../../core/pipelines/pipeline-model.js';
import { text, type BuiltinContext } from './builtin-context.js';

const TIMEOUT_MS = 30_000;

export async function sendApprovalNotification(context: BuiltinContext, request: ApprovalRequest): Promise<void> {
  const notify = context.inputs.notify;
  if (notify === undefined || notify === null || typeof notify !== 'object' || Array.isArray(notify)) return;
  const fields = notify as Readonly<Record<string, JsonValue>>;
  const url = text(fields.url) ?? '';
  const what = request.model === undefined ? '' : ` ('${request.model}' version ${request.version ?? ''})`;
  const summary =
    `${request.message ?? `Approval needed for step '${request.stepId}' of ${request.pipelineName}${what}`}\n` +
    `Approve: slipway approvals approve ${request.id} -m '…'  ·  Reject: slipway approvals reject ${request.id} -m '…'` +
    (request.deadline === undefined ? '' : `\nDecide by ${new Date(request.deadline).toISOString()} (then: ${request.onTimeout === 'approved' ? 'approve' : 'reject'})`);
  const body =
    text(fields.format) === 'slack'
      ? { text: summary }
      : {
          event: 'approval.opened',
          approval_id: request.id,
          message: request.message ?? summary,
          pipeline: request.pipelineName,
          execution_id: request.executionId,
          step_id: request.stepId,
          ...(request.instance === undefined ? {} : { instance: request.instance }),
          ...(request.model === undefined ? {} : { model: request.model, version: request.version }),
          approvers: request.approvers,
          ...(request.deadline === undefined ? {} : { deadline_timestamp: request.deadline, on_timeout: request.onTimeout }),
        };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const headerInput = fields.headers;
  if (headerInput !== null && typeof headerInput === 'object' && !Array.isArray(headerInput)) {
    for (const [k, v] of Object.entries(headerInput as Record<string, JsonValue>)) headers[k.toLowerCase()] = text(v) ?? '';
  }
  try {
    const response = await context.fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
    await response.arrayBuffer().catch(() => undefined);
    context.log(
      response.ok
        ? `notified ${url} (${response.status})`
        : `could not notify ${url}: it answered ${response.status} (the request is open anyway)`,
    );
  } catch (e) {
    context.log(`could not notify ${url}: ${e instanceof Error ? e.message : String(e)} (the request is open anyway)`);
  }
}
