import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatasetInput } from '../core/entities/dataset.js';
import type { ModelInput, ModelOutput } from '../core/entities/run.js';
import type { Database } from './database-schema.js';
import { dedupeTags } from './experiment-queries.js';
import { activeRunRow } from './run-queries.js';

type Db = Kysely<Database>;

/**
 * Links datasets (created once per experiment, name and digest) and models to a run as
 * inputs. Linking a dataset the run already has changes nothing, as in MLflow.
 */
export async function logInputs(
  db: Db,
  runId: string,
  datasets: readonly DatasetInput[],
  models: readonly ModelInput[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const run = await activeRunRow(trx, runId);
    for (const input of datasets) {
      const d = input.dataset;
      await trx
        .insertInto('datasets')
        .values({
          dataset_uuid: randomUUID().replaceAll('-', ''),
          experiment_id: run.experiment_id,
          name: d.name,
          digest: d.digest,
          source_type: d.sourceType,
          source: d.source,
          schema: d.schema ?? null,
          profile: d.profile ?? null,
        })
        .onConflict((oc) => oc.columns(['experiment_id', 'name', 'digest']).doNothing())
        .execute();
      const { dataset_uuid } = await trx
        .selectFrom('datasets')
        .select('dataset_uuid')
        .where('experiment_id', '=', run.experiment_id)
        .where('name', '=', d.name)
        .where('digest', '=', d.digest)
        .executeTakeFirstOrThrow();
      const inputUuid = randomUUID().replaceAll('-', '');
      const inserted = await trx
        .insertInto('inputs')
        .values({ input_uuid: inputUuid, source_type: 'DATASET', source_id: dataset_uuid, destination_type: 'RUN', destination_id: runId })
        .onConflict((oc) => oc.columns(['source_type', 'source_id', 'destination_type', 'destination_id']).doNothing())
        .executeTakeFirst();
      const tags = dedupeTags(input.tags);
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0 && tags.length > 0) {
        await trx
          .insertInto('input_tags')
          .values(tags.map((t) => ({ input_uuid: inputUuid, key: t.key, value: t.value })))
          .execute();
      }
    }
    await linkModels(
      trx,
      runId,
      models.map((m) => ({ modelId: m.modelId, step: 0 })),
      'input',
    );
  });
}

/** Records models a run produced (`runs/outputs`). */
export async function logOutputs(db: Db, runId: string, models: readonly ModelOutput[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await activeRunRow(trx, runId);
    await linkModels(trx, runId, models, 'output');
  });
}

async function linkModels(db: Db, runId: string, models: readonly ModelOutput[], direction: 'input' | 'output'): Promise<void> {
  const unique = new Map(models.map((m) => [m.modelId, m]));
  if (unique.size === 0) return;
  await db
    .insertInto('run_models')
    .values([...unique.values()].map((m) => ({ run_uuid: runId, model_id: m.modelId, direction, step: m.step })))
    .onConflict((oc) => oc.columns(['run_uuid', 'model_id', 'direction']).doUpdateSet((eb) => ({ step: eb.ref('excluded.step') })))
    .execute();
}
