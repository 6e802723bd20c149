import { Command, InvalidArgumentError } from 'commander';
import {
  collect,
  MODEL_STAGES,
  SlipwayApiError,
  type AuditEntry,
  type ModelStage,
  type ModelVersionDetail,
  type RegisteredModelDetail,
  type SlipwayClient,
} from '../sdk/index.js';
import {
  clientCommandHelp,
  collectValues,
  nonNegativeInt,
  positiveInt,
  runClientCommand,
  UsageError,
  versionArgument,
  withClientOptions,
  withJsonOption,
} from './client-support.js';
import { renderLineage } from './lineage-tree.js';
import { modelsServeCommand } from './models-serve-command.js';
import {
  describeVersion,
  renderApprovalPolicy,
  renderAudit,
  renderModelDetail,
  renderModelList,
  renderVersions,
} from './models-view.js';

const EXAMPLES = `
Examples:
  $ slipway models list --filter "name LIKE 'house%'"
  $ slipway models show housing
  $ slipway models versions housing --filter "tags.team = 'risk'"
  $ slipway models approval-policy housing --protect-alias champion --protect-stage Production
  $ slipway models approve housing 3 --comment "holdout RMSE 0.41"
  $ slipway models alias set housing champion 3
  $ slipway models stage housing 3 production --archive-existing
  $ slipway models audit housing --limit 20
  $ slipway models lineage housing 3
  $ slipway models versions housing --json | jq -r '.model_versions[].approval.status'

Connection: --tracking-uri, else $SLIPWAY_TRACKING_URI, else $MLFLOW_TRACKING_URI, else
http://127.0.0.1:5000. HTTP Basic auth is read from $MLFLOW_TRACKING_USERNAME and
$MLFLOW_TRACKING_PASSWORD (or a bearer token from $MLFLOW_TRACKING_TOKEN).

Exit status: 0 on success, 1 when the server refuses the request or cannot be reached
(one line on stderr: "slipway: <ERROR_CODE>: <message>"), 2 for usage errors.`;

/** Requests in flight at once when `versions` reads each version's approval. */
const DETAIL_CONCURRENCY = 8;

/** `slipway models`: the model registry of a running server, through the SDK. */
export function modelsCommand(): Command {
  const models = withClientOptions(
    new Command('models')
      .description('Inspect and manage the model registry of a running Slipway server: versions, aliases, stages, approvals, audit trail, lineage; and serve a model (`models serve`).')
      .configureHelp(clientCommandHelp('models')),
  ).addHelpText('after', EXAMPLES);

  models.addCommand(modelsServeCommand());

  withJsonOption(
    models
      .command('list')
      .description('List registered models (all of them unless --max-results).')
      .summary('list registered models')
      .option('--filter <expr>', `MLflow search filter, e.g. "name LIKE 'house%'" or "tags.team = 'risk'"`)
      .option('--order-by <key>', "sort key, e.g. 'name ASC' or 'last_updated_timestamp DESC' (repeatable)", collectValues)
      .option('--max-results <n>', 'list at most n models (default: all)', positiveInt),
  ).action(async (options: { filter?: string; orderBy?: string[]; maxResults?: number }, command: Command) => {
    await runClientCommand(
      command,
      (client) =>
        collect(
          client.registry.iterateRegisteredModels({ filter: options.filter, orderBy: options.orderBy, pageSize: Math.min(options.maxResults ?? 1000, 1000) }),
          options.maxResults,
        ),
      { text: renderModelList, json: (registered_models) => ({ registered_models }) },
    );
  });

  withJsonOption(
    models
      .command('show')
      .description('Show a registered model: tags, aliases, approval policy and the latest version in each stage.')
      .summary('show a model: tags, aliases, approval policy, latest versions')
      .argument('<name>', 'model name'),
  ).action(async (name: string, _options: object, command: Command) => {
    await runClientCommand(command, (client) => client.registry.getRegisteredModel(name), {
      text: renderModelDetail,
      json: (registered_model) => ({ registered_model }),
    });
  });

  withJsonOption(
    models
      .command('versions')
      .description("List a model's versions with their stage, approval and aliases (newest first).")
      .summary("list a model's versions with stage, approval, aliases")
      .argument('<name>', 'model name')
      .option('--filter <expr>', `further MLflow filter, ANDed with the name, e.g. "version_number > 3" or "run_id = '…'"`)
      .option('--order-by <key>', "sort key (default 'version_number DESC'; repeatable)", collectValues)
      .option('--max-results <n>', 'list at most n versions (default: all)', positiveInt),
  ).action(async (name: string, options: { filter?: string; orderBy?: string[]; maxResults?: number }, command: Command) => {
    await runClientCommand(command, (client) => listVersions(client, name, options), {
      text: renderVersions,
      json: (model_versions) => ({ model_versions }),
    });
  });

  const alias = models.command('alias').description('Point an alias at a version, or remove it.').summary('set or remove an alias (alias set | alias rm)');
  withJsonOption(
    alias
      .command('set')
      .description('Point <alias> at <version> (refused for a protected alias unless the version is Approved).')
      .summary('point an alias at a version')
      .argument('<name>', 'model name')
      .argument('<alias>', 'alias, e.g. champion')
      .argument('<version>', 'version number', versionArgument),
  ).action(async (name: string, aliasName: string, version: string, _options: object, command: Command) => {
    await runClientCommand(
      command,
      async (client) => {
        await client.registry.setAlias(name, aliasName, version);
        return client.registry.getModelVersion(name, version);
      },
      { text: (v) => `Alias '${aliasName}' now points at ${v.name} v${v.version}.\n`, json: (model_version) => ({ model_version }) },
    );
  });
  withJsonOption(alias.command('rm').description('Remove an alias.').summary('remove an alias').argument('<name>', 'model name').argument('<alias>', 'alias')).action(
    async (name: string, aliasName: string, _options: object, command: Command) => {
      await runClientCommand(
        command,
        async (client) => {
          await client.registry.deleteAlias(name, aliasName);
          return client.registry.getRegisteredModel(name);
        },
        { text: (m) => `Removed alias '${aliasName}' of ${m.name}.\n`, json: (registered_model) => ({ registered_model }) },
      );
    },
  );

  withJsonOption(
    models
      .command('stage')
      .description('Move a version to a stage: None, Staging, Production or Archived (any case).')
      .summary('move a version to None, Staging, Production or Archived')
      .argument('<name>', 'model name')
      .argument('<version>', 'version number', versionArgument)
      .argument('<stage>', 'None, Staging, Production or Archived', stageArgument)
      .option('--archive-existing', 'archive the versions currently in the target stage (Staging or Production only)'),
  ).action(async (name: string, version: string, stage: ModelStage, options: { archiveExisting?: boolean }, command: Command) => {
    await runClientCommand(
      command,
      async (client) => {
        await client.registry.transitionModelVersionStage(name, version, stage, { archiveExistingVersions: options.archiveExisting ?? false });
        return client.registry.getModelVersion(name, version);
      },
      {
        text: (v) => `${describeVersion(v)}${options.archiveExisting ? `\nOther versions that were in ${stage} are now Archived.` : ''}\n`,
        json: (model_version) => ({ model_version }),
      },
    );
  });

  for (const [verb, status] of [
    ['approve', 'Approved'],
    ['reject', 'Rejected'],
  ] as const) {
    withJsonOption(
      models
        .command(verb)
        .description(`Record that a version is ${status}; the actor (--actor) is recorded as the approver.`)
        .summary(`mark a version ${status}`)
        .argument('<name>', 'model name')
        .argument('<version>', 'version number', versionArgument)
        .option('--comment <text>', 'why (kept in the audit trail)'),
    ).action(async (name: string, version: string, options: { comment?: string }, command: Command) => {
      await runClientCommand(command, (client) => client.registry.setApproval(name, version, status, { comment: options.comment }), {
        text: (v) => `${describeVersion(v)}\n`,
        json: (model_version) => ({ model_version }),
      });
    });
  }

  withJsonOption(
    models
      .command('approval-policy')
      .description(
        "Show a model's approval policy, or replace it: protected aliases and stages only take Approved versions.\n" +
          'Without --protect-* or --clear it only shows the policy. Setting it replaces the whole policy.',
      )
      .summary("show or set which aliases and stages need approval")
      .argument('<name>', 'model name')
      .option('--protect-alias <alias>', 'an alias that needs an Approved version (repeatable)', collectValues)
      .option('--protect-stage <stage>', 'a stage that needs an Approved version (repeatable)', collectStages)
      .option('--clear', 'remove the policy (nothing needs approval)'),
  ).action(async (name: string, options: { protectAlias?: string[]; protectStage?: ModelStage[]; clear?: boolean }, command: Command) => {
    await runClientCommand(
      command,
      (client): Promise<RegisteredModelDetail> => {
        const change = options.protectAlias !== undefined || options.protectStage !== undefined;
        if (options.clear && change) throw new UsageError('--clear cannot be combined with --protect-alias or --protect-stage.');
        if (!options.clear && !change) return client.registry.getRegisteredModel(name);
        return client.registry.setApprovalPolicy(name, { protectedAliases: options.protectAlias ?? [], protectedStages: options.protectStage ?? [] });
      },
      { text: renderApprovalPolicy, json: (registered_model) => ({ registered_model }) },
    );
  });

  withJsonOption(
    models
      .command('audit')
      .description('Show the registry audit trail (who changed what, oldest first), for one model or the whole registry.')
      .summary('show the audit trail: who changed what, when')
      .argument('[name]', 'model name (all its names, across renames); default: every model')
      .option('--version <n>', "only this version's changes (needs <name>)", versionArgument)
      .option('--type <event>', 'only this event type, e.g. model_version.stage_changed (repeatable)', collectValues)
      .option('--limit <n>', 'only the n most recent entries', positiveInt)
      .option('--after-id <id>', 'only entries after this id (to read on from the last one seen)', nonNegativeInt),
  ).action(
    async (name: string | undefined, options: { version?: string; type?: string[]; limit?: number; afterId?: number }, command: Command) => {
      await runClientCommand(
        command,
        async (client) => {
          if (options.version !== undefined && name === undefined) throw new UsageError('--version needs a model name: slipway models audit <name> --version <n>.');
          return lastEntries(
            client.registry.iterateAuditEntries({ name, version: options.version, types: options.type, afterId: options.afterId, pageSize: 10_000 }),
            options.limit,
          );
        },
        { text: renderAudit, json: (entries) => ({ entries }) },
      );
    },
  );

  withJsonOption(
    models
      .command('lineage')
      .description("Show a version's lineage: datasets → run (params, metrics) → logged model → version → pipeline executions and deployments.")
      .summary("show a version's lineage: datasets, run, logged model, deployments")
      .argument('<name>', 'model name')
      .argument('<version>', 'version number', versionArgument),
  ).action(async (name: string, version: string, _options: object, command: Command) => {
    await runClientCommand(command, (client) => client.registry.getLineage(name, version), {
      text: renderLineage,
      json: (lineage) => ({ lineage }),
    });
  });

  return models;
}

/** The versions of one model, each with its approval (MLflow's search does not carry approvals). */
async function listVersions(
  client: SlipwayClient,
  name: string,
  options: { filter?: string; orderBy?: string[]; maxResults?: number },
): Promise<ModelVersionDetail[]> {
  const filter = [nameFilter(name), options.filter?.trim()].filter((f) => f !== undefined && f !== '').join(' AND ');
  const found = await collect(
    client.registry.iterateModelVersions({ filter, orderBy: options.orderBy ?? ['version_number DESC'], pageSize: Math.min(options.maxResults ?? 10_000, 10_000) }),
    options.maxResults,
  );
  // An unknown model has no versions; say so rather than print an empty table.
  if (found.length === 0) await client.registry.getRegisteredModel(name);
  const details = await mapLimit(found, DETAIL_CONCURRENCY, async (v) => {
    try {
      return await client.registry.getModelVersion(v.name, v.version);
    } catch (e) {
      if (e instanceof SlipwayApiError && e.isNotFound) return undefined; // deleted meanwhile
      throw e;
    }
  });
  return details.filter((d): d is ModelVersionDetail => d !== undefined);
}

/** `name = '<name>'` in the search grammar, which has no escapes (quoted text is taken verbatim). */
function nameFilter(name: string): string {
  if (!name.includes("'")) return `name = '${name}'`;
  if (!name.includes('"')) return `name = "${name}"`;
  throw new UsageError(`Cannot search the versions of a model whose name contains both ' and ": ${name}`);
}

function stageArgument(value: string): ModelStage {
  const stage = MODEL_STAGES.find((s) => s.toLowerCase() === value.trim().toLowerCase());
  if (stage === undefined) throw new InvalidArgumentError(`A stage is one of ${MODEL_STAGES.join(', ')} (any case).`);
  return stage;
}

function collectStages(value: string, previous: ModelStage[] | undefined): ModelStage[] {
  return [...(previous ?? []), stageArgument(value)];
}

/** The last `limit` entries (all when no limit), oldest first. */
async function lastEntries(entries: AsyncIterable<AuditEntry>, limit: number | undefined): Promise<AuditEntry[]> {
  const kept: AuditEntry[] = [];
  for await (const e of entries) {
    kept.push(e);
    if (limit !== undefined && kept.length > limit * 2) kept.splice(0, kept.length - limit);
  }
  return limit === undefined ? kept : kept.slice(-limit);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
