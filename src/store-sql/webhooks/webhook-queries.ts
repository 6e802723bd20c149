import type { Kysely, Selectable } from 'kysely';
import type { Webhook, WebhookEventName, WebhookStatus, WebhookTarget } from '../../core/entities/webhook.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { CreateWebhookInput, WebhookPatch } from '../../core/ports/webhook-store.js';
import type { Page, Paging } from '../../core/ports/tracking-store.js';
import type { Database, WebhooksTable } from '../database-schema.js';

type Db = Kysely<Database>;

export async function insertWebhook(db: Db, input: CreateWebhookInput, now: number): Promise<Webhook> {
  const row: WebhooksTable = {
    webhook_id: crypto.randomUUID(),
    name: input.name,
    description: input.description ?? null,
    url: input.url,
    events: JSON.stringify(input.events),
    secret: input.secret ?? null,
    status: input.status,
    creation_timestamp: now,
    last_updated_timestamp: now,
  };
  await db.insertInto('webhooks').values(row).execute();
  return toWebhook(row);
}

export async function fetchWebhook(db: Db, id: string): Promise<Webhook> {
  return toWebhook(await webhookRow(db, id));
}

export async function fetchTarget(db: Db, id: string): Promise<WebhookTarget> {
  return toTarget(await webhookRow(db, id));
}

export async function listWebhooks(db: Db, paging: Paging): Promise<Page<Webhook>> {
  const rows = await db
    .selectFrom('webhooks')
    .selectAll()
    .orderBy('creation_timestamp', 'desc')
    .orderBy('webhook_id', 'desc')
    .limit(paging.limit + 1)
    .offset(paging.offset)
    .execute();
  return { items: rows.slice(0, paging.limit).map(toWebhook), hasMore: rows.length > paging.limit };
}

export async function activeWebhooks(db: Db): Promise<Webhook[]> {
  const rows = await db.selectFrom('webhooks').selectAll().where('status', '=', 'ACTIVE').orderBy('webhook_id').execute();
  return rows.map(toWebhook);
}

export async function patchWebhook(db: Db, id: string, patch: WebhookPatch, now: number): Promise<Webhook> {
  return db.transaction().execute(async (trx) => {
    await webhookRow(trx, id);
    await trx
      .updateTable('webhooks')
      .set({
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.description === undefined ? {} : { description: patch.description }),
        ...(patch.url === undefined ? {} : { url: patch.url }),
        ...(patch.events === undefined ? {} : { events: JSON.stringify(patch.events) }),
        ...(patch.secret === undefined ? {} : { secret: patch.secret }),
        ...(patch.status === undefined ? {} : { status: patch.status }),
        last_updated_timestamp: now,
      })
      .where('webhook_id', '=', id)
      .execute();
    return fetchWebhook(trx, id);
  });
}

export async function removeWebhook(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await webhookRow(trx, id);
    // Deliveries cascade; deleting them first keeps SQLite files without foreign keys right too.
    await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
    await trx.deleteFrom('webhooks').where('webhook_id', '=', id).execute();
  });
}

/** The row, or RESOURCE_DOES_NOT_EXIST with MLflow's message. */
export async function webhookRow(db: Db, id: string): Promise<Selectable<WebhooksTable>> {
  const row = await db.selectFrom('webhooks').selectAll().where('webhook_id', '=', id).executeTakeFirst();
  if (row === undefined) throw SlipwayError.notFound(`Webhook with ID ${id} not found.`);
  return row;
}

export function toWebhook(row: Selectable<WebhooksTable>): Webhook {
  return {
    id: row.webhook_id,
    name: row.name,
    description: row.description ?? undefined,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventName[],
    status: row.status as WebhookStatus,
    creationTimestamp: row.creation_timestamp,
    lastUpdatedTimestamp: row.last_updated_timestamp,
  };
}

export function toTarget(row: Pick<WebhooksTable, 'webhook_id' | 'url' | 'secret'>): WebhookTarget {
  return { webhookId: row.webhook_id, url: row.url, secret: row.secret ?? undefined };
}
