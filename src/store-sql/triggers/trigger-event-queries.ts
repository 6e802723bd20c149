import type { Kysely, Selectable } from 'kysely';
import type { JsonValue } from '../../core/pipelines/pipeline-model.js';
import type { FinishedExecution } from '../../core/ports/trigger-store.js';
import type { Page, Paging } from '../../core/ports/tracking-store.js';
import type { TriggerEvent, TriggerOutcome } from '../../core/triggers/trigger.js';
import type { Database, TriggerEventsTable } from '../database-schema.js';
import { isUniqueViolation } from '../pipelines/unique-violation.js';

type Db = Kysely<Database>;

/** Inserts the event unless one of the trigger's events has `dedupKey`; returns whether it did. */
export async function claimEvent(db: Db, event: TriggerEvent, dedupKey: string | null): Promise<boolean> {
  try {
    await db.insertInto('trigger_events').values(rowOf(event, dedupKey)).execute();
    return true;
  } catch (e) {
    if (dedupKey !== null && isUniqueViolation(e)) return false;
    throw e;
  }
}

export async function completeEvent(
  db: Db,
  eventId: string,
  outcome: TriggerOutcome,
  reason: string | undefined,
  executionId: string | undefined,
): Promise<void> {
  await db
    .updateTable('trigger_events')
    .set({ outcome, reason: reason ?? null, execution_id: executionId ?? null })
    .where('event_id', '=', eventId)
    .execute();
}

export async function listEvents(db: Db, triggerName: string, paging: Paging): Promise<Page<TriggerEvent>> {
  const rows = await db
    .selectFrom('trigger_events')
    .selectAll()
    .where('trigger_name', '=', triggerName)
    .orderBy('event_time', 'desc')
    .orderBy('event_id', 'desc')
    .limit(paging.limit + 1)
    .offset(paging.offset)
    .execute();
  return { items: rows.slice(0, paging.limit).map(toEvent), hasMore: rows.length > paging.limit };
}

/** Finished executions of the pipelines since `endedSince`, oldest end first (read-only on the engine's table). */
export async function finishedExecutions(db: Db, pipelineNames: readonly string[], endedSince: number, limit: number): Promise<FinishedExecution[]> {
  if (pipelineNames.length === 0) return [];
  const rows = await db
    .selectFrom('pipeline_executions')
    .select(['execution_id', 'pipeline_name', 'status', 'ended_time'])
    .where('pipeline_name', 'in', [...pipelineNames])
    .where('status', 'in', ['succeeded', 'failed'])
    .where('ended_time', '>=', endedSince)
    .orderBy('ended_time')
    .orderBy('execution_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    executionId: r.execution_id,
    pipelineName: r.pipeline_name,
    status: r.status as 'succeeded' | 'failed',
    endedTime: Number(r.ended_time),
  }));
}

function rowOf(event: TriggerEvent, dedupKey: string | null): TriggerEventsTable {
  return {
    event_id: event.eventId,
    trigger_name: event.triggerName,
    dedup_key: dedupKey,
    event_time: event.time,
    summary: JSON.stringify(event.summary),
    outcome: event.outcome,
    reason: event.reason ?? null,
    execution_id: event.executionId ?? null,
  };
}

function toEvent(row: Selectable<TriggerEventsTable>): TriggerEvent {
  return {
    eventId: row.event_id,
    triggerName: row.trigger_name,
    time: Number(row.event_time),
    summary: JSON.parse(row.summary) as Record<string, JsonValue>,
    outcome: row.outcome as TriggerOutcome,
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.execution_id === null ? {} : { executionId: row.execution_id }),
  };
}
