/**
 * An approval request: what a `slipway/approval` step waits on until someone decides it
 * (or its deadline passes). One per step (or matrix instance) of an execution.
 * @module
 */

/**
 * `pending` until decided; `timed_out` when the deadline passed (its `outcome` is the
 * step's `on-timeout`); `cancelled` when the execution was cancelled while it waited.
 */
export const APPROVAL_REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'timed_out', 'cancelled'] as const;
export type ApprovalRequestStatus = (typeof APPROVAL_REQUEST_STATUSES)[number];

/** What a decided request means for its step: it goes on, or it stops as a gate. */
export type ApprovalOutcome = 'approved' | 'rejected';

/** The actor recorded for decisions Slipway makes itself (a timeout, a cancel). */
export const SYSTEM_ACTOR = 'slipway';

export interface ApprovalRequest {
  readonly id: string;
  readonly executionId: string;
  readonly pipelineName: string;
  readonly stepId: string;
  /** The matrix instance key, for an instance of a matrix step. */
  readonly instance?: string | undefined;
  readonly message?: string | undefined;
  /** The registered model whose version this request decides. */
  readonly model?: string | undefined;
  readonly version?: string | undefined;
  /** Who may decide; empty: anyone. */
  readonly approvers: readonly string[];
  readonly onTimeout: ApprovalOutcome;
  readonly status: ApprovalRequestStatus;
  readonly openedTime: number;
  /** When it times out (absent: it waits until decided). */
  readonly deadline?: number | undefined;
  readonly decidedTime?: number | undefined;
  /** Who decided (`slipway` for a timeout or a cancel). */
  readonly actor?: string | undefined;
  readonly comment?: string | undefined;
  /** Set once decided, except when cancelled. */
  readonly outcome?: ApprovalOutcome | undefined;
}

/** A decision as the store records it, only on a pending request. */
export interface ApprovalDecision {
  readonly status: Exclude<ApprovalRequestStatus, 'pending'>;
  readonly outcome?: ApprovalOutcome | undefined;
  readonly actor: string;
  readonly comment?: string | undefined;
  readonly time: number;
}
