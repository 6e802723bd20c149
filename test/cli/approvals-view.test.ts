import { describe, expect, it } from 'vitest';
import { describeApprovalStatus, renderApprovalDetail, renderApprovalList } from '../../src/cli/approvals-view.js';
import type { ApprovalRequest } from '../../src/sdk/index.js';

const T = Date.UTC(2025, 5, 1, 12, 0, 0);
const pending: ApprovalRequest = {
  approval_id: '0190f3aa',
  execution_id: 'e1',
  pipeline_name: 'deploy',
  step_id: 'approve',
  message: 'Ship housing v3?\nIt beats v2.',
  model: 'housing',
  version: '3',
  approvers: ['alice', 'bob'],
  on_timeout: 'reject',
  status: 'pending',
  opened_time: T,
  deadline_time: T + 86_400_000,
};

describe('approvals CLI output', () => {
  it('lists requests in a table (messages on one line), and says so when there are none', () => {
    expect(renderApprovalList([])).toBe('No approval requests.\n');
    expect(renderApprovalList([pending, { ...pending, approval_id: '0190f3ab', step_id: 'gate', instance: 'region=north', model: undefined, version: undefined, status: 'timed_out', outcome: 'approved', deadline_time: undefined }])).toBe(
      [
        'APPROVAL ID  STATUS                PIPELINE  STEP                 MODEL       MESSAGE                        OPENED                DEADLINE',
        '0190f3aa     pending               deploy    approve              housing v3  Ship housing v3? It beats v2.  2025-06-01T12:00:00Z  2025-06-02T12:00:00Z',
        '0190f3ab     timed out (approved)  deploy    gate [region=north]  -           Ship housing v3? It beats v2.  2025-06-01T12:00:00Z  -',
        '',
      ].join('\n'),
    );
  });

  it('shows a request and, once decided, who decided when and why', () => {
    expect(renderApprovalDetail(pending)).toContain('Approvers:     alice, bob\n');
    expect(renderApprovalDetail(pending)).toContain('Deadline:      2025-06-02T12:00:00Z (then reject)\n');
    expect(renderApprovalDetail(pending)).not.toContain('Decided:');
    const decided = renderApprovalDetail({ ...pending, approvers: [], status: 'approved', outcome: 'approved', actor: 'alice', comment: 'lgtm', decided_time: T + 60_000 });
    expect(decided).toContain('Status:        approved by alice\n');
    expect(decided).toContain('Approvers:     anyone\n');
    expect(decided).toContain('Decided:       2025-06-01T12:01:00Z by alice\n');
    expect(decided).toContain('Comment:       lgtm\n');
    expect(describeApprovalStatus({ ...pending, status: 'cancelled' })).toBe('cancelled');
  });
});
