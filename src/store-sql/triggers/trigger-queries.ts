import type { Kysely, Selectable } from 'kysely';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { JsonValue } from '../../core/pipelines/pipeline-model.js';
import type { ListTriggersQuery, NewTrigger } from '../../core/ports/trigger-store.js';
import type { Page } from '../../core/ports/tracking-store.js';
import type { Trigger, TriggerSource, TriggerType } from '../../core/triggers/trigger.js';
import type { Database, TriggersTable } from '../database-schema.js';
import { isUniqueViolation } from '../pipelines/unique-violation.js';

type Db = Kysely<Database>;

export async function insertTrigger(db: Db, input: NewTrigger): Promise<Trigger> {
  try {
    await db.insertInto('triggers').values(rowOf(input)).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw SlipwayError.alreadyExists(`Trigger '${input.name}' already exists`);
    throw e;
  }
  return fetchTrigger(db, input.name);
}

export async function replaceTrigger(db: Db, input: NewTrigger, resetState: boolean): Promise<Trigger> {
  const { name, created_time: _created, state, ...rest } = rowOf(input);
  const result = await db
    .updateTable('triggers')
    .set({ ...rest, ...(resetState ? { state } : {}) })
    .where('name', '=', name)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound(name);
  return fetchTrigger(db, name);
}

export async function fetchTrigger(db: Db, name: string): Promise<Trigger> {
  return toTrigger(await triggerRow(db, name));
}

export async function listTriggers(db: Db, query: ListTriggersQuery): Promise<Page<Trigger>> {
  let select = db.selectFrom('triggers').selectAll();
  if (query.pipelineName !== undefined) select = select.where('pipeline_name', '=', query.pipelineName);
  if (query.source !== undefined) select = select.where('source', '=', query.source);
  const rows = await select.orderBy('name').limit(query.limit + 1).offset(query.offset).execute();
  return { items: rows.slice(0, query.limit).map(toTrigger), hasMore: rows.length > query.limit };
}

export async function triggersOfType(db: Db, type: TriggerType): Promise<Trigger[]> {
  const rows = await db.selectFrom('triggers').selectAll().where('type', '=', type).orderBy('name').execute();
  return rows.map(toTrigger);
}

export async function setEnabled(db: Db, name: string, enabled: boolean, now: number): Promise<Trigger> {
  const result = await db.updateTable('triggers').set({ enabled: enabled ? 1 : 0, updated_time: now }).where('name', '=', name).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound(name);
  return fetchTrigger(db, name);
}

export async function removeTrigger(db: Db, name: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await triggerRow(trx, name);
    await trx.deleteFrom('trigger_events').where('trigger_name', '=', name).execute();
    await trx.deleteFrom('triggers').where('name', '=', name).execute();
  });
}

export async function fetchSecret(db: Db, name: string): Promise<string | undefined> {
  return (await triggerRow(db, name)).secret ?? undefined;
}

export async function readState(db: Db, name: string): Promise<{ state: JsonValue | undefined; revision: number }> {
  const row = await triggerRow(db, name);
  return { state: row.state === null ? undefined : (JSON.parse(row.state) as JsonValue), revision: row.state_revision };
}

export async function compareAndSetState(db: Db, name: string, fromRevision: number, state: JsonValue): Promise<boolean> {
  const result = await db
    .updateTable('triggers')
    .set({ state: JSON.stringify(state), state_revision: fromRevision + 1 })
    .where('name', '=', name)
    .where('state_revision', '=', fromRevision)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function triggerRow(db: Db, name: string): Promise<Selectable<TriggersTable>> {
  const row = await db.selectFrom('triggers').selectAll().where('name', '=', name).executeTakeFirst();
  if (row === undefined) throw notFound(name);
  return row;
}

function notFound(name: string): SlipwayError {
  return SlipwayError.notFound(`Trigger '${name}' does not exist`);
}

function rowOf(input: NewTrigger): Omit<TriggersTable, 'state_revision'> {
  return {
    state: input.state === undefined ? null : JSON.stringify(input.state),
    name: input.name,
    pipeline_name: input.pipelineName,
    type: input.type,
    config: JSON.stringify(input.config),
    params: JSON.stringify(input.params),
    enabled: input.enabled ? 1 : 0,
    source: input.source,
    secret: input.secret ?? null,
    created_time: input.createdTime,
    updated_time: input.createdTime,
  };
}

function toTrigger(row: Selectable<TriggersTable>): Trigger {
  return {
    name: row.name,
    pipelineName: row.pipeline_name,
    type: row.type as TriggerType,
    config: JSON.parse(row.config) as Record<string, JsonValue>,
    params: JSON.parse(row.params) as Record<string, string>,
    enabled: row.enabled === 1,
    source: row.source as TriggerSource,
    hasSecret: row.secret !== null,
    createdTime: Number(row.created_time),
    updatedTime: Number(row.updated_time),
  };
}
