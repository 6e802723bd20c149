import type { NewDelivery, ClaimedDelivery, AttemptOutcome, WebhookStore } from '../core/ports/webhook-store.js';
import type { RegistryStore } from '../core/ports/registry-store.js';
import type { WebhookSender } from '../core/ports/webhook-sender.js';
import { backoffAfter, retryPolicy, type RetryPolicy } from '../core/webhooks/retry-policy.js';
import { webhookEventOf } from '../core/webhooks/webhook-events.js';
import { eventData, webhookBody } from '../core/webhooks/webhook-payload.js';

export interface WebhookDispatcherOptions {
  /** How often the change log and the due deliveries are looked at. @default 500 */
  readonly pollIntervalMs?: number;
  /** Change-log entries fanned out per transaction. @default 100 */
  readonly batchSize?: number;
  /** Requests in flight at once. @default 8 */
  readonly concurrency?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** On stop, how long in-flight requests may still finish before they are cut off. @default 2000 */
  readonly shutdownGraceMs?: number;
  /** The cursor's name in `change_log_cursors`. @default 'webhooks' */
  readonly consumer?: string;
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
  /** Where failures are reported (pino's `app.log` fits). Secrets and URLs are never logged. */
  readonly log?: { warn(message: string): void };
}

/**
 * Delivers registry events to webhooks, at least once, surviving restarts and `kill -9`.
 *
 * The registry's change log is the outbox. Each cycle:
 * 1. **Fan-out**: read the entries after the persisted cursor, build one delivery per
 *    (entry, ACTIVE webhook subscribed to its event) with its final request body, and in
 *    one transaction store them and move the cursor (only from where it was read, so two
 *    processes never fan out the same entries).
 * 2. **Send**: lease the due deliveries (up to the free concurrency), POST each with the
 *    sender, and record the attempt: 2xx → succeeded; otherwise pending with the next
 *    attempt after an exponential backoff, or failed once out of attempts.
 *
 * A process that dies mid-attempt leaves its lease to expire; the delivery is then sent
 * again with the same delivery id (receivers deduplicate on it). On {@link stop}, requests
 * in flight get a grace period, then are cut off and handed back without counting.
 */
export class WebhookDispatcher {
  readonly #registry: RegistryStore;
  readonly #store: WebhookStore;
  readonly #sender: WebhookSender;
  readonly #policy: RetryPolicy;
  readonly #pollIntervalMs: number;
  readonly #batchSize: number;
  readonly #concurrency: number;
  readonly #shutdownGraceMs: number;
  readonly #leaseMs: number;
  readonly #consumer: string;
  readonly #now: () => number;
  readonly #log: { warn(message: string): void };

  readonly #inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  #timer: NodeJS.Timeout | undefined;
  #cycle: Promise<void> | undefined;
  #again = false;
  #started = false;
  #stopped = false;

  constructor(
    deps: { readonly registry: RegistryStore; readonly webhooks: WebhookStore; readonly sender: WebhookSender },
    options: WebhookDispatcherOptions = {},
  ) {
    this.#registry = deps.registry;
    this.#store = deps.webhooks;
    this.#sender = deps.sender;
    this.#policy = retryPolicy(options.retry);
    this.#pollIntervalMs = options.pollIntervalMs ?? 500;
    this.#batchSize = options.batchSize ?? 100;
    this.#concurrency = options.concurrency ?? 8;
    this.#shutdownGraceMs = options.shutdownGraceMs ?? 2_000;
    // Long enough that a live sender always records its attempt before the lease ends.
    this.#leaseMs = this.#policy.attemptTimeoutMs + this.#shutdownGraceMs + 30_000;
    this.#consumer = options.consumer ?? 'webhooks';
    this.#now = options.clock ?? Date.now;
    this.#log = options.log ?? { warn: () => undefined };
  }

  /** The retry policy in force. */
  get retryPolicy(): RetryPolicy {
    return this.#policy;
  }

  /** Starts polling (the first cycle runs at once). */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** Runs a cycle soon, e.g. after a registry write, instead of waiting for the next poll. */
  nudge(): void {
    if (!this.#started || this.#stopped) return;
    if (this.#cycle !== undefined) this.#again = true;
    else this.#schedule(0);
  }

  /** One cycle now (fan-out, then launching due deliveries), serialised with the poll loop. */
  async poll(): Promise<void> {
    while (this.#cycle !== undefined) await this.#cycle;
    if (this.#stopped) return;
    await this.#runCycle();
  }

  /**
   * Stops polling, lets requests in flight finish for the grace period, then cuts the rest
   * off and hands their deliveries back (they are sent again after a restart). Call it
   * before closing the stores.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    while (this.#cycle !== undefined) await this.#cycle;
    const pending = [...this.#inFlight.values()];
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#shutdownGraceMs);
    });
    await Promise.race([Promise.allSettled(pending.map((p) => p.done)), grace]);
    clearTimeout(timer);
    for (const p of this.#inFlight.values()) p.controller.abort();
    await Promise.allSettled([...this.#inFlight.values()].map((p) => p.done));
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#runCycle(), delayMs);
    this.#timer.unref();
  }

  #runCycle(): Promise<void> {
    if (this.#cycle !== undefined) {
      this.#again = true;
      return this.#cycle;
    }
    this.#again = false;
    this.#cycle = (async () => {
      try {
        await this.#fanOut();
        await this.#launchDue();
      } catch (e) {
        this.#log.warn(`webhook dispatcher: ${e instanceof Error ? e.message : String(e)}; retrying at the next poll`);
      } finally {
        this.#cycle = undefined;
        if (this.#started && !this.#stopped) this.#schedule(this.#again ? 0 : this.#pollIntervalMs);
      }
    })();
    return this.#cycle;
  }

  /** Turns every unconsumed change-log entry into deliveries, a batch per transaction. */
  async #fanOut(): Promise<void> {
    while (!this.#stopped) {
      const cursor = await this.#store.readCursor(this.#consumer);
      const changes = await this.#registry.listChanges({ afterId: cursor, limit: this.#batchSize });
      if (changes.length === 0) return;
      const webhooks = await this.#store.listActiveWebhooks();
      const now = this.#now();
      const deliveries: NewDelivery[] = [];
      for (const change of changes) {
        const event = webhookEventOf(change.type);
        if (event === undefined) continue;
        // A webhook hears of what happened after it was created, not of older history.
        const subscribed = webhooks.filter((w) => w.events.includes(event) && w.creationTimestamp <= change.timestamp);
        if (subscribed.length === 0) continue;
        const data = await eventData(event, change, this.#registry);
        for (const webhook of subscribed) {
          const id = crypto.randomUUID();
          const payload = webhookBody({ deliveryId: id, event, timestamp: change.timestamp, data, changeId: change.id, actor: change.actor });
          deliveries.push({ id, webhookId: webhook.id, event, changeId: change.id, payload, creationTimestamp: now, nextAttemptTimestamp: now });
        }
      }
      const moved = await this.#store.fanOut({ consumer: this.#consumer, fromChangeId: cursor, toChangeId: changes.at(-1)!.id, deliveries });
      // Not moved: another process consumed these entries first; read the cursor again.
      if (moved && changes.length < this.#batchSize) return;
    }
  }

  async #launchDue(): Promise<void> {
    const free = this.#concurrency - this.#inFlight.size;
    if (free <= 0 || this.#stopped) return;
    const now = this.#now();
    const claimed = await this.#store.claimDueDeliveries({ now, limit: free, leaseUntil: now + this.#leaseMs });
    for (const delivery of claimed) this.#launch(delivery);
  }

  #launch(delivery: ClaimedDelivery): void {
    const controller = new AbortController();
    const done = this.#attempt(delivery, controller.signal)
      .catch((e: unknown) => {
        this.#log.warn(`webhook ${delivery.target.webhookId}: could not record delivery ${delivery.id}: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        this.#inFlight.delete(delivery.id);
        this.nudge();
      });
    this.#inFlight.set(delivery.id, { controller, done });
  }

  async #attempt(delivery: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const result = await this.#sender.send(
      delivery.target,
      { deliveryId: delivery.id, event: delivery.event, body: delivery.payload },
      { timeoutMs: this.#policy.attemptTimeoutMs, signal },
    );
    const attemptedAt = this.#now();
    if (result.cancelled === true) {
      await this.#store.releaseDelivery(delivery.id, delivery.leaseToken, attemptedAt);
      return;
    }
    const attempts = delivery.attempts + 1;
    let outcome: AttemptOutcome;
    if (result.ok) {
      outcome = { attemptedAt, status: 'succeeded', statusCode: result.statusCode };
    } else if (attempts >= this.#policy.maxAttempts) {
      outcome = { attemptedAt, status: 'failed', statusCode: result.statusCode, error: result.error };
    } else {
      const nextAttemptTimestamp = attemptedAt + backoffAfter(attempts, this.#policy);
      outcome = { attemptedAt, status: 'pending', statusCode: result.statusCode, error: result.error, nextAttemptTimestamp };
    }
    await this.#store.recordAttempt(delivery.id, delivery.leaseToken, outcome);
    if (!result.ok) {
      this.#log.warn(
        `webhook ${delivery.target.webhookId}: delivery ${delivery.id} (${delivery.event}) attempt ${attempts}/${this.#policy.maxAttempts} failed: ` +
          `${result.error ?? 'no answer'}${outcome.status === 'failed' ? '; giving up' : ''}`,
      );
    }
  }
}
