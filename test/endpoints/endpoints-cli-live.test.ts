import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../src/server/server-config.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { SlipwayClient } from '../../src/sdk/index.js';
import { cliEnv, type CliResult } from '../support/cli-runner.js';
import { createSqliteTestDatabase, type TestDatabase } from '../support/test-databases.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/models/housing-rf');

function slipway(url: string, args: readonly string[]): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'endpoints', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...cliEnv(url, { SLIPWAY_ACTOR: 'cli-user' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/**
 * `slipway endpoints … --wait` against a started server (in process, SQLite) with its real
 * controller and ONNX runtime: the CLI follows a create to InService, a rollout whose model
 * cannot load to Failed (exit 1), a blue/green rollout to Completed, and a delete to the end.
 */
describe('slipway endpoints --wait against a started server with its controller', { timeout: 240_000 }, () => {
  let db: TestDatabase;
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    db = await createSqliteTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'slipway-endpoints-live-'));
    server = await startServer(resolveServerConfig({ dataDir: dir, backendStoreUri: db.uri, port: '0', logLevel: 'silent' }, dir, {}));
    for (const [folder, corrupt] of [
      ['housing-rf', false],
      ['housing-broken', true],
    ] as const) {
      for (const file of readdirSync(FIXTURE)) {
        const body = corrupt && file === 'model.onnx' ? Buffer.from('this is not an ONNX graph') : readFileSync(join(FIXTURE, file));
        const response = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/models/${folder}/${file}`, { method: 'PUT', body });
        expect(response.status).toBe(200);
      }
    }
    const sdk = new SlipwayClient({ trackingUri: server.url, env: {} });
    await sdk.registry.createRegisteredModel('housing');
    await sdk.registry.createModelVersion('housing', 'mlflow-artifacts:/models/housing-rf');
    await sdk.registry.createModelVersion('housing', 'mlflow-artifacts:/models/housing-broken');
    await sdk.registry.createModelVersion('housing', 'mlflow-artifacts:/models/housing-rf');
  });
  afterAll(async () => {
    await server?.close();
    await db?.dispose();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('follows create, a failed rollout, a completed rollout and a delete', async () => {
    const cli = (...args: string[]) => slipway(server.url, args);
    const created = await cli('create', 'prices', '-m', 'models:/housing/1', '--runtime', 'onnx', '--wait', '--timeout', '2m');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Status:\s+InService/);
    expect(created.stdout).toMatch(/housing-1\s+housing\/1\s+100 %\s+Ready\s+onnx/);

    const broken = await cli('update', 'prices', '-m', 'models:/housing/2', '--runtime', 'onnx', '--wait', '--timeout', '2m');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^slipway: endpoint 'prices': rollout \S+ failed: /);
    const afterFailure = await new SlipwayClient({ trackingUri: server.url, env: {} }).endpoints.get('prices');
    expect(afterFailure).toMatchObject({ status: 'InService', variants: [{ name: 'housing-1', status: 'Ready' }], rollout: { phase: 'Failed' } });

    const good = await cli('update', 'prices', '-m', 'models:/housing/3', '--runtime', 'onnx', '--wait', '--timeout', '2m');
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/Phase:\s+Completed/);
    expect(good.stdout).toMatch(/housing-3\s+housing\/3\s+100 %\s+Ready/);

    const events = await cli('events', 'prices');
    expect(events.stdout).toMatch(/created/);
    expect(events.stdout).toMatch(/variant_failed|failed/);
    expect(events.stdout).toMatch(/rollout_completed/);

    const deleted = await cli('delete', 'prices', '--wait', '--timeout', '2m');
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(/^Deleted endpoint prices at /);
  });
});
