import type { DeliveryStatus, Webhook, WebhookDelivery, WebhookEventName, WebhookStatus, WebhookTarget } from '../entities/webhook.js';
import type { Page, Paging } from './tracking-store.js';

/**
 * Webhooks, their delivery log, and the cursors of change-log consumers.
 *
 * The registry's change log is the outbox: a consumer reads entries after its cursor and,
 * in one transaction, records what it derived from them (here: one delivery per matching
 * webhook) and moves its cursor. So an entry is either not yet consumed or consumed with
 * its deliveries stored, whatever happens to the process in between.
 *
 * Implementer's notes — every adapter must keep these invariants (checked by
 * `test/contract/webhook-store.contract.ts`):
 * - `fanOut` is atomic and conditional: it moves the cursor only from the position the
 *   caller read (another process may have moved it since), and stores the deliveries only
 *   if it moved it. Returns whether it did.
 * - `claimDueDeliveries` hands a due, pending delivery of an ACTIVE webhook to one caller
 *   at a time: it leases it until `leaseUntil` under a fresh token. An expired lease makes
 *   the delivery claimable again (the process that held it presumably died).
 * - `recordAttempt` and `releaseDelivery` apply only while the caller's lease token is the
 *   current one, so a holder whose lease expired cannot overwrite a newer attempt.
 * - Deleting a webhook deletes its deliveries. Secrets are returned only inside
 *   {@link WebhookTarget}s.
 * - Unknown webhook ids → RESOURCE_DOES_NOT_EXIST.
 */
export interface WebhookStore {
  createWebhook(input: CreateWebhookInput): Promise<Webhook>;
  getWebhook(id: string): Promise<Webhook>;
  /** Newest first. */
  listWebhooks(paging: Paging): Promise<Page<Webhook>>;
  /** Absent fields stay as they are. */
  updateWebhook(id: string, patch: WebhookPatch): Promise<Webhook>;
  deleteWebhook(id: string): Promise<void>;
  /** URL and secret, for a test delivery. */
  getWebhookTarget(id: string): Promise<WebhookTarget>;
  /** Every ACTIVE webhook (fan-out reads them once per batch of changes). */
  listActiveWebhooks(): Promise<Webhook[]>;

  /** A delivery log page, newest first. */
  listDeliveries(webhookId: string, query: ListDeliveriesQuery): Promise<Page<WebhookDelivery>>;

  /**
   * The id of the last change-log entry `consumer` has consumed. A consumer seen for the
   * first time starts at the end of the log (it is not sent the history).
   */
  readCursor(consumer: string): Promise<number>;
  /** See the notes above. */
  fanOut(input: FanOutInput): Promise<boolean>;
  claimDueDeliveries(query: ClaimQuery): Promise<ClaimedDelivery[]>;
  recordAttempt(id: string, leaseToken: string, outcome: AttemptOutcome): Promise<void>;
  /** Gives a claimed delivery back without counting an attempt (an attempt cut short by shutdown). */
  releaseDelivery(id: string, leaseToken: string, nextAttemptTimestamp: number): Promise<void>;
}

export interface CreateWebhookInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly url: string;
  readonly events: readonly WebhookEventName[];
  readonly secret?: string | undefined;
  readonly status: WebhookStatus;
}

export interface WebhookPatch {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly url?: string | undefined;
  readonly events?: readonly WebhookEventName[] | undefined;
  readonly secret?: string | undefined;
  readonly status?: WebhookStatus | undefined;
}

export interface ListDeliveriesQuery extends Paging {
  readonly status?: DeliveryStatus | undefined;
}

/** One delivery to store; it is due at `nextAttemptTimestamp`. */
export interface NewDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly event: WebhookEventName;
  readonly changeId: number;
  /** The exact request body (JSON text); every attempt sends these bytes. */
  readonly payload: string;
  readonly creationTimestamp: number;
  readonly nextAttemptTimestamp: number;
}

export interface FanOutInput {
  readonly consumer: string;
  /** The cursor as the caller read it. */
  readonly fromChangeId: number;
  /** The last entry consumed. */
  readonly toChangeId: number;
  readonly deliveries: readonly NewDelivery[];
}

export interface ClaimQuery {
  readonly now: number;
  readonly limit: number;
  /** Until when the claim holds; after that another caller may claim the delivery again. */
  readonly leaseUntil: number;
}

/** A delivery handed to one sender, with what it needs to send it. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly leaseToken: string;
  readonly event: WebhookEventName;
  readonly changeId: number;
  readonly payload: string;
  readonly attempts: number;
  readonly target: WebhookTarget;
}

/** The result of one attempt and what becomes of the delivery. */
export interface AttemptOutcome {
  readonly attemptedAt: number;
  readonly status: DeliveryStatus;
  readonly statusCode?: number | undefined;
  readonly error?: string | undefined;
  /** For a delivery that stays pending. */
  readonly nextAttemptTimestamp?: number | undefined;
}
