import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../core/pipelines/parse-duration.js';
import { collect, endpointOutcome, type Endpoint, type EndpointEvent, type RolloutOptions, type SlipwayClient, type VariantOptions } from '../sdk/index.js';
import { clientCommandHelp, collectValues, positiveInt, runClientCommand, UsageError, withClientOptions, withJsonOption } from './client-support.js';
import { formatTime } from './models-view.js';
import { describeProgress, renderEndpointDetail, renderEndpointEvents, renderEndpointList } from './endpoints-view.js';

const EXAMPLES = `
Examples:
  $ slipway endpoints create prices -m models:/housing@champion --wait
  $ slipway endpoints create prices -m models:/housing/3 --variant b=models:/housing/4:10 --shadow next=models:/housing/5:25
  $ slipway endpoints update prices -m models:/housing/4 --strategy canary --steps 10,50,100 --bake 60s --max-error-rate 0.05 --wait
  $ slipway endpoints list
  $ slipway endpoints show prices
  $ slipway endpoints events prices
  $ slipway endpoints rollback prices --reason "p99 regressed"
  $ slipway endpoints delete prices --wait

Variants: -m gives the main variant (named after its model version, e.g. housing-3; it gets
the traffic the --variant weights leave). --variant <name>=<uri>[:<weight>] adds a live
variant, --shadow <name>=<uri>:<percent> a shadow that gets a copy of <percent> % of the
requests. Model URIs are models:/<name>/<version> or models:/<name>@<alias>; an alias is
pinned to its version when the endpoint is created or updated.

--wait follows the endpoint until it settles and exits 1 when it ends Failed or the rollout
was rolled back or failed. Requests are scored at /endpoints/<name>/invocations on the
server. See docs/endpoints.md.`;

const RUNTIMES = ['auto', 'onnx', 'python'] as const;
type Runtime = (typeof RUNTIMES)[number];

interface VariantFlags {
  modelUri?: string;
  variant?: string[];
  shadow?: string[];
  runtime?: Runtime;
}

interface MetaFlags {
  description?: string;
  tag?: string[];
}

interface WaitFlags {
  wait?: boolean;
  timeout?: number;
  json?: boolean;
}

interface RolloutFlags {
  strategy?: 'blue-green' | 'canary';
  steps?: number[];
  bake?: number;
  maxErrorRate?: number;
  maxP99Ms?: number;
  minRequests?: number;
}

/** `name=uri[:weight]` (the weight after the last `:`, when it is a number). */
export function parseVariantFlag(text: string, shadow: boolean): { name: string; uri: string; number: number | undefined } {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`'${text}' is not ${shadow ? '<name>=<uri>:<percent>' : '<name>=<uri>[:<weight>]'}.`);
  const name = text.slice(0, at).trim();
  let uri = text.slice(at + 1).trim();
  let number: number | undefined;
  const colon = uri.lastIndexOf(':');
  const tail = colon < 0 ? '' : uri.slice(colon + 1);
  if (/^\d+(?:\.\d+)?$/.test(tail)) {
    number = Number(tail);
    uri = uri.slice(0, colon);
  }
  if (shadow && number === undefined) throw new UsageError(`'${text}' needs the share of requests to copy: <name>=<uri>:<percent>.`);
  return { name, uri, number };
}

function variantsOf(flags: VariantFlags): VariantOptions[] | undefined {
  const runtime = flags.runtime;
  const variants: VariantOptions[] = [];
  if (flags.modelUri !== undefined) variants.push({ modelUri: flags.modelUri, runtime });
  for (const v of flags.variant ?? []) {
    const { name, uri, number } = parseVariantFlag(v, false);
    variants.push({ name, modelUri: uri, weight: number, runtime });
  }
  for (const s of flags.shadow ?? []) {
    const { name, uri, number } = parseVariantFlag(s, true);
    variants.push({ name, modelUri: uri, shadowPercent: number, runtime });
  }
  return variants.length === 0 ? undefined : variants;
}

function tagsOf(assignments: readonly string[] | undefined): Record<string, string> | undefined {
  if (assignments === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const a of assignments) {
    const at = a.indexOf('=');
    if (at <= 0) throw new UsageError(`'${a}' is not a tag (expected key=value).`);
    tags[a.slice(0, at).trim()] = a.slice(at + 1);
  }
  return tags;
}

function rolloutOf(flags: RolloutFlags): RolloutOptions | undefined {
  const r: RolloutOptions = {
    strategy: flags.strategy,
    steps: flags.steps,
    bakeSeconds: flags.bake,
    maxErrorRate: flags.maxErrorRate,
    maxP99Ms: flags.maxP99Ms,
    minRequests: flags.minRequests,
  };
  return Object.values(r).every((v) => v === undefined) ? undefined : r;
}

function stepsArgument(value: string): number[] {
  const steps = value.split(',').map((s) => s.trim());
  if (steps.some((s) => !/^\d+(?:\.\d+)?$/.test(s))) throw new InvalidArgumentError('It is a comma-separated list of traffic shares in %, e.g. 10,50,100.');
  return steps.map(Number);
}

function secondsArgument(value: string): number {
  if (/^\s*0+(?:\.0+)?[smhd]?\s*$/.test(value)) return 0;
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new InvalidArgumentError("It is a duration: 60s, 5m, 1h, or a number of seconds.");
  return seconds;
}

function timeoutArgument(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new InvalidArgumentError('It is a duration: 30s, 10m, 1h, or a number of seconds.');
  return seconds * 1000;
}

function numberArgument(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('It must be a number.');
  return n;
}

function withVariantOptions(command: Command): Command {
  return command
    .option('-m, --model-uri <uri>', 'the main variant: models:/<name>/<version> or models:/<name>@<alias> (named after its version; gets the traffic the --variant weights leave)')
    .option('--variant <name=uri[:weight]>', 'a live variant with its share of traffic in % (repeatable)', collectValues)
    .option('--shadow <name=uri:percent>', 'a shadow variant that gets a copy of <percent> % of the requests; its answers are recorded, never returned (repeatable)', collectValues)
    .addOption(new Option('--runtime <runtime>', 'how the variants are served: auto (ONNX when the model compiles, else Python), onnx or python').choices(RUNTIMES))
    .option('--description <text>', 'what the endpoint is for')
    .option('--tag <key=value>', 'a tag (repeatable)', collectValues);
}

function withWaitOptions(command: Command, what: string): Command {
  return command
    .option('--wait', `follow the endpoint until ${what}; exit 1 when it ends Failed or its rollout is rolled back or fails`)
    .option('--timeout <duration>', 'with --wait: give up after this long (default 10m)', timeoutArgument);
}

/** Follows the endpoint until it settles, printing a line when where it is changes (not with --json). */
async function follow(client: SlipwayClient, name: string, flags: WaitFlags): Promise<Endpoint> {
  let last = '';
  return client.endpoints.waitUntilSettled(name, {
    timeoutMs: flags.timeout ?? 600_000,
    intervalMs: 500,
    onUpdate: (e) => {
      const line = describeProgress(e);
      if (line !== last && flags.json !== true) process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
      last = line;
    },
  });
}

/** The one-line failure of a settled endpoint, or undefined when it is serving. */
function failureOf(e: Endpoint, rolloutId?: string): string | undefined {
  switch (endpointOutcome(e, rolloutId)) {
    case 'failed':
      return `endpoint '${e.name}' is Failed: ${e.status_reason ?? 'no reason recorded'}`;
    case 'rolled-back':
      return `endpoint '${e.name}': rollout ${e.rollout?.rollout_id ?? ''} was rolled back: ${e.rollout?.reason ?? 'no reason recorded'}`;
    case 'rollout-failed':
      return `endpoint '${e.name}': rollout ${e.rollout?.rollout_id ?? ''} failed: ${e.rollout?.reason ?? 'no reason recorded'}`;
    default:
      return undefined;
  }
}

/** `slipway endpoints`: serving endpoints of a running server, through the SDK. */
export function endpointsCommand(): Command {
  const endpoints = withClientOptions(
    new Command('endpoints')
      .description('Manage serving endpoints of a running Slipway server: create, update (blue/green or canary rollouts), roll back, delete, and read their status and events.')
      .configureHelp(clientCommandHelp('endpoints')),
  ).addHelpText('after', EXAMPLES);

  withJsonOption(
    withWaitOptions(
      withVariantOptions(endpoints.command('create').description('Create an endpoint serving one or more model versions. It is Creating until its variants have loaded, then InService (or Failed, with the reason).').summary('create an endpoint').argument('<name>', 'endpoint name: lowercase letters, digits and dashes')),
      'it is InService or Failed',
    ),
  ).action(async (name: string, flags: VariantFlags & MetaFlags & WaitFlags, command: Command) => {
    let settled = false;
    await runClientCommand(
      command,
      async (client) => {
        const variants = variantsOf(flags);
        if (variants === undefined) throw new UsageError('Give the model to serve: -m <model-uri> (and/or --variant, --shadow).');
        const created = await client.endpoints.create({ name, variants, description: flags.description, tags: tagsOf(flags.tag) });
        if (flags.wait !== true) return created;
        if (flags.json !== true) process.stdout.write(`Created endpoint ${name}; waiting for it to load.\n`);
        settled = true;
        return follow(client, name, flags);
      },
      {
        text: (e) => (settled ? renderEndpointDetail(e) : `Created endpoint ${e.name} (${e.status}).\n${renderEndpointDetail(e)}`),
        json: (endpoint) => ({ endpoint }),
        failure: (e) => (settled ? failureOf(e) : undefined),
      },
    );
  });

  withJsonOption(
    withWaitOptions(
      withVariantOptions(
        endpoints
          .command('update')
          .description(
            'Roll out a new variant set to an endpoint: the new variants load while the old ones keep serving, then take over in one switch (blue-green) or step by step (canary), rolled back when an error-rate or latency threshold is breached. Without variants, --description and --tag are written at once.',
          )
          .summary('roll out new variants')
          .argument('<name>', 'endpoint name'),
      )
        .addOption(new Option('--strategy <strategy>', 'blue-green (default: one switch) or canary (steps)').choices(['blue-green', 'canary']))
        .option('--steps <list>', 'canary traffic shares in %, ending at 100 (default 10,50,100)', stepsArgument)
        .option('--bake <duration>', 'how long each step runs before the next (default 0 for blue-green, 60s for canary)', secondsArgument)
        .option('--max-error-rate <fraction>', "roll back when the new variants' 5xx rate exceeds this (0-1)", numberArgument)
        .option('--max-p99-ms <ms>', "roll back when the new variants' p99 latency exceeds this", numberArgument)
        .option('--min-requests <n>', 'requests the new variants answer in a step before the thresholds are judged (default 20)', positiveInt),
      'the rollout has completed, failed or been rolled back',
    ),
  ).action(async (name: string, flags: VariantFlags & MetaFlags & WaitFlags & RolloutFlags, command: Command) => {
    let rolloutId: string | undefined;
    let settled = false;
    await runClientCommand(
      command,
      async (client) => {
        const variants = variantsOf(flags);
        const rollout = rolloutOf(flags);
        if (variants === undefined && rollout !== undefined) throw new UsageError('Rollout options need the variants to roll out: -m <model-uri> (and/or --variant, --shadow).');
        const updated = await client.endpoints.update(name, { variants, rollout, description: flags.description, tags: tagsOf(flags.tag) });
        rolloutId = variants === undefined ? undefined : updated.rollout?.rollout_id;
        if (flags.wait !== true || rolloutId === undefined) return updated;
        if (flags.json !== true) process.stdout.write(`Rollout ${rolloutId} started on endpoint ${name}.\n`);
        settled = true;
        return follow(client, name, flags);
      },
      {
        text: (e) => (settled ? renderEndpointDetail(e) : rolloutId === undefined ? `Updated endpoint ${e.name}.\n` : `Rollout ${rolloutId} started on endpoint ${e.name}.\n${renderEndpointDetail(e)}`),
        json: (endpoint) => ({ endpoint }),
        failure: (e) => (settled ? failureOf(e, rolloutId) : undefined),
      },
    );
  });

  withJsonOption(
    endpoints
      .command('list')
      .description('List endpoints with their status, variants and rollout.')
      .summary('list endpoints')
      .addOption(new Option('--status <status>', 'only endpoints in this status').choices(['Creating', 'InService', 'Updating', 'Failed', 'Deleting'])),
  ).action(async (flags: { status?: Endpoint['status'] }, command: Command) => {
    await runClientCommand(command, (client) => collect(client.endpoints.iterate({ status: flags.status, pageSize: 1000 })), {
      text: renderEndpointList,
      json: (list: Endpoint[]) => ({ endpoints: list }),
    });
  });

  withJsonOption(
    endpoints.command('show').description('Show an endpoint: its status and why, each variant with its status, traffic share, runtime and why, and the rollout.').summary('show an endpoint').argument('<name>', 'endpoint name'),
  ).action(async (name: string, _flags: object, command: Command) => {
    await runClientCommand(command, (client) => client.endpoints.get(name), { text: renderEndpointDetail, json: (endpoint) => ({ endpoint }) });
  });

  withJsonOption(
    endpoints
      .command('events')
      .description("An endpoint's events, oldest first: created, variants loading/ready/failed, traffic shifts, switches, rollbacks (with the measured numbers), deletion.")
      .summary("show an endpoint's events")
      .argument('<name>', 'endpoint name')
      .option('--limit <n>', 'at most n events (default 200)', positiveInt),
  ).action(async (name: string, flags: { limit?: number }, command: Command) => {
    const limit = flags.limit ?? 200;
    await runClientCommand(command, (client) => collect(client.endpoints.iterateEvents(name, { pageSize: Math.min(limit, 1000) }), limit), {
      text: renderEndpointEvents,
      json: (events: EndpointEvent[]) => ({ events }),
    });
  });

  withJsonOption(
    endpoints
      .command('rollback')
      .description('Roll back the rollout in progress: the variants that served before keep all the traffic; the new ones are unloaded.')
      .summary('roll back a rollout')
      .argument('<name>', 'endpoint name')
      .option('--reason <text>', 'why (recorded in the event and the rollout)'),
  ).action(async (name: string, flags: { reason?: string }, command: Command) => {
    await runClientCommand(command, (client) => client.endpoints.rollback(name, { reason: flags.reason }), {
      text: (e) => `Rolled back rollout ${e.rollout?.rollout_id ?? ''} of endpoint ${e.name}; it is ${e.status}.\n`,
      json: (endpoint) => ({ endpoint }),
    });
  });

  withJsonOption(
    endpoints
      .command('delete')
      .description('Delete an endpoint: it stops taking requests, finishes the ones in flight, and is removed (its events are kept).')
      .summary('delete an endpoint')
      .argument('<name>', 'endpoint name')
      .option('--wait', 'wait until it is gone')
      .option('--timeout <duration>', 'with --wait: give up after this long (default 10m)', timeoutArgument),
  ).action(async (name: string, flags: WaitFlags, command: Command) => {
    await runClientCommand(
      command,
      async (client) => {
        const deleting = await client.endpoints.delete(name);
        if (flags.wait !== true) return { endpoint: deleting, gone: false };
        await client.endpoints.waitUntilDeleted(name, { timeoutMs: flags.timeout ?? 600_000, intervalMs: 500 });
        return { endpoint: deleting, gone: true };
      },
      {
        text: (r) => (r.gone ? `Deleted endpoint ${name} at ${formatTime(Date.now())}.\n` : `Endpoint ${name} is being deleted.\n`),
        json: (r) => ({ endpoint: r.endpoint, deleted: r.gone }),
      },
    );
  });

  return endpoints;
}
