import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookSignature } from '../../src/triggers/hook-signature.js';
import { createTriggerHarness, type TriggerHarness } from '../support/trigger-harness.js';
import { BACKENDS } from '../support/test-databases.js';

const SECRET = 'It is a secret to everybody';

/** The response fields these tests read. */
interface ApiBody {
  readonly triggers: { readonly name: string; readonly config: Record<string, unknown> }[];
  readonly trigger: { readonly name: string; readonly enabled: boolean; readonly config: Record<string, unknown> };
  readonly events: { readonly outcome: string; readonly reason?: string; readonly execution_id?: string }[];
  readonly error_code?: string;
  readonly message?: string;
}

const DEPLOY = `
name: deploy
params:
  sha: {type: string, default: none}
on:
  push:
    branches: [main]
    paths: ['src/**']
    secret: GITHUB_WEBHOOK_SECRET
    params: {sha: '\${{ event.after }}'}
steps:
  - {id: a, run: 'echo \${{ params.sha }}'}
`;

const push = (ref: string, paths: string[]) => ({
  ref,
  before: '0000',
  after: 'c0ffee1234567890',
  head_commit: { id: 'c0ffee1234567890' },
  commits: [{ id: 'c0ffee1234567890', added: [], modified: paths, removed: [] }],
  repository: { full_name: 'acme/housing' },
});

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: triggers API over real HTTP`, () => {
    let h: TriggerHarness;

    beforeAll(async () => {
      h = await createTriggerHarness(backend, { http: true, service: { secrets: { GITHUB_WEBHOOK_SECRET: SECRET } } });
      await h.upsert(DEPLOY);
    }, 30_000);
    afterAll(async () => {
      await h?.close();
    });

    const deliver = (name: string, body: string, headers: Record<string, string>) =>
      fetch(`${h.url}/api/slipway/v1/hooks/${name}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const github = (body: string, event = 'push', delivery = crypto.randomUUID(), secret = SECRET) =>
      deliver('deploy.push', body, { 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': hookSignature(secret, body) });
    const api = async (method: string, path: string, body?: unknown, prefix = '/api/slipway/v1') => {
      const response = await fetch(`${h.url}${prefix}${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      return { status: response.status, body: (await response.json()) as ApiBody };
    };

    it("lists the pipeline's push trigger", async () => {
      const { status, body } = await api('GET', '/triggers');
      expect(status).toBe(200);
      expect(body.triggers).toEqual([
        expect.objectContaining({ name: 'deploy.push', pipeline: 'deploy', type: 'push', source: 'pipeline', enabled: true, has_secret: false, config: { branches: ['main'], paths: ['src/**'], secret: 'GITHUB_WEBHOOK_SECRET' } }),
      ]);
    });

    it('a signed push to main touching a watched path starts one execution with the trigger detail', async () => {
      const body = JSON.stringify(push('refs/heads/main', ['src/train.py', 'README.md']));
      const delivery = crypto.randomUUID();
      const response = await github(body, 'push', delivery);
      expect(response.status).toBe(202);
      const answer = (await response.json()) as Record<string, unknown>;
      expect(answer).toMatchObject({ outcome: 'started', trigger: 'deploy.push', summary: { delivery_id: delivery, ref: 'refs/heads/main', head_commit: 'c0ffee1234567890', changed_paths: ['README.md', 'src/train.py'] } });
      const execution = await h.engine.getExecution(answer.execution_id as string);
      expect(execution.trigger).toEqual({ type: 'event', detail: 'deploy.push: push refs/heads/main c0ffee123456 (2 changed paths)' });
      expect(execution.params).toEqual({ sha: 'c0ffee1234567890' });
      // GitHub redelivers with the same delivery id: nothing more is started.
      const again = await github(body, 'push', delivery);
      expect(again.status).toBe(202);
      expect(await again.json()).toMatchObject({ outcome: 'ignored', reason: 'duplicate delivery (already handled)' });
      expect(await h.executions('deploy')).toHaveLength(1);
      // The same delivery arriving at once on two connections (two servers behind a balancer) starts nothing more either.
      const racing = JSON.stringify(push('refs/heads/main', ['src/race.py']));
      const id = crypto.randomUUID();
      const answers = await Promise.all([github(racing, 'push', id), github(racing, 'push', id), github(racing, 'push', id)]);
      const outcomes = await Promise.all(answers.map(async (r) => ((await r.json()) as { outcome: string }).outcome));
      expect(outcomes.sort()).toEqual(['ignored', 'ignored', 'started']);
      expect(await h.executions('deploy')).toHaveLength(2);
    });

    it('records a push to another branch, or without a watched path, as ignored', async () => {
      const other = await github(JSON.stringify(push('refs/heads/dev', ['src/a.py'])));
      expect(other.status).toBe(202);
      expect(await other.json()).toMatchObject({ outcome: 'ignored', reason: "branch 'dev' matches none of main" });
      const docs = await github(JSON.stringify(push('refs/heads/main', ['docs/x.md'])));
      expect(await docs.json()).toMatchObject({ outcome: 'ignored', reason: 'no changed path matches src/** (1 changed)' });
      const pr = await github(JSON.stringify({ action: 'opened' }), 'pull_request');
      expect(await pr.json()).toMatchObject({ outcome: 'ignored', reason: "GitHub 'pull_request' event; only 'push' is understood" });
      const ping = await github(JSON.stringify({ zen: 'Keep it logically awesome.' }), 'ping');
      expect(ping.status).toBe(200);
      expect(await h.executions('deploy')).toHaveLength(2);
    });

    it('answers 401 to a bad or missing signature and starts nothing', async () => {
      const body = JSON.stringify(push('refs/heads/main', ['src/a.py']));
      const bad = await github(body, 'push', crypto.randomUUID(), 'wrong secret');
      expect(bad.status).toBe(401);
      expect(await bad.json()).toMatchObject({ error_code: 'UNAUTHENTICATED' });
      const missing = await deliver('deploy.push', body, { 'x-github-event': 'push' });
      expect(missing.status).toBe(401);
      expect(await h.executions('deploy')).toHaveLength(2);
    });

    it('answers 400 to a malformed payload (signed)', async () => {
      const notJson = await github('{"ref": "refs/heads/main", ');
      expect(notJson.status).toBe(400);
      expect(await notJson.json()).toMatchObject({ error_code: 'BAD_REQUEST' });
      const notPush = await github(JSON.stringify({ commits: 'nope' }));
      expect(notPush.status).toBe(400);
      expect(((await notPush.json()) as { message: string }).message).toContain("'ref'");
      expect(await h.executions('deploy')).toHaveLength(2);
    });

    it('keeps the history: what happened and why, newest first (also under /ajax-api)', async () => {
      const { body } = await api('GET', '/triggers/deploy.push/events', undefined, '/ajax-api/slipway/v1');
      const outcomes = (body.events as { outcome: string; reason?: string }[]).map((e) => e.outcome);
      expect(outcomes.filter((o) => o === 'started')).toHaveLength(2);
      expect(outcomes.filter((o) => o === 'rejected')).toHaveLength(4);
      expect(outcomes.filter((o) => o === 'ignored')).toHaveLength(4);
      const oldest = body.events[body.events.length - 1];
      expect(oldest?.outcome).toBe('started');
      expect(oldest?.execution_id).toMatch(/^[0-9a-f]{32}$/);
    });

    it('creates an API webhook trigger with its own secret; params read the payload', async () => {
      const created = await api('POST', '/triggers', { name: 'deploy-hook', pipeline: 'deploy', type: 'webhook', secret: 'hook-secret', params: { sha: '${{ event.build.sha }}' } });
      expect(created.status).toBe(200);
      expect(created.body.trigger).toMatchObject({ name: 'deploy-hook', source: 'api', has_secret: true, config: {} });
      expect(JSON.stringify(created.body)).not.toContain('hook-secret');
      const body = JSON.stringify({ build: { sha: 'feedbeef' } });
      const response = await deliver('deploy-hook', body, { 'x-slipway-signature-256': hookSignature('hook-secret', body) });
      expect(response.status).toBe(202);
      const answer = (await response.json()) as { outcome: string; execution_id: string };
      expect(answer.outcome).toBe('started');
      expect((await h.engine.getExecution(answer.execution_id)).params).toEqual({ sha: 'feedbeef' });

      const disabled = await api('POST', '/triggers/deploy-hook/disable');
      expect(disabled.body.trigger.enabled).toBe(false);
      const ignored = await deliver('deploy-hook', body, { 'x-slipway-signature-256': hookSignature('hook-secret', body) });
      expect(await ignored.json()).toMatchObject({ outcome: 'ignored', reason: 'the trigger is disabled' });
      await api('POST', '/triggers/deploy-hook/enable');
      expect((await api('DELETE', '/triggers/deploy-hook')).status).toBe(200);
      expect((await api('GET', '/triggers/deploy-hook')).status).toBe(404);
    });

    it('refuses a trigger for a missing pipeline, a bad config, or an unknown param, and writes nothing', async () => {
      const missing = await api('POST', '/triggers', { name: 't1', pipeline: 'nope', type: 'data', config: { path: '/tmp/x' } });
      expect(missing).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "pipeline: pipeline 'nope' does not exist" } });
      const upstream = await api('POST', '/triggers', { name: 't2', pipeline: 'deploy', type: 'pipeline', config: { pipeline: 'nope' } });
      expect(upstream.body.message).toBe("config.pipeline: pipeline 'nope' does not exist");
      const config = await api('POST', '/triggers', { name: 't3', pipeline: 'deploy', type: 'push', config: { branchs: ['main'] }, secret: 's' });
      expect(config.body.message).toBe("config.branchs: unknown key 'branchs' in 'on.push' (did you mean 'branches'?)");
      const param = await api('POST', '/triggers', { name: 't4', pipeline: 'deploy', type: 'registry', config: { model: 'm', event: 'version_created' }, params: { shaa: 'x' } });
      expect(param.body.message).toBe("params.shaa: unknown param 'shaa' (did you mean 'sha'?)");
      const secret = await api('POST', '/triggers', { name: 't5', pipeline: 'deploy', type: 'webhook', config: { secret: 'NOT_CONFIGURED' } });
      expect(secret.body.message).toMatch(/^config.secret: the server has no secret 'NOT_CONFIGURED'/);
      const hookless = await fetch(`${h.url}/api/slipway/v1/hooks/nope`, { method: 'POST', body: '{}' });
      expect(hookless.status).toBe(404);
      expect((await api('GET', '/triggers')).body.triggers.map((t: { name: string }) => t.name)).toEqual(['deploy.push']);
    });

    it('documents the routes in the OpenAPI document', async () => {
      const doc = (await (await fetch(`${h.url}/api/slipway/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/slipway/v1/triggers', '/api/slipway/v1/triggers/{name}/events', '/api/slipway/v1/hooks/{name}']),
      );
    });

    it('replaces and removes the pipeline triggers when a new version is stored', async () => {
      await h.upsert(DEPLOY.replace('branches: [main]', 'branches: [main, dev]'));
      expect((await api('GET', '/triggers/deploy.push')).body.trigger.config.branches).toEqual(['main', 'dev']);
      await h.upsert(DEPLOY.replace(/on:[\s\S]*?steps:/, 'steps:'));
      expect((await api('GET', '/triggers')).body.triggers).toEqual([]);
    });
  });
}
