import type { Kysely } from 'kysely';
import type { ModelVersion } from '../../core/entities/model-version.js';
import type { ApprovalPolicy, ModelStage, RegisteredModel } from '../../core/entities/registered-model.js';
import { NO_APPROVAL_POLICY } from '../../core/entities/registered-model.js';
import type { Tag } from '../../core/entities/tag.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { CreateRegisteredModelInput } from '../../core/ports/registry-store.js';
import type { Database } from '../database-schema.js';
import { translateUniqueViolation } from '../translate-error.js';
import { appendChanges } from './registry-changes.js';
import { assertApprovedFor } from './approval-gate.js';
import { hydrateModels, hydrateVersions, lockedModelRow, modelRow, parsePolicy, versionRow, type ModelRow } from './registry-rows.js';

type Db = Kysely<Database>;

export async function insertRegisteredModel(db: Db, input: CreateRegisteredModelInput, actor: string, now: number): Promise<RegisteredModel> {
  try {
    return await db.transaction().execute(async (trx) => {
      const clash = await trx.selectFrom('registered_models').select('id').where('name', '=', input.name).executeTakeFirst();
      if (clash !== undefined) throw SlipwayError.alreadyExists(`Registered Model (name=${input.name}) already exists.`);
      const { id } = await trx
        .insertInto('registered_models')
        .values({
          name: input.name,
          creation_time: now,
          last_updated_time: now,
          description: input.description ?? null,
          user_id: input.userId ?? null,
          approval_policy: JSON.stringify(NO_APPROVAL_POLICY),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const tags = lastPerKey(input.tags);
      if (tags.length > 0) {
        await trx.insertInto('registered_model_tags').values(tags.map((t) => ({ model_key: id, key: t.key, value: t.value }))).execute();
      }
      await appendChanges(trx, actor, now, [{ type: 'registered_model.created', modelKey: id, modelName: input.name }]);
      return fetchModel(trx, input.name);
    });
  } catch (e) {
    throw translateUniqueViolation(e, `Registered Model (name=${input.name}) already exists.`);
  }
}

export async function fetchModel(db: Db, name: string): Promise<RegisteredModel> {
  const [model] = await hydrateModels(db, [await modelRow(db, name)]);
  return model!;
}

export async function renameModel(db: Db, name: string, newName: string, actor: string, now: number): Promise<RegisteredModel> {
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await lockedModelRow(trx, name);
      if (newName !== name) {
        const clash = await trx.selectFrom('registered_models').select('id').where('name', '=', newName).executeTakeFirst();
        if (clash !== undefined) throw SlipwayError.alreadyExists(`Registered Model (name=${newName}) already exists.`);
        await trx.updateTable('registered_models').set({ name: newName, last_updated_time: now }).where('id', '=', row.id).execute();
        await appendChanges(trx, actor, now, [
          { type: 'registered_model.renamed', modelKey: row.id, modelName: newName, field: 'name', from: name, to: newName },
        ]);
      }
      return fetchModel(trx, newName);
    });
  } catch (e) {
    throw translateUniqueViolation(e, `Registered Model (name=${newName}) already exists.`);
  }
}

export async function updateModel(db: Db, name: string, description: string | undefined, actor: string, now: number): Promise<RegisteredModel> {
  return db.transaction().execute(async (trx) => {
    const row = await lockedModelRow(trx, name);
    if (description !== undefined && description !== (row.description ?? '')) {
      await trx.updateTable('registered_models').set({ description, last_updated_time: now }).where('id', '=', row.id).execute();
      await appendChanges(trx, actor, now, [
        { type: 'registered_model.updated', modelKey: row.id, modelName: name, field: 'description', from: row.description, to: description },
      ]);
    }
    return fetchModel(trx, name);
  });
}

export async function deleteModel(db: Db, name: string, actor: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await lockedModelRow(trx, name);
    // Versions, their tags and the aliases go with the model (foreign keys cascade).
    await trx.deleteFrom('registered_model_aliases').where('model_key', '=', row.id).execute();
    await trx.deleteFrom('model_version_tags').where('model_key', '=', row.id).execute();
    await trx.deleteFrom('model_versions').where('model_key', '=', row.id).execute();
    await trx.deleteFrom('registered_model_tags').where('model_key', '=', row.id).execute();
    await trx.deleteFrom('registered_models').where('id', '=', row.id).execute();
    await appendChanges(trx, actor, now, [{ type: 'registered_model.deleted', modelKey: row.id, modelName: name }]);
  });
}

export async function setModelTag(db: Db, name: string, tag: Tag, actor: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await lockedModelRow(trx, name);
    const old = await trx
      .selectFrom('registered_model_tags')
      .select('value')
      .where('model_key', '=', row.id)
      .where('key', '=', tag.key)
      .executeTakeFirst();
    await trx
      .insertInto('registered_model_tags')
      .values({ model_key: row.id, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['model_key', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
    await touch(trx, row, now);
    await appendChanges(trx, actor, now, [
      { type: 'registered_model_tag.set', modelKey: row.id, modelName: name, field: `tag:${tag.key}`, from: old?.value, to: tag.value },
    ]);
  });
}

export async function deleteModelTag(db: Db, name: string, key: string, actor: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await lockedModelRow(trx, name);
    const old = await trx
      .selectFrom('registered_model_tags')
      .select('value')
      .where('model_key', '=', row.id)
      .where('key', '=', key)
      .executeTakeFirst();
    // As MLflow: deleting a tag that is not set changes nothing and is not an error.
    if (old === undefined) return;
    await trx.deleteFrom('registered_model_tags').where('model_key', '=', row.id).where('key', '=', key).execute();
    await touch(trx, row, now);
    await appendChanges(trx, actor, now, [
      { type: 'registered_model_tag.deleted', modelKey: row.id, modelName: name, field: `tag:${key}`, from: old.value },
    ]);
  });
}

export async function setPolicy(db: Db, name: string, policy: ApprovalPolicy, actor: string, now: number): Promise<RegisteredModel> {
  return db.transaction().execute(async (trx) => {
    const row = await lockedModelRow(trx, name);
    const text = JSON.stringify({ protectedAliases: [...policy.protectedAliases], protectedStages: [...policy.protectedStages] });
    await trx.updateTable('registered_models').set({ approval_policy: text, last_updated_time: now }).where('id', '=', row.id).execute();
    await appendChanges(trx, actor, now, [
      {
        type: 'registered_model.approval_policy_set',
        modelKey: row.id,
        modelName: name,
        field: 'approval_policy',
        from: policyAuditText(parsePolicy(row.approval_policy)),
        to: policyAuditText(policy),
      },
    ]);
    return fetchModel(trx, name);
  });
}

export async function setAlias(db: Db, name: string, alias: string, version: number, actor: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await lockedModelRow(trx, name);
    const target = await versionRow(trx, row, version);
    assertApprovedFor(row, target, { alias });
    const old = await trx
      .selectFrom('registered_model_aliases')
      .select('version')
      .where('model_key', '=', row.id)
      .where('alias', '=', alias)
      .executeTakeFirst();
    if (old?.version === version) return;
    await trx
      .insertInto('registered_model_aliases')
      .values({ model_key: row.id, alias, version })
      .onConflict((oc) => oc.columns(['model_key', 'alias']).doUpdateSet({ version }))
      .execute();
    await touch(trx, row, now);
    await appendChanges(trx, actor, now, [
      {
        type: 'model_version_alias.created',
        modelKey: row.id,
        modelName: name,
        version,
        field: `alias:${alias}`,
        from: old === undefined ? undefined : String(old.version),
        to: String(version),
      },
    ]);
  });
}

export async function deleteAlias(db: Db, name: string, alias: string, actor: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await lockedModelRow(trx, name);
    const old = await trx
      .selectFrom('registered_model_aliases')
      .select('version')
      .where('model_key', '=', row.id)
      .where('alias', '=', alias)
      .executeTakeFirst();
    // As MLflow: deleting an alias that is not set changes nothing and is not an error.
    if (old === undefined) return;
    await trx.deleteFrom('registered_model_aliases').where('model_key', '=', row.id).where('alias', '=', alias).execute();
    await touch(trx, row, now);
    await appendChanges(trx, actor, now, [
      { type: 'model_version_alias.deleted', modelKey: row.id, modelName: name, version: old.version, field: `alias:${alias}`, from: String(old.version) },
    ]);
  });
}

export async function versionByAlias(db: Db, name: string, alias: string): Promise<ModelVersion> {
  const row = await modelRow(db, name);
  let version: number | undefined;
  if (alias.toLowerCase() === 'latest') {
    const latest = await db
      .selectFrom('model_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('model_key', '=', row.id)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    version = latest?.v ?? undefined;
  } else {
    const found = await db
      .selectFrom('registered_model_aliases')
      .select('version')
      .where('model_key', '=', row.id)
      .where('alias', '=', alias)
      .executeTakeFirst();
    version = found?.version;
  }
  if (version === undefined || version === null) throw SlipwayError.invalidParameter(`Registered model alias ${alias} not found.`);
  const [mv] = await hydrateVersions(db, [await versionRow(db, row, version)], new Map([[row.id, row.name]]));
  return mv!;
}

export async function latestVersions(db: Db, name: string, stages: readonly ModelStage[]): Promise<ModelVersion[]> {
  const model = await fetchModel(db, name);
  if (stages.length === 0) return [...model.latestVersions];
  return model.latestVersions.filter((v) => stages.includes(v.currentStage));
}

/** Bumps the model's last-updated time. */
export async function touch(db: Db, row: ModelRow, now: number): Promise<void> {
  await db.updateTable('registered_models').set({ last_updated_time: now }).where('id', '=', row.id).execute();
}

function lastPerKey(tags: readonly Tag[]): Tag[] {
  return [...new Map(tags.map((t) => [t.key, t])).values()];
}

/** A policy as the audit trail shows it: the API's field names, not the stored ones. */
function policyAuditText(policy: ApprovalPolicy): string {
  return JSON.stringify({ protected_aliases: [...policy.protectedAliases], protected_stages: [...policy.protectedStages] });
}
