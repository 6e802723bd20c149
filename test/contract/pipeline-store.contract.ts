import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PipelineDefinition } from '../../src/core/pipelines/pipeline-model.js';
import type { ExecutionRecord, NewPipelineVersion, PipelineStore, StepRecord } from '../../src/core/ports/pipeline-store.js';
import { errorCodeOf } from '../support/error-code-of.js';

/** What a pipeline-store adapter's test file provides: a store on a fresh database. */
export interface PipelineStoreHarness {
  create(): Promise<{ store: PipelineStore; dispose(): Promise<void> }>;
  skip?: string | undefined;
}

const definition = (name: string, run = 'echo hi'): PipelineDefinition => ({
  name,
  params: { n: { type: 'int', default: 1 } },
  env: {},
  steps: [{ kind: 'run', id: 'a', needs: [], env: {}, cache: { enabled: false }, run, outputs: {}, metrics: [] }],
});

const version = (name: string, hash: string, extra: Partial<NewPipelineVersion> = {}): NewPipelineVersion => ({
  name,
  hash,
  definition: definition(name, hash),
  sourceFormat: 'yaml',
  sourceText: `name: ${name}`,
  createdTime: 1000,
  createdBy: 'alice',
  ...extra,
});

const step = (stepId: string, position: number, extra: Partial<StepRecord> = {}): StepRecord => ({
  stepId,
  position,
  status: 'pending',
  outputs: {},
  artifacts: {},
  metrics: {},
  artifactDigests: {},
  attempts: [],
  ...extra,
});

/**
 * Behaviour every {@link PipelineStore} must show: content-hashed versions, executions
 * with steps and attempts read back as written, newest-first listing, atomic and guarded
 * transitions, and the cache index.
 */
export function describePipelineStoreContract(name: string, harness: PipelineStoreHarness): void {
  describe.skipIf(harness.skip !== undefined)(`${name}: pipeline store contract`, () => {
    let store: PipelineStore;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      const created = await harness.create();
      store = created.store;
      dispose = () => created.dispose();
    });
    afterEach(async () => {
      await dispose();
    });

    const code = errorCodeOf;

    let seq = 0;
    const execution = (pipelineName: string, extra: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
      executionId: `${(++seq).toString(16).padStart(12, '0')}${'0'.repeat(20)}`,
      pipelineName,
      pipelineVersion: 1,
      pipelineHash: 'h1',
      params: { n: 2, s: 'x', b: true },
      trigger: { type: 'manual' },
      status: 'queued',
      actor: 'alice',
      createdTime: 2000 + seq,
      codeDigest: 'c0de',
      steps: [step('a', 0), step('b', 10_000)],
      ...extra,
    });

    describe('pipeline versions', () => {
      it('stores a version per new hash, and returns the existing one for a known hash', async () => {
        const first = await store.upsertPipelineVersion(version('p', 'h1', { codeDir: '/code/1' }));
        expect(first.created).toBe(true);
        expect(first.pipeline).toMatchObject({ name: 'p', version: 1, hash: 'h1', sourceFormat: 'yaml', sourceText: 'name: p', createdBy: 'alice' });
        expect(first.pipeline.definition).toEqual(definition('p', 'h1'));
        const again = await store.upsertPipelineVersion(version('p', 'h1', { createdBy: 'bob', codeDir: '/code/2' }));
        expect(again).toMatchObject({ created: false, pipeline: { version: 1, createdBy: 'alice' } });
        expect(await store.getPipelineCodeDir('p')).toBe('/code/2');
        const second = await store.upsertPipelineVersion(version('p', 'h2', { createdTime: 3000 }));
        expect(second).toMatchObject({ created: true, pipeline: { version: 2, hash: 'h2' } });
        expect((await store.getPipelineVersion('p')).version).toBe(2);
        expect((await store.getPipelineVersion('p', 1)).hash).toBe('h1');
        // Going back to earlier content is not a new version.
        expect(await store.upsertPipelineVersion(version('p', 'h1'))).toMatchObject({ created: false, pipeline: { version: 1 } });
        expect(await code(store.getPipelineVersion('p', 3))).toBe('RESOURCE_DOES_NOT_EXIST');
        expect(await code(store.getPipelineVersion('nope'))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('gives concurrent upserts of the same content one version', async () => {
        const results = await Promise.all([1, 2, 3, 4].map(() => store.upsertPipelineVersion(version('c', 'same'))));
        expect(new Set(results.map((r) => r.pipeline.version))).toEqual(new Set([1]));
        expect(results.filter((r) => r.created)).toHaveLength(1);
      });

      it('lists pipelines by name with their latest version and last execution', async () => {
        await store.upsertPipelineVersion(version('b', 'h1'));
        await store.upsertPipelineVersion(version('a', 'h1'));
        await store.upsertPipelineVersion(version('a', 'h2', { createdTime: 5000 }));
        const e = execution('a', { pipelineVersion: 2, pipelineHash: 'h2' });
        await store.createExecution(e);
        const page = await store.listPipelines({ limit: 1, offset: 0 });
        expect(page.hasMore).toBe(true);
        expect(page.items).toEqual([
          {
            name: 'a',
            latestVersion: 2,
            latestHash: 'h2',
            createdTime: 1000,
            updatedTime: 5000,
            lastExecution: { executionId: e.executionId, status: 'queued', createdTime: e.createdTime },
          },
        ]);
        expect((await store.listPipelines({ limit: 10, offset: 1 })).items.map((p) => p.name)).toEqual(['b']);
      });
    });

    describe('executions', () => {
      beforeEach(async () => {
        await store.upsertPipelineVersion(version('p', 'h1'));
        await store.upsertPipelineVersion(version('q', 'h1'));
      });

      it('reads an execution back as written, steps in position order', async () => {
        const e = execution('p', {
          trigger: { type: 'retry', detail: 'x' },
          retryOf: 'x',
          experimentId: '3',
          runId: 'r',
          codeDir: '/code',
          steps: [
            step('b', 10_000),
            step('a', 0, {
              status: 'succeeded',
              instance: 'region=north',
              outputs: { v: '1' },
              artifacts: { m: 'mlflow-artifacts:/x' },
              metrics: { rmse: 1.5 },
              artifactDigests: { m: 'd' },
              matrixValues: { region: 'north' },
              reusedFrom: 'x',
              attempts: [
                { attempt: 1, status: 'succeeded', startedTime: 5, endedTime: 6, exitCode: 0, runId: 'r1', pid: 42, bootId: 'boot', resources: { cpu: 0.5, memoryBytes: 536_870_912, gpu: 0 } },
              ],
            }),
          ],
        });
        // The revision starts at 0 whatever the record says.
        await store.createExecution({ ...e, revision: 7 });
        const read = await store.getExecution(e.executionId);
        expect(read).toEqual({ ...e, revision: 0, steps: [e.steps[1], e.steps[0]] });
        expect(await code(store.getExecution('missing'))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('lists newest first, filtered by pipeline and status, and lists the active ones oldest first', async () => {
        const e1 = execution('p');
        const e2 = execution('q', { status: 'running' });
        const e3 = execution('p', { status: 'succeeded' });
        for (const e of [e1, e2, e3]) await store.createExecution(e);
        expect((await store.listExecutions({ limit: 10, offset: 0 })).items.map((e) => e.executionId)).toEqual([e3.executionId, e2.executionId, e1.executionId]);
        expect((await store.listExecutions({ limit: 10, offset: 0, pipelineName: 'p' })).items.map((e) => e.executionId)).toEqual([e3.executionId, e1.executionId]);
        const page = await store.listExecutions({ limit: 1, offset: 0, status: 'queued' });
        expect(page.items.map((e) => e.executionId)).toEqual([e1.executionId]);
        expect(page.items[0]?.steps).toHaveLength(2);
        expect(await store.listActiveExecutionIds()).toEqual([e1.executionId, e2.executionId]);
      });

      it('applies a transition atomically: execution patch, step and attempt upserts, cache entries', async () => {
        const e = execution('p', { status: 'running' });
        await store.createExecution(e);
        await store.applyTransition({
          executionId: e.executionId,
          expectStatus: ['running'],
          execution: { startedTime: 7 },
          steps: [{ ...step('a', 0), status: 'running', startedTime: 7 }],
          attempts: [{ stepId: 'a', attempt: 1, status: 'running', startedTime: 7 }],
        });
        await store.applyTransition({
          executionId: e.executionId,
          steps: [{ ...step('a', 0), status: 'succeeded', startedTime: 7, endedTime: 9, outputs: { k: 'v' }, cacheKey: 'key' }],
          attempts: [{ stepId: 'a', attempt: 1, status: 'succeeded', startedTime: 7, endedTime: 9, exitCode: 0, resources: { cpu: 2 } }],
          cacheEntries: [{ cacheKey: 'key', executionId: e.executionId, stepId: 'a', createdTime: 9 }],
        });
        const read = await store.getExecution(e.executionId);
        expect(read.startedTime).toBe(7);
        expect(read.steps[0]).toMatchObject({ status: 'succeeded', outputs: { k: 'v' }, attempts: [{ attempt: 1, status: 'succeeded', exitCode: 0, resources: { cpu: 2 } }] });
        expect(await store.getCacheEntry('key')).toEqual({ cacheKey: 'key', executionId: e.executionId, stepId: 'a', createdTime: 9 });
        expect(await store.getCacheEntry('other')).toBeUndefined();

        // A guard that does not hold writes nothing.
        expect(
          await code(
            store.applyTransition({ executionId: e.executionId, expectStatus: ['queued'], execution: { status: 'failed' }, steps: [{ ...step('b', 10_000), status: 'failed' }] }),
          ),
        ).toBe('RESOURCE_CONFLICT');
        // A failure part-way (an attempt of an unknown step) rolls the whole transition back.
        await expect(
          store.applyTransition({
            executionId: e.executionId,
            execution: { status: 'failed', reason: 'x' },
            steps: [{ ...step('b', 10_000), status: 'failed' }],
            attempts: [{ stepId: 'nope', attempt: 1, status: 'running', startedTime: 1 }],
          }),
        ).rejects.toThrow();
        const after = await store.getExecution(e.executionId);
        expect(after.status).toBe('running');
        expect(after.reason).toBeUndefined();
        expect(after.steps[1]?.status).toBe('pending');
        expect(await code(store.applyTransition({ executionId: 'missing', execution: { status: 'failed' } }))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('counts every applied transition in the execution\'s revision, and lists the active executions with theirs', async () => {
        const e1 = execution('p', { status: 'running' });
        const e2 = execution('q');
        const done = execution('p', { status: 'succeeded' });
        for (const e of [e1, e2, done]) await store.createExecution(e);
        expect(await store.listActiveExecutions()).toEqual([
          { executionId: e1.executionId, revision: 0 },
          { executionId: e2.executionId, revision: 0 },
        ]);

        expect(await store.applyTransition({ executionId: e1.executionId, execution: { startedTime: 5 } })).toBe(1);
        expect(await store.applyTransition({ executionId: e1.executionId, steps: [{ ...step('a', 0), status: 'running' }] })).toBe(2);
        // Even a transition that changes no row of the execution itself counts.
        expect(await store.applyTransition({ executionId: e1.executionId, cacheEntries: [{ cacheKey: 'k', executionId: e1.executionId, stepId: 'a', createdTime: 1 }] })).toBe(3);
        expect(await store.applyTransition({ executionId: e2.executionId, expectStatus: ['queued'], execution: { status: 'running' } })).toBe(1);
        // A transition that is refused, or fails part-way, does not.
        expect(await code(store.applyTransition({ executionId: e1.executionId, expectStatus: ['queued'], execution: { status: 'failed' } }))).toBe('RESOURCE_CONFLICT');
        await expect(store.applyTransition({ executionId: e1.executionId, attempts: [{ stepId: 'nope', attempt: 1, status: 'running', startedTime: 1 }] })).rejects.toThrow();

        expect((await store.getExecution(e1.executionId)).revision).toBe(3);
        expect((await store.listExecutions({ limit: 10, offset: 0, pipelineName: 'q' })).items[0]?.revision).toBe(1);
        expect(await store.listActiveExecutions()).toEqual([
          { executionId: e1.executionId, revision: 3 },
          { executionId: e2.executionId, revision: 1 },
        ]);
        expect(await store.applyTransition({ executionId: e1.executionId, expectStatus: ['running'], execution: { status: 'succeeded', endedTime: 9 } })).toBe(4);
        expect(await store.listActiveExecutions()).toEqual([{ executionId: e2.executionId, revision: 1 }]);
        expect(await store.listActiveExecutionIds()).toEqual([e2.executionId]);
      });

      it('gives concurrent transitions of one execution distinct revisions', async () => {
        const e = execution('p', { status: 'running' });
        await store.createExecution(e);
        const revisions = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.applyTransition({ executionId: e.executionId, steps: [{ ...step('a', 0), status: 'running', startedTime: i }] })),
        );
        expect([...revisions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        expect((await store.getExecution(e.executionId)).revision).toBe(8);
      });

      it('returns the newest cache entry for a key', async () => {
        const e1 = execution('p');
        const e2 = execution('p');
        await store.createExecution(e1);
        await store.createExecution(e2);
        await store.applyTransition({ executionId: e1.executionId, cacheEntries: [{ cacheKey: 'k', executionId: e1.executionId, stepId: 'a', createdTime: 10 }] });
        await store.applyTransition({ executionId: e2.executionId, cacheEntries: [{ cacheKey: 'k', executionId: e2.executionId, stepId: 'a', instance: 'i=1', createdTime: 20 }] });
        expect(await store.getCacheEntry('k')).toEqual({ cacheKey: 'k', executionId: e2.executionId, stepId: 'a', instance: 'i=1', createdTime: 20 });
      });
    });
  });
}
