import type { WebhookEventName, WebhookTarget } from '../entities/webhook.js';

/** One request to a webhook: the same delivery id and body on every attempt. */
export interface WebhookMessage {
  readonly deliveryId: string;
  readonly event: WebhookEventName;
  /** JSON text, sent and signed byte for byte. */
  readonly body: string;
}

export interface SendOptions {
  /** The attempt fails when no answer has arrived by then. */
  readonly timeoutMs: number;
  /** Cancels the attempt (shutdown); the result then has `cancelled: true`. */
  readonly signal?: AbortSignal | undefined;
}

/** How one attempt went. Only a 2xx answer is `ok`. */
export interface SendResult {
  readonly ok: boolean;
  readonly statusCode?: number | undefined;
  /** The start of the answer's body. */
  readonly responseBody?: string | undefined;
  /** Why it failed: `HTTP 500`, a network error, a timeout. */
  readonly error?: string | undefined;
  /** The caller's signal stopped it: not an attempt that should count. */
  readonly cancelled?: boolean | undefined;
}

/** Sends one signed webhook request (the HTTP adapter is `webhooks/http-webhook-sender.ts`). */
export interface WebhookSender {
  send(target: WebhookTarget, message: WebhookMessage, options: SendOptions): Promise<SendResult>;
}
