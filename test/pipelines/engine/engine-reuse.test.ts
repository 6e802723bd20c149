import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: caching and retries of executions`, () => {
    let h: EngineHarness;
    beforeEach(async () => {
      h = await createEngineHarness(backend);
    });
    afterEach(async () => {
      await h.close();
    });

    it('reuses a cached result when definition, params, code and inputs are unchanged, and misses when they change', async () => {
      const ran = join(h.root, 'ran');
      const yaml = dedent(`
        name: cached
        params:
          p: { type: string, default: one }
          unused: { type: int, default: 1 }
        steps:
          - id: compute
            cache: true
            run: |
              echo x >> ${ran}
              mkdir -p out && cat input.txt > out/data.txt
              echo "v=$(cat input.txt)-\${{ params.p }}" >> "$SLIPWAY_OUTPUT"
              echo "score: 0.5"
            outputs:
              v: { type: value }
              data: out/data.txt
            metrics: { score: 'score: ([0-9.]+)' }
          - id: use
            needs: compute
            run: cat \${{ steps.compute.artifacts.data }}
      `);
      const code = h.codeDir({ 'input.txt': 'A\n' });
      const first = await h.wait((await h.run(yaml, {}, { codeDir: code })).executionId);
      expect(first.status).toBe('succeeded');
      expect(count(ran)).toBe(1);

      const second = await h.wait((await h.run(yaml, { unused: 2 }, { codeDir: code })).executionId);
      expect(second.status).toBe('succeeded');
      expect(count(ran)).toBe(1);
      const hit = stepOf(second, 'compute');
      expect(hit.cachedFrom).toBe(first.executionId);
      expect(hit.outputs).toEqual({ v: 'A-one' });
      expect(hit.metrics).toEqual({ score: 0.5 });
      expect(hit.artifacts).toEqual(stepOf(first, 'compute').artifacts);
      expect(hit.attempts[0]?.message).toContain(`cache hit: reused the outputs, artifacts and metrics of execution ${first.executionId}`);
      expect(await h.logs(second.executionId, 'compute')).toContain('cache hit');
      expect(await h.logs(second.executionId, 'use')).toBe('A\n');
      // 'use' is not cached: it ran again, with the cached artifact as its input.
      expect(stepOf(second, 'use').cachedFrom).toBeUndefined();

      const otherParam = await h.wait((await h.run(yaml, { p: 'two' }, { codeDir: code })).executionId);
      expect(stepOf(otherParam, 'compute').cachedFrom).toBeUndefined();
      expect(stepOf(otherParam, 'compute').outputs).toEqual({ v: 'A-two' });
      expect(count(ran)).toBe(2);

      writeFileSync(join(code, 'input.txt'), 'B\n');
      const otherCode = await h.wait((await h.run(yaml, {}, { codeDir: code })).executionId);
      expect(stepOf(otherCode, 'compute').cachedFrom).toBeUndefined();
      expect(stepOf(otherCode, 'compute').outputs).toEqual({ v: 'B-one' });
      expect(count(ran)).toBe(3);
    });

    it('retries a failed execution from its failed step after the script was fixed, reusing the upstream results', async () => {
      const ran = join(h.root, 'prepared');
      const code = h.codeDir({ 'train.sh': 'echo "broken"; exit 2\n' });
      const yaml = dedent(`
        name: retry-me
        params:
          n: { type: int, default: 3 }
        steps:
          - id: prepare
            run: echo x >> ${ran} && echo "rows,\${{ params.n }}" > data.csv
            outputs: { data: data.csv }
          - id: train
            needs: prepare
            run: sh train.sh "\${{ steps.prepare.artifacts.data }}"
          - id: report
            needs: train
            run: echo reported
      `);
      const failed = await h.wait((await h.run(yaml, { n: 5 }, { codeDir: code })).executionId);
      expect(failed.status).toBe('failed');
      expect(stepOf(failed, 'report').status).toBe('skipped');

      writeFileSync(join(code, 'train.sh'), 'echo "training on $(cat "$1")"\n');
      const retried = await h.engine.retryExecution(failed.executionId, {}, 'bob');
      expect(retried).toMatchObject({ trigger: { type: 'retry', detail: failed.executionId }, retryOf: failed.executionId, params: { n: 5 }, actor: 'bob' });
      const done = await h.wait(retried.executionId);
      expect(done.status).toBe('succeeded');
      expect(stepOf(done, 'prepare')).toMatchObject({ status: 'succeeded', reusedFrom: failed.executionId, attempts: [] });
      expect(stepOf(done, 'prepare').artifacts).toEqual(stepOf(failed, 'prepare').artifacts);
      expect(count(ran)).toBe(1);
      expect(await h.logs(done.executionId, 'train')).toBe('training on rows,5\n');
      expect(stepOf(done, 'report').status).toBe('succeeded');

      await expect(h.engine.retryExecution('nope', {}, 'bob')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    it('retries with the latest version: changed steps (and what follows them) run again, unchanged ones are reused', async () => {
      const yaml = (trainRun: string): string =>
        dedent(`
          name: evolving
          steps:
            - id: prepare
              run: echo "data=ok" >> "$SLIPWAY_OUTPUT"
              outputs: { data: { type: value } }
            - id: train
              needs: prepare
              run: ${trainRun}
            - id: report
              needs: train
              run: echo done
        `);
      const failed = await h.wait((await h.run(yaml('exit 1'))).executionId);
      expect(failed.status).toBe('failed');
      const { pipeline } = await h.engine.upsertPipeline({ sourceFormat: 'yaml', source: yaml('echo "fixed ${{ steps.prepare.outputs.data }}"') }, 'tester');
      expect(pipeline.version).toBe(2);

      const same = await h.wait((await h.engine.retryExecution(failed.executionId, {}, 'tester')).executionId);
      expect(same.pipelineVersion).toBe(1);
      expect(same.status).toBe('failed');

      const latest = await h.wait((await h.engine.retryExecution(failed.executionId, { latest: true }, 'tester')).executionId);
      expect(latest.pipelineVersion).toBe(2);
      expect(latest.status).toBe('succeeded');
      expect(stepOf(latest, 'prepare').reusedFrom).toBe(failed.executionId);
      expect(stepOf(latest, 'train').reusedFrom).toBeUndefined();
      expect(await h.logs(latest.executionId, 'train')).toBe('fixed ok\n');
    });
  });
}
