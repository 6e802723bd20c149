import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/core/endpoints/endpoint.js';
import { cliEnv, type CliResult } from '../support/cli-runner.js';
import { eventually } from '../support/eventually.js';
import { createSqliteTestDatabase } from '../support/test-databases.js';
import { allReady, createEndpointFixture, type EndpointFixture } from './endpoint-fixture.js';
import { listenEndpointApi, type ListeningEndpointApi } from './listen-endpoint-api.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `slipway endpoints <args>` from the sources (tsx), as a process. */
interface Running {
  stdout(): string;
  readonly exited: Promise<CliResult>;
}

function slipway(url: string, args: readonly string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'endpoints', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...cliEnv(url, { SLIPWAY_ACTOR: 'cli-user' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { stdout: () => stdout, exited: new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr }))) };
}

/**
 * `slipway endpoints …` run as a process against an in-process server with the endpoints
 * API and no controller: what the controller would write (variants loaded, a rollout
 * baking, completed or rolled back, the row deleted) the test writes through the store
 * while the CLI waits, so `--wait` is exercised on each outcome.
 */
describe('slipway endpoints (CLI process against the API, controller simulated through the store)', { timeout: 180_000 }, () => {
  let f: EndpointFixture;
  let api: ListeningEndpointApi;
  let url: string;
  beforeAll(async () => {
    f = await createEndpointFixture({ name: 'sqlite', skip: undefined, create: createSqliteTestDatabase });
    api = await listenEndpointApi(f);
    url = api.url;
  });
  afterAll(async () => {
    await api.close();
    await f.close();
  });

  const cli = (...args: string[]) => slipway(url, args).exited;
  /** Waits until the waiting CLI has printed `seen` (it has read the endpoint in that state), then writes what the controller would. */
  const controller = async (running: Running, seen: RegExp, name: string, change: (e: Endpoint) => Endpoint) => {
    await eventually(() => seen.test(running.stdout()), 60_000, `${String(seen)} in the CLI's output:\n${running.stdout()}`, 50);
    await f.controllerWrite(name, change);
  };

  it('creates with a main variant, a weighted one and a shadow; lists and shows them', async () => {
    const created = await cli('create', 'prices', '-m', 'models:/housing@champion', '--variant', 'side=models:/housing/1:10', '--shadow', 'next=models:/housing/3:25', '--tag', 'team=pricing', '--description', 'house prices');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created endpoint prices (Creating).');
    const stored = await f.service.get('prices');
    expect(stored.variants.map((v) => [v.name, v.modelVersion, v.weight, v.shadow?.samplePercent])).toEqual([
      ['housing-2', '2', 90, undefined],
      ['side', '1', 10, undefined],
      ['next', '3', 0, 25],
    ]);
    expect(stored).toMatchObject({ tags: { team: 'pricing' }, description: 'house prices' });
    expect((await f.service.events('prices')).items[0]?.actor).toBe('cli-user');

    await f.controllerWrite('prices', (e) => allReady(e));
    const list = await cli('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+STATUS\s+VARIANTS/);
    expect(list.stdout).toMatch(/prices\s+InService\s+housing-2=housing\/2 90 %, side=housing\/1 10 %, next=housing\/3 shadow 25 %/);
    const show = await cli('show', 'prices');
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/Status:\s+InService/);
    expect(show.stdout).toMatch(/housing-2\s+housing\/2 \(models:\/housing@champion\)\s+90 %\s+Ready\s+onnx: compiled/);
    const asJson = JSON.parse((await cli('show', 'prices', '--json')).stdout) as { endpoint: { variants: { name: string; serving_runtime: string }[] } };
    expect(asJson.endpoint.variants.map((v) => [v.name, v.serving_runtime])).toEqual([
      ['housing-2', 'onnx'],
      ['side', 'onnx'],
      ['next', 'onnx'],
    ]);
  });

  it('create --wait exits 0 once InService and 1 (naming the reason) once Failed', async () => {
    const good = slipway(url, ['create', 'good', '-m', 'models:/iris/1', '--wait']);
    await controller(good, /Creating \[iris-1 Pending\]/, 'good', (e) => allReady(e));
    const ok = await good.exited;
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^\d\d:\d\d:\d\d Creating \[iris-1 Pending\]$/m);
    expect(ok.stdout).toMatch(/Status:\s+InService/);

    const bad = slipway(url, ['create', 'bad', '-m', 'models:/iris/1', '--wait']);
    await controller(bad, /Creating \[iris-1 Pending\]/, 'bad', (e) => ({ ...e, status: 'Failed', statusReason: 'variant iris-1 failed to load: no MLmodel file', variants: e.variants.map((v) => ({ ...v, status: 'Failed', statusReason: 'no MLmodel file' })) }));
    const failed = await bad.exited;
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim()).toBe("slipway: endpoint 'bad' is Failed: variant iris-1 failed to load: no MLmodel file");
  });

  it('update --wait follows a canary: exit 1 when rolled back, 0 when completed; rollback and events', async () => {
    await f.service.create({ name: 'canary', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
    expect((await cli('update', 'canary', '-m', 'models:/housing/2')).stderr).toMatch(/^slipway: RESOURCE_CONFLICT: Endpoint 'canary' is Creating/);
    await f.controllerWrite('canary', (e) => allReady(e));

    const rolledBack = slipway(url, ['update', 'canary', '-m', 'models:/housing/2', '--strategy', 'canary', '--steps', '10,100', '--bake', '2m', '--max-error-rate', '0.05', '--max-p99-ms', '80', '--min-requests', '5', '--wait']);
    await controller(rolledBack, /Updating — rollout Warming/, 'canary', (e) => ({ ...e, rollout: { ...e.rollout!, phase: 'Baking', step: 0, stepStartedTime: Date.now(), target: e.rollout!.target.map((v) => ({ ...v, status: 'Ready' })) } }));
    await controller(rolledBack, /rollout Baking, step 1\/2/, 'canary', (e) => ({ ...e, status: 'InService', statusReason: 'rolled back', rollout: { ...e.rollout!, phase: 'RolledBack', reason: 'error rate 0.20 > 0.05 over 25 requests', endedTime: Date.now() } }));
    const back = await rolledBack.exited;
    expect(back.code).toBe(1);
    expect(back.stdout).toMatch(/Rollout \S+ started on endpoint canary\./);
    expect(back.stdout).toMatch(/Updating — rollout Baking, step 1\/2 \(10 %\) \[housing-1 Ready, housing-2 Ready\]/);
    expect(back.stderr).toMatch(/^slipway: endpoint 'canary': rollout \S+ was rolled back: error rate 0\.20 > 0\.05 over 25 requests\n$/);
    const policy = (await f.service.get('canary')).rollout?.policy;
    expect(policy).toEqual({ strategy: 'canary', steps: [10, 100], bakeSeconds: 120, rollback: { maxErrorRate: 0.05, maxP99Ms: 80, minRequests: 5 } });

    const completes = slipway(url, ['update', 'canary', '--variant', 'v3=models:/housing/3', '--wait', '--json']);
    await eventually(async () => (await f.store.getEndpoint('canary')).status === 'Updating', 60_000, 'the update', 50);
    await f.controllerWrite('canary', (e) => ({ ...e, status: 'InService', variants: e.rollout!.target.map((v) => ({ ...v, status: 'Ready' })), rollout: { ...e.rollout!, phase: 'Completed', step: 0, endedTime: Date.now() } }));
    const done = await completes.exited;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect((JSON.parse(done.stdout) as { endpoint: { variants: { name: string }[]; rollout: { phase: string } } }).endpoint).toMatchObject({ variants: [{ name: 'v3' }], rollout: { phase: 'Completed' } });

    expect((await cli('rollback', 'canary')).stderr).toMatch(/^slipway: RESOURCE_CONFLICT: .*no rollout in progress/);
    await f.service.update('canary', { variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
    const manual = await cli('rollback', 'canary', '--reason', 'not today');
    expect(manual.code).toBe(0);
    expect(manual.stdout).toMatch(/^Rolled back rollout \S+ of endpoint canary; it is InService\.\n$/);
    const events = await cli('events', 'canary');
    expect(events.code).toBe(0);
    const kinds = events.stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s{2,}/)[1]);
    expect(kinds).toEqual(['created', 'update_requested', 'update_requested', 'update_requested', 'rolled_back']);
    expect(events.stdout).toContain('rolled back by cli-user: not today');
    const shown = await cli('show', 'canary');
    expect(shown.stdout).toMatch(/Phase:\s+RolledBack/);
    expect(shown.stdout).toContain('Target variants:');
  });

  it('delete --wait returns once the endpoint is gone', async () => {
    await f.service.create({ name: 'doomed', variants: [{ modelUri: 'models:/iris/1' }] }, 'alice');
    const deleting = cli('delete', 'doomed', '--wait');
    await eventually(async () => (await f.store.getEndpoint('doomed')).status === 'Deleting', 60_000, 'Deleting', 50);
    const e = await f.store.getEndpoint('doomed');
    await f.store.deleteEndpoint('doomed', e.revision, [{ time: Date.now(), kind: 'deleted', actor: 'slipway', message: 'deleted', details: {} }]);
    const gone = await deleting;
    expect(gone.stderr).toBe('');
    expect(gone.code).toBe(0);
    expect(gone.stdout).toMatch(/^Deleted endpoint doomed at /);
    expect((await cli('show', 'doomed')).stderr).toMatch(/^slipway: RESOURCE_DOES_NOT_EXIST: Endpoint 'doomed' does not exist/);
  });

  it('usage errors exit 2 and write nothing; refusals by the server exit 1 naming the field', async () => {
    const before = (await f.service.list()).items.length;
    for (const args of [
      ['create', 'x'],
      ['create', 'x', '--variant', 'no-equals-sign'],
      ['create', 'x', '-m', 'models:/iris/1', '--shadow', 's=models:/iris/1'],
      ['update', 'prices', '--steps', '10,x'],
      ['update', 'prices', '--strategy', 'canary'],
      ['create', 'x', '-m', 'models:/iris/1', '--runtime', 'tensorrt'],
    ]) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
    }
    const refused = await cli('create', 'x', '-m', 'models:/iris/1', '--variant', 'b=models:/iris/1:120');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^slipway: INVALID_PARAMETER_VALUE: .*'variants\[1\]\.weight'/);
    expect((await cli('create', 'x', '-m', 'models:/iris/7')).stderr).toMatch(/^slipway: RESOURCE_DOES_NOT_EXIST: .*'variants\[0\]\.model_uri'/);
    expect((await f.service.list()).items.length).toBe(before);
  });
});
