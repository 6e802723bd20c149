import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderExecutionDetail } from '../../../src/cli/pipelines-view.js';
import type { ProcessSpec } from '../../../src/core/ports/executor.js';
import { LocalExecutor } from '../../../src/executors/local-executor.js';
import type { Execution as WireExecution } from '../../../src/sdk/index.js';
import { wireExecution } from '../../../src/server/pipelines/pipeline-wire-format.js';
import { createEngineHarness, stepOf, type EngineHarness } from '../../support/engine-harness.js';
import { BACKENDS } from '../../support/test-databases.js';
import { dedent } from '../support.js';

const count = (file: string): number => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: resource hints and declared code`, () => {
    let h: EngineHarness;
    beforeEach(async () => {
      h = await createEngineHarness(backend);
    });
    afterEach(async () => {
      vi.restoreAllMocks();
      await h.close();
    });

    it('passes resource hints to the executor and records them on every attempt, through the API and the CLI', async () => {
      const start = vi.spyOn(LocalExecutor.prototype, 'start');
      const tries = join(h.root, 'tries');
      const e = await h.wait(
        (
          await h.run(dedent(`
            name: hinted
            steps:
              - id: train
                run: |
                  echo x >> ${tries}
                  [ "$SLIPWAY_ATTEMPT" = 2 ]
                resources: { cpu: 0.5, memory: 512Mi, gpu: 1 }
                retry: { max-attempts: 2, backoff: { initial-seconds: 0.1, jitter: 0 } }
              - id: plain
                needs: train
                run: echo plain
          `))
        ).executionId,
      );
      expect(e.status).toBe('succeeded');
      expect(count(tries)).toBe(2);

      const hints = { cpu: 0.5, memoryBytes: 512 * 1024 ** 2, gpu: 1 };
      const specs = start.mock.calls.map(([spec]: [ProcessSpec, unknown]) => spec);
      expect(specs.map((s) => s.resources)).toEqual([hints, hints, undefined]);

      const train = stepOf(e, 'train');
      expect(train.attempts.map((a) => [a.status, a.failureClass, a.resources])).toEqual([
        ['failed', 'user', hints],
        ['succeeded', undefined, hints],
      ]);
      expect(stepOf(e, 'plain').attempts.map((a) => a.resources)).toEqual([undefined]);
      // Read back from the store (not a value the engine kept in memory).
      const stored = await h.store.getExecution(e.executionId);
      expect(stored.steps.find((s) => s.stepId === 'train')?.attempts.map((a) => a.resources)).toEqual([hints, hints]);

      const wire = wireExecution(e) as unknown as WireExecution;
      const wireTrain = wire.steps.find((s) => s.step_id === 'train');
      expect(wireTrain?.attempts.map((a) => a.resources)).toEqual([
        { cpu: 0.5, memory_bytes: 536_870_912, gpu: 1 },
        { cpu: 0.5, memory_bytes: 536_870_912, gpu: 1 },
      ]);
      expect(Object.keys(wire.steps.find((s) => s.step_id === 'plain')?.attempts[0] ?? {})).not.toContain('resources');

      const shown = renderExecutionDetail(wire, Date.now());
      expect(shown).toMatch(/attempt 1: failed after \S+ \[cpu 0\.5 memory 512Mi gpu 1\] \(user, exit 1\)/);
      expect(shown).toMatch(/attempt 2: succeeded after \S+ \[cpu 0\.5 memory 512Mi gpu 1\]/);
      expect(shown).toMatch(/attempt 1: succeeded after \S+\n/);
    });

    it('keys the cache on the declared code only: an unrelated edit hits, an edit of a declared file misses', async () => {
      const ran = join(h.root, 'ran');
      const whole = join(h.root, 'whole');
      const yaml = dedent(`
        name: declared
        steps:
          - id: train
            cache: true
            code: [train.sh]
            resources: { memory: 1Gi }
            run: echo x >> ${ran}; sh train.sh
            outputs: { result: { type: value } }
          - id: report
            cache: true
            run: echo x >> ${whole}; cat README.md
      `);
      const code = h.codeDir({ 'train.sh': 'echo "result=one" >> "$SLIPWAY_OUTPUT"\n', 'README.md': 'first\n', 'data/notes.txt': 'a\n' });

      const first = await h.wait((await h.run(yaml, {}, { codeDir: code })).executionId);
      expect(first.status).toBe('succeeded');
      expect(stepOf(first, 'train').outputs).toEqual({ result: 'one' });
      expect([count(ran), count(whole)]).toEqual([1, 1]);

      // An edit outside the declared code: 'train' hits, 'report' (the whole snapshot) misses.
      writeFileSync(join(code, 'README.md'), 'second\n');
      writeFileSync(join(code, 'data', 'notes.txt'), 'b\n');
      const second = await h.wait((await h.run(yaml, {}, { codeDir: code })).executionId);
      expect(second.status).toBe('succeeded');
      expect(stepOf(second, 'train').cachedFrom).toBe(first.executionId);
      expect(stepOf(second, 'train').outputs).toEqual({ result: 'one' });
      // A cache hit runs nothing, so it records no resource hints.
      expect(stepOf(second, 'train').attempts.map((a) => a.resources)).toEqual([undefined]);
      expect(stepOf(second, 'report').cachedFrom).toBeUndefined();
      expect([count(ran), count(whole)]).toEqual([1, 2]);

      // An edit of the declared file: a miss, and the new code runs.
      writeFileSync(join(code, 'train.sh'), 'echo "result=two" >> "$SLIPWAY_OUTPUT"\n');
      const third = await h.wait((await h.run(yaml, {}, { codeDir: code })).executionId);
      expect(third.status).toBe('succeeded');
      expect(stepOf(third, 'train').cachedFrom).toBeUndefined();
      expect(stepOf(third, 'train').outputs).toEqual({ result: 'two' });
      expect(stepOf(third, 'train').attempts.map((a) => a.resources)).toEqual([{ memoryBytes: 1024 ** 3 }]);
      expect(count(ran)).toBe(2);
    });

    it('covers the files globs and directories match, and fails the attempt (user, not retried) when a pattern matches nothing', async () => {
      const ran = join(h.root, 'ran');
      const code = h.codeDir({ 'train.py': 'print(1)\n', 'lib/a/util.py': 'x = 1\n', 'lib/notes.txt': 'n\n', 'conf/model.yaml': 'k: v\n' });
      const yaml = dedent(`
        name: globbed
        steps:
          - id: train
            cache: true
            code: [train.py, 'lib/**/*.py', conf]
            run: echo x >> ${ran}
      `);
      const first = await h.wait((await h.run(yaml, {}, { codeDir: code })).executionId);
      expect(first.status).toBe('succeeded');
      writeFileSync(join(code, 'lib', 'notes.txt'), 'changed\n');
      const unrelated = await h.wait((await h.run(yaml, {}, { codeDir: code })).executionId);
      expect(stepOf(unrelated, 'train').cachedFrom).toBe(first.executionId);
      writeFileSync(join(code, 'conf', 'model.yaml'), 'k: w\n');
      const inDirectory = await h.wait((await h.run(yaml, {}, { codeDir: code })).executionId);
      expect(stepOf(inDirectory, 'train').cachedFrom).toBeUndefined();
      writeFileSync(join(code, 'lib', 'a', 'util.py'), 'x = 2\n');
      const globbed = await h.wait((await h.run(yaml, {}, { codeDir: code })).executionId);
      expect(stepOf(globbed, 'train').cachedFrom).toBeUndefined();
      expect(count(ran)).toBe(3);

      const missing = await h.wait(
        (
          await h.run(
            dedent(`
              name: missing-code
              steps:
                - id: train
                  code: [train.py, 'src/**/*.py']
                  retry: 3
                  resources: { cpu: 1 }
                  run: echo x >> ${ran}
                - id: after
                  needs: train
                  run: echo after
            `),
            {},
            { codeDir: code },
          )
        ).executionId,
      );
      expect(missing.status).toBe('failed');
      const train = stepOf(missing, 'train');
      const message = "declared code 'src/**/*.py' matches no file in the code directory's snapshot";
      expect(train).toMatchObject({ status: 'failed', failureClass: 'user', reason: message });
      // One attempt, not retried (the snapshot cannot change within the execution), that never reached the executor.
      expect(train.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'failed', failureClass: 'user', message })]);
      expect(train.attempts[0]?.resources).toBeUndefined();
      expect(await h.logs(missing.executionId, 'train')).toBe(`[slipway] attempt 1 failed (user): ${message}\n`);
      expect(stepOf(missing, 'after').status).toBe('skipped');
      expect(missing.reason).toBe(`step 'train' failed: ${message}`);
      expect(count(ran)).toBe(3);
    });
  });
}
