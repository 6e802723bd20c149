import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Execution } from '../../../src/core/pipelines/execution-model.js';
import { INTERRUPTED_MESSAGE } from '../../../src/pipelines/engine/finish-attempt.js';
import { createApprovalHarness, type ApprovalHarness } from '../../support/approval-harness.js';
import { stepOf } from '../../support/engine-harness.js';
import { BACKENDS } from '../../support/test-databases.js';
import { startReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';
import { dedent, yamlErrors } from '../support.js';

const HOUR = 3_600_000;

/** Waits on approval of a version of `housing`, then points `production` at it; `after` runs after the approval too. */
const deploy = (approval: string): string =>
  dedent(`
    name: deploy
    params:
      version: { type: string, default: '1' }
    steps:
      - id: approve
        uses: slipway/approval
        with:
          model: housing
          version: \${{ params.version }}
          message: Promote housing v\${{ params.version }} to production?
${approval.split('\n').map((l) => `          ${l}`).join('\n')}
      - id: promote
        needs: approve
        uses: slipway/promote
        with: { name: housing, version: '\${{ params.version }}', alias: production }
      - id: after
        needs: approve
        run: echo decided by \${{ steps.approve.outputs.actor }}
  `);

const waiting = (e: Execution): boolean => stepOf(e, 'approve').status === 'running';

describe('slipway/approval inputs', () => {
  it('are checked when the pipeline is validated, at the line of the input', () => {
    expect(
      yamlErrors(`
        name: bad
        steps:
          - id: approve
            uses: slipway/approval
            with:
              model: housing
              timeout: soon
              on-timeout: maybe
              notify: { url: 'ftp://x', format: slack }
              approver: [alice]
          - id: again
            uses: slipway/approval
            with: { on-timeout: approve }
      `),
    ).toEqual([
      "pipeline.yaml:6:14: give both 'model' and 'version', or neither",
      "pipeline.yaml:7:16: invalid timeout 'soon' (a duration such as 30m, 24h or 2d)",
      "pipeline.yaml:8:19: 'on-timeout' must be one of 'reject' or 'approve', not 'maybe'",
      "pipeline.yaml:9:22: 'ftp://x' is not an http(s) URL",
      "pipeline.yaml:10:7: slipway/approval has no input 'approver' (did you mean 'approvers'?)",
      "pipeline.yaml:13:25: 'on-timeout' only goes with 'timeout'",
    ]);
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: slipway/approval`, () => {
    let h: ApprovalHarness;
    beforeEach(async () => {
      h = await createApprovalHarness(backend);
      await h.registry.createRegisteredModel({ name: 'housing' }, 'trainer');
      await h.registry.createModelVersion({ name: 'housing', source: 'mlflow-artifacts:/housing/model' }, 'trainer');
      // Production needs an approved version: the approval step is what satisfies the policy.
      await h.registry.setApprovalPolicy('housing', { protectedAliases: ['production'], protectedStages: [] }, 'admin');
    });
    afterEach(async () => {
      await h.close();
    });

    it('waits without failing, then an approval lets the dependents run and approves the version in the registry, with lineage', async () => {
      const started = await h.run(deploy('approvers: [alice, bob]'));
      await h.wait(started.executionId, waiting);
      const request = await h.request(started.executionId);
      expect(request).toMatchObject({ status: 'pending', model: 'housing', version: '1', approvers: ['alice', 'bob'], message: 'Promote housing v1 to production?' });
      await new Promise((r) => setTimeout(r, 300));
      const still = await h.engine.getExecution(started.executionId);
      expect(still.status).toBe('running');
      expect(stepOf(still, 'promote').status).toBe('pending');

      // Not an approver: refused, nothing decided.
      await expect(h.approvals.decide(request.id, 'approved', 'me too', 'mallory')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      await h.approvals.decide(request.id, 'approved', 'metrics look good', 'alice');
      const e = await h.wait(started.executionId);
      expect(e.status).toBe('succeeded');
      expect(stepOf(e, 'approve')).toMatchObject({
        status: 'succeeded',
        outputs: { decision: 'approved', status: 'approved', actor: 'alice', comment: 'metrics look good', 'request-id': request.id },
      });
      expect(stepOf(e, 'promote').status).toBe('succeeded');
      expect(stepOf(e, 'after').status).toBe('succeeded');
      expect(await h.logs(e.executionId, 'after')).toContain('decided by alice');

      const version = await h.registry.getModelVersion('housing', 1);
      expect(version.approval).toMatchObject({ status: 'Approved', actor: 'alice', comment: 'metrics look good' });
      expect(version.aliases).toEqual(['production']);
      const audit = await h.registry.listChanges({ name: 'housing', version: 1, types: ['model_version.approval_changed'] });
      expect(audit).toEqual([expect.objectContaining({ actor: 'alice', to: 'Approved', comment: 'metrics look good' })]);
      const lineage = await h.registry.lineage('housing', 1);
      expect(lineage.edges).toContainEqual({ from: `pipeline_execution:${e.executionId}`, to: 'model_version:housing/1', relation: 'approved' });

      // Decided once: a second decision is a conflict naming the status.
      const second = await h.approvals.decide(request.id, 'rejected', undefined, 'bob').catch((err: unknown) => err);
      expect(second).toMatchObject({ code: 'RESOURCE_CONFLICT' });
      expect((second as Error).message).toContain("already approved (by 'alice')");
      expect(await h.logs(e.executionId, 'approve')).toContain(`waiting for approval: request ${request.id} (approvers: alice, bob)`);
    });

    it('a rejection stops the dependents as gated and rejects the version in the registry', async () => {
      const started = await h.run(deploy(''));
      await h.wait(started.executionId, waiting);
      const request = await h.request(started.executionId);
      await h.approvals.decide(request.id, 'rejected', 'drift on the new data', 'carol');
      const e = await h.wait(started.executionId);
      expect(stepOf(e, 'approve')).toMatchObject({ status: 'failed', failureClass: 'gate', outputs: { decision: 'rejected', actor: 'carol' } });
      expect(stepOf(e, 'approve').reason).toBe("rejected by 'carol': drift on the new data");
      expect(stepOf(e, 'promote').status).toBe('gated');
      expect(stepOf(e, 'after').status).toBe('gated');
      expect(e.status).toBe('succeeded');
      expect(e.reason).toMatch(/^stopped at gate 'approve'/);
      expect((await h.registry.getModelVersion('housing', 1)).approval).toMatchObject({ status: 'Rejected', actor: 'carol' });
      expect((await h.registry.lineage('housing', 1)).edges).toContainEqual({
        from: `pipeline_execution:${e.executionId}`,
        to: 'model_version:housing/1',
        relation: 'rejected',
      });
    });

    it('times out on the engine clock with on-timeout reject: gated, decided by slipway', async () => {
      const started = await h.run(deploy('timeout: 1h'));
      await h.wait(started.executionId, waiting);
      const request = await h.request(started.executionId);
      expect(request.deadline).toBe(request.openedTime + HOUR);
      h.clock += HOUR - 1_000;
      await new Promise((r) => setTimeout(r, 300));
      expect((await h.store.getRequest(request.id)).status).toBe('pending');
      h.clock += 2_000;
      const e = await h.wait(started.executionId);
      expect(stepOf(e, 'approve')).toMatchObject({ status: 'failed', failureClass: 'gate', outputs: { decision: 'rejected', status: 'timed_out', actor: 'slipway' } });
      expect(stepOf(e, 'promote').status).toBe('gated');
      expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'timed_out', outcome: 'rejected', actor: 'slipway' });
      expect((await h.registry.getModelVersion('housing', 1)).approval).toMatchObject({ status: 'Rejected', actor: 'slipway' });
    });

    it('times out with on-timeout approve: the dependents run', async () => {
      const started = await h.run(deploy('timeout: 30m\non-timeout: approve'));
      await h.wait(started.executionId, waiting);
      // The deadline counts from when the request opened: move the clock only after that.
      await h.request(started.executionId);
      h.clock += HOUR;
      const e = await h.wait(started.executionId);
      expect(e.status).toBe('succeeded');
      expect(stepOf(e, 'approve').outputs).toMatchObject({ decision: 'approved', status: 'timed_out', actor: 'slipway' });
      expect(stepOf(e, 'promote').status).toBe('succeeded');
      expect((await h.registry.getModelVersion('housing', 1)).aliases).toEqual(['production']);
    });

    it('a restart while waiting keeps the request; the decision after the restart completes the execution', async () => {
      const started = await h.run(deploy('timeout: 2h'));
      await h.wait(started.executionId, waiting);
      const request = await h.request(started.executionId);
      await h.restart();
      // The step waits again on the same request (a new attempt, the interrupted one not counted).
      const resumed = await h.wait(started.executionId, (e) => waiting(e) && stepOf(e, 'approve').attempts.length === 2);
      expect(stepOf(resumed, 'approve').attempts[0]).toMatchObject({
        status: 'failed',
        message: INTERRUPTED_MESSAGE,
      });
      expect(await h.store.listRequests({ limit: 10, offset: 0, executionId: started.executionId })).toMatchObject({ items: [{ id: request.id, status: 'pending' }] });
      await waitFor(async () => (await h.logs(started.executionId, 'approve', 2)).includes(`re-attached to approval request ${request.id} (pending)`));
      await h.approvals.decide(request.id, 'approved', undefined, 'alice');
      const e = await h.wait(started.executionId);
      expect(e.status).toBe('succeeded');
      expect(stepOf(e, 'promote').status).toBe('succeeded');
    });

    it('after a crash (an attempt left running), recovery re-attaches the step to its request instead of failing it', async () => {
      const started = await h.run(deploy(''));
      await h.wait(started.executionId, waiting);
      const request = await h.request(started.executionId);
      await h.stop();
      // What a process killed with -9 leaves behind: the step running, its attempt running.
      const record = await h.pipelines.getExecution(started.executionId);
      const row = record.steps.find((s) => s.stepId === 'approve')!;
      const attempt = { attempt: 2, status: 'running' as const, startedTime: h.clock };
      await h.pipelines.applyTransition({
        executionId: started.executionId,
        steps: [{ ...row, status: 'running' }],
        attempts: [{ ...attempt, stepId: 'approve', instance: undefined }],
      });
      await h.start();
      const resumed = await h.wait(started.executionId, (e) => waiting(e) && stepOf(e, 'approve').attempts.length === 3);
      expect(stepOf(resumed, 'approve').attempts[1]).toMatchObject({
        status: 'failed',
        failureClass: 'infrastructure',
        message: 'the server stopped while this step waited for approval; it waits again after the restart',
      });
      await waitFor(async () => (await h.logs(started.executionId, 'approve', 3)).includes(`re-attached to approval request ${request.id} (pending)`));
      await h.approvals.decide(request.id, 'rejected', 'not now', 'alice');
      const e = await h.wait(started.executionId);
      expect(stepOf(e, 'approve')).toMatchObject({ status: 'failed', failureClass: 'gate', reason: "rejected by 'alice': not now" });
      expect(stepOf(e, 'promote').status).toBe('gated');
    });

    it('a matrix approval step opens one request per instance, each decided on its own', async () => {
      const started = await h.run(
        dedent(`
          name: regions
          steps:
            - id: approve
              matrix: { region: [north, south] }
              uses: slipway/approval
              with: { message: 'Deploy to \${{ matrix.region }}?' }
        `),
      );
      const requests = await waitForValue(async () => {
        const page = await h.store.listRequests({ limit: 10, offset: 0, executionId: started.executionId });
        return page.items.length === 2 ? page.items : undefined;
      });
      const byInstance = new Map(requests.map((r) => [r.instance, r]));
      expect([...byInstance.keys()].sort()).toEqual(['region=north', 'region=south']);
      expect(byInstance.get('region=north')?.message).toBe('Deploy to north?');
      await h.approvals.decide(byInstance.get('region=north')!.id, 'approved', undefined, 'alice');
      await h.approvals.decide(byInstance.get('region=south')!.id, 'rejected', 'not yet', 'alice');
      const e = await h.wait(started.executionId);
      expect(stepOf(e, 'approve', 'region=north')).toMatchObject({ status: 'succeeded', outputs: { decision: 'approved' } });
      expect(stepOf(e, 'approve', 'region=south')).toMatchObject({ status: 'failed', failureClass: 'gate', reason: "rejected by 'alice': not yet" });
    });

    it('sees a decision recorded by another process (another service on the same database) at its next poll', async () => {
      const started = await h.run(deploy(''));
      await h.wait(started.executionId, waiting);
      const request = await h.request(started.executionId);
      // Straight to the store: no in-process wake-up.
      await h.store.decide(request.id, { status: 'approved', outcome: 'approved', actor: 'dave', time: h.clock });
      const e = await h.wait(started.executionId);
      expect(stepOf(e, 'approve').outputs).toMatchObject({ decision: 'approved', actor: 'dave' });
    });

    it('cancelling the execution while it waits closes the request and cancels the step', async () => {
      const started = await h.run(deploy(''));
      await h.wait(started.executionId, waiting);
      const request = await h.request(started.executionId);
      await h.engine.cancelExecution(started.executionId, 'erin');
      const e = await h.wait(started.executionId);
      expect(e.status).toBe('cancelled');
      expect(stepOf(e, 'approve').status).toBe('cancelled');
      expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'cancelled', actor: 'slipway' });
      await expect(h.approvals.decide(request.id, 'approved', undefined, 'alice')).rejects.toMatchObject({ code: 'RESOURCE_CONFLICT' });
    });

    describe('notification', () => {
      let receiver: WebhookReceiver;
      beforeEach(async () => {
        receiver = await startReceiver();
      });
      afterEach(async () => {
        await receiver.close();
      });

      it('POSTs to the notify URL when the request opens; a failing receiver is logged, not fatal', async () => {
        const started = await h.run(deploy(`notify: { url: '${receiver.url}' }`));
        await h.wait(started.executionId, waiting);
        const request = await h.request(started.executionId);
        await waitFor(() => receiver.received.length === 1);
        expect(receiver.received[0]!.json).toMatchObject({
          event: 'approval.opened',
          approval_id: request.id,
          message: 'Promote housing v1 to production?',
          pipeline: 'deploy',
          execution_id: started.executionId,
          step_id: 'approve',
          model: 'housing',
          version: '1',
        });
        await h.approvals.decide(request.id, 'approved', undefined, 'alice');
        expect((await h.wait(started.executionId)).status).toBe('succeeded');

        receiver.respond(() => 500);
        const slack = await h.run(deploy(`notify: { url: '${receiver.url}', format: slack }`));
        await h.wait(slack.executionId, waiting);
        await waitFor(() => receiver.received.length === 2);
        expect(Object.keys(receiver.received[1]!.json)).toEqual(['text']);
        expect(String(receiver.received[1]!.json.text)).toContain('Promote housing v1 to production?');
        await waitFor(async () => (await h.logs(slack.executionId, 'approve')).includes('it answered 500 (the request is open anyway)'));
        expect((await h.engine.getExecution(slack.executionId)).status).toBe('running');
      });
    });
  });
}

async function waitFor(probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function waitForValue<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
