import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayClient, type Webhook, type WebhookDelivery, type WebhookTestResult } from '../../src/sdk/index.js';
import { closedPort, startLiveServer, type LiveServer } from '../support/live-server.js';
import { seedTracking, type TrackingFixture } from '../support/registry-fixture.js';
import { CLEAN_ENV, cliEnv, failed, json, ok, runCli, type CliResult } from '../support/cli-runner.js';
import { BACKENDS } from '../support/test-databases.js';
import { eventually } from '../support/eventually.js';
import { startReceiver, type Received, type WebhookReceiver } from '../support/webhook-receiver.js';

/** The secrets used in this file: none may ever appear in anything the CLI prints. */
const SECRET = 'whsec-env-5b2f9d81c7';
const STDIN_SECRET = 'whsec-stdin-0c4e7a13';

/** GitHub's scheme, as a receiver checks it: `sha256=` + hex HMAC-SHA256 of the raw body. */
function slipwaySignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** MLflow's scheme: `v1,` + base64 HMAC-SHA256 of `{delivery_id}.{timestamp}.{body}`. */
function mlflowSignature(secret: string, r: Received): string {
  const signed = `${String(r.headers['x-mlflow-delivery-id'])}.${String(r.headers['x-mlflow-timestamp'])}.${r.body}`;
  return `v1,${createHmac('sha256', secret).update(signed).digest('base64')}`;
}

/** The real built CLI (`node dist/cli/main.js webhooks …`) against the real server and real receivers, on each backend. */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: slipway webhooks`, () => {
    let live: LiveServer;
    let fx: TrackingFixture;
    let sdk: SlipwayClient;
    let receiver: WebhookReceiver;
    let hookId: string;
    /** Everything the CLI printed in this suite, checked for secrets at the end. */
    const printed: string[] = [];
    const record = (r: CliResult): CliResult => {
      printed.push(r.stdout, r.stderr);
      return r;
    };
    const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => cliEnv(live.url, extra);
    const webhooks = async (args: readonly string[], extra: Record<string, string> = {}): Promise<CliResult> =>
      record(await runCli(['webhooks', ...args], env(extra)));
    const webhooksWithInput = async (args: readonly string[], input: string): Promise<CliResult> =>
      record(await runCli(['webhooks', ...args], env(), input));
    const deliveries = async (id: string, ...args: string[]): Promise<WebhookDelivery[]> =>
      json<{ deliveries: WebhookDelivery[] }>(await webhooks(['deliveries', id, '--json', ...args])).deliveries;

    beforeAll(async () => {
      live = await startLiveServer(backend);
      fx = await seedTracking(live.url, 'cli-webhooks');
      sdk = new SlipwayClient({ trackingUri: live.url, actor: 'bob', env: {} });
      receiver = await startReceiver();
      await sdk.registry.createRegisteredModel('housing');
    });
    afterAll(async () => {
      await live?.stop();
      await receiver?.close();
    });

    it('end to end: create with --secret-env, register a version, the receiver gets a signed model_version.created, the log shows it succeeded', async () => {
      const created = json<{ webhook: Webhook }>(
        await webhooks(
          ['create', '--name', 'ci-trigger', '--url', receiver.url, '--event', 'model_version.created', '--secret-env', 'HOOK_SECRET', '--description', 'CI build', '--json'],
          { HOOK_SECRET: SECRET },
        ),
      );
      hookId = created.webhook.webhook_id;
      expect(created.webhook).toMatchObject({ name: 'ci-trigger', url: receiver.url, status: 'ACTIVE', description: 'CI build', events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }] });

      const version = await sdk.registry.createModelVersion('housing', `models:/${fx.modelId}`, { runId: fx.runId, modelId: fx.modelId });
      const got = await eventually(() => receiver.received.find((r) => r.json.event === 'model_version.created'), 15_000, 'model_version.created delivery');
      expect(got.json).toMatchObject({ entity: 'model_version', action: 'created', actor: 'bob', data: { name: 'housing', version: version.version, run_id: fx.runId } });
      expect(got.headers['x-slipway-event']).toBe('model_version.created');
      expect(got.headers['x-slipway-signature-256']).toBe(slipwaySignature(SECRET, got.body));
      expect(got.headers['x-mlflow-signature']).toBe(mlflowSignature(SECRET, got));
      expect(got.headers['x-slipway-signature-256']).not.toBe(slipwaySignature('wrong', got.body));

      const [delivery] = await eventually(async () => {
        const log = await deliveries(hookId);
        return log.length === 1 && log[0]!.status === 'succeeded' ? log : undefined;
      }, 15_000, 'a succeeded delivery');
      expect(delivery).toMatchObject({
        delivery_id: got.headers['x-mlflow-delivery-id'],
        webhook_id: hookId,
        event: 'model_version.created',
        change_id: got.json.change_id,
        status: 'succeeded',
        attempts: 1,
        last_status_code: 200,
      });

      const lines = ok(await webhooks(['deliveries', hookId])).trimEnd().split('\n');
      expect(lines[0]).toMatch(/^DELIVERY ID\s+EVENT\s+CHANGE\s+STATUS\s+ATTEMPTS\s+LAST CODE\s+LAST ERROR\s+CREATED$/);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(new RegExp(`^${delivery!.delivery_id}\\s+model_version\\.created\\s+${delivery!.change_id}\\s+succeeded\\s+1\\s+200\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));
      expect(ok(await webhooks(['deliveries', hookId, '--status', 'failed']))).toBe('No deliveries.\n');
    });

    it('list and show: a table and details by default, the API objects with --json', async () => {
      await webhooks(['create', '--name', 'audit-log', '--url', receiver.url, '--event', 'MODEL_VERSION.STAGE_CHANGED', '--event', 'model_version.approval_changed', '--disabled']);
      const lines = ok(await webhooks(['list'])).trimEnd().split('\n');
      expect(lines[0]).toMatch(/^WEBHOOK ID\s+NAME\s+STATUS\s+EVENTS\s+URL\s+UPDATED$/);
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(/^\S{36}\s+audit-log\s+DISABLED\s+model_version\.stage_changed, model_version\.approval_changed\s+http:\/\/127\.0\.0\.1:\d+\/hook\s+\S+Z$/);
      expect(lines[2]).toMatch(new RegExp(`^${hookId}\\s+ci-trigger\\s+ACTIVE\\s+model_version\\.created\\s+`));

      const listed = json<{ webhooks: Webhook[] }>(await webhooks(['list', '--json']));
      expect(listed.webhooks.map((w) => w.name)).toEqual(['audit-log', 'ci-trigger']);
      expect(json<{ webhooks: Webhook[] }>(await webhooks(['list', '--limit', '1', '--json'])).webhooks.map((w) => w.name)).toEqual(['audit-log']);

      const text = ok(await webhooks(['show', hookId]));
      expect(text).toMatch(new RegExp(`^Webhook ID:\\s+${hookId}$`, 'm'));
      expect(text).toMatch(/^Name:\s+ci-trigger$/m);
      expect(text).toMatch(/^Description:\s+CI build$/m);
      expect(text).toMatch(/^Status:\s+ACTIVE$/m);
      expect(text).toMatch(/^Events:\s+model_version\.created$/m);
      const shown = json<{ webhook: Webhook }>(await webhooks(['show', hookId, '--json']));
      expect(shown.webhook).toEqual(listed.webhooks[1]);
    });

    it('update: only the given fields; --event replaces the list; a new secret from --secret-stdin signs the next delivery', async () => {
      const disabled = json<{ webhook: Webhook }>(await webhooks(['update', hookId, '--disable', '--name', 'ci-build', '--json']));
      expect(disabled.webhook).toMatchObject({ name: 'ci-build', status: 'DISABLED', url: receiver.url, description: 'CI build' });

      const text = ok(
        await webhooksWithInput(['update', hookId, '--secret-stdin', '--enable', '--event', 'model_version_tag.set', '--event', 'model_version.created'], `${STDIN_SECRET}\n`),
      );
      expect(text).toMatch(new RegExp(`^Updated webhook ${hookId}\\.$`, 'm'));
      expect(text).toMatch(/^Status:\s+ACTIVE$/m);
      expect(text).toMatch(/^Events:\s+model_version_tag\.set\n\s+model_version\.created$/m);

      await sdk.registry.setModelVersionTag('housing', 1, 'validated', 'true');
      const got = await eventually(() => receiver.received.find((r) => r.json.event === 'model_version_tag.set'), 15_000, 'model_version_tag.set delivery');
      // One trailing newline of the piped secret is dropped.
      expect(got.headers['x-slipway-signature-256']).toBe(slipwaySignature(STDIN_SECRET, got.body));
      expect(got.json).toMatchObject({ data: { name: 'housing', version: '1', key: 'validated', value: 'true' } });
    });

    it('test: exit 0 on a 2xx answer; exit 1 with the status when the receiver answers 500; the JSON result with --json', async () => {
      receiver.respond(() => ({ status: 200, body: 'queued build 7' }));
      expect(ok(await webhooks(['test', hookId]))).toBe(`Test delivery of model_version_tag.set to ${receiver.url} succeeded: HTTP 200.\nResponse: queued build 7\n`);
      const sent = receiver.received.at(-1)!;
      expect(sent.json).toMatchObject({ event: 'model_version_tag.set', test: true });
      expect(sent.headers['x-slipway-signature-256']).toBe(slipwaySignature(STDIN_SECRET, sent.body));
      ok(await webhooks(['test', hookId, '--event', 'model_version.created']));
      expect(receiver.received.at(-1)!.json).toMatchObject({ event: 'model_version.created', test: true });

      const failing = await startReceiver(() => ({ status: 500, body: 'database\nis down' }));
      try {
        const hook = json<{ webhook: Webhook }>(await webhooks(['create', '--name', 'broken', '--url', failing.url, '--event', 'registered_model.created', '--json'])).webhook;
        const result = failed(await webhooks(['test', hook.webhook_id]), 1);
        expect(result).toBe(`slipway: test delivery of registered_model.created to ${failing.url} failed: HTTP 500: database is down`);
        expect(failing.received).toHaveLength(1);

        const asJson = await webhooks(['test', hook.webhook_id, '--json']);
        expect(asJson.code).toBe(1);
        expect(JSON.parse(asJson.stdout)).toEqual({ result: { success: false, response_status: 500, response_body: 'database\nis down' } satisfies WebhookTestResult });
        expect(asJson.stderr).toContain('failed: HTTP 500');
      } finally {
        await failing.close();
      }

      const port = await closedPort();
      const nowhere = json<{ webhook: Webhook }>(await webhooks(['create', '--name', 'nowhere', '--url', `http://127.0.0.1:${port}/hook`, '--event', 'model_version.created', '--json'])).webhook;
      expect(failed(await webhooks(['test', nowhere.webhook_id]), 1)).toMatch(new RegExp(`^slipway: test delivery of model_version\\.created to http://127\\.0\\.0\\.1:${port}/hook failed: \\S`));
    });

    it('deliveries: a failed attempt stays pending with its status and error, then succeeds on the retry', async () => {
      // The receiver fails until the test has seen the pending delivery (a fixed "first call
      // fails" raced the 1 s retry on a loaded machine: the CLI could start after it succeeded).
      let ready = false;
      const flaky = await startReceiver(() => (ready ? 200 : { status: 503, body: 'warming up' }));
      try {
        const hook = json<{ webhook: Webhook }>(await webhooks(['create', '--name', 'flaky', '--url', flaky.url, '--event', 'model_version_alias.created', '--json'])).webhook;
        await sdk.registry.setAlias('housing', 'champion', 1);
        const [pending] = await eventually(async () => {
          const log = await deliveries(hook.webhook_id, '--status', 'pending');
          return log.length === 1 && log[0]!.attempts >= 1 ? log : undefined;
        }, 15_000, 'a pending delivery after a failed attempt');
        expect(pending).toMatchObject({ event: 'model_version_alias.created', status: 'pending', last_status_code: 503, last_error: 'HTTP 503: warming up' });
        expect(pending!.next_attempt_timestamp).toBeGreaterThan(pending!.creation_timestamp);
        const row = ok(await webhooks(['deliveries', hook.webhook_id, '--status', 'pending'])).trimEnd().split('\n')[1];
        expect(row).toMatch(/\s+model_version_alias\.created\s+\d+\s+pending\s+\d+\s+503\s+HTTP 503: warming up\s+\S+Z$/);
        ready = true;

        const [done] = await eventually(async () => {
          const log = await deliveries(hook.webhook_id, '--status', 'succeeded');
          return log.length === 1 ? log : undefined;
        }, 30_000, 'the retry to succeed');
        expect(done).toMatchObject({ delivery_id: pending!.delivery_id, status: 'succeeded', last_status_code: 200, last_error: 'HTTP 503: warming up' });
        expect(done!.attempts).toBeGreaterThan(pending!.attempts);
        // Every attempt carried the same delivery id.
        const ids = flaky.received.map((r) => r.headers['x-mlflow-delivery-id']);
        expect(ids).toHaveLength(done!.attempts);
        expect(new Set(ids)).toEqual(new Set([pending!.delivery_id]));

        await sdk.registry.setAlias('housing', 'challenger', 1);
        await eventually(async () => (await deliveries(hook.webhook_id, '--status', 'succeeded')).length === 2, 15_000, 'a second delivery');
        const limited = await deliveries(hook.webhook_id, '--limit', '1');
        expect(limited).toHaveLength(1);
        expect(limited[0]!.change_id).toBeGreaterThan(done!.change_id);
      } finally {
        await flaky.close();
      }
    });

    it('rm: deletes the webhook and its log; unknown ids exit 1 with RESOURCE_DOES_NOT_EXIST', async () => {
      const removed = ok(await webhooks(['rm', hookId]));
      expect(removed).toBe(`Deleted webhook ${hookId} (ci-build) and its delivery log.\n`);
      expect(json<{ webhooks: Webhook[] }>(await webhooks(['list', '--json'])).webhooks.map((w) => w.webhook_id)).not.toContain(hookId);

      const expected = `slipway: RESOURCE_DOES_NOT_EXIST: Webhook with ID ${hookId} not found.`;
      expect(failed(await webhooks(['show', hookId]), 1)).toBe(expected);
      expect(failed(await webhooks(['rm', hookId]), 1)).toBe(expected);
      expect(failed(await webhooks(['test', hookId]), 1)).toBe(expected);
      expect(failed(await webhooks(['deliveries', hookId]), 1)).toBe(expected);
      expect(failed(await webhooks(['update', hookId, '--disable', '--json']), 1)).toBe(expected);
      expect(failed(await webhooks(['show', 'no-such-id']), 1)).toBe('slipway: RESOURCE_DOES_NOT_EXIST: Webhook with ID no-such-id not found.');
    });

    it('server-side validation: exit 1 with INVALID_PARAMETER_VALUE naming the field', async () => {
      const base = ['create', '--url', receiver.url, '--event', 'model_version.created'];
      expect(failed(await webhooks([...base, '--name', '-bad-']), 1)).toMatch(/^slipway: INVALID_PARAMETER_VALUE: Invalid value '-bad-' for parameter 'name'/);
      expect(failed(await webhooks(['create', '--name', 'x', '--url', 'ftp://example.com/x', '--event', 'model_version.created']), 1)).toMatch(
        /^slipway: INVALID_PARAMETER_VALUE: .*parameter 'url'.*http or https/,
      );
      const longSecret = 'S'.repeat(1001);
      const tooLong = failed(await webhooks([...base, '--name', 'long', '--secret-env', 'LONG'], { LONG: longSecret }), 1);
      expect(tooLong).toMatch(/^slipway: INVALID_PARAMETER_VALUE: Parameter 'secret' is 1001 characters long/);
      expect(tooLong).not.toContain(longSecret);
    });

    it('never prints a secret', () => {
      expect(printed.length).toBeGreaterThan(40);
      for (const text of printed) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(STDIN_SECRET);
      }
    });
  });
}

describe('slipway webhooks: usage and connection errors', () => {
  const cli = (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> => runCli(['webhooks', ...args], { ...CLEAN_ENV, ...env });
  const create = ['create', '--name', 'ci', '--url', 'http://127.0.0.1:9/hook', '--event', 'model_version.created'];

  it('exits 1 with one line naming the URI when the server cannot be reached', async () => {
    const port = await closedPort();
    const result = await cli(['list', '--tracking-uri', `http://someone:hunter2@127.0.0.1:${port}`]);
    expect(failed(result, 1)).toBe(`slipway: cannot connect to the Slipway server at http://127.0.0.1:${port} (connection refused)`);
    const viaEnv = await cli([...create, '--secret-env', 'S'], { SLIPWAY_TRACKING_URI: `http://127.0.0.1:${port}`, S: SECRET });
    expect(failed(viaEnv, 1)).toContain(`http://127.0.0.1:${port}`);
    expect(viaEnv.stderr).not.toContain(SECRET);
  });

  it.each([
    [['create', '--name', 'ci', '--url', 'http://x/'], "required option '--event <event>' not specified"],
    [['create', '--url', 'http://x/', '--event', 'model_version.created'], "required option '--name <name>' not specified"],
    [[...create.slice(0, -1), 'model_version.exploded'], 'Events are: registered_model.created, model_version.created'],
    [[...create, '--secret-env', 'S', '--secret-stdin'], "option '--secret-env <var>' cannot be used with option '--secret-stdin'"],
    [[...create, '--secret-env', 'UNSET_SECRET_VAR'], '--secret-env: the environment variable UNSET_SECRET_VAR is not set or empty.'],
    [[...create, '--secret-stdin'], '--secret-stdin: standard input is empty.'],
    [['update', 'abc'], 'Nothing to update'],
    [['update', 'abc', '--enable', '--disable'], "option '--enable' cannot be used with option '--disable'"],
    [['test', 'abc', '--event', 'prompt.created'], 'Events are:'],
    [['deliveries', 'abc', '--status', 'lost'], 'Allowed choices are pending, succeeded, failed'],
    [['deliveries', 'abc', '--limit', '0'], 'It must be a positive integer'],
    [['show'], "missing required argument 'id'"],
    [['list', '--tracking-uri', 'sqlite:///mlflow.db'], "'sqlite' is not supported"],
  ])('usage error %j: exit 2, one line', async (args, message) => {
    const result = await cli(args, { S: SECRET });
    expect(failed(result, 2)).toContain(message);
  });

  it('refuses a secret given as an argument, explaining why, without echoing it', async () => {
    for (const args of [
      [...create, '--secret', SECRET],
      [...create, `--secret=${SECRET}`],
      ['update', 'abc', '--secret', SECRET],
    ]) {
      const message = failed(await cli(args), 2);
      expect(message).toBe('slipway: --secret is not accepted: command-line arguments are visible to other users (ps). Use --secret-env <VAR> or --secret-stdin.');
      expect(message).not.toContain(SECRET);
    }
  });

  it('shows help with the subcommands, the events, the secret options and examples, exit 0', async () => {
    const help = ok(await cli(['--help']));
    for (const sub of ['create', 'list', 'show <id>', 'update <id>', 'rm <id>', 'test <id>', 'deliveries <id>']) expect(help).toContain(`  ${sub} `);
    for (const event of ['registered_model.created', 'model_version.created', 'model_version_tag.set', 'model_version_tag.deleted', 'model_version_alias.created', 'model_version_alias.deleted', 'model_version.stage_changed', 'model_version.approval_changed']) {
      expect(help).toContain(`  ${event} `);
    }
    expect(help).toContain('Examples:');
    expect(help).toContain('--secret-env HOOK_SECRET');
    expect(help).toMatch(/never taken as a command-line argument/);
    const sub = ok(await cli(['create', '--help']));
    expect(sub).toContain('--tracking-uri <uri>');
    expect(sub).toContain('--secret-env <var>');
    expect(sub).toContain('--secret-stdin');
    expect(sub).toContain('--json');
    expect(sub).not.toMatch(/--secret \[value\]/);
    const deliveriesHelp = ok(await cli(['deliveries', '--help'])).replace(/\s+/g, ' ');
    expect(deliveriesHelp).toContain('--status <status> only deliveries in this status (choices: "pending", "succeeded", "failed")');
  });

  it('a subcommand is required: help on stderr, exit 2', async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: slipway webhooks');
  });
});
