import type { Kysely } from 'kysely';
import { LifecycleStage } from '../core/entities/lifecycle-stage.js';
import { RUN_NAME_TAG, type Run, type RunInfo } from '../core/entities/run.js';
import { SlipwayError } from '../core/errors/slipway-error.js';
import type { CreateRunInput, UpdateRunInput } from '../core/ports/tracking-store.js';
import type { Database } from './database-schema.js';
import { activeExperimentRow, childLocation, dedupeTags } from './experiment-queries.js';
import { hydrateRuns } from './run-hydration.js';
import { toRunInfo, type RunRow } from './row-mappers.js';
import { translateUniqueViolation } from './translate-error.js';

type Db = Kysely<Database>;

export async function insertRun(db: Db, input: CreateRunInput): Promise<Run> {
  try {
    return await db.transaction().execute(async (trx) => {
      const experiment = await activeExperimentRow(trx, input.experimentId);
      const row: RunRow = {
        run_uuid: input.runId,
        name: input.runName,
        experiment_id: experiment.experiment_id,
        user_id: input.userId,
        status: 'RUNNING',
        start_time: input.startTime,
        end_time: null,
        deleted_time: null,
        deleted_with_experiment: 0,
        artifact_uri: childLocation(experiment.artifact_location, `${input.runId}/artifacts`),
        lifecycle_stage: LifecycleStage.ACTIVE,
      };
      await trx.insertInto('runs').values(row).execute();
      const tags = dedupeTags(input.tags);
      if (tags.length > 0) {
        await trx
          .insertInto('tags')
          .values(tags.map((t) => ({ run_uuid: input.runId, key: t.key, value: t.value })))
          .execute();
      }
      // A new run has only its tags; no need to read back what was just written.
      return {
        info: toRunInfo(row),
        data: { metrics: [], params: [], tags: [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) },
        inputs: { datasetInputs: [], modelInputs: [] },
        outputs: { modelOutputs: [] },
      };
    });
  } catch (e) {
    throw translateUniqueViolation(e, `Run with id=${input.runId} already exists.`);
  }
}

/** The run row, or RESOURCE_DOES_NOT_EXIST. */
export async function runRow(db: Db, runId: string): Promise<RunRow> {
  const row = await db.selectFrom('runs').selectAll().where('run_uuid', '=', runId).executeTakeFirst();
  if (row === undefined) throw SlipwayError.notFound(`Run with id=${runId} not found`);
  return row;
}

/** The run row; INVALID_PARAMETER_VALUE unless the run is active. */
export async function activeRunRow(db: Db, runId: string): Promise<RunRow> {
  const row = await runRow(db, runId);
  if (row.lifecycle_stage !== LifecycleStage.ACTIVE) {
    throw SlipwayError.invalidParameter(
      `The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
  return row;
}

export async function fetchRun(db: Db, runId: string): Promise<Run> {
  const [run] = await hydrateRuns(db, [await runRow(db, runId)]);
  return run!;
}

export async function updateRun(db: Db, input: UpdateRunInput): Promise<RunInfo> {
  return db.transaction().execute(async (trx) => {
    const row = await activeRunRow(trx, input.runId);
    const next: RunRow = {
      ...row,
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(input.endTime === undefined ? {} : { end_time: input.endTime }),
      ...(input.runName === undefined ? {} : { name: input.runName }),
    };
    await trx
      .updateTable('runs')
      .set({ status: next.status, end_time: next.end_time, name: next.name })
      .where('run_uuid', '=', input.runId)
      .execute();
    if (input.runName !== undefined) await upsertRunTag(trx, input.runId, RUN_NAME_TAG, input.runName);
    return toRunInfo(next);
  });
}

export async function setRunLifecycle(db: Db, runId: string, stage: LifecycleStage, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await runRow(trx, runId);
    if (stage === LifecycleStage.ACTIVE && row.lifecycle_stage === LifecycleStage.ACTIVE) return;
    if (stage === LifecycleStage.ACTIVE) {
      // A run of a deleted experiment stays with its experiment.
      await activeExperimentRow(trx, String(row.experiment_id));
    }
    await trx
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === LifecycleStage.DELETED ? now : null, deleted_with_experiment: 0 })
      .where('run_uuid', '=', runId)
      .execute();
  });
}

export async function deleteRunTag(db: Db, runId: string, key: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await activeRunRow(trx, runId);
    const result = await trx.deleteFrom('tags').where('run_uuid', '=', runId).where('key', '=', key).executeTakeFirst();
    if (result.numDeletedRows === 0n) {
      throw SlipwayError.notFound(`No tag with name: ${key} in run with id ${runId}`);
    }
  });
}

export async function upsertRunTag(db: Db, runId: string, key: string, value: string): Promise<void> {
  await db
    .insertInto('tags')
    .values({ run_uuid: runId, key, value })
    .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet({ value }))
    .execute();
}
