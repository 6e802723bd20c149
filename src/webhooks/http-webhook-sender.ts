import type { WebhookTarget } from '../core/entities/webhook.js';
import type { SendOptions, SendResult, WebhookMessage, WebhookSender } from '../core/ports/webhook-sender.js';
import { webhookHeaders } from './webhook-signatures.js';

export interface HttpWebhookSenderOptions {
  /** @default 'Slipway-Webhooks' */
  readonly userAgent?: string;
  /** How much of an answer's body is kept (test results, error messages). @default 65536 */
  readonly maxResponseBytes?: number;
  /** Milliseconds since the epoch (the signed timestamp). @default Date.now */
  readonly clock?: () => number;
}

/**
 * {@link WebhookSender} over Node's fetch: one POST with the signed headers, redirects not
 * followed (a 3xx is a failed attempt), the attempt bounded by its timeout, and at most
 * `maxResponseBytes` of the answer read.
 */
export class HttpWebhookSender implements WebhookSender {
  readonly #userAgent: string;
  readonly #maxResponseBytes: number;
  readonly #now: () => number;

  constructor(options: HttpWebhookSenderOptions = {}) {
    this.#userAgent = options.userAgent ?? 'Slipway-Webhooks';
    this.#maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.#now = options.clock ?? Date.now;
  }

  async send(target: WebhookTarget, message: WebhookMessage, options: SendOptions): Promise<SendResult> {
    const headers = webhookHeaders({
      deliveryId: message.deliveryId,
      event: message.event,
      body: message.body,
      secret: target.secret,
      timestamp: Math.floor(this.#now() / 1000),
      userAgent: this.#userAgent,
    });
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    try {
      const response = await fetch(target.url, { method: 'POST', headers, body: message.body, redirect: 'manual', signal });
      const text = await readStart(response, this.#maxResponseBytes);
      const ok = response.status >= 200 && response.status < 300;
      return {
        ok,
        statusCode: response.status,
        responseBody: text,
        error: ok ? undefined : `HTTP ${response.status}${text.trim() === '' ? '' : `: ${text.trim().slice(0, 200)}`}`,
      };
    } catch (e) {
      if (options.signal?.aborted === true) return { ok: false, cancelled: true, error: 'cancelled by shutdown' };
      if (timeout.aborted) return { ok: false, error: `no answer within ${options.timeoutMs} ms` };
      return { ok: false, error: describeError(e) };
    }
  }
}

/** The first `max` bytes of the body as text; the rest is not read. */
async function readStart(response: Response, max: number): Promise<string> {
  if (response.body === null) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let read = 0;
  try {
    while (read < max) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = value.subarray(0, max - read);
      read += chunk.length;
      text += decoder.decode(chunk, { stream: true });
    }
    return text + decoder.decode();
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** fetch's "fetch failed" says little; its cause says what went wrong (ECONNREFUSED, …). */
function describeError(e: unknown): string {
  const cause = (e as { cause?: unknown } | null)?.cause;
  if (cause instanceof AggregateError && cause.errors.length > 0) {
    return cause.errors.map((x) => (x instanceof Error ? x.message : String(x))).join('; ');
  }
  if (cause instanceof Error && cause.message !== '') return cause.message;
  return e instanceof Error ? e.message : String(e);
}
