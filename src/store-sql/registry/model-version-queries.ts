import type { Kysely } from 'kysely';
import { MODEL_VERSIONS_TAG } from '../../core/entities/logged-model.js';
import type { ApprovalStatus, ModelVersion } from '../../core/entities/model-version.js';
import type { ModelStage } from '../../core/entities/registered-model.js';
import type { Tag } from '../../core/entities/tag.js';
import type { CreateModelVersionInput } from '../../core/ports/registry-store.js';
import type { Database } from '../database-schema.js';
import { assertApprovedFor } from './approval-gate.js';
import { touch } from './registered-model-queries.js';
import { appendChanges } from './registry-changes.js';
import { hydrateVersions, lockedModelRow, modelRow, versionRow, type ModelRow } from './registry-rows.js';

type Db = Kysely<Database>;

export async function insertVersion(db: Db, input: CreateModelVersionInput, actor: string, now: number): Promise<ModelVersion> {
  return db.transaction().execute(async (trx) => {
    const model = await lockedModelRow(trx, input.name);
    const { max } = await trx
      .selectFrom('model_versions')
      .select((eb) => eb.fn.max('version').as('max'))
      .where('model_key', '=', model.id)
      .executeTakeFirstOrThrow();
    const version = Number(max ?? 0) + 1;
    await trx
      .insertInto('model_versions')
      .values({
        model_key: model.id,
        version,
        creation_time: now,
        last_updated_time: now,
        user_id: input.userId ?? null,
        current_stage: 'None',
        description: input.description ?? null,
        source: input.source,
        storage_location: input.storageLocation,
        run_id: input.runId ?? null,
        run_link: input.runLink ?? null,
        model_id: input.modelId ?? null,
        status: 'READY',
        status_message: null,
        deleted: 0,
        approval_status: 'PendingManualApproval',
        approval_actor: null,
        approval_time: null,
        approval_comment: null,
      })
      .execute();
    const tags = [...new Map(input.tags.map((t) => [t.key, t])).values()];
    if (tags.length > 0) {
      await trx
        .insertInto('model_version_tags')
        .values(tags.map((t) => ({ model_key: model.id, version, key: t.key, value: t.value })))
        .execute();
    }
    if (input.modelId !== undefined) await recordRegistration(trx, input.modelId, model.name, version);
    await touch(trx, model, now);
    await appendChanges(trx, actor, now, [
      { type: 'model_version.created', modelKey: model.id, modelName: model.name, version, field: 'source', to: input.source },
    ]);
    return fetchVersion(trx, model, version);
  });
}

/** Adds `{name, version}` to the logged model's `mlflow.modelVersions` tag, as MLflow does. */
async function recordRegistration(db: Db, modelId: string, name: string, version: number): Promise<void> {
  const current = await db
    .selectFrom('logged_model_tags')
    .select('value')
    .where('model_id', '=', modelId)
    .where('key', '=', MODEL_VERSIONS_TAG)
    .executeTakeFirst();
  let list: unknown[] = [];
  try {
    const parsed: unknown = current === undefined ? [] : JSON.parse(current.value);
    if (Array.isArray(parsed)) list = parsed;
  } catch {
    list = [];
  }
  list.push({ name, version: String(version) });
  const value = JSON.stringify(list);
  await db
    .insertInto('logged_model_tags')
    .values({ model_id: modelId, key: MODEL_VERSIONS_TAG, value })
    .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet({ value }))
    .execute();
}

export async function fetchVersion(db: Db, model: ModelRow, version: number): Promise<ModelVersion> {
  const [mv] = await hydrateVersions(db, [await versionRow(db, model, version)], new Map([[model.id, model.name]]));
  return mv!;
}

export async function getVersion(db: Db, name: string, version: number): Promise<ModelVersion> {
  return fetchVersion(db, await modelRow(db, name), version);
}

export async function updateVersion(db: Db, name: string, version: number, description: string | undefined, actor: string, now: number): Promise<ModelVersion> {
  return db.transaction().execute(async (trx) => {
    const model = await lockedModelRow(trx, name);
    const row = await versionRow(trx, model, version);
    if (description !== undefined && description !== (row.description ?? '')) {
      await trx
        .updateTable('model_versions')
        .set({ description, last_updated_time: now })
        .where('model_key', '=', model.id)
        .where('version', '=', version)
        .execute();
      await appendChanges(trx, actor, now, [
        { type: 'model_version.updated', modelKey: model.id, modelName: name, version, field: 'description', from: row.description, to: description },
      ]);
    }
    return fetchVersion(trx, model, version);
  });
}

/** Marks the version deleted (its number is never reused) and removes the aliases pointing at it. */
export async function deleteVersion(db: Db, name: string, version: number, actor: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const model = await lockedModelRow(trx, name);
    await versionRow(trx, model, version);
    const aliases = await trx
      .selectFrom('registered_model_aliases')
      .select('alias')
      .where('model_key', '=', model.id)
      .where('version', '=', version)
      .execute();
    await trx.deleteFrom('registered_model_aliases').where('model_key', '=', model.id).where('version', '=', version).execute();
    await trx.deleteFrom('model_version_tags').where('model_key', '=', model.id).where('version', '=', version).execute();
    await trx
      .updateTable('model_versions')
      .set({ deleted: 1, last_updated_time: now })
      .where('model_key', '=', model.id)
      .where('version', '=', version)
      .execute();
    await touch(trx, model, now);
    await appendChanges(trx, actor, now, [
      ...aliases.map((a) => ({
        type: 'model_version_alias.deleted' as const,
        modelKey: model.id,
        modelName: name,
        version,
        field: `alias:${a.alias}`,
        from: String(version),
      })),
      { type: 'model_version.deleted', modelKey: model.id, modelName: name, version },
    ]);
  });
}

export async function setVersionTag(db: Db, name: string, version: number, tag: Tag, actor: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const model = await lockedModelRow(trx, name);
    await versionRow(trx, model, version);
    const old = await trx
      .selectFrom('model_version_tags')
      .select('value')
      .where('model_key', '=', model.id)
      .where('version', '=', version)
      .where('key', '=', tag.key)
      .executeTakeFirst();
    await trx
      .insertInto('model_version_tags')
      .values({ model_key: model.id, version, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['model_key', 'version', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
    await appendChanges(trx, actor, now, [
      { type: 'model_version_tag.set', modelKey: model.id, modelName: name, version, field: `tag:${tag.key}`, from: old?.value, to: tag.value },
    ]);
  });
}

export async function deleteVersionTag(db: Db, name: string, version: number, key: string, actor: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const model = await lockedModelRow(trx, name);
    await versionRow(trx, model, version);
    const old = await trx
      .selectFrom('model_version_tags')
      .select('value')
      .where('model_key', '=', model.id)
      .where('version', '=', version)
      .where('key', '=', key)
      .executeTakeFirst();
    // As MLflow: deleting a tag that is not set changes nothing and is not an error.
    if (old === undefined) return;
    await trx
      .deleteFrom('model_version_tags')
      .where('model_key', '=', model.id)
      .where('version', '=', version)
      .where('key', '=', key)
      .execute();
    await appendChanges(trx, actor, now, [
      { type: 'model_version_tag.deleted', modelKey: model.id, modelName: name, version, field: `tag:${key}`, from: old.value },
    ]);
  });
}

export async function transitionStage(
  db: Db,
  name: string,
  version: number,
  stage: ModelStage,
  archiveExisting: boolean,
  actor: string,
  now: number,
): Promise<ModelVersion> {
  return db.transaction().execute(async (trx) => {
    const model = await lockedModelRow(trx, name);
    const row = await versionRow(trx, model, version);
    assertApprovedFor(model, row, { stage });
    const changes = [];
    if (archiveExisting) {
      const others = await trx
        .selectFrom('model_versions')
        .select('version')
        .where('model_key', '=', model.id)
        .where('current_stage', '=', stage)
        .where('version', '!=', version)
        .where('deleted', '=', 0)
        .execute();
      for (const o of others) {
        await trx
          .updateTable('model_versions')
          .set({ current_stage: 'Archived', last_updated_time: now })
          .where('model_key', '=', model.id)
          .where('version', '=', o.version)
          .execute();
        changes.push({
          type: 'model_version.stage_changed' as const,
          modelKey: model.id,
          modelName: name,
          version: o.version,
          field: 'stage',
          from: stage,
          to: 'Archived',
          comment: `archived when version ${version} moved to ${stage}`,
        });
      }
    }
    if (row.current_stage !== stage) {
      await trx
        .updateTable('model_versions')
        .set({ current_stage: stage, last_updated_time: now })
        .where('model_key', '=', model.id)
        .where('version', '=', version)
        .execute();
      changes.push({ type: 'model_version.stage_changed' as const, modelKey: model.id, modelName: name, version, field: 'stage', from: row.current_stage, to: stage });
    }
    await touch(trx, model, now);
    await appendChanges(trx, actor, now, changes);
    return fetchVersion(trx, model, version);
  });
}

export async function setApproval(
  db: Db,
  name: string,
  version: number,
  status: ApprovalStatus,
  comment: string | undefined,
  actor: string,
  now: number,
): Promise<ModelVersion> {
  return db.transaction().execute(async (trx) => {
    const model = await lockedModelRow(trx, name);
    const row = await versionRow(trx, model, version);
    await trx
      .updateTable('model_versions')
      .set({ approval_status: status, approval_actor: actor, approval_time: now, approval_comment: comment ?? null, last_updated_time: now })
      .where('model_key', '=', model.id)
      .where('version', '=', version)
      .execute();
    await appendChanges(trx, actor, now, [
      {
        type: 'model_version.approval_changed',
        modelKey: model.id,
        modelName: name,
        version,
        field: 'approval',
        from: row.approval_status,
        to: status,
        comment,
      },
    ]);
    return fetchVersion(trx, model, version);
  });
}
