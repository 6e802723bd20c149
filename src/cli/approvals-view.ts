import type { ApprovalRequest } from '../sdk/index.js';
import { formatTime, keyValueBlock } from './models-view.js';
import { formatTable, singleLine } from './text-table.js';

/**
 * What `slipway approvals …` prints for people (scripts use `--json`): pure functions from
 * the SDK's wire objects to text.
 * @module
 */

/** `housing v3`, or `-` for a request about no model version. */
function subject(a: ApprovalRequest): string {
  return a.model === undefined ? '-' : `${a.model} v${a.version ?? '?'}`;
}

/** `approved by alice`, `timed out (rejected)`, `pending`. */
export function describeApprovalStatus(a: ApprovalRequest): string {
  if (a.status === 'pending') return 'pending';
  if (a.status === 'timed_out') return `timed out (${a.outcome ?? 'rejected'})`;
  if (a.status === 'cancelled') return 'cancelled';
  return `${a.status} by ${a.actor ?? '?'}`;
}

export function renderApprovalList(approvals: readonly ApprovalRequest[]): string {
  if (approvals.length === 0) return 'No approval requests.\n';
  return formatTable(
    [
      { header: 'APPROVAL ID' },
      { header: 'STATUS', maxWidth: 30 },
      { header: 'PIPELINE', maxWidth: 30 },
      { header: 'STEP', maxWidth: 30 },
      { header: 'MODEL', maxWidth: 30 },
      { header: 'MESSAGE', maxWidth: 50 },
      { header: 'OPENED' },
      { header: 'DEADLINE' },
    ],
    approvals.map((a) => [
      a.approval_id,
      describeApprovalStatus(a),
      a.pipeline_name,
      a.instance === undefined ? a.step_id : `${a.step_id} [${a.instance}]`,
      subject(a),
      singleLine(a.message ?? ''),
      formatTime(a.opened_time),
      a.deadline_time === undefined ? '-' : formatTime(a.deadline_time),
    ]),
  );
}

export function renderApprovalDetail(a: ApprovalRequest): string {
  const fields: [string, string[]][] = [
    ['Approval ID', [a.approval_id]],
    ['Status', [describeApprovalStatus(a)]],
    ['Message', [a.message === undefined ? '-' : singleLine(a.message)]],
    ['Pipeline', [a.pipeline_name]],
    ['Execution', [a.execution_id]],
    ['Step', [a.instance === undefined ? a.step_id : `${a.step_id} [${a.instance}]`]],
    ['Model version', [subject(a)]],
    ['Approvers', [a.approvers.length === 0 ? 'anyone' : a.approvers.join(', ')]],
    ['Opened', [formatTime(a.opened_time)]],
    ['Deadline', [a.deadline_time === undefined ? 'none' : `${formatTime(a.deadline_time)} (then ${a.on_timeout})`]],
  ];
  if (a.decided_time !== undefined) {
    fields.push(['Decided', [`${formatTime(a.decided_time)} by ${a.actor ?? '?'}`]], ['Comment', [a.comment === undefined ? '-' : singleLine(a.comment)]]);
  }
  return keyValueBlock(fields);
}
