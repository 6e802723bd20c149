import { Command, InvalidArgumentError, Option } from 'commander';
import {
  collect,
  DELIVERY_STATUSES,
  WEBHOOK_EVENTS,
  webhookEventName,
  type DeliveryStatus,
  type UpdateWebhookOptions,
  type Webhook,
  type WebhookEventName,
} from '../sdk/index.js';
import { clientCommandHelp, positiveInt, runClientCommand, UsageError, withClientOptions, withJsonOption } from './client-support.js';
import { describeTestFailure, renderDeliveries, renderTestSuccess, renderWebhookDetail, renderWebhookList, type TestOutcome } from './webhooks-view.js';

/** What each event is raised by, for the help text. */
const EVENT_HELP: Readonly<Record<WebhookEventName, string>> = {
  'registered_model.created': 'a registered model is created',
  'model_version.created': 'a model version is registered',
  'model_version_tag.set': 'a version tag is set',
  'model_version_tag.deleted': 'a version tag is deleted',
  'model_version_alias.created': 'an alias is set or moved',
  'model_version_alias.deleted': 'an alias is deleted (or the version it pointed at)',
  'model_version.stage_changed': "a version's stage changes (Slipway only)",
  'model_version.approval_changed': 'a version is approved, rejected or reset (Slipway only)',
};

const EVENTS_HELP = `Events (--event, repeatable):
${WEBHOOK_EVENTS.map((e) => `  ${e.padEnd(32)}${EVENT_HELP[e]}`).join('\n')}
MLflow's Python client cannot parse a webhook that subscribes to one of the two
Slipway-only events; manage those with this CLI or the HTTP API.`;

const SECRET_HELP = `Secret: deliveries are signed with HMAC-SHA256 of a secret (X-Slipway-Signature-256 and
X-MLflow-Signature). It is never taken as a command-line argument, which other users see
in \`ps\`: --secret-env VAR reads it from the environment variable VAR, --secret-stdin from
standard input (a pipe or file; one trailing newline is dropped). The server never returns
it and the CLI never prints it.`;

const EXAMPLES = `
Examples:
  $ export HOOK_SECRET="$(openssl rand -hex 32)"
  $ slipway webhooks create --name ci-trigger --url https://ci.example.com/hooks/slipway \\
      --event model_version.created --event model_version.stage_changed --secret-env HOOK_SECRET
  $ slipway webhooks list
  $ slipway webhooks show 5e0d2b9c-…
  $ slipway webhooks test 5e0d2b9c-… --event model_version.stage_changed
  $ slipway webhooks update 5e0d2b9c-… --disable
  $ pass show slipway/hook | slipway webhooks update 5e0d2b9c-… --secret-stdin
  $ slipway webhooks deliveries 5e0d2b9c-… --status failed --limit 20
  $ slipway webhooks rm 5e0d2b9c-…
  $ slipway webhooks list --json | jq -r '.webhooks[] | select(.status == "DISABLED") | .webhook_id'

${EVENTS_HELP}

${SECRET_HELP}

Connection: --tracking-uri, else $SLIPWAY_TRACKING_URI, else $MLFLOW_TRACKING_URI, else
http://127.0.0.1:5000. HTTP Basic auth is read from $MLFLOW_TRACKING_USERNAME and
$MLFLOW_TRACKING_PASSWORD (or a bearer token from $MLFLOW_TRACKING_TOKEN).

Exit status: 0 on success, 1 when the server refuses the request or cannot be reached
(one line on stderr: "slipway: <ERROR_CODE>: <message>") and when a test delivery is not
answered with 2xx, 2 for usage errors.`;

/** Options that carry a webhook's fields (create and update). */
interface WebhookFieldOptions {
  name?: string;
  url?: string;
  event?: WebhookEventName[];
  description?: string;
  secretEnv?: string;
  secretStdin?: boolean;
  /** A hidden trap: refused with an explanation, the value is never echoed. */
  secret?: string | boolean;
}

/** `slipway webhooks`: registry webhooks of a running server and their delivery log, through the SDK. */
export function webhooksCommand(): Command {
  const webhooks = withClientOptions(
    new Command('webhooks')
      .description('Manage the registry webhooks of a running Slipway server: create, test, enable or disable them, and read their delivery log.')
      .configureHelp(clientCommandHelp('webhooks')),
  ).addHelpText('after', EXAMPLES);

  withJsonOption(
    withSecretOptions(
      webhooks
        .command('create')
        .description('Create a webhook: POST a signed JSON request to <url> on each of the given registry events.')
        .summary('create a webhook')
        .usage('--name <name> --url <url> --event <event> [--event <event>...] [options]')
        .requiredOption('--name <name>', 'webhook name: 1-63 letters, digits, ".", "_", "-"')
        .requiredOption('--url <url>', 'where to POST deliveries (http:// or https://)')
        .requiredOption('--event <event>', 'an event to deliver, e.g. model_version.created (repeatable; listed below)', collectEvents)
        .option('--description <text>', 'what the webhook is for'),
    )
      .option('--disabled', 'create it DISABLED (it gets no deliveries until enabled)')
      .addHelpText('after', `\n${EVENTS_HELP}\n\n${SECRET_HELP}`),
  ).action(async (options: WebhookFieldOptions & { disabled?: boolean }, command: Command) => {
    await runClientCommand(
      command,
      async (client) => {
        const secret = await readSecret(options);
        return client.webhooks.create({
          name: options.name!,
          url: options.url!,
          events: options.event!,
          description: options.description,
          secret,
          status: options.disabled ? 'DISABLED' : 'ACTIVE',
        });
      },
      { text: (w) => `Created webhook ${w.webhook_id}.\n${renderWebhookDetail(w)}`, json: (webhook) => ({ webhook }) },
    );
  });

  withJsonOption(
    webhooks
      .command('list')
      .description('List webhooks, newest first (all of them unless --limit).')
      .summary('list webhooks')
      .option('--limit <n>', 'list at most n webhooks (default: all)', positiveInt),
  ).action(async (options: { limit?: number }, command: Command) => {
    await runClientCommand(command, (client) => collect(client.webhooks.iterate({ pageSize: Math.min(options.limit ?? 1000, 1000) }), options.limit), {
      text: renderWebhookList,
      json: (hooks) => ({ webhooks: hooks }),
    });
  });

  withJsonOption(
    webhooks.command('show').description('Show a webhook: URL, status and events (never its secret).').summary('show a webhook').argument('<id>', 'webhook id'),
  ).action(async (id: string, _options: object, command: Command) => {
    await runClientCommand(command, (client) => client.webhooks.get(id), { text: renderWebhookDetail, json: (webhook) => ({ webhook }) });
  });

  withJsonOption(
    withSecretOptions(
      webhooks
        .command('update')
        .description('Change a webhook. Only the given fields change; --event replaces the whole list of events.')
        .summary('change a webhook (name, URL, events, secret, status)')
        .argument('<id>', 'webhook id')
        .option('--name <name>', 'new name')
        .option('--url <url>', 'new URL')
        .option('--event <event>', 'subscribe to exactly these events (repeatable; replaces the list)', collectEvents)
        .option('--description <text>', 'new description'),
    )
      .addOption(new Option('--enable', 'set it ACTIVE').conflicts('disable'))
      .addOption(new Option('--disable', 'set it DISABLED: no new deliveries (queued ones wait until it is enabled)'))
      .addHelpText('after', `\n${EVENTS_HELP}\n\n${SECRET_HELP}`),
  ).action(async (id: string, options: WebhookFieldOptions & { enable?: boolean; disable?: boolean }, command: Command) => {
    await runClientCommand(
      command,
      async (client) => {
        const secret = await readSecret(options);
        const update: UpdateWebhookOptions = {
          name: options.name,
          url: options.url,
          events: options.event,
          description: options.description,
          secret,
          status: options.enable ? 'ACTIVE' : options.disable ? 'DISABLED' : undefined,
        };
        if (Object.values(update).every((v) => v === undefined || v === '')) {
          throw new UsageError('Nothing to update: give --name, --url, --event, --description, --secret-env, --secret-stdin, --enable or --disable.');
        }
        return client.webhooks.update(id, update);
      },
      { text: (w) => `Updated webhook ${w.webhook_id}.\n${renderWebhookDetail(w)}`, json: (webhook) => ({ webhook }) },
    );
  });

  withJsonOption(
    webhooks.command('rm').description('Delete a webhook and its delivery log.').summary('delete a webhook').argument('<id>', 'webhook id'),
  ).action(async (id: string, _options: object, command: Command) => {
    await runClientCommand(
      command,
      async (client) => {
        const webhook = await client.webhooks.get(id);
        await client.webhooks.delete(id);
        return webhook;
      },
      { text: (w) => `Deleted webhook ${w.webhook_id} (${w.name}) and its delivery log.\n`, json: (webhook) => ({ webhook }) },
    );
  });

  withJsonOption(
    webhooks
      .command('test')
      .description(
        "Send one signed example payload of an event (default: the webhook's first) to the webhook's URL and report the answer.\n" +
          'Exits 1 when the receiver does not answer 2xx. Test deliveries are not retried and not logged.',
      )
      .summary('send a signed example payload and report the answer')
      .argument('<id>', 'webhook id')
      .option('--event <event>', "the event to send an example of (default: the webhook's first)", eventArgument),
  ).action(async (id: string, options: { event?: WebhookEventName }, command: Command) => {
    await runClientCommand(
      command,
      async (client): Promise<TestOutcome> => {
        const webhook = await client.webhooks.get(id);
        // Without --event the server sends the webhook's first event.
        const result = await client.webhooks.test(id, { event: options.event });
        return { webhook, event: options.event ?? firstEvent(webhook), result };
      },
      { text: renderTestSuccess, json: (t) => ({ result: t.result }), failure: describeTestFailure },
    );
  });

  withJsonOption(
    webhooks
      .command('deliveries')
      .description("Show a webhook's delivery log, newest first: each event's status, attempts, last HTTP status and error.")
      .summary("show a webhook's delivery log")
      .argument('<id>', 'webhook id')
      .addOption(new Option('--status <status>', 'only deliveries in this status').choices(DELIVERY_STATUSES))
      .option('--limit <n>', 'only the n most recent deliveries (default: all)', positiveInt),
  ).action(async (id: string, options: { status?: DeliveryStatus; limit?: number }, command: Command) => {
    await runClientCommand(
      command,
      (client) => collect(client.webhooks.iterateDeliveries(id, { status: options.status, pageSize: Math.min(options.limit ?? 1000, 1000) }), options.limit),
      { text: renderDeliveries, json: (deliveries) => ({ deliveries }) },
    );
  });

  return webhooks;
}

/** Adds --secret-env and --secret-stdin, and a hidden --secret that explains why it is refused. */
function withSecretOptions(command: Command): Command {
  return command
    .addOption(new Option('--secret-env <var>', 'sign deliveries with the secret in environment variable <var> (not an argument: `ps` shows those)').conflicts('secretStdin'))
    .addOption(new Option('--secret-stdin', 'sign deliveries with the secret read from stdin (a pipe or file)'))
    .addOption(new Option('--secret [value]').hideHelp());
}

/** The secret named by --secret-env or piped with --secret-stdin; undefined when neither is given. */
async function readSecret(options: WebhookFieldOptions): Promise<string | undefined> {
  if (options.secret !== undefined) {
    throw new UsageError(
      '--secret is not accepted: command-line arguments are visible to other users (ps). Use --secret-env <VAR> or --secret-stdin.',
    );
  }
  if (options.secretEnv !== undefined) {
    const value = process.env[options.secretEnv];
    if (value === undefined || value === '') throw new UsageError(`--secret-env: the environment variable ${options.secretEnv} is not set or empty.`);
    return value;
  }
  if (options.secretStdin) {
    if (process.stdin.isTTY) {
      throw new UsageError('--secret-stdin reads the secret from a pipe or a file, not a terminal: e.g. `slipway webhooks … --secret-stdin < secret.txt`.');
    }
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    const value = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    if (value === '') throw new UsageError('--secret-stdin: standard input is empty.');
    return value;
  }
  return undefined;
}

/** An event name (any case); refuses names the CLI does not know, listing the known ones. */
function eventArgument(value: string): WebhookEventName {
  const name = value.trim().toLowerCase();
  const found = WEBHOOK_EVENTS.find((e) => e === name);
  if (found === undefined) throw new InvalidArgumentError(`Events are: ${WEBHOOK_EVENTS.join(', ')}.`);
  return found;
}

function collectEvents(value: string, previous: WebhookEventName[] | undefined): WebhookEventName[] {
  return [...(previous ?? []), eventArgument(value)];
}

function firstEvent(webhook: Webhook): string {
  const first = webhook.events[0];
  return first === undefined ? 'its first event' : webhookEventName(first);
}
