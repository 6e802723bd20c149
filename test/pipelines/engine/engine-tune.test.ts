import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from '../../../src/artifacts/local-artifact-store.js';
import { artifactStorePath, joinArtifactPath } from '../../../src/core/artifact-paths/artifact-uri.js';
import type { ExecutionRecord } from '../../../src/core/ports/pipeline-store.js';
import { createEngineHarness, type EngineHarness } from '../../support/engine-harness.js';
import { BACKENDS } from '../../support/test-databases.js';
import { dedent } from '../support.js';

/** A search over `x` (int) and `kind` (choice) whose loss is (x − 7)², plus 3 unless kind is 'b'. */
function searchPipeline(search: string, extra = ''): string {
  return (
    dedent(`
      name: tune-search
      steps:
        - id: tune
          uses: slipway/tune
          with:
            run: |
              sleep 0.2
              mkdir -p model && echo "x=\${{ trial.params.x }} kind=\${{ trial.params.kind }} trial=\${{ trial.number }}" > model/params.txt
              echo "x=\${{ trial.params.x }}" >> "$SLIPWAY_OUTPUT"
              echo "loss=$(( (\${{ trial.params.x }} - 7) * (\${{ trial.params.x }} - 7) + \${{ trial.params.kind == 'a' && 3 || 0 }} ))"
            outputs: { model: model/, x: { type: value } }
            metrics: [{ name: loss, regex: 'loss=([0-9]+)' }]
            parameters:
              x: { type: int, min: 4, max: 9 }
              kind: [a, b]
            objective: { metric: loss, direction: minimize }
    `) +
    search
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => `      ${l.trim()}\n`)
      .join('') +
    extra
  );
}

const downstream = dedent(`
  - id: use
    needs: tune
    run: |
      cat "\${{ steps.tune.artifacts.model }}/params.txt"
      echo "best=\${{ steps.tune.outputs.x }}" >> "$SLIPWAY_OUTPUT"
    outputs: { best: { type: value } }
  - id: gate
    needs: tune
    uses: slipway/evaluate
    with: { step: tune, threshold: loss < 100 }
  - id: register
    needs: gate
    uses: slipway/register-model
    with: { name: tuned, step: tune, artifact-path: model }
`)
  .split('\n')
  .map((l) => (l === '' ? l : `  ${l}`))
  .join('\n');

/** The trial rows as stored (with their parameters, which the API view leaves out). */
const trialsOf = (e: ExecutionRecord) =>
  e.steps.filter((s) => s.stepId === 'tune' && s.instance !== undefined).sort((a, b) => Number(a.instance?.slice(6)) - Number(b.instance?.slice(6)));

/** The most trials whose attempts overlapped in time. */
function maxOverlap(e: ExecutionRecord): number {
  const events = trialsOf(e).flatMap((s) => s.attempts.flatMap((a) => [[a.startedTime, 1] as const, [a.endedTime ?? Infinity, -1] as const]));
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of events) most = Math.max(most, (now += d));
  return most;
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: slipway/tune`, () => {
    let h: EngineHarness;
    beforeEach(async () => {
      h = await createEngineHarness(backend);
    });
    afterEach(async () => {
      await h.close();
    });

    const stored = async (execution: Promise<{ executionId: string }>): Promise<ExecutionRecord> =>
      h.store.getExecution((await h.wait((await execution).executionId, undefined, 60_000)).executionId);
    const stepOf = (e: ExecutionRecord, stepId: string) => e.steps.find((s) => s.stepId === stepId && s.instance === undefined)!;

    const summary = async (runId: string, file: string): Promise<string> => {
      const store = await LocalArtifactStore.open(join(h.root, 'artifacts'));
      const run = await h.tracking.getRun(runId);
      return text((await store.get(joinArtifactPath(artifactStorePath(run.info.artifactUri), file))).stream);
    };

    it('grid search runs exactly the grid, finds the optimum, labels each trial run and logs the summary', async () => {
      const e = await stored(h.run(searchPipeline('strategy: grid\nmax-parallel: 4')));
      const tune = stepOf(e, 'tune');
      expect(tune.status, JSON.stringify(e.steps, null, 1)).toBe('succeeded');
      expect(tune.outputs).toMatchObject({ 'best-objective': '0', trials: '12', x: '7', 'best-params': JSON.stringify({ x: 7, kind: 'b' }) });
      expect(tune.metrics).toEqual({ loss: 0 });
      const trials = trialsOf(e);
      expect(trials.map((t) => t.instance)).toEqual(Array.from({ length: 12 }, (_, i) => `trial-${i + 1}`));
      const tried = trials.map((t) => `${JSON.stringify(t.matrixValues?.x)}${t.matrixValues?.kind as string}`).sort();
      expect(tried).toEqual(['4a', '4b', '5a', '5b', '6a', '6b', '7a', '7b', '8a', '8b', '9a', '9b']);
      expect(maxOverlap(e)).toBeLessThanOrEqual(4);

      const best = trials.find((t) => t.instance === `trial-${tune.outputs['best-trial']}`)!;
      expect(tune.outputs['best-run-id']).toBe(best.runId);
      const bestRun = await h.tracking.getRun(best.runId!);
      expect(Object.fromEntries(bestRun.data.params.map((p) => [p.key, p.value]))).toEqual({ x: '7', kind: 'b' });
      const tags = Object.fromEntries(bestRun.data.tags.map((t) => [t.key, t.value]));
      expect(tags).toMatchObject({ 'slipway.tune.step': 'tune', 'slipway.tune.trial': tune.outputs['best-trial'], 'mlflow.parentRunId': tune.outputs['search-run-id'] });

      const csv = (await summary(tune.outputs['search-run-id']!, 'tuning/trials.csv')).trimEnd().split('\r\n');
      expect(csv[0]).toBe('trial,x,kind,loss,status,run_id,best');
      expect(csv).toHaveLength(13);
      expect(csv.filter((line) => line.endsWith(',*'))).toEqual([`${tune.outputs['best-trial']},7,b,0,succeeded,${best.runId},*`]);
      const markdown = (await summary(tune.outputs['search-run-id']!, 'tuning/trials.md')).trimEnd().split('\n');
      expect(markdown).toHaveLength(14);
      const tuneRun = await h.tracking.getRun(tune.outputs['search-run-id']!);
      expect(tune.runId).toBe(best.runId);
      expect(tuneRun.info.status).toBe('FINISHED');
      expect(tuneRun.data.metrics.find((m) => m.key === 'loss')?.value).toBe(0);
    });

    for (const strategy of ['random', 'tpe']) {
      it(`${strategy} search runs max-trials trials, at most max-parallel at once, and hands the best trial's values downstream`, async () => {
        const search = `strategy: ${strategy}\nmax-trials: 6\nmax-parallel: 2\nseed: 11${strategy === 'tpe' ? '\nstartup-trials: 3' : ''}`;
        const e = await stored(h.run(searchPipeline(search, downstream)));
        expect(e.status, JSON.stringify(e.steps, null, 1)).toBe('succeeded');
        const tune = stepOf(e, 'tune');
        const trials = trialsOf(e);
        expect(trials).toHaveLength(6);
        expect(tune.outputs.trials).toBe('6');
        expect(tune.outputs.seed).toBe('11');
        expect(maxOverlap(e)).toBeLessThanOrEqual(2);
        expect(maxOverlap(e)).toBe(2);
        const losses = trials.map((t) => t.metrics.loss!);
        expect(Number(tune.outputs['best-objective'])).toBe(Math.min(...losses));
        const best = trials.find((t) => t.instance === `trial-${tune.outputs['best-trial']}`)!;
        expect(tune.outputs.x).toBe(JSON.stringify(best.matrixValues?.x));
        expect(tune.artifacts.model).toBe(best.artifacts.model);
        expect(stepOf(e, 'use').outputs.best).toBe(tune.outputs.x);
        expect(stepOf(e, 'gate').status).toBe('succeeded');
        const version = await h.registry.getModelVersion('tuned', stepOf(e, 'register').outputs.version!);
        expect(version.runId).toBe(best.runId);
        expect(await h.logs(e.executionId, 'use')).toContain(`x=${tune.outputs.x} kind=${best.matrixValues?.kind as string} trial=${tune.outputs['best-trial']}`);
      });
    }

    it('the same seed gives the same trials; without a seed one is chosen and recorded', async () => {
      const search = 'strategy: tpe\nmax-trials: 5\nstartup-trials: 2\nseed: 99';
      const params = async (): Promise<unknown[]> => {
        const e = await stored(h.run(searchPipeline(search)));
        expect(e.status).toBe('succeeded');
        return trialsOf(e).map((t) => t.matrixValues);
      };
      const first = await params();
      expect(first).toHaveLength(5);
      expect(await params()).toEqual(first);

      const e = await stored(h.run(searchPipeline('strategy: random\nmax-trials: 2')));
      expect(Number(stepOf(e, 'tune').outputs.seed)).toBeGreaterThanOrEqual(0);
      const tuneRun = await h.tracking.getRun(stepOf(e, 'tune').outputs['search-run-id']!);
      expect(tuneRun.data.params.find((p) => p.key === 'tune.seed')?.value).toBe(stepOf(e, 'tune').outputs.seed);
    });

    it('an early stop ends the search when the objective stalls, and says so', async () => {
      const yaml = searchPipeline('strategy: random\nmax-trials: 12\nseed: 3\nearly-stop: { patience: 3 }').replace(
        /echo "loss=.*"/,
        'echo "loss=5"',
      );
      const e = await stored(h.run(yaml));
      const tune = stepOf(e, 'tune');
      expect(tune.status).toBe('succeeded');
      expect(trialsOf(e)).toHaveLength(4);
      expect(tune.outputs).toMatchObject({ trials: '4', 'best-trial': '1', 'best-objective': '5' });
      expect(tune.reason).toMatch(/^early stop: .*ran 4 trials of 12/);
    });

    it('a failed trial does not fail the step when others succeed', async () => {
      const yaml = searchPipeline('strategy: grid\nmax-parallel: 3').replace('sleep 0.2', 'test "${{ trial.params.x }}" != 7 || exit 4');
      const e = await stored(h.run(yaml));
      const tune = stepOf(e, 'tune');
      expect(tune.status, JSON.stringify(e.steps, null, 1)).toBe('succeeded');
      expect(trialsOf(e).filter((t) => t.status === 'failed').map((t) => t.matrixValues?.x)).toEqual([7, 7]);
      expect(tune.outputs).toMatchObject({ 'best-objective': '1', trials: '12' });
      expect(['6', '8']).toContain(tune.outputs.x);
      expect((await summary(tune.outputs['search-run-id']!, 'tuning/trials.csv')).split('\r\n').filter((l) => l.includes(',failed,'))).toHaveLength(2);
    });

    it('fails the step when every trial fails, and the steps after it are skipped', async () => {
      const yaml = searchPipeline('strategy: random\nmax-trials: 3\nmax-parallel: 3', downstream).replace('sleep 0.2', 'exit 3');
      const e = await stored(h.run(yaml));
      expect(e.status).toBe('failed');
      const tune = stepOf(e, 'tune');
      expect(tune).toMatchObject({ status: 'failed', failureClass: 'user' });
      expect(tune.reason).toMatch(/^no trial succeeded \(3 trials ran; 'trial-\d' failed: /);
      expect(trialsOf(e).every((t) => t.status === 'failed')).toBe(true);
      expect(stepOf(e, 'use').status).toBe('skipped');
      expect((await h.tracking.getRun(tune.runId!)).info.status).toBe('FAILED');
    });

    it('cancelling the execution cancels the running trials and starts no more', async () => {
      const yaml = searchPipeline('strategy: random\nmax-trials: 8\nmax-parallel: 2').replace('sleep 0.2', 'sleep 30');
      const { executionId } = await h.run(yaml);
      await h.wait(executionId, (x) => x.steps.filter((s) => s.instance !== undefined && s.status === 'running' && s.attempts.length > 0).length === 2);
      await h.engine.cancelExecution(executionId, 'tester');
      const e = await stored(Promise.resolve({ executionId }));
      expect(e.status).toBe('cancelled');
      expect(stepOf(e, 'tune').status).toBe('cancelled');
      expect(trialsOf(e).map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    });

    it('evaluates expressions in the search inputs from params', async () => {
      const yaml = searchPipeline('strategy: random\nmax-trials: ${{ params.trials }}\nseed: 5').replace('name: tune-search', 'name: tune-search\nparams:\n  trials: { type: int, default: 2 }');
      const e = await stored(h.run(yaml, { trials: 3 }));
      expect(e.status).toBe('succeeded');
      expect(trialsOf(e)).toHaveLength(3);
    });
  });
}
