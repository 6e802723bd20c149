import { Command, InvalidArgumentError } from 'commander';
import { APPROVAL_REQUEST_STATUSES, collect, type ApprovalRequestStatus } from '../sdk/index.js';
import { clientCommandHelp, positiveInt, runClientCommand, withClientOptions, withJsonOption } from './client-support.js';
import { renderApprovalDetail, renderApprovalList } from './approvals-view.js';

const EXAMPLES = `
Examples:
  $ slipway approvals list                      # pending requests
  $ slipway approvals list --all --pipeline deploy
  $ slipway approvals show 0190f3…
  $ slipway approvals approve 0190f3… -m "metrics look good"
  $ slipway approvals reject 0190f3… -m "drift on the new data"
  $ slipway --actor alice approvals approve 0190f3…

A request that lists approvers takes decisions only from them (the actor is --actor, else
$SLIPWAY_ACTOR, else the HTTP Basic user name); a request is decided once.

Exit status: 0 on success, 1 when the server refuses the request (PERMISSION_DENIED for
an actor who is not an approver, RESOURCE_CONFLICT for a decided request) or cannot be
reached, 2 for usage errors.`;

function statusArgument(value: string): ApprovalRequestStatus {
  const found = APPROVAL_REQUEST_STATUSES.find((s) => s === value.trim().toLowerCase());
  if (found === undefined) throw new InvalidArgumentError(`it must be one of ${APPROVAL_REQUEST_STATUSES.join(', ')}.`);
  return found;
}

/** `slipway approvals`: the approval requests of `slipway/approval` steps, and deciding them. */
export function approvalsCommand(): Command {
  const approvals = withClientOptions(
    new Command('approvals')
      .description('List and decide the approval requests that slipway/approval steps wait on.')
      .configureHelp(clientCommandHelp('approvals')),
  ).addHelpText('after', EXAMPLES);

  withJsonOption(
    approvals
      .command('list')
      .description('List approval requests, newest first: the pending ones unless --status or --all.')
      .summary('list approval requests')
      .option('--status <status>', `only requests in this status (${APPROVAL_REQUEST_STATUSES.join(', ')}; default pending)`, statusArgument)
      .option('--all', 'requests in any status')
      .option('--pipeline <name>', "only this pipeline's requests")
      .option('--execution <id>', "only this execution's requests")
      .option('--limit <n>', 'list at most n requests (default: all)', positiveInt),
  ).action(async (options: { status?: ApprovalRequestStatus; all?: boolean; pipeline?: string; execution?: string; limit?: number }, command: Command) => {
    const status = options.status ?? (options.all ? undefined : 'pending');
    await runClientCommand(
      command,
      (client) =>
        collect(
          client.approvals.iterate({ status, pipeline: options.pipeline, executionId: options.execution, pageSize: Math.min(options.limit ?? 1000, 1000) }),
          options.limit,
        ),
      { text: renderApprovalList, json: (list) => ({ approvals: list }) },
    );
  });

  withJsonOption(
    approvals.command('show').description('Show an approval request and its decision.').summary('show an approval request').argument('<id>', 'approval request id'),
  ).action(async (id: string, _options: object, command: Command) => {
    await runClientCommand(command, (client) => client.approvals.get(id), { text: renderApprovalDetail, json: (approval) => ({ approval }) });
  });

  for (const decision of ['approve', 'reject'] as const) {
    withJsonOption(
      approvals
        .command(decision)
        .description(
          decision === 'approve'
            ? 'Approve a pending request: the waiting step succeeds (and a model version it names is approved in the registry).'
            : 'Reject a pending request: the waiting step stops as a gate (and a model version it names is rejected in the registry).',
        )
        .summary(`${decision} a pending request`)
        .argument('<id>', 'approval request id')
        .option('-m, --comment <text>', 'why (recorded with the decision and in the registry audit trail)'),
    ).action(async (id: string, options: { comment?: string }, command: Command) => {
      await runClientCommand(command, (client) => client.approvals[decision](id, { comment: options.comment }), {
        text: (a) => `${decision === 'approve' ? 'Approved' : 'Rejected'} ${a.approval_id}.\n${renderApprovalDetail(a)}`,
        json: (approval) => ({ approval }),
      });
    });
  }
  return approvals;
}
