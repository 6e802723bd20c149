import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from '../../../src/artifacts/local-artifact-store.js';
import type { ExecutionRecord } from '../../../src/core/ports/pipeline-store.js';
import { LocalExecutor } from '../../../src/executors/local-executor.js';
import { PipelineEngine } from '../../../src/pipelines/engine/pipeline-engine.js';
import { createEngineHarness, type EngineHarness } from '../../support/engine-harness.js';
import { BACKENDS } from '../../support/test-databases.js';
import { dedent } from '../support.js';

const trialsOf = (e: ExecutionRecord) =>
  e.steps.filter((s) => s.stepId === 'tune' && s.instance !== undefined).sort((a, b) => Number(a.instance?.slice(6)) - Number(b.instance?.slice(6)));
const tuneOf = (e: ExecutionRecord) => e.steps.find((s) => s.stepId === 'tune' && s.instance === undefined)!;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: slipway/tune across restarts and MLflow`, () => {
    const cleanup: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const f of cleanup.reverse()) await f();
      cleanup.length = 0;
    });

    it('a search interrupted by a shutdown goes on after the restart with the same trials', async () => {
      const h: EngineHarness = await createEngineHarness(backend);
      cleanup.push(() => h.close());
      // Trials after the first two wait for this file, which appears only after the restart:
      // so the stop always finds a trial running (however loaded the machine is).
      const gate = join(h.root, 'gate');
      const yaml = dedent(`
        name: tune-restart
        steps:
          - id: tune
            uses: slipway/tune
            with:
              run: |
                if [ "$SLIPWAY_TRIAL" -gt 2 ]; then while [ ! -f ${gate} ]; do sleep 0.05; done; fi
                echo "loss=$(( \${{ trial.params.x }} * \${{ trial.params.x }} ))"
              metrics: [{ name: loss, regex: 'loss=([0-9]+)' }]
              parameters: { x: { type: int, min: -20, max: 20 } }
              strategy: tpe
              startup-trials: 2
              max-trials: 6
              max-parallel: 2
              objective: { metric: loss, direction: minimize }
      `);
      const { executionId } = await h.run(yaml);
      await until('two finished trials and one running', async () => {
        const e = await h.store.getExecution(executionId);
        const trials = trialsOf(e);
        return trials.filter((t) => t.status === 'succeeded').length >= 2 && trials.some((t) => t.status === 'running' && t.attempts.some((a) => a.pid !== undefined)) ? e : undefined;
      });
      await h.engine.stop();
      const stopped = await h.store.getExecution(executionId);
      const seed = tuneOf(stopped).outputs.seed;
      expect(seed).toMatch(/^\d+$/);

      const restarted = new PipelineEngine(
        {
          store: h.store,
          executor: new LocalExecutor({ killGraceMs: 1_000 }),
          tracking: h.tracking,
          registry: h.registry,
          registryStore: h.registryStore,
          artifacts: await LocalArtifactStore.open(join(h.root, 'artifacts')),
        },
        { dataDir: h.dataDir, pollIntervalMs: 50 },
      );
      await restarted.start('http://127.0.0.1:9');
      cleanup.push(() => restarted.stop());
      writeFileSync(gate, '');
      const done = await until('the execution to end', async () => {
        const e = await h.store.getExecution(executionId);
        return ['succeeded', 'failed'].includes(e.status) ? e : undefined;
      });
      expect(done.status).toBe('succeeded');
      const trials = trialsOf(done);
      expect(trials.map((t) => t.instance)).toEqual(['trial-1', 'trial-2', 'trial-3', 'trial-4', 'trial-5', 'trial-6']);
      expect(trials.filter((t) => t.status !== 'succeeded').map((t) => ({ instance: t.instance, status: t.status, reason: t.reason, attempts: t.attempts }))).toEqual([]);
      // A trial the shutdown interrupted ran again, not counted as a failed try.
      expect(trials.some((t) => t.attempts.some((a) => a.interrupted === true))).toBe(true);
      // The trials recorded before the stop are kept as they were; the seed is the recorded one.
      for (const before of trialsOf(stopped)) expect(trials.find((t) => t.instance === before.instance)?.matrixValues).toEqual(before.matrixValues);
      expect(tuneOf(done).outputs.seed).toBe(seed);
      expect(tuneOf(done).outputs.trials).toBe('6');
      expect(Number(tuneOf(done).outputs['best-objective'])).toBe(Math.min(...trials.map((t) => t.metrics.loss!)));
    });

    it('reads the objective from the trial’s MLflow run when no regex reads it', async () => {
      const holder: { harness?: EngineHarness } = {};
      // A minimal MLflow endpoint (runs/log-metric) over the harness's tracking service.
      const server: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          const m = JSON.parse(body) as { run_id: string; key: string; value: number; timestamp: number; step: number };
          holder.harness!.tracking.logMetric(m.run_id, { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step }).then(
            () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
            (e: unknown) => res.writeHead(400).end(String(e)),
          );
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const h = await createEngineHarness(backend, { trackingUri: `http://127.0.0.1:${port}` });
      holder.harness = h;
      cleanup.push(() => h.close());
      const log = (value: string) =>
        `node -e "fetch(process.env.MLFLOW_TRACKING_URI + '/api/2.0/mlflow/runs/log-metric', {method: 'POST', body: JSON.stringify({run_id: process.env.MLFLOW_RUN_ID, key: 'accuracy', value: ${value}, timestamp: Date.now(), step: 0})}).then((r) => process.exit(r.ok ? 0 : 1))"`;
      const yaml = dedent(`
        name: tune-mlflow
        steps:
          - id: tune
            uses: slipway/tune
            with:
              run: |
                ${log('1 - Math.abs(${{ trial.params.c }} - 0.25)')}
              parameters: { c: [0.1, 0.25, 0.5, 1] }
              strategy: grid
              max-parallel: 2
              objective: { metric: accuracy, direction: maximize }
      `);
      const { executionId } = await h.run(yaml);
      await h.wait(executionId, undefined, 60_000);
      const e = await h.store.getExecution(executionId);
      expect(tuneOf(e).status, JSON.stringify(e.steps, null, 1)).toBe('succeeded');
      expect(tuneOf(e).outputs).toMatchObject({ 'best-objective': '1', 'best-params': '{"c":0.25}', trials: '4' });
      expect(tuneOf(e).metrics).toEqual({ accuracy: 1 });
      expect(trialsOf(e).map((t) => t.metrics.accuracy)).toEqual([0.85, 1, 0.75, 0.25]);
    });
  });
}
