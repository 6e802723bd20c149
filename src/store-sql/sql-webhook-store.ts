import type { Webhook, WebhookDelivery, WebhookTarget } from '../core/entities/webhook.js';
import type { Page, Paging } from '../core/ports/tracking-store.js';
import type {
  AttemptOutcome,
  ClaimedDelivery,
  ClaimQuery,
  CreateWebhookInput,
  FanOutInput,
  ListDeliveriesQuery,
  WebhookPatch,
  WebhookStore,
} from '../core/ports/webhook-store.js';
import { readCursor } from './change-log-cursors.js';
import { migrateToLatest } from './migrate-to-latest.js';
import type { SqlDatabase } from './sql-database.js';
import * as deliveries from './webhooks/delivery-queries.js';
import * as webhooks from './webhooks/webhook-queries.js';

export interface SqlWebhookStoreOptions {
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
}

/** {@link WebhookStore} over SQLite or PostgreSQL, in the same database as the registry. */
export class SqlWebhookStore implements WebhookStore {
  readonly #database: SqlDatabase;
  readonly #now: () => number;

  private constructor(database: SqlDatabase, options: SqlWebhookStoreOptions) {
    this.#database = database;
    this.#now = options.clock ?? Date.now;
  }

  /** Migrates the database to the latest schema (a no-op when another store already did). */
  static async open(database: SqlDatabase, options: SqlWebhookStoreOptions = {}): Promise<SqlWebhookStore> {
    await migrateToLatest(database);
    return new SqlWebhookStore(database, options);
  }

  get #db() {
    return this.#database.db;
  }

  createWebhook(input: CreateWebhookInput): Promise<Webhook> {
    return webhooks.insertWebhook(this.#db, input, this.#now());
  }
  getWebhook(id: string): Promise<Webhook> {
    return webhooks.fetchWebhook(this.#db, id);
  }
  listWebhooks(paging: Paging): Promise<Page<Webhook>> {
    return webhooks.listWebhooks(this.#db, paging);
  }
  updateWebhook(id: string, patch: WebhookPatch): Promise<Webhook> {
    return webhooks.patchWebhook(this.#db, id, patch, this.#now());
  }
  deleteWebhook(id: string): Promise<void> {
    return webhooks.removeWebhook(this.#db, id);
  }
  getWebhookTarget(id: string): Promise<WebhookTarget> {
    return webhooks.fetchTarget(this.#db, id);
  }
  listActiveWebhooks(): Promise<Webhook[]> {
    return webhooks.activeWebhooks(this.#db);
  }

  listDeliveries(webhookId: string, query: ListDeliveriesQuery): Promise<Page<WebhookDelivery>> {
    return deliveries.listDeliveries(this.#db, webhookId, query);
  }
  readCursor(consumer: string): Promise<number> {
    return readCursor(this.#db, consumer, this.#now());
  }
  fanOut(input: FanOutInput): Promise<boolean> {
    return deliveries.fanOut(this.#db, input, this.#now());
  }
  claimDueDeliveries(query: ClaimQuery): Promise<ClaimedDelivery[]> {
    return deliveries.claimDue(this.#db, query);
  }
  recordAttempt(id: string, leaseToken: string, outcome: AttemptOutcome): Promise<void> {
    return deliveries.recordAttempt(this.#db, id, leaseToken, outcome);
  }
  releaseDelivery(id: string, leaseToken: string, nextAttemptTimestamp: number): Promise<void> {
    return deliveries.releaseDelivery(this.#db, id, leaseToken, nextAttemptTimestamp);
  }
}
