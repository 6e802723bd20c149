import type { Kysely } from 'kysely';
import { DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, type Experiment } from '../core/entities/experiment.js';
import { LifecycleStage } from '../core/entities/lifecycle-stage.js';
import type { Tag } from '../core/entities/tag.js';
import { SlipwayError } from '../core/errors/slipway-error.js';
import type { CreateExperimentInput } from '../core/ports/tracking-store.js';
import type { Database } from './database-schema.js';
import { groupTags, parseNumericId, toExperiment, type ExperimentRow } from './row-mappers.js';
import { translateUniqueViolation } from './translate-error.js';

type Db = Kysely<Database>;

/** `<root>/<id>`, without doubling a trailing slash of the root. */
export function childLocation(root: string, child: string): string {
  return root.endsWith('/') ? `${root}${child}` : `${root}/${child}`;
}

/** Creates the `Default` experiment ("0") unless it exists. */
export async function ensureDefaultExperiment(db: Db, artifactRoot: string, now: number): Promise<void> {
  await db
    .insertInto('experiments')
    .values({
      experiment_id: Number(DEFAULT_EXPERIMENT_ID),
      name: DEFAULT_EXPERIMENT_NAME,
      artifact_location: childLocation(artifactRoot, DEFAULT_EXPERIMENT_ID),
      lifecycle_stage: LifecycleStage.ACTIVE,
      creation_time: now,
      last_update_time: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function insertExperiment(
  db: Db,
  input: CreateExperimentInput,
  artifactRoot: string,
  now: number,
): Promise<string> {
  try {
    return await db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('experiments').select('lifecycle_stage').where('name', '=', input.name).executeTakeFirst();
      if (existing !== undefined) throw duplicateName(input.name, existing.lifecycle_stage);
      const { experiment_id } = await trx
        .insertInto('experiments')
        .values({
          name: input.name,
          artifact_location: input.artifactLocation ?? '',
          lifecycle_stage: LifecycleStage.ACTIVE,
          creation_time: now,
          last_update_time: now,
        })
        .returning('experiment_id')
        .executeTakeFirstOrThrow();
      if (input.artifactLocation === undefined) {
        await trx
          .updateTable('experiments')
          .set({ artifact_location: childLocation(artifactRoot, String(experiment_id)) })
          .where('experiment_id', '=', experiment_id)
          .execute();
      }
      if (input.tags.length > 0) {
        await trx
          .insertInto('experiment_tags')
          .values(dedupeTags(input.tags).map((t) => ({ experiment_id, key: t.key, value: t.value })))
          .execute();
      }
      return String(experiment_id);
    });
  } catch (e) {
    throw translateUniqueViolation(e, `Experiment '${input.name}' already exists.`);
  }
}

function duplicateName(name: string, stage: string): SlipwayError {
  const hint = stage === LifecycleStage.DELETED ? ' in deleted state' : '';
  return SlipwayError.alreadyExists(`Experiment '${name}' already exists${hint}.`);
}

/** The experiment row, or RESOURCE_DOES_NOT_EXIST. */
export async function experimentRow(db: Db, experimentId: string): Promise<ExperimentRow> {
  const id = parseNumericId(experimentId);
  const row =
    id === undefined ? undefined : await db.selectFrom('experiments').selectAll().where('experiment_id', '=', id).executeTakeFirst();
  if (row === undefined) throw SlipwayError.notFound(`No Experiment with id=${experimentId} exists`);
  return row;
}

/** The experiment row; INVALID_PARAMETER_VALUE unless it is active. */
export async function activeExperimentRow(db: Db, experimentId: string): Promise<ExperimentRow> {
  const row = await experimentRow(db, experimentId);
  if (row.lifecycle_stage !== LifecycleStage.ACTIVE) {
    throw SlipwayError.invalidParameter(
      `The experiment ${experimentId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
  return row;
}

/** Full experiments (with tags) for rows, in the rows' order. */
export async function hydrateExperiments(db: Db, rows: readonly ExperimentRow[]): Promise<Experiment[]> {
  if (rows.length === 0) return [];
  const tagRows = await db
    .selectFrom('experiment_tags')
    .select(['experiment_id as owner', 'key', 'value'])
    .where(
      'experiment_id',
      'in',
      rows.map((r) => r.experiment_id),
    )
    .orderBy('key')
    .execute();
  const tags = groupTags(tagRows);
  return rows.map((r) => toExperiment(r, tags.get(r.experiment_id) ?? []));
}

export async function findExperimentByName(db: Db, name: string): Promise<Experiment> {
  const rows = await db.selectFrom('experiments').selectAll().where('name', '=', name).execute();
  const row = rows.find((r) => r.lifecycle_stage === LifecycleStage.ACTIVE) ?? rows[0];
  if (row === undefined) throw SlipwayError.notFound(`Could not find experiment with name '${name}'`);
  const [experiment] = await hydrateExperiments(db, [row]);
  return experiment!;
}

export async function renameExperiment(db: Db, experimentId: string, newName: string, now: number): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      const row = await experimentRow(trx, experimentId);
      if (row.lifecycle_stage !== LifecycleStage.ACTIVE) {
        // MLflow answers INVALID_STATE (a 500 the client retries); a 400 says the same without the retry storm.
        throw SlipwayError.invalidParameter(`Cannot rename a non-active experiment (id=${experimentId}).`);
      }
      if (row.name === newName) return;
      const clash = await trx.selectFrom('experiments').select('lifecycle_stage').where('name', '=', newName).executeTakeFirst();
      if (clash !== undefined) throw duplicateName(newName, clash.lifecycle_stage);
      await trx
        .updateTable('experiments')
        .set({ name: newName, last_update_time: now })
        .where('experiment_id', '=', row.experiment_id)
        .execute();
    });
  } catch (e) {
    throw translateUniqueViolation(e, `Experiment '${newName}' already exists.`);
  }
}

/** Soft-deletes an experiment and its active runs, marking those runs as deleted with it. */
export async function deleteExperiment(db: Db, experimentId: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await experimentRow(trx, experimentId);
    // Deleting twice is a no-op, as in MLflow; re-stamping would unlink the runs from the restore.
    if (row.lifecycle_stage === LifecycleStage.DELETED) return;
    await trx
      .updateTable('experiments')
      .set({ lifecycle_stage: LifecycleStage.DELETED, last_update_time: now })
      .where('experiment_id', '=', row.experiment_id)
      .execute();
    await trx
      .updateTable('runs')
      .set({ lifecycle_stage: LifecycleStage.DELETED, deleted_time: now, deleted_with_experiment: 1 })
      .where('experiment_id', '=', row.experiment_id)
      .where('lifecycle_stage', '=', LifecycleStage.ACTIVE)
      .execute();
  });
}

/** Restores an experiment and the runs its deletion deleted (not runs deleted on their own before). */
export async function restoreExperiment(db: Db, experimentId: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await experimentRow(trx, experimentId);
    if (row.lifecycle_stage !== LifecycleStage.DELETED) {
      throw SlipwayError.invalidParameter(`Cannot restore an active experiment (id=${experimentId}).`);
    }
    await trx
      .updateTable('experiments')
      .set({ lifecycle_stage: LifecycleStage.ACTIVE, last_update_time: now })
      .where('experiment_id', '=', row.experiment_id)
      .execute();
    await trx
      .updateTable('runs')
      .set({ lifecycle_stage: LifecycleStage.ACTIVE, deleted_time: null, deleted_with_experiment: 0 })
      .where('experiment_id', '=', row.experiment_id)
      .where('deleted_with_experiment', '=', 1)
      .execute();
  });
}

export async function setExperimentTag(db: Db, experimentId: string, tag: Tag): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await activeExperimentRow(trx, experimentId);
    await trx
      .insertInto('experiment_tags')
      .values({ experiment_id: row.experiment_id, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  });
}

export async function deleteExperimentTag(db: Db, experimentId: string, key: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await activeExperimentRow(trx, experimentId);
    const result = await trx
      .deleteFrom('experiment_tags')
      .where('experiment_id', '=', row.experiment_id)
      .where('key', '=', key)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) {
      throw SlipwayError.notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
    }
  });
}

/** Keeps the last value of each key (a later tag in the list wins). */
export function dedupeTags(tags: readonly Tag[]): Tag[] {
  const byKey = new Map<string, Tag>();
  for (const t of tags) byKey.set(t.key, t);
  return [...byKey.values()];
}
