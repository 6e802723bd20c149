import { InvalidArgumentError, type Command, type HelpConfiguration, type Option } from 'commander';
import {
  SlipwayApiError,
  SlipwayClient,
  SlipwayClientError,
  SlipwayConfigError,
  SlipwayConnectionError,
} from '../sdk/index.js';
import { SLIPWAY_VERSION } from '../server/version.js';

/**
 * What the CLI's client commands (`slipway models …`, `slipway webhooks …`) share: the
 * connection options, one way to report failures, and output helpers.
 *
 * Exit status: 0 on success; 1 when the server refuses the request or cannot be reached;
 * 2 for usage errors (bad options or arguments, as commander reports them, and an unusable
 * tracking URI), as `slipway server` does for bad configuration.
 * @module
 */

export interface ClientOptions {
  readonly trackingUri?: string;
  readonly actor?: string;
  readonly json?: boolean;
}

/** Adds `--tracking-uri` and `--actor` to a command; its subcommands see them through `optsWithGlobals()`. */
export function withClientOptions(command: Command): Command {
  return command
    .option('--tracking-uri <uri>', 'the Slipway server (default: $SLIPWAY_TRACKING_URI, then $MLFLOW_TRACKING_URI, then http://127.0.0.1:5000)')
    .option('--actor <name>', 'who the audit trail records for your changes (default: $SLIPWAY_ACTOR, else your user name)');
}

/** Adds `--json`. */
export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print the result as one JSON document on stdout (for scripts)');
}

/**
 * Help settings for a client command group (`models`, `webhooks`): subcommands' help lists
 * the group's options (--tracking-uri, --actor) but not `slipway --version`, which is only
 * read before the subcommand; command lists show `stage <name> <version> <stage>` without
 * ` [options]`, leaving room to wrap.
 */
export function clientCommandHelp(top: string): HelpConfiguration {
  return { showGlobalOptions: true, visibleGlobalOptions: (cmd) => ancestorOptions(cmd, top), subcommandTerm };
}

/**
 * What a command prints: `text(result)` or, with `--json`, `json(result)`. When
 * `failure(result)` returns a message the command failed although the request succeeded
 * (e.g. a test delivery the receiver refused): the message goes to stderr as one line and
 * the exit status is 1; the JSON is still printed with `--json`, the text is not.
 */
export interface CommandOutput<T> {
  readonly text: (result: T) => string;
  readonly json: (result: T) => unknown;
  readonly failure?: (result: T) => string | undefined;
}

/**
 * Runs a command's work with a client built from its options, printing `text(result)` or,
 * with `--json`, `json(result)`. Failures become one line on stderr and the exit status.
 */
export async function runClientCommand<T>(command: Command, work: (client: SlipwayClient) => Promise<T>, output: CommandOutput<T>): Promise<void> {
  const options = command.optsWithGlobals<ClientOptions>();
  try {
    const client = new SlipwayClient({
      trackingUri: options.trackingUri,
      actor: options.actor,
      userAgent: `slipway-cli/${SLIPWAY_VERSION}`,
    });
    const result = await work(client);
    const failure = output.failure?.(result);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(output.json(result), null, 2)}\n`);
    } else if (failure === undefined) {
      process.stdout.write(output.text(result));
    }
    if (failure !== undefined) fail(failure, 1);
  } catch (e) {
    reportFailure(e);
  }
}

/** One line on stderr (`slipway: RESOURCE_DOES_NOT_EXIST: …`) and the exit status; nothing else is printed. */
export function reportFailure(e: unknown): void {
  if (e instanceof SlipwayApiError) {
    fail(`${e.errorCode}: ${e.message}`, 1);
  } else if (e instanceof SlipwayConfigError) {
    fail(e.message, 2);
  } else if (e instanceof SlipwayConnectionError || e instanceof SlipwayClientError) {
    fail(e.message, 1);
  } else if (e instanceof UsageError) {
    fail(e.message, 2);
  } else {
    fail(e instanceof Error ? e.message : String(e), 1);
  }
}

/** A usage problem found after parsing (a combination of options that makes no sense). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The visible options of the ancestors of `cmd` up to (and with) the one named `top`. */
function ancestorOptions(cmd: Command, top: string): Option[] {
  const ancestors: Command[] = [];
  for (let c = cmd.parent; c !== null; c = c.parent) ancestors.push(c);
  const end = ancestors.findIndex((c) => c.name() === top);
  return ancestors.slice(0, end + 1).flatMap((c) => c.options.filter((o) => !o.hidden));
}

function subcommandTerm(cmd: Command): string {
  const args = cmd.registeredArguments.map((a) => {
    const name = `${a.name()}${a.variadic ? '...' : ''}`;
    return a.required ? `<${name}>` : `[${name}]`;
  });
  return [cmd.name(), ...args].join(' ');
}

function fail(message: string, code: number): void {
  process.stderr.write(`slipway: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  // Not process.exit(): stdout may still be draining into a pipe.
  process.exitCode = code;
}

// --- option and argument parsers -----------------------------------------------------

/** For repeatable options: `--type a --type b` → `['a', 'b']`. */
export function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('It must be a positive integer.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('It must be a non-negative integer.');
  return n;
}

/** A model version argument: a positive integer, kept as the string the API takes. */
export function versionArgument(value: string): string {
  if (!/^\s*[0-9]+\s*$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('A model version is a positive integer.');
  return String(Number(value));
}
