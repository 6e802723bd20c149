import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngineHarness, stepOf, type EngineHarness } from '../../support/engine-harness.js';
import { BACKENDS } from '../../support/test-databases.js';
import { dedent } from '../support.js';
import { processAlive } from '../../support/process-alive.js';

const alive = processAlive;

/** The largest number of [start, end] intervals open at once. */
function maxOverlap(lines: string[]): number {
  const events = lines.flatMap((l) => {
    const [kind, t] = l.split(' ');
    return [{ t: Number(t), d: kind === 'start' ? 1 : -1 }];
  });
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let max = 0;
  for (const e of events) {
    open += e.d;
    max = Math.max(max, open);
  }
  return max;
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: matrix, retries, timeouts, cancel`, () => {
    let h: EngineHarness;
    beforeEach(async () => {
      h = await createEngineHarness(backend);
    });
    afterEach(async () => {
      await h.close();
    });

    it('fans a matrix out over an upstream output, never running more than max-parallel instances at once', async () => {
      const trace = join(h.root, 'trace.txt');
      const e = await h.wait(
        (
          await h.run(dedent(`
            name: fan
            steps:
              - id: discover
                run: echo 'regions=["north","south","east","west","islands"]' >> "$SLIPWAY_OUTPUT"
                outputs: { regions: { type: value } }
              - id: train
                needs: discover
                matrix:
                  region: \${{ fromJSON(steps.discover.outputs.regions) }}
                  depth: [3]
                  max-parallel: 2
                run: |
                  echo "start $(date +%s%N)" >> ${trace}
                  sleep 0.3
                  echo "score=\${{ matrix.region }}-\${{ matrix.depth }}" >> "$SLIPWAY_OUTPUT"
                  echo "end $(date +%s%N)" >> ${trace}
                outputs: { score: { type: value } }
              - id: report
                needs: train
                run: echo "\${{ join(steps.train.outputs.score, ' ') }}"
          `))
        ).executionId,
        undefined,
        30_000,
      );
      expect(e.status).toBe('succeeded');
      const instances = e.steps.filter((s) => s.stepId === 'train' && s.instance !== undefined);
      expect(instances.map((s) => s.instance)).toEqual([
        'region=north,depth=3',
        'region=south,depth=3',
        'region=east,depth=3',
        'region=west,depth=3',
        'region=islands,depth=3',
      ]);
      expect(instances.every((s) => s.status === 'succeeded')).toBe(true);
      expect(stepOf(e, 'train').status).toBe('succeeded');
      // Instances come right after their step, in the step's place.
      expect(e.steps.map((s) => s.stepId)).toEqual(['discover', 'train', 'train', 'train', 'train', 'train', 'train', 'report']);
      const lines = readFileSync(trace, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(10);
      expect(maxOverlap(lines)).toBeLessThanOrEqual(2);
      expect(maxOverlap(lines)).toBe(2);
      expect(await h.logs(e.executionId, 'report')).toBe('north-3 south-3 east-3 west-3 islands-3\n');
      expect(await h.logs(e.executionId, 'train', { instance: 'region=east,depth=3' })).toBe('');
    });

    it('never runs more run: steps at once than the global limit, across executions, counting steps still being prepared', async () => {
      await h.close();
      h = await createEngineHarness(backend, { maxConcurrent: 2 });
      const trace = join(h.root, 'trace.txt');
      const yaml = dedent(`
        name: wide
        steps:
          - id: work
            matrix:
              n: [1, 2, 3, 4, 5, 6]
            run: |
              echo "start $(date +%s%N)" >> ${trace}
              sleep 0.2
              echo "end $(date +%s%N)" >> ${trace}
      `);
      const [a, b] = [await h.run(yaml), await h.run(yaml)];
      for (const e of [a, b]) expect((await h.wait(e.executionId, undefined, 30_000)).status).toBe('succeeded');
      const lines = readFileSync(trace, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(24);
      expect(maxOverlap(lines)).toBe(2);
    });

    it('retries per the policy with backoff, recording every attempt, and gives up after max-attempts', async () => {
      const counter = join(h.root, 'count');
      const started = Date.now();
      const e = await h.wait(
        (
          await h.run(dedent(`
            name: flaky
            steps:
              - id: flaky
                run: |
                  n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}
                  echo "try $n"
                  [ $n -ge 3 ]
                retry: { max-attempts: 4, backoff: { initial-seconds: 0.2, factor: 2, max-seconds: 1, jitter: 0 } }
              - id: hopeless
                run: exit 1
                retry: { max-attempts: 2, backoff: { initial-seconds: 0.1, factor: 1, max-seconds: 1, jitter: 0 }, retry-on: [user] }
              - id: not-retried
                run: exit 1
                retry: { max-attempts: 3, retry-on: [timeout] }
          `))
        ).executionId,
      );
      expect(stepOf(e, 'flaky').status).toBe('succeeded');
      expect(stepOf(e, 'flaky').attempts.map((a) => [a.status, a.failureClass])).toEqual([
        ['failed', 'user'],
        ['failed', 'user'],
        ['succeeded', undefined],
      ]);
      // Backoff 0.2 s then 0.4 s.
      const [a1, a2, a3] = stepOf(e, 'flaky').attempts;
      expect((a2?.startedTime ?? 0) - (a1?.endedTime ?? 0)).toBeGreaterThanOrEqual(190);
      expect((a3?.startedTime ?? 0) - (a2?.endedTime ?? 0)).toBeGreaterThanOrEqual(390);
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      expect(await h.logs(e.executionId, 'flaky', { attempt: 2 })).toBe('try 2\n[slipway] attempt 2 failed (user): the command exited with code 1\n');
      expect(stepOf(e, 'hopeless')).toMatchObject({ status: 'failed', failureClass: 'user', reason: 'the command exited with code 1 (after 2 attempts)' });
      expect(stepOf(e, 'not-retried').attempts).toHaveLength(1);
      expect(e.status).toBe('failed');
    });

    it('ends a step that runs past timeout-minutes with failure class timeout', async () => {
      const e = await h.wait(
        (
          await h.run(dedent(`
            name: slow
            steps:
              - id: slow
                run: echo begin; sleep 30
                timeout-minutes: 0.01
          `))
        ).executionId,
      );
      expect(stepOf(e, 'slow')).toMatchObject({ status: 'failed', failureClass: 'timeout', reason: 'timed out after 1 s' });
      expect(stepOf(e, 'slow').attempts[0]).toMatchObject({ failureClass: 'timeout', status: 'failed' });
      expect(e.status).toBe('failed');
    });

    it('cancel kills the whole process group of running steps and cancels the rest', async () => {
      const pids = join(h.root, 'pids');
      const started = await h.run(dedent(`
        name: cancel-me
        steps:
          - id: long
            run: |
              sleep 100 &
              echo $! > ${pids}
              sh -c 'sleep 100' &
              echo $! >> ${pids}
              wait
          - id: later
            needs: long
            run: echo never
      `));
      await h.wait(started.executionId, (x) => stepOf(x, 'long').status === 'running');
      const deadline = Date.now() + 5_000;
      let children: number[] = [];
      while (children.length < 2 && Date.now() < deadline) {
        children = (() => {
          try {
            return readFileSync(pids, 'utf8').trim().split('\n').filter(Boolean).map(Number);
          } catch {
            return [];
          }
        })();
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(children.every(alive)).toBe(true);
      await h.engine.cancelExecution(started.executionId, 'alice');
      const e = await h.wait(started.executionId);
      expect(e.status).toBe('cancelled');
      expect(e.reason).toBe('cancelled by alice');
      expect(stepOf(e, 'long')).toMatchObject({ status: 'cancelled', failureClass: 'cancelled' });
      expect(stepOf(e, 'long').attempts[0]).toMatchObject({ status: 'failed', failureClass: 'cancelled' });
      expect(stepOf(e, 'later').status).toBe('cancelled');
      const gone = Date.now() + 3_000;
      while (children.some(alive) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
      expect(children.some(alive)).toBe(false);
      const run = await h.tracking.getRun(e.runId ?? '');
      expect(run.info.status).toBe('KILLED');
      // Idempotent on a finished execution.
      expect((await h.engine.cancelExecution(e.executionId, 'bob')).status).toBe('cancelled');
    });

    it('rejects unknown and mistyped params before recording anything', async () => {
      await h.engine.upsertPipeline(
        { sourceFormat: 'yaml', source: dedent(`
          name: typed
          params:
            n: { type: int, default: 1 }
          steps:
            - id: a
              run: echo \${{ params.n }}
        `) },
        'tester',
      );
      await expect(h.engine.startExecution({ pipelineName: 'typed', params: { n: 'many', m: 1 } }, 'tester')).rejects.toThrow(
        /params\.n: param 'n' \(int\) must be an integer, not 'many'[\s\S]*unknown param 'm'/,
      );
      expect((await h.engine.listExecutions({})).items).toHaveLength(0);
    });
  });
}
