import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ApprovalDecision, ApprovalOutcome, ApprovalRequest, ApprovalRequestStatus } from '../../core/approvals/approval-request.js';
import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { ListApprovalsQuery, OpenApprovalInput } from '../../core/ports/approval-store.js';
import type { Page } from '../../core/ports/tracking-store.js';
import type { ApprovalRequestsTable, Database } from '../database-schema.js';

type Db = Kysely<Database>;

/** Inserts the request unless the step already has one; returns the stored one either way. */
export async function openRequest(db: Db, input: OpenApprovalInput): Promise<{ request: ApprovalRequest; created: boolean }> {
  const row: ApprovalRequestsTable = {
    request_id: newRequestId(input.openedTime),
    execution_id: input.executionId,
    pipeline_name: input.pipelineName,
    step_id: input.stepId,
    instance: input.instance ?? '',
    message: input.message ?? null,
    model_name: input.model ?? null,
    model_version: input.version ?? null,
    approvers: JSON.stringify(input.approvers),
    on_timeout: input.onTimeout,
    status: 'pending',
    opened_time: input.openedTime,
    deadline_time: input.deadline ?? null,
    decided_time: null,
    actor: null,
    comment: null,
    outcome: null,
  };
  await db
    .insertInto('approval_requests')
    .values(row)
    .onConflict((oc) => oc.columns(['execution_id', 'step_id', 'instance']).doNothing())
    .execute();
  const stored = await db
    .selectFrom('approval_requests')
    .selectAll()
    .where('execution_id', '=', row.execution_id)
    .where('step_id', '=', row.step_id)
    .where('instance', '=', row.instance)
    .executeTakeFirstOrThrow();
  return { request: toRequest(stored), created: stored.request_id === row.request_id };
}

export async function fetchRequest(db: Db, id: string): Promise<ApprovalRequest> {
  const row = await db.selectFrom('approval_requests').selectAll().where('request_id', '=', id).executeTakeFirst();
  if (row === undefined) throw SlipwayError.notFound(`Approval request '${id}' not found.`);
  return toRequest(row);
}

export async function listRequests(db: Db, query: ListApprovalsQuery): Promise<Page<ApprovalRequest>> {
  let q = db.selectFrom('approval_requests').selectAll();
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  if (query.pipelineName !== undefined) q = q.where('pipeline_name', '=', query.pipelineName);
  if (query.executionId !== undefined) q = q.where('execution_id', '=', query.executionId);
  const rows = await q
    .orderBy('opened_time', 'desc')
    .orderBy('request_id', 'desc')
    .limit(query.limit + 1)
    .offset(query.offset)
    .execute();
  return { items: rows.slice(0, query.limit).map(toRequest), hasMore: rows.length > query.limit };
}

/** One conditional update: only a pending request is decided, so of two deciders one wins. */
export async function decideRequest(db: Db, id: string, decision: ApprovalDecision): Promise<ApprovalRequest> {
  const result = await db
    .updateTable('approval_requests')
    .set({
      status: decision.status,
      outcome: decision.outcome ?? null,
      actor: decision.actor,
      comment: decision.comment ?? null,
      decided_time: decision.time,
    })
    .where('request_id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  const request = await fetchRequest(db, id);
  if (Number(result.numUpdatedRows) === 0) {
    throw new SlipwayError(
      ErrorCode.RESOURCE_CONFLICT,
      `Approval request '${id}' is already ${request.status.replace('_', ' ')}${request.actor === undefined ? '' : ` (by '${request.actor}')`}: it can be decided only once.`,
    );
  }
  return request;
}

export function toRequest(row: Selectable<ApprovalRequestsTable>): ApprovalRequest {
  return {
    id: row.request_id,
    executionId: row.execution_id,
    pipelineName: row.pipeline_name,
    stepId: row.step_id,
    ...(row.instance === '' ? {} : { instance: row.instance }),
    ...(row.message === null ? {} : { message: row.message }),
    ...(row.model_name === null ? {} : { model: row.model_name }),
    ...(row.model_version === null ? {} : { version: row.model_version }),
    approvers: JSON.parse(row.approvers) as string[],
    onTimeout: row.on_timeout as ApprovalOutcome,
    status: row.status as ApprovalRequestStatus,
    openedTime: Number(row.opened_time),
    ...(row.deadline_time === null ? {} : { deadline: Number(row.deadline_time) }),
    ...(row.decided_time === null ? {} : { decidedTime: Number(row.decided_time) }),
    ...(row.actor === null ? {} : { actor: row.actor }),
    ...(row.comment === null ? {} : { comment: row.comment }),
    ...(row.outcome === null ? {} : { outcome: row.outcome as ApprovalOutcome }),
  };
}

/** 32 hex characters, the first 12 the opening time, so ids sort by creation. */
function newRequestId(now: number): string {
  return now.toString(16).padStart(12, '0').slice(-12) + randomBytes(10).toString('hex');
}
