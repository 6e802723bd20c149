import type { Kysely } from 'kysely';
import type { DatasetInput } from '../core/entities/dataset.js';
import type { Metric } from '../core/entities/metric.js';
import type { ModelInput, ModelOutput, Run } from '../core/entities/run.js';
import type { Database } from './database-schema.js';
import { groupTags, metricValue, toRunInfo, type RunRow } from './row-mappers.js';

type Db = Kysely<Database>;

/** Runs whose ids go into one `IN (…)` list; stays far below both databases' parameter limits. */
const CHUNK = 5_000;

/**
 * Loads params, tags, latest metrics, dataset inputs and model links for a page of runs
 * with one query per kind (not one per run), and assembles the runs in the rows' order.
 */
export async function hydrateRuns(db: Db, rows: readonly RunRow[]): Promise<Run[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.run_uuid);
  const [params, tags, metrics, datasets, models] = await Promise.all([
    chunked(ids, (c) =>
      db.selectFrom('params').select(['run_uuid as owner', 'key', 'value']).where('run_uuid', 'in', c).orderBy('key').execute(),
    ),
    chunked(ids, (c) =>
      db.selectFrom('tags').select(['run_uuid as owner', 'key', 'value']).where('run_uuid', 'in', c).orderBy('key').execute(),
    ),
    chunked(ids, (c) => db.selectFrom('latest_metrics').selectAll().where('run_uuid', 'in', c).orderBy('key').execute()),
    loadDatasetInputs(db, ids),
    chunked(ids, (c) => db.selectFrom('run_models').selectAll().where('run_uuid', 'in', c).orderBy('model_id').execute()),
  ]);
  const paramsByRun = groupTags(params);
  const tagsByRun = groupTags(tags);
  const metricsByRun = new Map<string, Metric[]>();
  for (const m of metrics) {
    push(metricsByRun, m.run_uuid, { key: m.key, value: metricValue(m.value, m.is_nan), timestamp: m.timestamp, step: m.step });
  }
  const inputsByRun = new Map<string, ModelInput[]>();
  const outputsByRun = new Map<string, ModelOutput[]>();
  for (const m of models) {
    if (m.direction === 'input') push(inputsByRun, m.run_uuid, { modelId: m.model_id });
    else push(outputsByRun, m.run_uuid, { modelId: m.model_id, step: m.step });
  }
  return rows.map((row) => ({
    info: toRunInfo(row),
    data: {
      metrics: metricsByRun.get(row.run_uuid) ?? [],
      params: paramsByRun.get(row.run_uuid) ?? [],
      tags: tagsByRun.get(row.run_uuid) ?? [],
    },
    inputs: { datasetInputs: datasets.get(row.run_uuid) ?? [], modelInputs: inputsByRun.get(row.run_uuid) ?? [] },
    outputs: { modelOutputs: outputsByRun.get(row.run_uuid) ?? [] },
  }));
}

async function loadDatasetInputs(db: Db, runIds: readonly string[]): Promise<Map<string, DatasetInput[]>> {
  const links = await chunked(runIds, (c) =>
    db
      .selectFrom('inputs')
      .innerJoin('datasets', 'datasets.dataset_uuid', 'inputs.source_id')
      .select([
        'inputs.input_uuid',
        'inputs.destination_id as run_uuid',
        'datasets.name',
        'datasets.digest',
        'datasets.source_type',
        'datasets.source',
        'datasets.schema',
        'datasets.profile',
      ])
      .where('inputs.source_type', '=', 'DATASET')
      .where('inputs.destination_type', '=', 'RUN')
      .where('inputs.destination_id', 'in', c)
      .orderBy('datasets.name')
      .orderBy('datasets.digest')
      .execute(),
  );
  const byRun = new Map<string, DatasetInput[]>();
  if (links.length === 0) return byRun;
  const tagRows = await chunked(
    links.map((l) => l.input_uuid),
    (c) => db.selectFrom('input_tags').select(['input_uuid as owner', 'key', 'value']).where('input_uuid', 'in', c).orderBy('key').execute(),
  );
  const tags = groupTags(tagRows);
  for (const l of links) {
    push(byRun, l.run_uuid, {
      tags: tags.get(l.input_uuid) ?? [],
      dataset: {
        name: l.name,
        digest: l.digest,
        sourceType: l.source_type,
        source: l.source,
        schema: l.schema ?? undefined,
        profile: l.profile ?? undefined,
      },
    });
  }
  return byRun;
}

async function chunked<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  if (ids.length <= CHUNK) return query([...ids]);
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await query(ids.slice(i, i + CHUNK))));
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
