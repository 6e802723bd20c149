import { Type } from '@sinclair/typebox';
import type { ApprovalService } from '../../core/approvals/approval-service.js';
import { APPROVAL_COMMENT_LENGTH } from '../../core/approvals/approval-service.js';
import { APPROVAL_REQUEST_STATUSES } from '../../core/approvals/approval-request.js';
import { Int64, Required } from '../http/proto-schema.js';
import { mlflowRoute, type MlflowRoute } from '../mlflow/mlflow-route.js';
import { withPageToken } from '../mlflow/wire-format.js';
import { wireApproval } from './approval-wire-format.js';

const ApprovalId = Required(Type.String({ description: 'Approval request id.' }));
const Decision = Type.Object({
  approval_id: ApprovalId,
  comment: Type.Optional(Type.String({ maxLength: APPROVAL_COMMENT_LENGTH, description: 'Why (recorded with the decision, and in the registry for a model version).' })),
});

/**
 * Slipway's approvals API (`/api/slipway/v1/approvals`, mirrored under `/ajax-api`): the
 * requests `slipway/approval` steps open, and deciding them. The decider is the request's
 * actor (`X-Slipway-Actor`); a request that lists approvers takes only theirs (403
 * PERMISSION_DENIED), and only once (409 RESOURCE_CONFLICT naming its status).
 */
export function approvalRoutes(approvals: ApprovalService): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['GET'],
      path: '/approvals',
      summary: 'List approval requests, newest first',
      request: Type.Object({
        status: Type.Optional(Type.String({ description: `Only requests in this status: ${APPROVAL_REQUEST_STATUSES.join(', ')}.` })),
        pipeline: Type.Optional(Type.String({ description: "Only this pipeline's requests." })),
        execution_id: Type.Optional(Type.String({ description: "Only this execution's requests." })),
        max_results: Type.Optional(Int64('Page size: 1-1000 (default 100).')),
        page_token: Type.Optional(Type.String({ description: 'The next_page_token of the previous page.' })),
      }),
      handler: async (r) => {
        const page = await approvals.list({
          status: r.status,
          pipelineName: emptyToUndefined(r.pipeline),
          executionId: emptyToUndefined(r.execution_id),
          maxResults: r.max_results,
          pageToken: emptyToUndefined(r.page_token),
        });
        return withPageToken({ approvals: page.items.map(wireApproval) }, page.nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/approvals/:approval_id',
      summary: 'An approval request',
      request: Type.Object({ approval_id: ApprovalId }),
      handler: async (r) => ({ approval: wireApproval(await approvals.get(r.approval_id)) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/approvals/:approval_id/approve',
      summary: 'Approve a pending request: its step succeeds (and a model version it names is approved in the registry)',
      request: Decision,
      handler: async (r, c) => ({ approval: wireApproval(await approvals.decide(r.approval_id, 'approved', r.comment, c.actor)) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/approvals/:approval_id/reject',
      summary: 'Reject a pending request: its step stops as a gate (and a model version it names is rejected in the registry)',
      request: Decision,
      handler: async (r, c) => ({ approval: wireApproval(await approvals.decide(r.approval_id, 'rejected', r.comment, c.actor)) }),
    }),
  ];
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
