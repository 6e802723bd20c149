import type { Kysely } from 'kysely';
import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { ActiveExecution, CacheEntry, ExecutionListQuery, ExecutionRecord, StepRecord, Transition } from '../../core/ports/pipeline-store.js';
import type { Page } from '../../core/ports/tracking-store.js';
import type { Database } from '../database-schema.js';
import {
  attemptRow,
  executionRow,
  stepRow,
  toAttemptRecord,
  toCacheEntry,
  toExecutionRecord,
  toStepRecord,
} from './execution-rows.js';

type Db = Kysely<Database>;

const ACTIVE = ['queued', 'running', 'cancelling'];

export async function insertExecution(db: Db, execution: ExecutionRecord): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('pipeline_executions').values(executionRow(execution)).execute();
    for (const step of execution.steps) {
      await trx.insertInto('pipeline_steps').values(stepRow(execution.executionId, step)).execute();
      for (const attempt of step.attempts) {
        await trx.insertInto('pipeline_attempts').values(attemptRow(execution.executionId, step.stepId, step.instance, attempt)).execute();
      }
    }
  });
}

export async function fetchExecution(db: Db, executionId: string): Promise<ExecutionRecord> {
  const row = await db.selectFrom('pipeline_executions').selectAll().where('execution_id', '=', executionId).executeTakeFirst();
  if (row === undefined) throw SlipwayError.notFound(`Pipeline execution '${executionId}' does not exist.`);
  return toExecutionRecord(row, await stepsOf(db, [executionId]).then((m) => m.get(executionId) ?? []));
}

export async function listExecutions(db: Db, query: ExecutionListQuery): Promise<Page<ExecutionRecord>> {
  let select = db.selectFrom('pipeline_executions').selectAll();
  if (query.pipelineName !== undefined) select = select.where('pipeline_name', '=', query.pipelineName);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  const rows = await select
    .orderBy('execution_id', 'desc')
    .limit(query.limit + 1)
    .offset(query.offset)
    .execute();
  const page = rows.slice(0, query.limit);
  const steps = await stepsOf(
    db,
    page.map((r) => r.execution_id),
  );
  return { items: page.map((r) => toExecutionRecord(r, steps.get(r.execution_id) ?? [])), hasMore: rows.length > query.limit };
}

export async function activeExecutionIds(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('pipeline_executions')
    .select('execution_id')
    .where('status', 'in', ACTIVE)
    .orderBy('execution_id')
    .execute();
  return rows.map((r) => r.execution_id);
}

export async function activeExecutions(db: Db): Promise<ActiveExecution[]> {
  const rows = await db
    .selectFrom('pipeline_executions')
    .select(['execution_id', 'revision'])
    .where('status', 'in', ACTIVE)
    .orderBy('execution_id')
    .execute();
  return rows.map((r) => ({ executionId: r.execution_id, revision: r.revision }));
}

/** Steps with their attempts, by execution, in position order. */
async function stepsOf(db: Db, executionIds: readonly string[]): Promise<Map<string, StepRecord[]>> {
  const result = new Map<string, StepRecord[]>();
  if (executionIds.length === 0) return result;
  const ids = [...executionIds];
  const [steps, attempts] = await Promise.all([
    db.selectFrom('pipeline_steps').selectAll().where('execution_id', 'in', ids).orderBy('execution_id').orderBy('position').execute(),
    db
      .selectFrom('pipeline_attempts')
      .selectAll()
      .where('execution_id', 'in', ids)
      .orderBy('execution_id')
      .orderBy('step_id')
      .orderBy('instance')
      .orderBy('attempt')
      .execute(),
  ]);
  const attemptsByStep = new Map<string, ReturnType<typeof toAttemptRecord>[]>();
  for (const a of attempts) {
    const key = `${a.execution_id}\u0000${a.step_id}\u0000${a.instance}`;
    const list = attemptsByStep.get(key) ?? [];
    list.push(toAttemptRecord(a));
    attemptsByStep.set(key, list);
  }
  for (const s of steps) {
    const list = result.get(s.execution_id) ?? [];
    list.push(toStepRecord(s, attemptsByStep.get(`${s.execution_id}\u0000${s.step_id}\u0000${s.instance}`) ?? []));
    result.set(s.execution_id, list);
  }
  return result;
}

/**
 * One transaction: the execution's row updated first — revision + 1, the patch, guarded by
 * `expectStatus` in its WHERE (no separate read: one round trip fewer on PostgreSQL) — then
 * step and attempt upserts and cache entries. Returns the new revision.
 */
export async function applyTransition(db: Db, t: Transition): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const patch = t.execution ?? {};
    let update = trx
      .updateTable('pipeline_executions')
      .set((eb) => ({
        revision: eb('revision', '+', 1),
        ...(patch.status === undefined ? {} : { status: patch.status }),
        ...(patch.startedTime === undefined ? {} : { started_time: patch.startedTime }),
        ...(patch.endedTime === undefined ? {} : { ended_time: patch.endedTime }),
        ...(patch.reason === undefined ? {} : { reason: patch.reason }),
        ...(patch.experimentId === undefined ? {} : { experiment_id: patch.experimentId }),
        ...(patch.runId === undefined ? {} : { run_id: patch.runId }),
      }))
      .where('execution_id', '=', t.executionId);
    if (t.expectStatus !== undefined) update = update.where('status', 'in', [...t.expectStatus]);
    const updated = await update.returning('revision').executeTakeFirst();
    if (updated === undefined) {
      // Nothing matched: say why (the transaction writes nothing either way).
      const current = await trx.selectFrom('pipeline_executions').select('status').where('execution_id', '=', t.executionId).executeTakeFirst();
      if (current === undefined) throw SlipwayError.notFound(`Pipeline execution '${t.executionId}' does not exist.`);
      throw new SlipwayError(
        ErrorCode.RESOURCE_CONFLICT,
        `Pipeline execution '${t.executionId}' is ${current.status}, not ${(t.expectStatus ?? []).join(' or ')}.`,
      );
    }
    for (const step of t.steps ?? []) {
      const row = stepRow(t.executionId, step);
      const { execution_id: _e, step_id: _s, instance: _i, ...rest } = row;
      await trx
        .insertInto('pipeline_steps')
        .values(row)
        .onConflict((oc) => oc.columns(['execution_id', 'step_id', 'instance']).doUpdateSet(rest))
        .execute();
    }
    for (const attempt of t.attempts ?? []) {
      const row = attemptRow(t.executionId, attempt.stepId, attempt.instance, attempt);
      const { execution_id: _e, step_id: _s, instance: _i, attempt: _a, ...rest } = row;
      await trx
        .insertInto('pipeline_attempts')
        .values(row)
        .onConflict((oc) => oc.columns(['execution_id', 'step_id', 'instance', 'attempt']).doUpdateSet(rest))
        .execute();
    }
    for (const entry of t.cacheEntries ?? []) {
      await trx
        .insertInto('pipeline_cache')
        .values({
          cache_key: entry.cacheKey,
          execution_id: entry.executionId,
          step_id: entry.stepId,
          instance: entry.instance ?? '',
          created_time: entry.createdTime,
        })
        .onConflict((oc) => oc.columns(['cache_key', 'execution_id', 'step_id', 'instance']).doUpdateSet({ created_time: entry.createdTime }))
        .execute();
    }
    return updated.revision;
  });
}

export async function newestCacheEntry(db: Db, cacheKey: string): Promise<CacheEntry | undefined> {
  const row = await db
    .selectFrom('pipeline_cache')
    .selectAll()
    .where('cache_key', '=', cacheKey)
    .orderBy('created_time', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : toCacheEntry(row);
}
