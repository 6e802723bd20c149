import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalStore, OpenApprovalInput } from '../../src/core/ports/approval-store.js';
import { errorCodeOf } from '../support/error-code-of.js';

/** What an approval adapter's test file provides: a store on a fresh database. */
export interface ApprovalStoreHarness {
  create(): Promise<{ approvals: ApprovalStore; dispose(): Promise<void> }>;
  skip?: string | undefined;
}

const input = (over: Partial<OpenApprovalInput> = {}): OpenApprovalInput => ({
  executionId: 'e1',
  pipelineName: 'deploy',
  stepId: 'approve',
  message: 'Ship it?',
  model: 'housing',
  version: '3',
  approvers: ['alice', 'bob'],
  onTimeout: 'rejected',
  openedTime: 1_000,
  deadline: 5_000,
  ...over,
});

/**
 * Behaviour every {@link ApprovalStore} must show: one request per (execution, step,
 * instance) however often it is opened, a decision recorded once and atomically, and
 * listing newest first with filters.
 */
export function describeApprovalStoreContract(name: string, harness: ApprovalStoreHarness): void {
  describe.skipIf(harness.skip !== undefined)(`${name}: approval store contract`, () => {
    let store: ApprovalStore;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      const created = await harness.create();
      store = created.approvals;
      dispose = () => created.dispose();
    });
    afterEach(async () => {
      await dispose();
    });

    const code = errorCodeOf;

    it('opens a request once per step: a second open returns the stored one', async () => {
      const first = await store.openRequest(input());
      expect(first.created).toBe(true);
      expect(first.request).toMatchObject({
        executionId: 'e1',
        pipelineName: 'deploy',
        stepId: 'approve',
        message: 'Ship it?',
        model: 'housing',
        version: '3',
        approvers: ['alice', 'bob'],
        onTimeout: 'rejected',
        status: 'pending',
        openedTime: 1_000,
        deadline: 5_000,
      });
      expect(first.request.instance).toBeUndefined();
      const again = await store.openRequest(input({ message: 'other', openedTime: 9_000 }));
      expect(again).toEqual({ request: first.request, created: false });
      // Another instance of the same step is another request.
      const instance = await store.openRequest(input({ instance: 'region=north' }));
      expect(instance.created).toBe(true);
      expect(instance.request.id).not.toBe(first.request.id);
      expect(instance.request.instance).toBe('region=north');
      expect(await store.getRequest(first.request.id)).toEqual(first.request);
    });

    it('concurrent opens of one step agree on one request', async () => {
      const results = await Promise.all([1, 2, 3, 4].map(() => store.openRequest(input())));
      expect(new Set(results.map((r) => r.request.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
    });

    it('records a decision once: a second one is a conflict naming the current status', async () => {
      const { request } = await store.openRequest(input({ deadline: undefined }));
      expect(request.deadline).toBeUndefined();
      const decided = await store.decide(request.id, { status: 'approved', outcome: 'approved', actor: 'alice', comment: 'lgtm', time: 2_000 });
      expect(decided).toMatchObject({ status: 'approved', outcome: 'approved', actor: 'alice', comment: 'lgtm', decidedTime: 2_000 });
      let error: unknown;
      await store.decide(request.id, { status: 'rejected', outcome: 'rejected', actor: 'bob', time: 3_000 }).catch((e: unknown) => (error = e));
      expect(error).toMatchObject({ code: 'RESOURCE_CONFLICT' });
      expect((error as Error).message).toContain("already approved (by 'alice')");
      expect(await store.getRequest(request.id)).toEqual(decided);
    });

    it('lets exactly one of many concurrent deciders win', async () => {
      const { request } = await store.openRequest(input());
      const actors = ['a1', 'a2', 'a3', 'a4', 'a5'];
      const outcomes = await Promise.all(
        actors.map((actor) => code(store.decide(request.id, { status: 'rejected', outcome: 'rejected', actor, time: 2_000 }))),
      );
      expect(outcomes.filter((c) => c === 'no error')).toHaveLength(1);
      expect(outcomes.filter((c) => c === 'RESOURCE_CONFLICT')).toHaveLength(4);
      const stored = await store.getRequest(request.id);
      expect(actors[outcomes.indexOf('no error')]).toBe(stored.actor);
    });

    it('unknown ids are RESOURCE_DOES_NOT_EXIST', async () => {
      expect(await code(store.getRequest('nope'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await code(store.decide('nope', { status: 'cancelled', actor: 'slipway', time: 1 }))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('lists newest first, filtered by status, pipeline and execution, a page at a time', async () => {
      const a = (await store.openRequest(input({ executionId: 'e1', openedTime: 1_000 }))).request;
      const b = (await store.openRequest(input({ executionId: 'e2', openedTime: 2_000 }))).request;
      const c = (await store.openRequest(input({ executionId: 'e3', pipelineName: 'other', openedTime: 3_000 }))).request;
      await store.decide(b.id, { status: 'timed_out', outcome: 'rejected', actor: 'slipway', time: 4_000 });
      const ids = async (q: Parameters<ApprovalStore['listRequests']>[0]) => (await store.listRequests(q)).items.map((r) => r.id);
      expect(await ids({ limit: 10, offset: 0 })).toEqual([c.id, b.id, a.id]);
      expect(await ids({ limit: 10, offset: 0, status: 'pending' })).toEqual([c.id, a.id]);
      expect(await ids({ limit: 10, offset: 0, status: 'timed_out' })).toEqual([b.id]);
      expect(await ids({ limit: 10, offset: 0, pipelineName: 'deploy' })).toEqual([b.id, a.id]);
      expect(await ids({ limit: 10, offset: 0, executionId: 'e3' })).toEqual([c.id]);
      const first = await store.listRequests({ limit: 2, offset: 0 });
      expect(first.hasMore).toBe(true);
      const second = await store.listRequests({ limit: 2, offset: 2 });
      expect(second).toEqual({ items: [expect.objectContaining({ id: a.id })], hasMore: false });
    });
  });
}
