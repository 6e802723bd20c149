import type { ApprovalRequest } from '../../core/approvals/approval-request.js';
import type { Wire } from '../mlflow/wire-format.js';

/** An approval request as Slipway's API sends it: snake_case, times in milliseconds, unset fields left out. */
export function wireApproval(r: ApprovalRequest): Wire {
  const out: Wire = {
    approval_id: r.id,
    execution_id: r.executionId,
    pipeline_name: r.pipelineName,
    step_id: r.stepId,
    approvers: [...r.approvers],
    on_timeout: r.onTimeout === 'approved' ? 'approve' : 'reject',
    status: r.status,
    opened_time: r.openedTime,
  };
  if (r.instance !== undefined) out.instance = r.instance;
  if (r.message !== undefined) out.message = r.message;
  if (r.model !== undefined) out.model = r.model;
  if (r.version !== undefined) out.version = r.version;
  if (r.deadline !== undefined) out.deadline_time = r.deadline;
  if (r.decidedTime !== undefined) out.decided_time = r.decidedTime;
  if (r.actor !== undefined) out.actor = r.actor;
  if (r.comment !== undefined) out.comment = r.comment;
  if (r.outcome !== undefined) out.outcome = r.outcome;
  return out;
}
