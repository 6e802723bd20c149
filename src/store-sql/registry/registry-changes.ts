import type { Kysely } from 'kysely';
import type { RegistryChange, RegistryChangeType } from '../../core/entities/registry-change.js';
import type { ListChangesQuery } from '../../core/ports/registry-store.js';
import type { Database } from '../database-schema.js';

type Db = Kysely<Database>;

/** One entry to append; `model_key` ties it to the model across renames. */
export interface ChangeInput {
  readonly type: RegistryChangeType;
  readonly modelKey: number;
  readonly modelName: string;
  readonly version?: number | undefined;
  readonly field?: string | undefined;
  readonly from?: string | null | undefined;
  readonly to?: string | null | undefined;
  readonly comment?: string | undefined;
}

/**
 * Appends change-log entries (inside the caller's transaction). Call it after the
 * transaction's other writes: on PostgreSQL the insert takes the change log's append lock
 * until commit, so that ids become visible in commit order (migration 0003).
 */
export async function appendChanges(db: Db, actor: string, now: number, changes: readonly ChangeInput[]): Promise<void> {
  if (changes.length === 0) return;
  await db
    .insertInto('registry_changes')
    .values(
      changes.map((c) => ({
        timestamp: now,
        actor,
        type: c.type,
        model_key: c.modelKey,
        model_name: c.modelName,
        version: c.version ?? null,
        field: c.field ?? null,
        from_value: c.from ?? null,
        to_value: c.to ?? null,
        comment: c.comment ?? null,
      })),
    )
    .execute();
}

/**
 * Entries in commit order. By model name: every entry of the model that has that name now
 * (including entries made under an earlier name), or, when no model has it, entries made
 * under that name (a deleted model's history).
 */
export async function listChanges(db: Db, query: ListChangesQuery): Promise<RegistryChange[]> {
  let q = db.selectFrom('registry_changes').selectAll().orderBy('id').limit(query.limit);
  if (query.modelName !== undefined) {
    const model = await db.selectFrom('registered_models').select('id').where('name', '=', query.modelName).executeTakeFirst();
    q = model === undefined ? q.where('model_name', '=', query.modelName) : q.where('model_key', '=', model.id);
  }
  if (query.version !== undefined) q = q.where('version', '=', query.version);
  if (query.afterId !== undefined) q = q.where('id', '>', query.afterId);
  if (query.types !== undefined && query.types.length > 0) q = q.where('type', 'in', [...query.types]);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    timestamp: r.timestamp,
    actor: r.actor,
    type: r.type as RegistryChangeType,
    modelName: r.model_name,
    version: r.version ?? undefined,
    field: r.field ?? undefined,
    from: r.from_value ?? undefined,
    to: r.to_value ?? undefined,
    comment: r.comment ?? undefined,
  }));
}
