import type { ApprovalDecision, ApprovalRequest, ApprovalRequestStatus } from '../approvals/approval-request.js';
import type { Page, Paging } from './tracking-store.js';

/**
 * The approval requests of `slipway/approval` steps.
 *
 * Implementer's notes — every adapter must keep these invariants (checked by
 * `test/contract/approval-store.contract.ts`):
 * - `openRequest` is idempotent per (execution, step, instance): a second call returns the
 *   request the first one stored (`created: false`), whatever else it is given. This is what
 *   lets a step re-attach to its request after a restart.
 * - `decide` is atomic and applies once: only a `pending` request changes; otherwise it
 *   throws RESOURCE_CONFLICT naming the current status (two deciders, two processes: one
 *   wins). Unknown ids → RESOURCE_DOES_NOT_EXIST.
 */
export interface ApprovalStore {
  openRequest(input: OpenApprovalInput): Promise<{ readonly request: ApprovalRequest; readonly created: boolean }>;
  getRequest(id: string): Promise<ApprovalRequest>;
  /** Newest first. */
  listRequests(query: ListApprovalsQuery): Promise<Page<ApprovalRequest>>;
  decide(id: string, decision: ApprovalDecision): Promise<ApprovalRequest>;
}

export type OpenApprovalInput = Omit<ApprovalRequest, 'id' | 'status' | 'decidedTime' | 'actor' | 'comment' | 'outcome'>;

export interface ListApprovalsQuery extends Paging {
  readonly status?: ApprovalRequestStatus | undefined;
  readonly pipelineName?: string | undefined;
  readonly executionId?: string | undefined;
}
