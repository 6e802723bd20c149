/**
 * Live numbers per variant, kept in this process's memory: 1-second buckets over the last
 * minutes (requests, 5xx, latencies) for the stats API, and one accumulator per rollout
 * step for the candidates, which the controller judges rollbacks on.
 *
 * Latencies are kept as samples (at most {@link MAX_SAMPLES_PER_BUCKET} per bucket and
 * {@link MAX_STEP_SAMPLES} per step, by reservoir sampling) so percentiles are exact at
 * low rates and unbiased at high ones.
 * @module
 */

const BUCKET_MS = 1000;
const RETAINED_BUCKETS = 120;
const MAX_SAMPLES_PER_BUCKET = 2000;
const MAX_STEP_SAMPLES = 20_000;

/** What a window of requests measured. */
export interface WindowStats {
  readonly requests: number;
  readonly errors: number;
  /** 5xx / requests; 0 without requests. */
  readonly errorRate: number;
  /** Requests per second over the window. */
  readonly ratePerSecond: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
}

class Samples {
  requests = 0;
  errors = 0;
  readonly latencies: number[] = [];

  constructor(private readonly cap: number) {}

  add(error: boolean, latencyMs: number, random: () => number): void {
    this.requests++;
    if (error) this.errors++;
    if (this.latencies.length < this.cap) this.latencies.push(latencyMs);
    else {
      const slot = Math.floor(random() * this.requests);
      if (slot < this.cap) this.latencies[slot] = latencyMs;
    }
  }
}

interface Bucket {
  readonly start: number;
  readonly samples: Samples;
}

/** Which traffic a number is about: a variant of the serving set, or of the rollout's target. */
export type VariantRole = 'serving' | 'candidate';

export class VariantStats {
  readonly #now: () => number;
  readonly #random: () => number;
  /** `endpoint \0 role \0 variant` → buckets, oldest first. */
  readonly #windows = new Map<string, Bucket[]>();
  /** `endpoint \0 rolloutId \0 step \0 variant` → the candidate's numbers in that step. */
  readonly #steps = new Map<string, Samples>();

  constructor(options: { readonly now?: () => number; readonly random?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  /** One answered request; `step` when it was candidate traffic of a baking rollout. */
  record(entry: {
    readonly endpoint: string;
    readonly variant: string;
    readonly role: VariantRole;
    readonly status: number;
    readonly latencyMs: number;
    readonly step?: { readonly rolloutId: string; readonly step: number } | undefined;
  }): void {
    const error = entry.status >= 500;
    const now = this.#now();
    const key = windowKey(entry.endpoint, entry.role, entry.variant);
    let buckets = this.#windows.get(key);
    if (buckets === undefined) this.#windows.set(key, (buckets = []));
    const start = now - (now % BUCKET_MS);
    let last = buckets[buckets.length - 1];
    if (last === undefined || last.start !== start) {
      buckets.push((last = { start, samples: new Samples(MAX_SAMPLES_PER_BUCKET) }));
      while (buckets.length > 0 && buckets[0]!.start <= now - RETAINED_BUCKETS * BUCKET_MS) buckets.shift();
    }
    last.samples.add(error, entry.latencyMs, this.#random);
    if (entry.step !== undefined) {
      const stepKey = [entry.endpoint, entry.step.rolloutId, entry.step.step, entry.variant].join('\0');
      let samples = this.#steps.get(stepKey);
      if (samples === undefined) this.#steps.set(stepKey, (samples = new Samples(MAX_STEP_SAMPLES)));
      samples.add(error, entry.latencyMs, this.#random);
    }
  }

  /** A variant's numbers over the last `windowMs` (at most two minutes). */
  window(endpoint: string, role: VariantRole, variant: string, windowMs = 60_000): WindowStats {
    const now = this.#now();
    const buckets = (this.#windows.get(windowKey(endpoint, role, variant)) ?? []).filter((bucket) => bucket.start > now - windowMs);
    return summarize(
      buckets.map((bucket) => bucket.samples),
      windowMs / 1000,
    );
  }

  /** The candidates' numbers (all of them together) in one step of a rollout. */
  step(endpoint: string, rolloutId: string, step: number, variants: readonly string[]): WindowStats {
    const samples = variants.map((variant) => this.#steps.get([endpoint, rolloutId, step, variant].join('\0'))).filter((s): s is Samples => s !== undefined);
    return summarize(samples, undefined);
  }

  /** Variants with numbers in the window, by role. */
  variantsOf(endpoint: string): Array<{ role: VariantRole; variant: string }> {
    const found: Array<{ role: VariantRole; variant: string }> = [];
    for (const key of this.#windows.keys()) {
      const [name, role, variant] = key.split('\0') as [string, VariantRole, string];
      if (name === endpoint) found.push({ role, variant });
    }
    return found;
  }

  /** Forgets an endpoint (deleted). */
  forget(endpoint: string): void {
    for (const key of [...this.#windows.keys(), ...this.#steps.keys()]) {
      if (key.startsWith(`${endpoint}\0`)) {
        this.#windows.delete(key);
        this.#steps.delete(key);
      }
    }
  }
}

function windowKey(endpoint: string, role: VariantRole, variant: string): string {
  return `${endpoint}\0${role}\0${variant}`;
}

function summarize(parts: readonly Samples[], seconds: number | undefined): WindowStats {
  let requests = 0;
  let errors = 0;
  const latencies: number[] = [];
  for (const part of parts) {
    requests += part.requests;
    errors += part.errors;
    for (const latency of part.latencies) latencies.push(latency);
  }
  latencies.sort((a, b) => a - b);
  return {
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    ratePerSecond: seconds === undefined || seconds <= 0 ? 0 : requests / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}
