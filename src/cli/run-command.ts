import { resolve } from 'node:path';
import { Command } from 'commander';
import type { Execution, Pipeline } from '../sdk/index.js';
import { collectValues, positiveInt, withClientOptions, withJsonOption } from './client-support.js';
import { watchExecution } from './execution-watch.js';
import { checkParams, preparePipelineUpload, runPipelineCommand } from './pipeline-cli-support.js';
import { exitCodeFor, formatParams, renderSummary } from './pipelines-view.js';

/** Polls this often with `--wait` unless `--poll-interval` says otherwise. */
export const DEFAULT_WATCH_INTERVAL_MS = 1000;

/** Exit status after Ctrl-C detached from a watched execution (128 + SIGINT, as shells report it). */
export const DETACHED_EXIT_CODE = 130;

const HELP = `
Examples:
  $ slipway run pipeline.yaml
  $ slipway run pipeline.yaml -p n_estimators=300 -p model=gbr --wait
  $ slipway run pipelines/housing.ts --code-dir . --wait
  $ id=$(slipway run pipeline.yaml) && slipway executions logs "$id" -f

The file is loaded and validated here first: problems are printed as file:line:col
and nothing is sent. -p values are checked against the pipeline's params (unknown
names, types, choices, required params) before it starts. The pipeline is then stored
(a new version only when its content changed) and an execution of that version starts.

Without --wait the execution id is printed and the command returns at once. With
--wait it shows progress until the execution ends: on a terminal a table of steps
updated in place, otherwise one line per change; then a summary. Ctrl-C stops
watching, not the execution (slipway executions cancel <id> stops it).

Connection: --tracking-uri, else $SLIPWAY_TRACKING_URI, else $MLFLOW_TRACKING_URI, else
http://127.0.0.1:5000. The code directory must be readable by the server: run it on the
same machine, or pass --code-dir with a path the server sees.

Exit status: 0 when started (without --wait) or when the execution succeeded (also when a
slipway/evaluate gate stopped it); 1 when it failed or was cancelled, the file is not a
valid pipeline, or the server refuses the request; 2 for usage errors (bad options, -p
values the pipeline does not take); 130 when Ctrl-C detached.`;

/** What `slipway run` did. */
export interface RunResult {
  readonly pipeline: Pipeline;
  readonly created: boolean;
  readonly execution: Execution;
  /** Set with `--wait`: whether the watch ended because Ctrl-C detached. */
  readonly detached?: boolean;
  readonly waited: boolean;
}

interface RunOptions {
  param?: string[];
  wait?: boolean;
  codeDir?: string;
  pollInterval?: number;
  json?: boolean;
}

/** `slipway run <file>`: store the pipeline, start an execution, optionally watch it. */
export function runCommand(): Command {
  const run = withJsonOption(
    withClientOptions(
      new Command('run')
        .description('Run a pipeline file (.yaml, .ts, .js): store it as a version (when new), start an execution, and with --wait follow it to the end.')
        .argument('<file>', 'the pipeline file')
        .option('-p, --param <key=value>', 'set a param (repeatable); checked against its type', collectValues)
        .option('--wait', 'show progress until the execution ends; exit 1 unless it succeeded')
        .option('--code-dir <dir>', "the steps' code directory (default: the file's directory)")
        .option('--poll-interval <ms>', `with --wait, how often to ask the server (default ${DEFAULT_WATCH_INTERVAL_MS})`, positiveInt),
    ),
  ).addHelpText('after', HELP);

  run.action(async (file: string, options: RunOptions, command: Command) => {
    await runPipelineCommand(
      command,
      async (client): Promise<RunResult> => {
        const { loaded, upsert } = await preparePipelineUpload(file, options.codeDir);
        const params = checkParams(loaded.definition, options.param ?? []);
        const { pipeline, created } = await client.pipelines.upsert(upsert);
        const execution = await client.pipelines.startExecution(pipeline.name, {
          version: pipeline.version,
          params,
          codeDir: options.codeDir === undefined ? undefined : resolve(options.codeDir),
        });
        if (!options.wait) {
          if (process.stderr.isTTY && !options.json) {
            process.stderr.write(`Started ${pipeline.name} v${pipeline.version}${created ? ' (new version)' : ''}; follow it with: slipway executions logs ${execution.execution_id} -f\n`);
          }
          return { pipeline, created, execution, waited: false };
        }
        if (!options.json) {
          process.stdout.write(
            `Pipeline ${pipeline.name} v${pipeline.version} (${created ? 'new version' : 'unchanged'}, ${pipeline.hash.slice(0, 12)})\n` +
              `Execution ${execution.execution_id} started, params: ${formatParams(execution.params)}\n`,
          );
        }
        const watched = await watchExecution(client, execution, { quiet: options.json === true, intervalMs: options.pollInterval ?? DEFAULT_WATCH_INTERVAL_MS });
        return { pipeline, created, execution: watched.execution, detached: watched.detached, waited: true };
      },
      {
        text: (r) => (!r.waited ? `${r.execution.execution_id}\n` : r.detached ? '' : renderSummary(r.execution, Date.now())),
        json: (r) => ({ pipeline: r.pipeline, created: r.created, execution: r.execution }),
        exitCode: (r) => (!r.waited ? 0 : r.detached ? DETACHED_EXIT_CODE : exitCodeFor(r.execution)),
      },
    );
  });
  return run;
}
