import type { HttpTransport, QueryValue } from '../http-transport.js';
import { iterate, type Page } from '../paging.js';
import type { ApprovalRequest, ApprovalRequestStatus } from './approval-types.js';

const SLIPWAY = '/api/slipway/v1';

export interface ListApprovalsOptions {
  readonly status?: ApprovalRequestStatus | undefined;
  /** Only this pipeline's requests. */
  readonly pipeline?: string | undefined;
  readonly executionId?: string | undefined;
  /** Page size (1–1000; server default 100). */
  readonly maxResults?: number | undefined;
  /** A `nextPageToken` from the previous page. */
  readonly pageToken?: string | undefined;
}

/**
 * Approval requests of `slipway/approval` steps, and deciding them. The decision is
 * recorded under the client's actor (`actor` option, `X-Slipway-Actor`); a request that
 * lists approvers refuses others (403), and a decided one refuses a second decision (409).
 *
 * ```ts
 * for await (const a of client.approvals.iterate({ status: 'pending' })) console.log(a.approval_id, a.message);
 * await client.approvals.approve(id, { comment: 'metrics look good' });
 * ```
 */
export class ApprovalsClient {
  readonly #http: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#http = transport;
  }

  /** One page of requests, newest first. */
  async list(options: ListApprovalsOptions = {}): Promise<Page<ApprovalRequest>> {
    const query: Record<string, QueryValue> = {
      status: options.status,
      pipeline: options.pipeline,
      execution_id: options.executionId,
      max_results: options.maxResults,
      page_token: options.pageToken,
    };
    const res = await this.#http.request<{ approvals?: ApprovalRequest[]; next_page_token?: string }>({ method: 'GET', path: `${SLIPWAY}/approvals`, query });
    const items = res.approvals ?? [];
    return res.next_page_token === undefined || res.next_page_token === '' ? { items } : { items, nextPageToken: res.next_page_token };
  }

  /** Every matching request, newest first, fetched `pageSize` at a time as the loop goes. */
  iterate(options: Omit<ListApprovalsOptions, 'maxResults' | 'pageToken'> & { pageSize?: number | undefined } = {}): AsyncGenerator<ApprovalRequest, void, undefined> {
    return iterate((pageToken) => this.list({ ...options, maxResults: options.pageSize, pageToken }));
  }

  async get(approvalId: string): Promise<ApprovalRequest> {
    return (await this.#http.request<{ approval: ApprovalRequest }>({ method: 'GET', path: approvalPath(approvalId) })).approval;
  }

  /** Approves a pending request: its step succeeds (and a model version it names is approved in the registry). */
  approve(approvalId: string, options: { comment?: string | undefined } = {}): Promise<ApprovalRequest> {
    return this.#decide(approvalId, 'approve', options.comment);
  }

  /** Rejects a pending request: its step stops as a gate (and a model version it names is rejected in the registry). */
  reject(approvalId: string, options: { comment?: string | undefined } = {}): Promise<ApprovalRequest> {
    return this.#decide(approvalId, 'reject', options.comment);
  }

  async #decide(approvalId: string, decision: 'approve' | 'reject', comment: string | undefined): Promise<ApprovalRequest> {
    const res = await this.#http.request<{ approval: ApprovalRequest }>({ method: 'POST', path: `${approvalPath(approvalId)}/${decision}`, body: { comment } });
    return res.approval;
  }
}

function approvalPath(approvalId: string): string {
  return `${SLIPWAY}/approvals/${encodeURIComponent(approvalId)}`;
}
