import { Command, Option } from 'commander';
import { collect, type TriggerType } from '../sdk/index.js';
import { clientCommandHelp, collectValues, positiveInt, runClientCommand, UsageError, withClientOptions, withJsonOption } from './client-support.js';
import { renderTriggerDetail, renderTriggerEvents, renderTriggerList } from './triggers-view.js';

/** The trigger types, in the order the help lists them. */
const TRIGGER_TYPES_FOR_CLI: readonly TriggerType[] = ['webhook', 'push', 'data', 'registry', 'pipeline'];

const EXAMPLES = `
Examples:
  $ slipway triggers list
  $ slipway triggers show housing.push
  $ slipway triggers history housing.push --limit 20
  $ export HOOK_SECRET="$(openssl rand -hex 32)"
  $ slipway triggers create ci-hook --pipeline housing --type webhook --secret-env HOOK_SECRET -p sha='\${{ event.sha }}'
  $ slipway triggers create on-approval --pipeline deploy --type registry --model housing --event approval_granted
  $ slipway triggers create new-data --pipeline retrain --type data --path 'mlflow-artifacts:/datasets/housing' --debounce 2m
  $ slipway triggers create after-train --pipeline deploy --type pipeline --upstream train --status succeeded
  $ slipway triggers disable housing.push
  $ slipway triggers history housing.push --json | jq '.events[] | select(.outcome == "rejected")'

Triggers declared in a pipeline's on: block are created, replaced and removed with the
pipeline; the ones created here stay until deleted. Webhook and push triggers take
deliveries at <server>/api/slipway/v1/hooks/<name> (see docs/triggers.md).

Secret (webhook and push): --secret-name NAME uses the server secret NAME (an environment
variable the server was started with in --pipeline-secrets); --secret-env VAR or
--secret-stdin store a secret with the trigger. It is never taken as an argument (ps shows
those), never returned by the server and never printed.`;

interface CreateOptions {
  pipeline: string;
  type: string;
  branch?: string[];
  path?: string[];
  debounce?: string;
  model?: string;
  event?: string;
  alias?: string;
  upstream?: string;
  status?: string[];
  param?: string[];
  secretName?: string;
  secretEnv?: string;
  secretStdin?: boolean;
  secret?: string | boolean;
  disabled?: boolean;
}

/** `slipway triggers`: event triggers of a running server and their history, through the SDK. */
export function triggersCommand(): Command {
  const triggers = withClientOptions(
    new Command('triggers')
      .description('Event triggers of a running Slipway server (webhook, GitHub push, data, registry, pipeline finished): list them, read their history, create, enable, disable or delete them.')
      .configureHelp(clientCommandHelp('triggers')),
  ).addHelpText('after', EXAMPLES);

  withJsonOption(
    triggers
      .command('list')
      .description('List triggers by name (all of them unless --limit).')
      .summary('list triggers')
      .option('--pipeline <name>', "only this pipeline's triggers")
      .option('--limit <n>', 'list at most n triggers (default: all)', positiveInt),
  ).action(async (options: { pipeline?: string; limit?: number }, command: Command) => {
    await runClientCommand(
      command,
      (client) => collect(client.triggers.iterate({ pipeline: options.pipeline, pageSize: Math.min(options.limit ?? 1000, 1000) }), options.limit),
      { text: renderTriggerList, json: (list) => ({ triggers: list }) },
    );
  });

  withJsonOption(triggers.command('show').description('Show a trigger: what it watches, its params, and where deliveries go.').summary('show a trigger').argument('<name>', 'trigger name')).action(
    async (name: string, _options: object, command: Command) => {
      await runClientCommand(command, (client) => client.triggers.get(name).then((t) => ({ t, url: client.trackingUri })), {
        text: ({ t, url }) => renderTriggerDetail(t, t.type === 'push' || t.type === 'webhook' ? `${url}/api/slipway/v1/hooks/${encodeURIComponent(t.name)}` : undefined),
        json: ({ t }) => ({ trigger: t }),
      });
    },
  );

  withJsonOption(
    triggers
      .command('history')
      .description("A trigger's events, newest first: what happened, and whether it started an execution (started), did not match (ignored), was refused (rejected) or could not start one (failed).")
      .summary("a trigger's event history")
      .argument('<name>', 'trigger name')
      .option('--limit <n>', 'at most n events (default 50)', positiveInt),
  ).action(async (name: string, options: { limit?: number }, command: Command) => {
    const limit = options.limit ?? 50;
    await runClientCommand(command, (client) => collect(client.triggers.iterateEvents(name, { pageSize: Math.min(limit, 1000) }), limit), {
      text: renderTriggerEvents,
      json: (events) => ({ events }),
    });
  });

  withJsonOption(
    triggers
      .command('create')
      .description('Create a trigger through the API (it stays until deleted).')
      .summary('create a trigger')
      .argument('<name>', 'trigger name (letters, digits, ".", "_", "-")')
      .requiredOption('--pipeline <name>', 'the pipeline it starts')
      .requiredOption('--type <type>', `one of ${TRIGGER_TYPES_FOR_CLI.join(', ')}`)
      .option('--branch <glob>', 'push: a branch name or glob (repeatable; default every branch)', collectValues)
      .option('--path <path>', 'push: a changed-path glob (repeatable); data: the file, directory or glob watched', collectValues)
      .option('--debounce <duration>', 'data: quiet time before firing (30s, 2m; default 30s)')
      .option('--model <name>', 'registry: the registered model')
      .option('--event <event>', 'registry: version_created, alias_set or approval_granted')
      .option('--alias <alias>', 'registry (alias_set): only this alias')
      .option('--upstream <pipeline>', 'pipeline: the pipeline whose executions are watched')
      .option('--status <status>', 'pipeline: succeeded or failed (repeatable; default succeeded)', collectValues)
      .option('-p, --param <key=value>', 'a param value; may use ${{ event.<path> }} (repeatable)', collectValues)
      .option('--secret-name <NAME>', 'webhook/push: use the server secret NAME (from --pipeline-secrets)')
      .addOption(new Option('--secret-env <var>', 'webhook/push: store the secret in environment variable <var>').conflicts(['secretStdin', 'secretName']))
      .addOption(new Option('--secret-stdin', 'webhook/push: store the secret read from stdin').conflicts('secretName'))
      .addOption(new Option('--secret [value]').hideHelp())
      .option('--disabled', 'create it disabled'),
  ).action(async (name: string, options: CreateOptions, command: Command) => {
    await runClientCommand(
      command,
      async (client) => {
        const type = triggerType(options.type);
        const config = configOf(type, options);
        const params = paramsOf(options.param ?? []);
        return client.triggers.create({ name, pipeline: options.pipeline, type, config, params, secret: await readSecret(options), enabled: !options.disabled });
      },
      { text: (t) => `Created trigger ${t.name}.\n${renderTriggerDetail(t)}`, json: (trigger) => ({ trigger }) },
    );
  });

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    withJsonOption(
      triggers
        .command(verb)
        .description(enabled ? 'Enable a trigger.' : 'Disable a trigger: its events are recorded as ignored until it is enabled.')
        .summary(`${verb} a trigger`)
        .argument('<name>', 'trigger name'),
    ).action(async (name: string, _options: object, command: Command) => {
      await runClientCommand(command, (client) => (enabled ? client.triggers.enable(name) : client.triggers.disable(name)), {
        text: (t) => `Trigger ${t.name} ${t.enabled ? 'enabled' : 'disabled'}.\n`,
        json: (trigger) => ({ trigger }),
      });
    });
  }

  withJsonOption(
    triggers
      .command('delete')
      .alias('rm')
      .description("Delete a trigger and its history. A trigger from a pipeline's on: block comes back when the pipeline is stored again with it.")
      .summary('delete a trigger')
      .argument('<name>', 'trigger name'),
  ).action(async (name: string, _options: object, command: Command) => {
    await runClientCommand(command, (client) => client.triggers.delete(name), { text: () => `Deleted trigger ${name}.\n`, json: () => ({}) });
  });

  return triggers;
}

function triggerType(value: string): TriggerType {
  const found = TRIGGER_TYPES_FOR_CLI.find((t) => t === value);
  if (found === undefined) throw new UsageError(`--type must be one of ${TRIGGER_TYPES_FOR_CLI.join(', ')}; got '${value}'`);
  return found;
}

/** The type's config from the options; options of another type are refused. */
function configOf(type: TriggerType, o: CreateOptions): Record<string, unknown> {
  const allowed: Record<TriggerType, readonly (keyof CreateOptions)[]> = {
    push: ['branch', 'path', 'secretName'],
    webhook: ['secretName'],
    data: ['path', 'debounce'],
    registry: ['model', 'event', 'alias'],
    pipeline: ['upstream', 'status'],
  };
  for (const key of ['branch', 'path', 'debounce', 'model', 'event', 'alias', 'upstream', 'status', 'secretName'] as const) {
    if (o[key] !== undefined && !allowed[type].includes(key)) {
      throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not apply to a ${type} trigger`);
    }
  }
  const secret = o.secretName === undefined ? {} : { secret: o.secretName };
  switch (type) {
    case 'push':
      return { ...(o.branch === undefined ? {} : { branches: o.branch }), ...(o.path === undefined ? {} : { paths: o.path }), ...secret };
    case 'webhook':
      return secret;
    case 'data':
      if (o.path !== undefined && o.path.length > 1) throw new UsageError('--path: a data trigger watches one path (a glob may match many files)');
      return { ...(o.path === undefined ? {} : { path: o.path[0] }), ...(o.debounce === undefined ? {} : { debounce: o.debounce }) };
    case 'registry':
      return { model: o.model, event: o.event, alias: o.alias };
    case 'pipeline':
      return { pipeline: o.upstream, ...(o.status === undefined ? {} : { status: o.status }) };
  }
}

function paramsOf(pairs: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`-p/--param takes key=value; got '${pair}'`);
    params[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return params;
}

async function readSecret(options: CreateOptions): Promise<string | undefined> {
  if (options.secret !== undefined) {
    throw new UsageError('--secret is not accepted: command-line arguments are visible to other users (ps). Use --secret-env <VAR>, --secret-stdin or --secret-name <NAME>.');
  }
  if (options.secretEnv !== undefined) {
    const value = process.env[options.secretEnv];
    if (value === undefined || value === '') throw new UsageError(`--secret-env: the environment variable ${options.secretEnv} is not set or empty.`);
    return value;
  }
  if (options.secretStdin) {
    if (process.stdin.isTTY) throw new UsageError('--secret-stdin reads the secret from a pipe or a file, not a terminal.');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    const value = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    if (value === '') throw new UsageError('--secret-stdin: standard input is empty.');
    return value;
  }
  return undefined;
}
