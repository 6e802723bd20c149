import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTriggerHarness, type TriggerHarness } from '../support/trigger-harness.js';
import { BACKENDS } from '../support/test-databases.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: trigger watchers`, () => {
    let h: TriggerHarness;

    beforeEach(async () => {
      h = await createTriggerHarness(backend);
    }, 30_000);
    afterEach(async () => {
      await h?.close();
    });

    const history = async (name: string) => (await h.triggerStore.listEvents(name, { limit: 100, offset: 0 })).items;

    it('a data trigger fires once after the debounce, not for unchanged data, again on a change, not after a restart', async () => {
      const dir = join(h.root, 'incoming');
      mkdirSync(dir);
      await h.upsert(`
name: retrain
params:
  changed_paths: {type: string, default: '[]'}
  digests: {type: string, default: '{}'}
on:
  data:
    - path: incoming/*.csv
      debounce: 0.3s
steps:
  - {id: a, run: 'true'}
`);
      expect((await h.triggerStore.getTrigger('retrain.data-0')).config).toEqual({ path: 'incoming/*.csv', debounceSeconds: 0.3 });
      await h.triggers.poll();
      expect(await h.executions('retrain')).toHaveLength(0);

      const csv = join(dir, 'housing.csv');
      writeFileSync(csv, 'a,b\n1,2\n');
      writeFileSync(join(dir, 'notes.txt'), 'not watched');
      await h.triggers.poll();
      // Changed, but not yet stable for the debounce.
      expect(await h.executions('retrain')).toHaveLength(0);
      await sleep(350);
      await h.triggers.poll();
      const [first] = await h.executions('retrain');
      expect(first).toBeDefined();
      expect(first!.trigger).toEqual({ type: 'event', detail: 'retrain.data-0: data changed at incoming/*.csv (1 path)' });
      expect(JSON.parse(String(first!.params.changed_paths))).toEqual([csv]);
      expect(JSON.parse(String(first!.params.digests))).toEqual({ [csv]: sha256('a,b\n1,2\n') });
      // The dataset digest is in the execution's lineage.
      expect(await h.registryStore.lineageLinks([`pipeline_execution:${first!.executionId}`])).toEqual([
        { from: `dataset:${csv}@${sha256('a,b\n1,2\n')}`, to: `pipeline_execution:${first!.executionId}`, relation: 'input_to' },
      ]);

      // Unchanged: nothing more, however often it is polled.
      await sleep(350);
      await h.triggers.poll();
      await h.triggers.poll();
      expect(await h.executions('retrain')).toHaveLength(1);

      // Changed again: fires again once stable.
      writeFileSync(csv, 'a,b\n1,2\n3,4\n');
      await h.triggers.poll();
      await sleep(350);
      await h.triggers.poll();
      await h.triggers.poll();
      expect(await h.executions('retrain')).toHaveLength(2);

      // A restart (a new service on the same database) does not fire for what was seen.
      const restarted = h.another();
      await restarted.poll();
      await sleep(350);
      await restarted.poll();
      expect(await h.executions('retrain')).toHaveLength(2);
      expect((await history('retrain.data-0')).map((e) => e.outcome)).toEqual(['started', 'started']);
    });

    it('two services on one database start one execution per data change', async () => {
      const dir = join(h.root, 'shared');
      mkdirSync(dir);
      await h.upsert(`
name: shared
on:
  data: {path: shared, debounce: 0}
steps:
  - {id: a, run: 'true'}
`);
      writeFileSync(join(dir, 'x.csv'), '1');
      const other = h.another();
      await Promise.all([h.triggers.poll(), other.poll(), h.triggers.poll(), other.poll()]);
      expect(await h.executions('shared')).toHaveLength(1);
    });

    it('a data trigger watches the artifact store (mlflow-artifacts:/…), created through the API', async () => {
      await h.upsert(`
name: ingest
params:
  changed_paths: {type: string, default: '[]'}
steps:
  - {id: a, run: 'true'}
`);
      await h.artifacts.put('datasets/housing/old.csv', Buffer.from('x'));
      await h.triggers.createTrigger({ name: 'ingest-artifacts', pipeline: 'ingest', type: 'data', config: { path: 'mlflow-artifacts:/datasets/housing', debounce: 0 } });
      await h.triggers.poll();
      expect(await h.executions('ingest')).toHaveLength(0);
      await h.artifacts.put('datasets/housing/new.csv', Buffer.from('y'));
      await h.triggers.poll();
      const [execution] = await h.executions('ingest');
      expect(JSON.parse(String(execution?.params.changed_paths))).toEqual(['mlflow-artifacts:/datasets/housing/new.csv']);
      expect((await history('ingest-artifacts'))[0]).toMatchObject({ outcome: 'started', summary: { digests: { 'mlflow-artifacts:/datasets/housing/new.csv': sha256('y') } } });
    });

    it('registry triggers start a pipeline on a new version, an alias set and an approval', async () => {
      await h.upsert(`
name: deploy
params:
  version: {type: string, default: ''}
on:
  registry:
    - {model: housing, event: version_created, params: {version: '\${{ event.version }}'}}
    - {model: housing, event: alias_set, alias: champion}
    - {model: housing, event: approval_granted, name: deploy-on-approval}
steps:
  - {id: a, run: 'true'}
`);
      await h.triggers.poll();
      await h.registry.createRegisteredModel({ name: 'housing', tags: [] }, 'alice');
      await h.registry.createRegisteredModel({ name: 'other', tags: [] }, 'alice');
      const mv = await h.registry.createModelVersion({ name: 'housing', source: 'mlflow-artifacts:/m', tags: [] }, 'alice');
      await h.registry.createModelVersion({ name: 'other', source: 'mlflow-artifacts:/m', tags: [] }, 'alice');
      await h.triggers.poll();
      let executions = await h.executions('deploy');
      expect(executions.map((e) => e.trigger.detail)).toEqual([`deploy.registry-0: version_created housing v${mv.version}`]);
      expect(executions[0]!.params).toEqual({ version: String(mv.version) });

      await h.registry.setAlias('housing', 'staging', mv.version, 'alice');
      await h.registry.setAlias('housing', 'champion', mv.version, 'alice');
      await h.registry.setApproval('housing', mv.version, 'Rejected', undefined, 'bob');
      await h.registry.setApproval('housing', mv.version, 'Approved', 'ship it', 'bob');
      await h.triggers.poll();
      // A second service reading the same log (another server) starts nothing more.
      await h.another().poll();
      executions = await h.executions('deploy');
      expect(executions.map((e) => e.trigger.detail).sort()).toEqual(
        [
          `deploy.registry-0: version_created housing v${mv.version}`,
          `deploy.registry-1: alias_set housing v${mv.version} @champion`,
          `deploy-on-approval: approval_granted housing v${mv.version}`,
        ].sort(),
      );
      expect((await history('deploy-on-approval'))[0]).toMatchObject({ outcome: 'started', summary: { event: 'approval_granted', model: 'housing' } });
    });

    it('a pipeline trigger runs B when A succeeds, and records a failure of A as ignored', async () => {
      await h.upsert(`
name: a
params:
  fail: {type: bool, default: false}
steps:
  - {id: s, run: 'test \${{ params.fail }} = false'}
`);
      await h.upsert(`
name: b
params:
  upstream: {type: string, default: ''}
on:
  pipeline:
    - pipeline: a
      params: {upstream: '\${{ event.execution_id }}'}
steps:
  - {id: s, run: 'true'}
`);
      const ok = await h.engine.startExecution({ pipelineName: 'a', params: {} }, 'tester');
      expect((await h.wait(ok.executionId)).status).toBe('succeeded');
      const bad = await h.engine.startExecution({ pipelineName: 'a', params: { fail: true } }, 'tester');
      expect((await h.wait(bad.executionId)).status).toBe('failed');
      await h.triggers.poll();
      await h.another().poll();
      const b = await h.executions('b');
      expect(b).toHaveLength(1);
      expect(b[0]!.trigger.detail).toBe(`b.pipeline-0: a succeeded (${ok.executionId})`);
      expect(b[0]!.params).toEqual({ upstream: ok.executionId });
      const events = await history('b.pipeline-0');
      expect(events.map((e) => e.outcome).sort()).toEqual(['ignored', 'started']);
      expect(events.find((e) => e.outcome === 'ignored')?.reason).toBe('a failed; this trigger starts on succeeded');
    });
  });
}
