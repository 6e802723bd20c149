import { Command, Option } from 'commander';
import { collect, EXECUTION_STATUSES, type Execution, type ExecutionStatus } from '../sdk/index.js';
import { clientCommandHelp, positiveInt, withClientOptions, withJsonOption } from './client-support.js';
import { followLogs, printLogs } from './execution-logs.js';
import { watchExecution } from './execution-watch.js';
import { reportPipelineFailure, runPipelineCommand, clientFor } from './pipeline-cli-support.js';
import { exitCodeFor, renderExecutionDetail, renderExecutionList, renderSummary } from './pipelines-view.js';
import { DEFAULT_WATCH_INTERVAL_MS, DETACHED_EXIT_CODE } from './run-command.js';

const EXAMPLES = `
Examples:
  $ slipway executions list --pipeline california-housing --status failed
  $ slipway executions show 0193f1c2-…
  $ slipway executions logs 0193f1c2-… --step train -f
  $ slipway executions cancel 0193f1c2-…
  $ slipway executions retry 0193f1c2-… --wait
  $ slipway executions retry 0193f1c2-… --latest --wait   # after fixing the pipeline file

Resuming a failed execution: fix what failed (the step's script in the code directory,
or the pipeline file: \`slipway pipelines upsert\` it, then retry with --latest), then
\`slipway executions retry <id>\`. The retry is a new execution: steps that succeeded are
reused with their outputs, artifacts and metrics ("reused from" in \`show\`); the failed
ones and everything after them run again, with a fresh snapshot of the code directory.

Connection: --tracking-uri, else $SLIPWAY_TRACKING_URI, else $MLFLOW_TRACKING_URI, else
http://127.0.0.1:5000.

Exit status: 0 on success (with --wait: when the execution succeeded), 1 when the server
refuses the request or cannot be reached, or a watched execution failed or was cancelled,
2 for usage errors, 130 when Ctrl-C stopped --wait or --follow (the execution goes on).`;

/** `slipway executions`: pipeline executions of a running server. */
export function executionsCommand(): Command {
  const executions = withClientOptions(
    new Command('executions')
      .description('Inspect pipeline executions of a running Slipway server: status, step logs; cancel and retry (resume) them.')
      .configureHelp(clientCommandHelp('executions')),
  ).addHelpText('after', EXAMPLES);

  withJsonOption(
    executions
      .command('list')
      .description('List executions, newest first (all of them unless --limit).')
      .summary('list executions')
      .option('--pipeline <name>', "only this pipeline's executions")
      .addOption(new Option('--status <status>', 'only executions in this status').choices(EXECUTION_STATUSES))
      .option('--limit <n>', 'list at most n executions', positiveInt),
  ).action(async (options: { pipeline?: string; status?: ExecutionStatus; limit?: number }, command: Command) => {
    await runPipelineCommand(
      command,
      (client) =>
        collect(
          client.pipelines.iterateExecutions({ pipeline: options.pipeline, status: options.status, pageSize: Math.min(options.limit ?? 1000, 1000) }),
          options.limit,
        ),
      { text: (items) => renderExecutionList(items, Date.now()), json: (items) => ({ executions: items }) },
    );
  });

  withJsonOption(
    executions
      .command('show')
      .description("Show an execution: params, status, and each step's attempts, failure reasons, outputs, metrics, artifacts, and where a cached or reused result came from.")
      .summary('show an execution and its steps')
      .argument('<id>', 'execution id'),
  ).action(async (id: string, _options: object, command: Command) => {
    await runPipelineCommand(command, (client) => client.pipelines.getExecution(id), {
      text: (e) => renderExecutionDetail(e, Date.now()),
      json: (execution) => ({ execution }),
    });
  });

  executions
    .command('logs')
    .description(
      "Print step logs: every step's latest attempt in order (each headed '==> step (attempt n) <=='), or one step's with --step. " +
        'With -f, follow them as they are written until the execution ends.',
    )
    .summary('print or follow step logs')
    .argument('<id>', 'execution id')
    .option('--step <step>', 'only this step (all its matrix instances unless --instance)')
    .option('--instance <key>', 'only this matrix instance of --step (e.g. region=north)')
    .option('--attempt <n>', 'this attempt rather than the latest', positiveInt)
    .option('-f, --follow', 'keep printing as the logs grow, until the execution ends')
    .option('--poll-interval <ms>', `with -f, how often to ask the server (default ${DEFAULT_WATCH_INTERVAL_MS})`, positiveInt)
    .action(async (id: string, options: { step?: string; instance?: string; attempt?: number; follow?: boolean; pollInterval?: number }, command: Command) => {
      const selection = { step: options.step, instance: options.instance, attempt: options.attempt };
      const out = { write: (text: string) => void process.stdout.write(text), note: (text: string) => void process.stderr.write(`slipway: ${text}\n`) };
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const client = clientFor(command);
        if (options.follow) {
          await followLogs(client, id, selection, out, { intervalMs: options.pollInterval ?? DEFAULT_WATCH_INTERVAL_MS, signal: controller.signal });
        } else {
          await printLogs(client, id, selection, out);
        }
      } catch (e) {
        if (controller.signal.aborted) process.exitCode = DETACHED_EXIT_CODE;
        else reportPipelineFailure(e);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });

  withJsonOption(
    executions
      .command('cancel')
      .description('Cancel an execution: running steps are stopped (their whole process groups), the rest do not start. A finished execution is left as it is.')
      .summary('cancel an execution')
      .argument('<id>', 'execution id'),
  ).action(async (id: string, _options: object, command: Command) => {
    await runPipelineCommand(command, (client) => client.pipelines.cancel(id), {
      text: describeCancel,
      json: (execution) => ({ execution }),
    });
  });

  withJsonOption(
    executions
      .command('retry')
      .description(
        'Resume a failed or cancelled execution as a new one: steps that succeeded are reused (outputs, artifacts, metrics), ' +
          'the others run again with a fresh snapshot of the code directory. Prints the new execution id, or with --wait follows it.',
      )
      .summary('resume a failed or cancelled execution from its failed steps')
      .argument('<id>', 'the failed or cancelled execution')
      .option('--latest', "use the pipeline's latest version (e.g. after fixing the file and upserting it), not the execution's")
      .option('--wait', 'show progress until the new execution ends; exit 1 unless it succeeded')
      .option('--poll-interval <ms>', `with --wait, how often to ask the server (default ${DEFAULT_WATCH_INTERVAL_MS})`, positiveInt),
  ).action(async (id: string, options: { latest?: boolean; wait?: boolean; pollInterval?: number; json?: boolean }, command: Command) => {
    await runPipelineCommand(
      command,
      async (client): Promise<{ execution: Execution; waited: boolean; detached: boolean }> => {
        const execution = await client.pipelines.retry(id, { latest: options.latest });
        if (!options.wait) return { execution, waited: false, detached: false };
        if (!options.json) {
          const reused = execution.steps.filter((s) => s.reused_from !== undefined).length;
          process.stdout.write(
            `Execution ${execution.execution_id} retries ${id} (${execution.pipeline_name} v${execution.pipeline_version}; ${reused} step${reused === 1 ? '' : 's'} reused)\n`,
          );
        }
        const watched = await watchExecution(client, execution, { quiet: options.json === true, intervalMs: options.pollInterval ?? DEFAULT_WATCH_INTERVAL_MS });
        return { execution: watched.execution, waited: true, detached: watched.detached };
      },
      {
        text: (r) => (!r.waited ? `${r.execution.execution_id}\n` : r.detached ? '' : renderSummary(r.execution, Date.now())),
        json: (r) => ({ execution: r.execution }),
        exitCode: (r) => (!r.waited ? 0 : r.detached ? DETACHED_EXIT_CODE : exitCodeFor(r.execution)),
      },
    );
  });

  return executions;
}

/** `Cancelling execution …`, or what it already was. */
function describeCancel(e: Execution): string {
  switch (e.status) {
    case 'cancelling':
      return `Execution ${e.execution_id}: cancelling (running steps are being stopped).\n`;
    case 'cancelled':
      return `Execution ${e.execution_id}: cancelled.\n`;
    case 'succeeded':
    case 'failed':
      return `Execution ${e.execution_id} had already ended: ${e.status}.\n`;
    default:
      return `Execution ${e.execution_id}: ${e.status}.\n`;
  }
}
