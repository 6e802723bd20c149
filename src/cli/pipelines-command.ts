import { Command } from 'commander';
import { collect } from '../sdk/index.js';
import { clientCommandHelp, positiveInt, withClientOptions, withJsonOption } from './client-support.js';
import { preparePipelineUpload, runPipelineCommand } from './pipeline-cli-support.js';
import { renderPipelineDetail, renderPipelineList, renderUpsert } from './pipelines-view.js';

const EXAMPLES = `
Examples:
  $ slipway pipelines upsert pipeline.yaml
  $ slipway pipelines upsert pipelines/housing.ts --code-dir .
  $ slipway pipelines list
  $ slipway pipelines show california-housing
  $ slipway pipelines show california-housing --version 1 --json | jq .pipeline.definition

A pipeline is stored as versions: an upsert whose content (the validated model, so not
layout or comments) matches an earlier version is "unchanged"; anything else makes a new
version. Run one with \`slipway run <file>\`; see its executions with \`slipway executions\`.

Connection: --tracking-uri, else $SLIPWAY_TRACKING_URI, else $MLFLOW_TRACKING_URI, else
http://127.0.0.1:5000.

Exit status: 0 on success, 1 when the file is not a valid pipeline (each problem printed
as file:line:col), the server refuses the request or cannot be reached, 2 for usage errors.`;

/** `slipway pipelines`: store and inspect pipeline versions on a running server. */
export function pipelinesCommand(): Command {
  const pipelines = withClientOptions(
    new Command('pipelines')
      .description('Store and inspect the pipelines of a running Slipway server (run them with `slipway run`).')
      .configureHelp(clientCommandHelp('pipelines')),
  ).addHelpText('after', EXAMPLES);

  withJsonOption(
    pipelines
      .command('upsert')
      .description(
        'Validate a pipeline file (.yaml, .ts, .js) here, then store it on the server: a new version when its content is new, else the existing one ("unchanged").',
      )
      .summary('store a pipeline file as a version')
      .argument('<file>', 'the pipeline file')
      .option('--code-dir <dir>', "the steps' code directory, on the server's machine (default: the file's directory)"),
  ).action(async (file: string, options: { codeDir?: string }, command: Command) => {
    await runPipelineCommand(
      command,
      async (client) => {
        const { upsert } = await preparePipelineUpload(file, options.codeDir);
        return { ...(await client.pipelines.upsert(upsert)), codeDir: upsert.codeDir };
      },
      { text: (r) => renderUpsert(r, r.codeDir), json: (r) => ({ pipeline: r.pipeline, created: r.created }) },
    );
  });

  withJsonOption(
    pipelines
      .command('list')
      .description('List pipelines with their latest version and last execution (all of them unless --limit).')
      .summary('list pipelines')
      .option('--limit <n>', 'list at most n pipelines', positiveInt),
  ).action(async (options: { limit?: number }, command: Command) => {
    await runPipelineCommand(command, (client) => collect(client.pipelines.iterate({ pageSize: Math.min(options.limit ?? 1000, 1000) }), options.limit), {
      text: renderPipelineList,
      json: (items) => ({ pipelines: items }),
    });
  });

  withJsonOption(
    pipelines
      .command('show')
      .description('Show a pipeline version (default: the latest): params, steps with their needs, and its source.')
      .summary('show a pipeline version')
      .argument('<name>', 'pipeline name')
      .option('--version <n>', 'this version rather than the latest', positiveInt),
  ).action(async (name: string, options: { version?: number }, command: Command) => {
    await runPipelineCommand(command, (client) => client.pipelines.get(name, { version: options.version }), {
      text: renderPipelineDetail,
      json: (pipeline) => ({ pipeline }),
    });
  });

  return pipelines;
}
