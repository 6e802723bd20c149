/**
 * `slipway/approval`: pauses the execution until someone approves or rejects (API, CLI or
 * UI) or the optional `timeout` passes (then the `on-timeout` outcome applies, decided by
 * `slipway`). The first attempt opens the request and POSTs the optional notification;
 * a later attempt of the same step (after a restart) re-attaches to the same request, so
 * nothing is lost. Approved: the step succeeds. Rejected: it fails with class `gate`, so
 * its dependents are `gated`. With `model` and `version`, the decision is also recorded as
 * that version's approval status in the registry (its audit trail names the decider, and
 * the model's approval policy is then satisfied) and linked in lineage.
 * @module
 */

import { SYSTEM_ACTOR, type ApprovalRequest } from '../../core/approvals/approval-request.js';
import { LINEAGE_NODE_KINDS, lineageNodeId } from '../../core/entities/lineage.js';
import { isSlipwayError } from '../../core/errors/slipway-error.js';
import { parseDuration } from '../../core/pipelines/parse-duration.js';
import type { JsonValue } from '../../core/pipelines/pipeline-model.js';
import { sendApprovalNotification } from './approval-notification.js';
import { waitForDecision } from './approval-wait.js';
import { BuiltinStepError, text, type BuiltinContext, type BuiltinResult } from './builtin-context.js';

export async function runApproval(context: BuiltinContext): Promise<BuiltinResult> {
  const approvals = context.approvals;
  if (approvals === undefined) throw new BuiltinStepError('this server keeps no approval requests, so slipway/approval cannot run');
  const now = context.now ?? Date.now;
  const model = text(context.inputs.model);
  const version = text(context.inputs.version);
  if ((model === undefined) !== (version === undefined)) throw new BuiltinStepError("give both 'model' and 'version', or neither");
  if (model !== undefined && version !== undefined) {
    // A request for a version that does not exist could never be applied: fail before anyone is asked.
    await context.registry.getModelVersion(model, version).catch((e: unknown) => {
      throw isSlipwayError(e) ? new BuiltinStepError(`cannot ask for approval of '${model}' version ${version}: ${e.message}`) : e;
    });
  }
  const timeoutInput = context.inputs.timeout;
  const seconds = timeoutInput === undefined || timeoutInput === null ? undefined : parseDuration(typeof timeoutInput === 'number' ? timeoutInput : (text(timeoutInput) ?? ''));
  if (timeoutInput !== undefined && timeoutInput !== null && seconds === undefined) {
    throw new BuiltinStepError(`invalid 'timeout' ${JSON.stringify(timeoutInput)} (a duration such as 30m, 24h or 2d)`);
  }
  const approversInput = context.inputs.approvers;
  const approvers = (Array.isArray(approversInput) ? (approversInput as readonly JsonValue[]) : approversInput === undefined ? [] : [approversInput])
    .map((a) => text(a)?.trim() ?? '')
    .filter((a) => a !== '');
  const openedTime = now();
  const { request, created } = await approvals.open({
    executionId: context.execution.executionId,
    pipelineName: context.execution.pipelineName,
    stepId: context.stepId,
    instance: context.instance,
    message: text(context.inputs.message),
    model,
    version,
    approvers,
    onTimeout: text(context.inputs['on-timeout']) === 'approve' ? 'approved' : 'rejected',
    openedTime,
    deadline: seconds === undefined ? undefined : openedTime + Math.round(seconds * 1000),
  });
  if (created) {
    context.log(
      `waiting for approval: request ${request.id}` +
        (request.approvers.length === 0 ? '' : ` (approvers: ${request.approvers.join(', ')})`) +
        (request.deadline === undefined ? '' : ` until ${new Date(request.deadline).toISOString()}, then ${request.onTimeout === 'approved' ? 'approve' : 'reject'}`),
    );
    context.log(`decide with: slipway approvals approve ${request.id} -m '…'   (or: slipway approvals reject ${request.id})`);
    await sendApprovalNotification(context, request);
  } else {
    context.log(`re-attached to approval request ${request.id} (${request.status})`);
  }

  const decided = await waitForDecision(context, approvals, request);
  if (decided === 'stop') throw new BuiltinStepError('the server is stopping; the step waits again for the same request after the restart', 'infrastructure');
  if (decided.status === 'cancelled') throw new BuiltinStepError(`approval request ${decided.id} was closed: ${decided.comment ?? 'the execution was cancelled'}`, 'cancelled');
  return applyDecision(context, decided);
}

/** Records the decision in the registry and lineage (with a model version) and turns it into the step's result. */
async function applyDecision(context: BuiltinContext, request: ApprovalRequest): Promise<BuiltinResult> {
  const outcome = request.outcome ?? 'rejected';
  const actor = request.actor ?? SYSTEM_ACTOR;
  const timedOut = request.status === 'timed_out';
  context.log(
    timedOut
      ? `no decision before the deadline: ${outcome} (on-timeout)`
      : `${outcome} by '${actor}'${request.comment === undefined ? '' : `: ${request.comment}`}`,
  );
  if (request.model !== undefined && request.version !== undefined) {
    const { model, version } = request;
    const status = outcome === 'approved' ? 'Approved' : 'Rejected';
    try {
      // After a restart the registry may have it already: record it once.
      const current = await context.registry.getModelVersion(model, version);
      if (current.approval.status !== status || current.approval.actor !== actor) {
        await context.registry.setApproval(model, version, status, request.comment ?? (timedOut ? 'timed out waiting for approval' : undefined), actor);
      }
    } catch (e) {
      if (isSlipwayError(e)) throw new BuiltinStepError(`could not record the decision on '${model}' version ${version}: ${e.message}`);
      throw e;
    }
    await context.registryStore.addLineageLink({
      from: lineageNodeId(LINEAGE_NODE_KINDS.PIPELINE_EXECUTION, context.execution.executionId),
      to: lineageNodeId(LINEAGE_NODE_KINDS.MODEL_VERSION, `${model}/${version}`),
      relation: outcome,
    });
    context.log(`'${model}' version ${version} is now ${status} in the registry`);
  }
  const outputs = { decision: outcome, status: request.status, actor, comment: request.comment ?? '', 'request-id': request.id };
  if (outcome === 'approved') return { outputs };
  const reason = timedOut
    ? `approval request ${request.id} timed out (on-timeout: reject)`
    : `rejected by '${actor}'${request.comment === undefined ? '' : `: ${request.comment}`}`;
  return { outputs, gateRejected: reason };
}
