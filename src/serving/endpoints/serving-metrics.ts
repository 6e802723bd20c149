import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds: sub-millisecond scoring up to a 30 s timeout. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Rows per runtime call (what micro-batching achieved). */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384, 65536];

/**
 * The Prometheus series of one serving process, in a {@link Registry} of its own (never
 * prom-client's global one, so two servers in one process — tests — do not mix their
 * numbers):
 *
 * - `slipway_serving_requests_total{endpoint, variant, code}`
 * - `slipway_serving_errors_total{endpoint, variant}` (5xx answers)
 * - `slipway_serving_request_duration_seconds{endpoint, variant}` (histogram)
 * - `slipway_serving_batch_rows{model}` (histogram: rows per runtime call)
 * - `slipway_serving_in_flight` (requests admitted and not answered yet: the queue depth)
 * - `slipway_serving_rejected_total{reason}` (`overloaded` → 503, `timeout` → 504)
 * - `slipway_serving_shadow_requests_total{endpoint, variant, outcome}`
 * - Node's defaults (`nodejs_eventloop_lag_seconds`, heap, GC, …) with prom-client's names.
 */
export class ServingMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'endpoint' | 'variant' | 'code'>;
  readonly errors: Counter<'endpoint' | 'variant'>;
  readonly latency: Histogram<'endpoint' | 'variant'>;
  readonly batchRows: Histogram<'model'>;
  readonly inFlight: Gauge;
  readonly rejected: Counter<'reason'>;
  readonly shadow: Counter<'endpoint' | 'variant' | 'outcome'>;

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    const registers = [(this.registry = new Registry())];
    this.requests = new Counter({ name: 'slipway_serving_requests_total', help: 'Scoring requests answered, by endpoint, variant and HTTP status.', labelNames: ['endpoint', 'variant', 'code'], registers });
    this.errors = new Counter({ name: 'slipway_serving_errors_total', help: 'Scoring requests answered with a 5xx, by endpoint and variant.', labelNames: ['endpoint', 'variant'], registers });
    this.latency = new Histogram({
      name: 'slipway_serving_request_duration_seconds',
      help: 'Time from a scoring request arriving to its answer, by endpoint and variant.',
      labelNames: ['endpoint', 'variant'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.batchRows = new Histogram({ name: 'slipway_serving_batch_rows', help: 'Rows scored per runtime call (micro-batches), by model.', labelNames: ['model'], buckets: BATCH_BUCKETS, registers });
    this.inFlight = new Gauge({ name: 'slipway_serving_in_flight', help: 'Scoring requests admitted and not answered yet (the queue depth).', registers });
    this.rejected = new Counter({ name: 'slipway_serving_rejected_total', help: 'Scoring requests refused: overloaded (503) or timed out (504).', labelNames: ['reason'], registers });
    this.shadow = new Counter({
      name: 'slipway_serving_shadow_requests_total',
      help: 'Requests mirrored to shadow variants, by outcome (ok, error).',
      labelNames: ['endpoint', 'variant', 'outcome'],
      registers,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }

  /** One answered request. `seconds` from arrival to answer. */
  observe(endpoint: string, variant: string, status: number, seconds: number): void {
    this.requests.inc({ endpoint, variant, code: String(status) });
    if (status >= 500) this.errors.inc({ endpoint, variant });
    this.latency.observe({ endpoint, variant }, seconds);
  }

  /** The text exposition format, and its content type. */
  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
