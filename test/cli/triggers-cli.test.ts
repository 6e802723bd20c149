import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayClient, type Trigger, type TriggerEvent } from '../../src/sdk/index.js';
import { hookSignature } from '../../src/triggers/hook-signature.js';
import { cliEnv, failed, json, ok, runCli, type CliResult } from '../support/cli-runner.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { BACKENDS, type TestDatabase } from '../support/test-databases.js';

/** Secrets used here: none may appear in anything the CLI prints. */
const SERVER_SECRET = 'gh-secret-7d1c9e2a';
const STORED_SECRET = 'stored-secret-3f8b0c55';

const PIPELINE = `
name: housing
params:
  sha: {type: string, default: ''}
on:
  push:
    branches: [main]
    secret: GITHUB_WEBHOOK_SECRET
    params: {sha: '\${{ event.after }}'}
steps:
  - {id: a, run: 'true'}
`;

/** The real built CLI and server process (`dist/`), with the server secret from the environment. */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: slipway triggers`, () => {
    let database: TestDatabase;
    let server: ServerProcess;
    let dir: string;
    let sdk: SlipwayClient;
    const printed: string[] = [];
    const triggers = async (args: readonly string[], extra: Record<string, string> = {}): Promise<CliResult> => {
      const r = await runCli(['triggers', ...args], cliEnv(server.url, extra));
      printed.push(r.stdout, r.stderr);
      return r;
    };

    beforeAll(async () => {
      database = await backend.create();
      dir = mkdtempSync(join(tmpdir(), 'slipway-triggers-cli-'));
      server = await startServerProcess(
        ['--data-dir', dir, '--backend-store-uri', database.uri, '--artifacts-destination', join(dir, 'artifacts'), '--pipeline-secrets', 'GITHUB_WEBHOOK_SECRET'],
        { GITHUB_WEBHOOK_SECRET: SERVER_SECRET },
      );
      sdk = new SlipwayClient({ trackingUri: server.url, env: {} });
      await sdk.pipelines.upsert({ source: PIPELINE, sourceFormat: 'yaml' });
    }, 30_000);
    afterAll(async () => {
      server?.child.kill('SIGTERM');
      await server?.exited;
      await database?.dispose();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it("lists and shows the pipeline's push trigger, with its hook URL", async () => {
      const list = ok(await triggers(['list']));
      expect(list).toMatch(/housing\.push\s+housing\s+push\s+pipeline\s+yes\s+branches main; paths \*/);
      expect(json<{ triggers: Trigger[] }>(await triggers(['list', '--json'])).triggers.map((t) => t.name)).toEqual(['housing.push']);
      const show = ok(await triggers(['show', 'housing.push']));
      expect(show).toContain(`${server.url}/api/slipway/v1/hooks/housing.push`);
      expect(show).toContain('server secret GITHUB_WEBHOOK_SECRET');
    });

    it('a signed push starts an execution through the server; history shows it, and the rejected one', async () => {
      const body = JSON.stringify({ ref: 'refs/heads/main', after: 'abc123def456', head_commit: { id: 'abc123def456' }, commits: [{ modified: ['a.py'] }] });
      const hook = `${server.url}/api/slipway/v1/hooks/housing.push`;
      const good = await fetch(hook, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': hookSignature(SERVER_SECRET, body) } });
      expect(good.status).toBe(202);
      const { execution_id } = (await good.json()) as { execution_id: string };
      const bad = await fetch(hook, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': hookSignature('nope', body) } });
      expect(bad.status).toBe(401);
      const events = json<{ events: TriggerEvent[] }>(await triggers(['history', 'housing.push', '--json'])).events;
      expect(events.map((e) => e.outcome)).toEqual(['rejected', 'started']);
      expect(events[1]!.execution_id).toBe(execution_id);
      const text = ok(await triggers(['history', 'housing.push']));
      expect(text).toMatch(/started\s+\S+\s+push refs\/heads\/main abc123def456 1 changed/);
      expect(text).toContain('the signature does not match the body');
      const execution = await sdk.pipelines.getExecution(execution_id);
      expect(execution.trigger).toEqual({ type: 'event', detail: 'housing.push: push refs/heads/main abc123def456 (1 changed path)' });
    });

    it('creates, disables, enables and deletes an API trigger; the stored secret is never printed', async () => {
      const created = json<{ trigger: Trigger }>(
        await triggers(['create', 'ci-hook', '--pipeline', 'housing', '--type', 'webhook', '--secret-env', 'CI_SECRET', '-p', 'sha=${{ event.sha }}', '--json'], { CI_SECRET: STORED_SECRET }),
      ).trigger;
      expect(created).toMatchObject({ name: 'ci-hook', source: 'api', has_secret: true, params: { sha: '${{ event.sha }}' } });
      expect(ok(await triggers(['disable', 'ci-hook']))).toBe('Trigger ci-hook disabled.\n');
      expect(json<{ trigger: Trigger }>(await triggers(['enable', 'ci-hook', '--json'])).trigger.enabled).toBe(true);
      const body = JSON.stringify({ sha: 'f00d' });
      const res = await fetch(`${server.url}/api/slipway/v1/hooks/ci-hook`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-slipway-signature-256': hookSignature(STORED_SECRET, body) } });
      expect(await res.json()).toMatchObject({ outcome: 'started' });
      expect(ok(await triggers(['delete', 'ci-hook']))).toBe('Deleted trigger ci-hook.\n');
      expect(failed(await triggers(['show', 'ci-hook']), 1)).toContain('RESOURCE_DOES_NOT_EXIST');
    });

    it('refuses bad input: a missing pipeline, options of another type, a secret on the command line', async () => {
      expect(failed(await triggers(['create', 'x', '--pipeline', 'nope', '--type', 'data', '--path', '/tmp']), 1)).toContain("pipeline 'nope' does not exist");
      expect(failed(await triggers(['create', 'x', '--pipeline', 'housing', '--type', 'data', '--model', 'm']), 2)).toContain('--model does not apply to a data trigger');
      expect(failed(await triggers(['create', 'x', '--pipeline', 'housing', '--type', 'webhook', '--secret', 'oops']), 2)).toContain('--secret is not accepted');
      expect(failed(await triggers(['create', 'x', '--pipeline', 'housing', '--type', 'cron']), 2)).toContain('--type must be one of');
      for (const text of printed) {
        expect(text).not.toContain(SERVER_SECRET);
        expect(text).not.toContain(STORED_SECRET);
      }
    });
  });
}
