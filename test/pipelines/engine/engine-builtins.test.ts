import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngineHarness, stepOf, type EngineHarness } from '../../support/engine-harness.js';
import { BACKENDS } from '../../support/test-databases.js';
import { dedent } from '../support.js';

const housing = (extra = ''): string =>
  dedent(`
    name: housing
    params:
      rmse: { type: float, default: 50000 }
    steps:
      - id: train
        run: |
          mkdir -p model && echo "flavor: sklearn" > model/MLmodel
          echo "rmse: \${{ params.rmse }}"
        outputs: { model: model/ }
        metrics: { rmse: 'rmse: ([0-9.]+)' }
      - id: evaluate
        needs: train
        uses: slipway/evaluate
        with:
          step: train
          threshold: rmse < 60000
          champion: { model: housing, metric: rmse, direction: minimize, min-relative-improvement: 0.05 }
      - id: register
        needs: evaluate
        uses: slipway/register-model
        with:
          name: housing
          model-dir: \${{ steps.train.artifacts.model }}
          description: trained by a pipeline
          tags: { team: ml }
      - id: promote
        needs: register
        uses: slipway/promote
        with: { name: housing, version: '\${{ steps.register.outputs.version }}', alias: champion }
  `) + extra;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: built-in steps`, () => {
    let h: EngineHarness;
    beforeEach(async () => {
      h = await createEngineHarness(backend);
    });
    afterEach(async () => {
      await h.close();
    });

    it('a failed threshold gate stops the dependent steps as gated, not as an error', async () => {
      const e = await h.wait((await h.run(housing(), { rmse: 70000 })).executionId);
      expect(stepOf(e, 'evaluate')).toMatchObject({
        status: 'failed',
        failureClass: 'gate',
        outputs: { passed: 'false' },
      });
      expect(stepOf(e, 'evaluate').reason).toContain('rmse 70000 does not meet rmse < 60000');
      expect(stepOf(e, 'register').status).toBe('gated');
      expect(stepOf(e, 'register').reason).toMatch(/^stopped at gate 'evaluate': rmse 70000 does not meet/);
      expect(stepOf(e, 'promote')).toMatchObject({ status: 'gated', reason: stepOf(e, 'register').reason });
      expect(e.status).toBe('succeeded');
      expect(e.reason).toMatch(/^stopped at gate 'evaluate'/);
    });

    it('registers the model with tags and lineage, promotes it, then compares the next candidate with the champion', async () => {
      const first = await h.wait((await h.run(housing(), { rmse: 50000 })).executionId);
      expect(first.status).toBe('succeeded');
      expect(stepOf(first, 'evaluate').outputs).toMatchObject({ passed: 'true', 'champion-version': '' });
      expect(stepOf(first, 'evaluate').outputs.reason).toContain("no champion of 'housing' yet");
      expect(stepOf(first, 'register').outputs).toEqual({ name: 'housing', version: '1' });
      expect(stepOf(first, 'promote').outputs).toEqual({ 'previous-version': '' });
      const v1 = await h.registry.getModelVersion('housing', 1);
      expect(v1).toMatchObject({ description: 'trained by a pipeline', runId: stepOf(first, 'train').runId, aliases: ['champion'] });
      expect(v1.source).toBe(stepOf(first, 'train').artifacts.model);
      expect(v1.tags).toEqual(
        expect.arrayContaining([
          { key: 'team', value: 'ml' },
          { key: 'slipway.execution_id', value: first.executionId },
        ]),
      );
      expect(await h.registryStore.lineageLinks([`pipeline_execution:${first.executionId}`])).toContainEqual({
        from: `pipeline_execution:${first.executionId}`,
        to: 'model_version:housing/1',
        relation: 'produced',
      });

      // 48000 is better, but not by the required 5 %.
      const second = await h.wait((await h.run(housing(), { rmse: 48000 })).executionId);
      expect(stepOf(second, 'evaluate')).toMatchObject({ status: 'failed', failureClass: 'gate', outputs: { 'champion-version': '1' } });
      expect(stepOf(second, 'evaluate').reason).toContain('does not beat champion version 1 (50000)');
      expect(stepOf(second, 'register').status).toBe('gated');

      // A protected alias needs an approved version: the promotion fails as the step's error.
      await h.registry.setApprovalPolicy('housing', { protectedAliases: ['champion'], protectedStages: [] }, 'admin');
      const third = await h.wait((await h.run(housing(), { rmse: 30000 })).executionId);
      expect(stepOf(third, 'register').outputs.version).toBe('2');
      expect(stepOf(third, 'promote')).toMatchObject({ status: 'failed', failureClass: 'user' });
      expect(stepOf(third, 'promote').reason).toMatch(/could not promote 'housing' version 2: .*approv/i);
      expect(third.status).toBe('failed');
      expect((await h.registry.getVersionByAlias('housing', 'champion')).version).toBe(1);
    });

    it("registers a step's run artifacts with 'step:' and posts notifications (Slack format; non-2xx fails)", async () => {
      const received: { path: string; body: unknown }[] = [];
      const server: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          received.push({ path: req.url ?? '', body: JSON.parse(body) as unknown });
          res.statusCode = req.url === '/broken' ? 500 : 200;
          res.end('ok');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
      try {
        const e = await h.wait(
          (
            await h.run(dedent(`
              name: notify
              steps:
                - id: train
                  run: mkdir -p model && echo m > model/MLmodel
                  outputs: { model: model/ }
                - id: register
                  needs: train
                  uses: slipway/register-model
                  with: { name: from-run, step: train }
                - id: slack
                  needs: register
                  uses: slipway/notify
                  with: { url: '${base}/hook', format: slack, message: 'registered v\${{ steps.register.outputs.version }}' }
                - id: broken
                  needs: register
                  uses: slipway/notify
                  with: { url: '${base}/broken', payload: { a: 1 } }
            `))
          ).executionId,
        );
        const run = stepOf(e, 'train').runId ?? '';
        expect((await h.registry.getModelVersion('from-run', 1)).source).toBe(`runs:/${run}/model`);
        expect(stepOf(e, 'slack')).toMatchObject({ status: 'succeeded', outputs: { status: '200' } });
        expect(received).toContainEqual({ path: '/hook', body: { text: 'registered v1' } });
        expect(received).toContainEqual({ path: '/broken', body: { pipeline: 'notify', execution_id: e.executionId, a: 1 } });
        expect(stepOf(e, 'broken')).toMatchObject({ status: 'failed', failureClass: 'user' });
        expect(stepOf(e, 'broken').reason).toContain('answered 500');
      } finally {
        server.close();
      }
    });
  });
}
