import type { Kysely } from 'kysely';
import type { ApprovalStatus, ModelVersion, ModelVersionStatus } from '../../core/entities/model-version.js';
import { MODEL_STAGES, NO_APPROVAL_POLICY, type ApprovalPolicy, type ModelStage, type RegisteredModel } from '../../core/entities/registered-model.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { Database, ModelVersionsTable, RegisteredModelsTable } from '../database-schema.js';
import { groupTags } from '../row-mappers.js';

type Db = Kysely<Database>;
export type ModelRow = Omit<RegisteredModelsTable, 'id'> & { id: number };

/** The registered model's row, or RESOURCE_DOES_NOT_EXIST. */
export async function modelRow(db: Db, name: string): Promise<ModelRow> {
  const row = await db.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
  if (row === undefined) throw SlipwayError.notFound(`Registered Model with name=${name} not found`);
  return row;
}

/**
 * The registered model's row, locked until the transaction ends, or RESOURCE_DOES_NOT_EXIST.
 * Every registry write starts here, so writes to one model run one at a time: on PostgreSQL
 * (read committed) two transactions would otherwise both read `MAX(version)` and collide on
 * the next number, or each archive the Production versions it saw and both stay in
 * Production. The no-op UPDATE takes the row lock on both databases (SQLite's `BEGIN
 * IMMEDIATE` already serialises writers); a concurrent rename or delete makes it match
 * nothing once the lock is released, which is RESOURCE_DOES_NOT_EXIST as it should be.
 */
export async function lockedModelRow(db: Db, name: string): Promise<ModelRow> {
  const row = await db
    .updateTable('registered_models')
    .set((eb) => ({ last_updated_time: eb.ref('last_updated_time') }))
    .where('name', '=', name)
    .returningAll()
    .executeTakeFirst();
  if (row === undefined) throw SlipwayError.notFound(`Registered Model with name=${name} not found`);
  return row;
}

/** A live (not deleted) version's row, or RESOURCE_DOES_NOT_EXIST. */
export async function versionRow(db: Db, model: ModelRow, version: number): Promise<ModelVersionsTable> {
  const row = await db
    .selectFrom('model_versions')
    .selectAll()
    .where('model_key', '=', model.id)
    .where('version', '=', version)
    .where('deleted', '=', 0)
    .executeTakeFirst();
  if (row === undefined) throw SlipwayError.notFound(`Model Version (name=${model.name}, version=${version}) not found`);
  return row;
}

/** Versions with their tags and aliases, in the rows' order. `names` maps model keys to names. */
export async function hydrateVersions(db: Db, rows: readonly ModelVersionsTable[], names: ReadonlyMap<number, string>): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const keys = [...new Set(rows.map((r) => r.model_key))];
  const [tags, aliases] = await Promise.all([
    db.selectFrom('model_version_tags').selectAll().where('model_key', 'in', keys).orderBy('key').execute(),
    db.selectFrom('registered_model_aliases').selectAll().where('model_key', 'in', keys).orderBy('alias').execute(),
  ]);
  const id = (key: number, version: number): string => `${key}/${version}`;
  const tagsBy = groupTags(tags.map((t) => ({ owner: id(t.model_key, t.version), key: t.key, value: t.value })));
  const aliasesBy = new Map<string, string[]>();
  for (const a of aliases) {
    const k = id(a.model_key, a.version);
    aliasesBy.set(k, [...(aliasesBy.get(k) ?? []), a.alias]);
  }
  return rows.map((r) => toModelVersion(r, names.get(r.model_key) ?? '', tagsBy.get(id(r.model_key, r.version)) ?? [], aliasesBy.get(id(r.model_key, r.version)) ?? []));
}

function toModelVersion(r: ModelVersionsTable, name: string, tags: ModelVersion['tags'], aliases: string[]): ModelVersion {
  return {
    name,
    version: r.version,
    creationTimestamp: r.creation_time,
    lastUpdatedTimestamp: r.last_updated_time,
    userId: r.user_id ?? undefined,
    currentStage: r.current_stage as ModelStage,
    description: r.description ?? undefined,
    source: r.source,
    storageLocation: r.storage_location,
    runId: r.run_id ?? undefined,
    runLink: r.run_link ?? undefined,
    modelId: r.model_id ?? undefined,
    status: r.status as ModelVersionStatus,
    statusMessage: r.status_message ?? undefined,
    tags,
    aliases,
    approval: {
      status: r.approval_status as ApprovalStatus,
      actor: r.approval_actor ?? undefined,
      timestamp: r.approval_time ?? undefined,
      comment: r.approval_comment ?? undefined,
    },
  };
}

/** Registered models with tags, aliases and latest version per stage, in the rows' order. */
export async function hydrateModels(db: Db, rows: readonly ModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const keys = rows.map((r) => r.id);
  const names = new Map(rows.map((r) => [r.id, r.name]));
  const [tags, aliases, versions] = await Promise.all([
    db.selectFrom('registered_model_tags').select(['model_key as owner', 'key', 'value']).where('model_key', 'in', keys).orderBy('key').execute(),
    db.selectFrom('registered_model_aliases').selectAll().where('model_key', 'in', keys).orderBy('alias').execute(),
    db
      .selectFrom('model_versions as v')
      .selectAll('v')
      .where('v.model_key', 'in', keys)
      .where('v.deleted', '=', 0)
      .where((eb) =>
        eb(
          'v.version',
          '=',
          eb
            .selectFrom('model_versions as w')
            .select((e) => e.fn.max('w.version').as('m'))
            .whereRef('w.model_key', '=', 'v.model_key')
            .whereRef('w.current_stage', '=', 'v.current_stage')
            .where('w.deleted', '=', 0),
        ),
      )
      .execute(),
  ]);
  const latest = await hydrateVersions(db, versions, names);
  const tagsBy = groupTags(tags);
  return rows.map((r) => ({
    name: r.name,
    creationTimestamp: r.creation_time,
    lastUpdatedTimestamp: r.last_updated_time,
    userId: r.user_id ?? undefined,
    description: r.description ?? undefined,
    tags: tagsBy.get(r.id) ?? [],
    aliases: aliases.filter((a) => a.model_key === r.id).map((a) => ({ alias: a.alias, version: a.version })),
    latestVersions: latest
      .filter((v) => v.name === r.name)
      .sort((a, b) => MODEL_STAGES.indexOf(a.currentStage) - MODEL_STAGES.indexOf(b.currentStage)),
    approvalPolicy: parsePolicy(r.approval_policy),
  }));
}

export function parsePolicy(text: string): ApprovalPolicy {
  try {
    const p = JSON.parse(text) as Partial<ApprovalPolicy>;
    return { protectedAliases: p.protectedAliases ?? [], protectedStages: p.protectedStages ?? [] };
  } catch {
    return NO_APPROVAL_POLICY;
  }
}
