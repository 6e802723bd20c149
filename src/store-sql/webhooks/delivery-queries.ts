import type { Kysely, Selectable } from 'kysely';
import type { DeliveryStatus, WebhookDelivery, WebhookEventName } from '../../core/entities/webhook.js';
import type { Page } from '../../core/ports/tracking-store.js';
import type {
  AttemptOutcome,
  ClaimedDelivery,
  ClaimQuery,
  FanOutInput,
  ListDeliveriesQuery,
} from '../../core/ports/webhook-store.js';
import { moveCursor } from '../change-log-cursors.js';
import type { Database, WebhookDeliveriesTable } from '../database-schema.js';
import { toTarget, webhookRow } from './webhook-queries.js';

type Db = Kysely<Database>;

/** Rows per INSERT, well under both databases' bound-parameter limits. */
const INSERT_CHUNK = 200;

/** Stores the deliveries and moves the consumer's cursor, both or neither. */
export async function fanOut(db: Db, input: FanOutInput, now: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await moveCursor(trx, input.consumer, input.fromChangeId, input.toChangeId, now))) return false;
    for (let i = 0; i < input.deliveries.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('webhook_deliveries')
        .values(
          input.deliveries.slice(i, i + INSERT_CHUNK).map((d) => ({
            delivery_id: d.id,
            webhook_id: d.webhookId,
            event: d.event,
            change_id: d.changeId,
            payload: d.payload,
            status: 'pending',
            attempts: 0,
            last_status_code: null,
            last_error: null,
            next_attempt_time: d.nextAttemptTimestamp,
            lease_token: null,
            creation_time: d.creationTimestamp,
            last_attempt_time: null,
            completed_time: null,
          })),
        )
        .execute();
    }
    return true;
  });
}

/**
 * Leases due deliveries in two statements: pick candidates, then take those still due in
 * one conditional UPDATE under a fresh token. A concurrent claimer's UPDATE finds them no
 * longer due (PostgreSQL re-checks the condition on rows it waited for), so each delivery
 * goes to one caller.
 */
export async function claimDue(db: Db, query: ClaimQuery): Promise<ClaimedDelivery[]> {
  const candidates = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.webhook_id', 'd.webhook_id')
    .select('d.delivery_id')
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_time', '<=', query.now)
    .where('w.status', '=', 'ACTIVE')
    .orderBy('d.next_attempt_time')
    .orderBy('d.change_id')
    .orderBy('d.delivery_id')
    .limit(query.limit)
    .execute();
  if (candidates.length === 0) return [];
  const ids = candidates.map((c) => c.delivery_id);
  const token = crypto.randomUUID();
  await db
    .updateTable('webhook_deliveries')
    .set({ lease_token: token, next_attempt_time: query.leaseUntil })
    .where('delivery_id', 'in', ids)
    .where('status', '=', 'pending')
    .where('next_attempt_time', '<=', query.now)
    .execute();
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.webhook_id', 'd.webhook_id')
    .select(['d.delivery_id', 'd.event', 'd.change_id', 'd.payload', 'd.attempts', 'w.webhook_id', 'w.url', 'w.secret'])
    .where('d.delivery_id', 'in', ids)
    .where('d.lease_token', '=', token)
    .orderBy('d.change_id')
    .execute();
  return rows.map((r) => ({
    id: r.delivery_id,
    leaseToken: token,
    event: r.event as WebhookEventName,
    changeId: r.change_id,
    payload: r.payload,
    attempts: r.attempts,
    target: toTarget(r),
  }));
}

export async function recordAttempt(db: Db, id: string, leaseToken: string, outcome: AttemptOutcome): Promise<void> {
  const done = outcome.status !== 'pending';
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      status: outcome.status,
      last_status_code: outcome.statusCode ?? null,
      // The last error stays on record when a later attempt succeeds.
      ...(outcome.error === undefined ? {} : { last_error: outcome.error }),
      last_attempt_time: outcome.attemptedAt,
      next_attempt_time: done ? null : (outcome.nextAttemptTimestamp ?? outcome.attemptedAt),
      completed_time: done ? outcome.attemptedAt : null,
      lease_token: null,
    }))
    .where('delivery_id', '=', id)
    .where('lease_token', '=', leaseToken)
    .execute();
}

export async function releaseDelivery(db: Db, id: string, leaseToken: string, nextAttemptTimestamp: number): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ lease_token: null, next_attempt_time: nextAttemptTimestamp })
    .where('delivery_id', '=', id)
    .where('lease_token', '=', leaseToken)
    .execute();
}

export async function listDeliveries(db: Db, webhookId: string, query: ListDeliveriesQuery): Promise<Page<WebhookDelivery>> {
  await webhookRow(db, webhookId);
  let q = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('creation_time', 'desc')
    .orderBy('change_id', 'desc')
    .orderBy('delivery_id')
    .limit(query.limit + 1)
    .offset(query.offset);
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  const rows = await q.execute();
  return { items: rows.slice(0, query.limit).map(toDelivery), hasMore: rows.length > query.limit };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  const status = row.status as DeliveryStatus;
  return {
    id: row.delivery_id,
    webhookId: row.webhook_id,
    event: row.event as WebhookEventName,
    changeId: row.change_id,
    status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code ?? undefined,
    lastError: row.last_error ?? undefined,
    nextAttemptTimestamp: status === 'pending' ? (row.next_attempt_time ?? undefined) : undefined,
    creationTimestamp: row.creation_time,
    lastAttemptTimestamp: row.last_attempt_time ?? undefined,
    completedTimestamp: row.completed_time ?? undefined,
  };
}
