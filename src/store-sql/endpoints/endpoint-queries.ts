import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Endpoint, EndpointEvent, EndpointEventKind, EndpointStatus, NewEndpointEvent } from '../../core/endpoints/endpoint.js';
import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { ListEndpointsQuery } from '../../core/ports/endpoint-store.js';
import type { Page, Paging } from '../../core/ports/tracking-store.js';
import { isUniqueViolation } from '../pipelines/unique-violation.js';
import type { EndpointDb, EndpointEventsTable, EndpointsTable } from './endpoint-tables.js';

/** Inserts a new endpoint at revision 1 with its first events, in one transaction. */
export async function insertEndpoint(db: EndpointDb, endpoint: Endpoint, events: readonly NewEndpointEvent[]): Promise<Endpoint> {
  const stored: Endpoint = { ...endpoint, revision: 1 };
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('endpoints').values(rowOf(stored)).execute();
      await appendEvents(trx, stored, events);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw SlipwayError.alreadyExists(`Endpoint '${endpoint.name}' already exists.`);
    throw e;
  }
  return stored;
}

export async function fetchEndpoint(db: EndpointDb, name: string): Promise<Endpoint> {
  const row = await db.selectFrom('endpoints').selectAll().where('name', '=', name).executeTakeFirst();
  if (row === undefined) throw notFound(name);
  return toEndpoint(row);
}

export async function listEndpoints(db: EndpointDb, query: ListEndpointsQuery): Promise<Page<Endpoint>> {
  let select = db.selectFrom('endpoints').selectAll();
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  const rows = await select.orderBy('name').limit(query.limit + 1).offset(query.offset).execute();
  return { items: rows.slice(0, query.limit).map(toEndpoint), hasMore: rows.length > query.limit };
}

/**
 * Compare-and-set on (name, id, revision): one conditional UPDATE, so of two writers
 * holding the same revision exactly one changes a row; the loser's transaction is rolled
 * back before any of its events are written.
 */
export async function replaceEndpoint(db: EndpointDb, endpoint: Endpoint, events: readonly NewEndpointEvent[]): Promise<Endpoint> {
  const next: Endpoint = { ...endpoint, revision: endpoint.revision + 1 };
  await db.transaction().execute(async (trx) => {
    const { name, creation_time: _created, ...changes } = rowOf(next);
    const result = await trx
      .updateTable('endpoints')
      .set(changes)
      .where('name', '=', name)
      .where('endpoint_id', '=', endpoint.id)
      .where('revision', '=', endpoint.revision)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw await conflictOrNotFound(trx, endpoint.name, endpoint.id, endpoint.revision);
    await appendEvents(trx, next, events);
  });
  return next;
}

export async function removeEndpoint(db: EndpointDb, name: string, expectedRevision: number, events: readonly NewEndpointEvent[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('endpoints').selectAll().where('name', '=', name).executeTakeFirst();
    if (row === undefined) throw notFound(name);
    const result = await trx
      .deleteFrom('endpoints')
      .where('name', '=', name)
      .where('endpoint_id', '=', row.endpoint_id)
      .where('revision', '=', expectedRevision)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw await conflictOrNotFound(trx, name, row.endpoint_id, expectedRevision);
    await appendEvents(trx, toEndpoint(row), events);
  });
}

export async function listEvents(db: EndpointDb, endpointId: string, paging: Paging): Promise<Page<EndpointEvent>> {
  const rows = await db
    .selectFrom('endpoint_events')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('seq')
    .limit(paging.limit + 1)
    .offset(paging.offset)
    .execute();
  return { items: rows.slice(0, paging.limit).map(toEvent), hasMore: rows.length > paging.limit };
}

async function appendEvents(db: EndpointDb, endpoint: Endpoint, events: readonly NewEndpointEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('endpoint_events')
    .values(
      events.map((e) => ({
        event_id: newEventId(e.time),
        endpoint_id: endpoint.id,
        endpoint_name: endpoint.name,
        event_time: e.time,
        kind: e.kind,
        message: e.message,
        actor: e.actor,
        rollout_id: e.rolloutId ?? null,
        variant: e.variant ?? null,
        details: JSON.stringify(e.details),
      })),
    )
    .execute();
}

async function conflictOrNotFound(db: EndpointDb, name: string, id: string, revision: number): Promise<SlipwayError> {
  const row = await db.selectFrom('endpoints').select(['endpoint_id', 'revision']).where('name', '=', name).executeTakeFirst();
  if (row === undefined) return notFound(name);
  if (row.endpoint_id !== id) {
    return new SlipwayError(ErrorCode.RESOURCE_CONFLICT, `Endpoint '${name}' was deleted and created again since it was read; read it again.`);
  }
  return new SlipwayError(
    ErrorCode.RESOURCE_CONFLICT,
    `Endpoint '${name}' changed since it was read (revision ${revision}, now ${row.revision}); read it again.`,
  );
}

function notFound(name: string): SlipwayError {
  return SlipwayError.notFound(`Endpoint '${name}' does not exist.`);
}

function rowOf(endpoint: Endpoint): EndpointsTable {
  const { name, id, status, revision, creationTime, lastUpdateTime, ...document } = endpoint;
  return {
    name,
    endpoint_id: id,
    status,
    revision,
    creation_time: creationTime,
    last_update_time: lastUpdateTime,
    document: JSON.stringify(document),
  };
}

function toEndpoint(row: Selectable<EndpointsTable>): Endpoint {
  const document = JSON.parse(row.document) as Omit<Endpoint, 'name' | 'id' | 'status' | 'revision' | 'creationTime' | 'lastUpdateTime'>;
  return {
    ...document,
    name: row.name,
    id: row.endpoint_id,
    status: row.status as EndpointStatus,
    revision: Number(row.revision),
    creationTime: Number(row.creation_time),
    lastUpdateTime: Number(row.last_update_time),
  };
}

function toEvent(row: Selectable<EndpointEventsTable>): EndpointEvent {
  return {
    id: row.event_id,
    endpointId: row.endpoint_id,
    endpointName: row.endpoint_name,
    time: Number(row.event_time),
    kind: row.kind as EndpointEventKind,
    message: row.message,
    actor: row.actor,
    ...(row.rollout_id === null ? {} : { rolloutId: row.rollout_id }),
    ...(row.variant === null ? {} : { variant: row.variant }),
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

/** 32 hex characters, the first 12 the event's time. */
function newEventId(time: number): string {
  return Math.max(0, Math.floor(time)).toString(16).padStart(12, '0').slice(-12) + randomBytes(10).toString('hex');
}
