import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../core/errors/error-code.js';
import type { ServingMetrics } from './endpoints/serving-metrics.js';

export interface AdmissionOptions {
  /** Scoring requests answered at once; one more gets 503 with `Retry-After`. 0 or undefined: no limit. */
  readonly maxInFlight?: number | undefined;
  /** What `Retry-After` says, in seconds. @default 1 */
  readonly retryAfterSeconds?: number | undefined;
  readonly metrics?: ServingMetrics | undefined;
}

/**
 * Load shedding for scoring requests: counts the ones being answered (the queue depth) and
 * refuses those over `maxInFlight` at once with 503 `TEMPORARILY_UNAVAILABLE` and
 * `Retry-After`, before their body is read, so an overloaded server answers quickly
 * instead of queueing without bound. `drained()` tells a shutdown when the last one is done.
 */
export class AdmissionControl {
  readonly #max: number;
  readonly #retryAfter: number;
  readonly #metrics: ServingMetrics | undefined;
  #inFlight = 0;
  #idle: Array<() => void> = [];

  constructor(options: AdmissionOptions = {}) {
    this.#max = options.maxInFlight ?? 0;
    this.#retryAfter = options.retryAfterSeconds ?? 1;
    this.#metrics = options.metrics;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** An `onRequest` hook for the scoring routes: admits the request or answers 503. */
  readonly onRequest = async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (this.#max > 0 && this.#inFlight >= this.#max) {
      this.#metrics?.rejected.inc({ reason: 'overloaded' });
      await reply
        .status(503)
        .header('retry-after', String(this.#retryAfter))
        .type('application/json')
        .send({ error_code: ErrorCode.TEMPORARILY_UNAVAILABLE, message: `The server is answering ${this.#max} scoring requests already (its --max-in-flight); retry after ${this.#retryAfter} s.` });
      return;
    }
    this.#inFlight++;
    this.#metrics?.inFlight.inc();
    // 'close' fires once whether the answer was sent or the client went away.
    reply.raw.once('close', () => {
      this.#inFlight--;
      this.#metrics?.inFlight.dec();
      if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    });
  };

  /** Resolves once no admitted request is left. */
  drained(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
