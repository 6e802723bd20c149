/**
 * Approval requests as the server sends them (`/api/slipway/v1/approvals`): snake_case,
 * times in milliseconds, unset fields left out. Wire types: the SDK returns the JSON the
 * server sent, unchanged.
 * @module
 */

/** `pending` until decided; `timed_out` when its deadline passed; `cancelled` with its execution. */
export type ApprovalRequestStatus = 'pending' | 'approved' | 'rejected' | 'timed_out' | 'cancelled';
export const APPROVAL_REQUEST_STATUSES: readonly ApprovalRequestStatus[] = ['pending', 'approved', 'rejected', 'timed_out', 'cancelled'];

/** The request a `slipway/approval` step opened. */
export interface ApprovalRequest {
  approval_id: string;
  execution_id: string;
  pipeline_name: string;
  step_id: string;
  /** The matrix instance key, for an instance of a matrix step. */
  instance?: string;
  message?: string;
  /** The registered model version the decision is recorded on. */
  model?: string;
  version?: string;
  /** Who may decide; empty: anyone. */
  approvers: string[];
  /** What happens at the deadline. */
  on_timeout: 'approve' | 'reject';
  status: ApprovalRequestStatus | (string & {});
  opened_time: number;
  deadline_time?: number;
  decided_time?: number;
  /** Who decided (`slipway` for a timeout or a cancel). */
  actor?: string;
  comment?: string;
  /** What the decision means for the step (also for a timeout). */
  outcome?: 'approved' | 'rejected';
}
