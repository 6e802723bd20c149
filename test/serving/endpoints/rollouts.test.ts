import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/test-databases.js';
import { close, expected, invoke, startServingHarness, type ServingHarness } from './serving-harness.js';

const rf = expected('housing-rf');
const linear = expected('housing-faulty');
const row = rf.rows.data[0]!;
const one = { dataframe_split: { columns: rf.rows.columns, data: [row] } };
/** A row the faulty model's graph fails on (housing_median_age ≥ 100); the random forest scores it. */
const trap = { dataframe_split: { columns: rf.rows.columns, data: [row.map((value, index) => (rf.rows.columns[index] === 'housing_median_age' ? 500 : value))] } };

function which(prediction: number | undefined): 'v1' | 'v2' | 'other' {
  if (prediction === undefined) return 'other';
  if (close(prediction, rf.predictions[0]!)) return 'v1';
  if (close(prediction, linear.predictions[0]!)) return 'v2';
  return 'other';
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: rollouts`, () => {
    let h: ServingHarness;
    beforeAll(async () => {
      h = await startServingHarness(backend);
      await h.register('housing', 'housing-rf');
      await h.register('housing', 'housing-faulty');
    });
    afterAll(() => h?.close());

    async function createOnV1(name: string, extra: Array<{ name: string; modelUri: string; weight?: number; shadow?: { samplePercent: number } }> = []): Promise<void> {
      await h.service.create({ name, variants: [{ name: 'blue', modelUri: 'models:/housing/1', ...(extra.length > 0 ? { weight: 100 } : {}) }, ...extra] }, 'alice');
      await h.settle(name, (endpoint) => endpoint.status === 'InService');
    }

    it('blue/green: switches from version 1 to version 2 under load with zero failed requests', async () => {
      await createOnV1('bg');
      const answers: Array<{ status: number; model: string; at: number }> = [];
      let running = true;
      let sent = 0;
      const client = async (): Promise<void> => {
        while (running) {
          const scored = await invoke(h.url, 'bg', one);
          answers.push({ status: scored.status, model: which(scored.json.predictions?.[0]), at: sent++ });
        }
      };
      const clients = Array.from({ length: 8 }, () => client());
      while (answers.length < 200) await new Promise((resolve) => setTimeout(resolve, 10));
      await h.service.update('bg', { variants: [{ name: 'green', modelUri: 'models:/housing/2' }] }, 'alice');
      const switchedAt = answers.length;
      const done = await h.settle('bg', (endpoint) => endpoint.rollout?.phase === 'Completed');
      const completedAt = answers.length;
      while (answers.length < completedAt + 200) await new Promise((resolve) => setTimeout(resolve, 10));
      running = false;
      await Promise.all(clients);

      const failed = answers.filter((answer) => answer.status !== 200);
      expect(failed, JSON.stringify(failed.slice(0, 5))).toEqual([]);
      expect(answers.filter((answer) => answer.model === 'other')).toEqual([]);
      expect(answers.slice(0, switchedAt).every((answer) => answer.model === 'v1')).toBe(true);
      expect(answers.slice(completedAt + 50).every((answer) => answer.model === 'v2')).toBe(true);
      // Once version 2 answered, version 1 never did again: one atomic switch.
      const firstV2 = answers.findIndex((answer) => answer.model === 'v2');
      expect(answers.slice(firstV2).some((answer) => answer.model === 'v1')).toBe(false);

      expect(done.status).toBe('InService');
      expect(done.variants.map((variant) => [variant.name, variant.modelVersion, variant.status])).toEqual([['green', '2', 'Ready']]);
      const kinds = (await h.events('bg')).map((event) => event.kind);
      expect(kinds).toEqual(['created', 'variant_loading', 'variant_ready', 'traffic_shifted', 'update_requested', 'variant_loading', 'variant_ready', 'switched', 'rollout_completed', 'variant_drained']);
      expect(await h.stores.registry.lineageLinks(['deployment:bg/green'])).toEqual([{ from: 'model_version:housing/2', to: 'deployment:bg/green', relation: 'deployed_as' }]);
    });

    it('canary: moves 10 → 50 → 100 % after each bake, observed shares follow, a routing key sticks to one variant', async () => {
      await createOnV1('canary');
      await h.service.update('canary', { variants: [{ name: 'green', modelUri: 'models:/housing/2' }], rollout: { strategy: 'canary', steps: [10, 50, 100], bakeSeconds: 60, minRequests: 100_000 } }, 'alice');
      const share = async (requests: number): Promise<number> => {
        let green = 0;
        for (let i = 0; i < requests; i += 20) {
          const batch = await Promise.all(Array.from({ length: 20 }, () => invoke(h.url, 'canary', one)));
          for (const scored of batch) {
            expect(scored.status).toBe(200);
            expect(which(scored.json.predictions?.[0])).toBe(scored.variant === 'green' ? 'v2' : 'v1');
            if (scored.variant === 'green') green++;
          }
        }
        return green / requests;
      };
      let endpoint = await h.settle('canary', (e) => e.rollout?.phase === 'Baking');
      expect(endpoint.rollout).toMatchObject({ step: 0, stepStartedTime: h.clock.now });
      const at10 = await share(400);
      expect(at10).toBeGreaterThan(0.04);
      expect(at10).toBeLessThan(0.18);
      const sticky = await Promise.all(Array.from({ length: 30 }, () => invoke(h.url, 'canary', one, { 'x-slipway-routing-key': 'customer-42' })));
      expect(new Set(sticky.map((scored) => scored.variant)).size).toBe(1);

      // Not before the bake is over.
      h.clock.now += 30_000;
      await h.serving.controller.tick();
      expect((await h.service.get('canary')).rollout!.step).toBe(0);
      h.clock.now += 30_000;
      endpoint = await h.settle('canary', (e) => e.rollout?.step === 1);
      const at50 = await share(400);
      expect(at50).toBeGreaterThan(0.38);
      expect(at50).toBeLessThan(0.62);
      h.clock.now += 60_000;
      endpoint = await h.settle('canary', (e) => e.rollout?.step === 2);
      expect(await share(100)).toBe(1);
      h.clock.now += 60_000;
      endpoint = await h.settle('canary', (e) => e.rollout?.phase === 'Completed');
      expect(endpoint.variants.map((variant) => variant.name)).toEqual(['green']);
      const events = await h.events('canary');
      const shifts = events.filter((event) => event.kind === 'traffic_shifted' && event.rolloutId !== undefined).map((event) => event.details['share']);
      expect(shifts).toEqual([10, 50, 100]);
      expect(events.at(-2)!.kind).toBe('rollout_completed');
    });

    it('rolls back automatically when the candidate’s measured error rate breaches the threshold; the old variant keeps serving', async () => {
      await createOnV1('rb');
      await h.service.update(
        'rb',
        { variants: [{ name: 'green', modelUri: 'models:/housing/2' }], rollout: { strategy: 'canary', steps: [50, 100], bakeSeconds: 600, maxErrorRate: 0.1, minRequests: 20 } },
        'alice',
      );
      await h.settle('rb', (e) => e.rollout?.phase === 'Baking');
      // One request at a time, every third one a row the candidate's graph fails on.
      const statuses: Record<string, number[]> = { blue: [], green: [] };
      for (let i = 0; i < 120; i++) {
        const scored = await invoke(h.url, 'rb', i % 3 === 0 ? trap : one);
        statuses[scored.variant ?? 'none']!.push(scored.status);
      }
      expect(statuses['blue']!.every((status) => status === 200)).toBe(true);
      expect(statuses['green']!.filter((status) => status === 500).length).toBeGreaterThan(5);
      const candidate = h.serving.stats.step('rb', (await h.service.get('rb')).rollout!.id, 0, ['green']);

      const rolledBack = await h.settle('rb', (e) => e.rollout?.phase !== 'Baking');
      expect(rolledBack.status).toBe('InService');
      expect(rolledBack.rollout!.phase).toBe('RolledBack');
      expect(rolledBack.rollout!.reason).toContain(`error rate ${candidate.errorRate.toFixed(3)}`);
      expect(rolledBack.variants.map((variant) => variant.name)).toEqual(['blue']);
      const event = (await h.events('rb')).at(-1)!;
      expect(event.kind).toBe('rolled_back');
      expect(event.actor).toBe('slipway');
      expect(event.details).toMatchObject({ errorRate: candidate.errorRate, requests: candidate.requests, errors: candidate.errors, share: 50 });
      expect(candidate.errorRate).toBeGreaterThan(0.1);

      for (let i = 0; i < 20; i++) {
        const scored = await invoke(h.url, 'rb', i % 2 === 0 ? trap : one);
        expect([scored.status, scored.variant]).toEqual([200, 'blue']);
      }
    });

    it('an update that keeps a model version does not load it again', async () => {
      await createOnV1('keep');
      const loads = h.loads();
      await h.service.update('keep', { variants: [{ name: 'blue-2', modelUri: 'models:/housing/1' }] }, 'alice');
      const done = await h.settle('keep', (e) => e.rollout?.phase === 'Completed');
      expect(done.variants.map((variant) => [variant.name, variant.status])).toEqual([['blue-2', 'Ready']]);
      expect(h.loads()).toBe(loads);
      const scored = await invoke(h.url, 'keep', one);
      expect([scored.status, scored.variant, which(scored.json.predictions?.[0])]).toEqual([200, 'blue-2', 'v1']);
    });

    it('a manual rollback during a canary sends every request back to the serving variant at once', async () => {
      await createOnV1('manual');
      await h.service.update('manual', { variants: [{ name: 'green', modelUri: 'models:/housing/2' }], rollout: { strategy: 'canary', steps: [50, 100], bakeSeconds: 600 } }, 'alice');
      await h.settle('manual', (e) => e.rollout?.phase === 'Baking');
      const before = await Promise.all(Array.from({ length: 40 }, () => invoke(h.url, 'manual', one)));
      expect(before.some((scored) => scored.variant === 'green')).toBe(true);
      await h.service.rollback('manual', 'bob', 'latency looks off');
      const after = await Promise.all(Array.from({ length: 40 }, () => invoke(h.url, 'manual', one)));
      expect(after.every((scored) => scored.status === 200 && scored.variant === 'blue')).toBe(true);
      await h.serving.controller.tick();
      const endpoint = await h.service.get('manual');
      expect([endpoint.status, endpoint.rollout?.phase]).toEqual(['InService', 'RolledBack']);
    });

    it('shadow: mirrors a sampled share, never changes the answer, and records both outputs', async () => {
      await createOnV1('sh', [{ name: 'shadow', modelUri: 'models:/housing/2', weight: 0, shadow: { samplePercent: 50 } }]);
      const requests = 200;
      for (let i = 0; i < requests; i += 20) {
        const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => invoke(h.url, 'sh', one, { 'x-request-id': `req-${i + j}` })));
        for (const scored of batch) {
          expect([scored.status, scored.variant, which(scored.json.predictions?.[0])]).toEqual([200, 'blue', 'v1']);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      await h.serving.shadows.flush();
      const records = readFileSync(h.serving.shadows.fileOf('sh'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { requestId: string; liveVariant: string; shadowVariant: string; liveOutput: number[]; shadowOutput: number[]; match: boolean; liveLatencyMs: number; shadowLatencyMs: number });
      expect(records.length).toBeGreaterThan(requests * 0.3);
      expect(records.length).toBeLessThan(requests * 0.7);
      for (const record of records) {
        expect(record.requestId).toMatch(/^req-\d+$/);
        expect([record.liveVariant, record.shadowVariant, record.match]).toEqual(['blue', 'shadow', false]);
        expect(which(record.liveOutput[0])).toBe('v1');
        expect(which(record.shadowOutput[0])).toBe('v2');
        expect(record.shadowLatencyMs).toBeGreaterThanOrEqual(0);
      }
      const stats = (await (await fetch(`${h.url}/api/slipway/v1/endpoints/sh/stats`)).json()) as { shadow: Array<{ variant: string; requests: number; mismatches: number }> };
      expect(stats.shadow).toEqual([{ variant: 'shadow', requests: records.length, errors: 0, mismatches: records.length }]);
    });
  });
}
