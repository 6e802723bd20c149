/**
 * The approval use cases: people list, read and decide requests (API, CLI); the
 * `slipway/approval` step opens them, waits for them and closes them on timeout or
 * cancel. A decision made here wakes the steps of this process waiting on the request at
 * once; steps in other processes sharing the database see it at their next poll.
 * @module
 */

import { ErrorCode } from '../errors/error-code.js';
import { SlipwayError } from '../errors/slipway-error.js';
import type { ApprovalStore, OpenApprovalInput } from '../ports/approval-store.js';
import { decodePageToken, nextPageToken } from '../tracking/page-token.js';
import {
  APPROVAL_REQUEST_STATUSES,
  type ApprovalDecision,
  type ApprovalOutcome,
  type ApprovalRequest,
  type ApprovalRequestStatus,
} from './approval-request.js';

/** The longest decision comment, in characters (the registry's limit, which records it too). */
export const APPROVAL_COMMENT_LENGTH = 5_000;

export interface ListApprovalsInput {
  readonly status?: string | undefined;
  readonly pipelineName?: string | undefined;
  readonly executionId?: string | undefined;
  readonly maxResults?: number | undefined;
  readonly pageToken?: string | undefined;
}

export class ApprovalService {
  readonly #store: ApprovalStore;
  readonly #now: () => number;
  readonly #watchers = new Map<string, Set<() => void>>();

  constructor(store: ApprovalStore, options: { readonly clock?: (() => number) | undefined } = {}) {
    this.#store = store;
    this.#now = options.clock ?? Date.now;
  }

  async list(input: ListApprovalsInput): Promise<{ readonly items: ApprovalRequest[]; readonly nextPageToken?: string | undefined }> {
    const limit = input.maxResults ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw SlipwayError.invalidParameter(`Invalid value ${limit} for parameter 'max_results': it must be between 1 and 1000.`);
    }
    const offset = decodePageToken(input.pageToken);
    const page = await this.#store.listRequests({
      limit,
      offset,
      status: parseApprovalRequestStatus(input.status),
      pipelineName: input.pipelineName,
      executionId: input.executionId,
    });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  get(id: string): Promise<ApprovalRequest> {
    return this.#store.getRequest(id);
  }

  /** A person's decision. Only a listed approver may decide (when the step lists them); only once. */
  async decide(id: string, outcome: ApprovalOutcome, comment: string | undefined, actor: string): Promise<ApprovalRequest> {
    if (comment !== undefined && comment.length > APPROVAL_COMMENT_LENGTH) {
      throw SlipwayError.invalidParameter(`Invalid value for parameter 'comment': it is longer than ${APPROVAL_COMMENT_LENGTH} characters.`);
    }
    const request = await this.#store.getRequest(id);
    if (request.approvers.length > 0 && !request.approvers.includes(actor)) {
      throw new SlipwayError(
        ErrorCode.PERMISSION_DENIED,
        `'${actor}' may not decide approval request ${id}: its approvers are ${request.approvers.map((a) => `'${a}'`).join(', ')}.`,
      );
    }
    return this.record(id, { status: outcome, outcome, actor, comment: comment === '' ? undefined : comment, time: this.#now() });
  }

  // --- for the slipway/approval step ---------------------------------------------------

  /** Opens the step's request, or finds the one it opened before (a restart re-attaches). */
  open(input: OpenApprovalInput): Promise<{ readonly request: ApprovalRequest; readonly created: boolean }> {
    return this.#store.openRequest(input);
  }

  /** Records a decision (RESOURCE_CONFLICT if the request is decided already) and wakes its waiters. */
  async record(id: string, decision: ApprovalDecision): Promise<ApprovalRequest> {
    const decided = await this.#store.decide(id, decision);
    for (const wake of this.#watchers.get(id) ?? []) wake();
    return decided;
  }

  /** Calls `wake` when a decision on the request is recorded through this service; returns the unsubscribe. */
  watch(id: string, wake: () => void): () => void {
    let set = this.#watchers.get(id);
    if (set === undefined) this.#watchers.set(id, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0) this.#watchers.delete(id);
    };
  }
}

/** `undefined` for none; anything but a status → INVALID_PARAMETER_VALUE naming the field. */
export function parseApprovalRequestStatus(value: string | undefined, field = 'status'): ApprovalRequestStatus | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const found = APPROVAL_REQUEST_STATUSES.find((s) => s === value.trim().toLowerCase());
  if (found === undefined) {
    throw SlipwayError.invalidParameter(
      `Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied: it must be one of ${APPROVAL_REQUEST_STATUSES.join(', ')}.`,
    );
  }
  return found;
}
