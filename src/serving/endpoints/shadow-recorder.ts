import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

/** One mirrored request: what the live variant answered and what the shadow would have. */
export interface ShadowRecord {
  readonly time: number;
  readonly requestId: string;
  readonly endpoint: string;
  readonly liveVariant: string;
  readonly liveOutput: unknown;
  readonly liveLatencyMs: number;
  readonly shadowVariant: string;
  readonly shadowOutput?: unknown;
  readonly shadowLatencyMs: number;
  /** Why the shadow failed (its answer would have been an error). */
  readonly shadowError?: string | undefined;
  /** Both answered and their outputs agree (numbers within 1e-6 relative). */
  readonly match: boolean;
}

/** Counts of one shadow variant since this process started. */
export interface ShadowCounts {
  readonly variant: string;
  readonly requests: number;
  readonly errors: number;
  readonly mismatches: number;
}

/**
 * Appends shadow comparisons to `<dataDir>/endpoints/<endpoint>/shadow.jsonl`, one JSON
 * object a line, writes to one file in order, and keeps counts per shadow variant for the
 * stats API. A write that fails is counted and logged, never thrown at a request.
 */
export class ShadowRecorder {
  readonly #dataDir: string;
  readonly #onError: (error: unknown) => void;
  readonly #queues = new Map<string, Promise<void>>();
  readonly #counts = new Map<string, { requests: number; errors: number; mismatches: number }>();

  constructor(dataDir: string, options: { readonly onError?: (error: unknown) => void } = {}) {
    this.#dataDir = dataDir;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** The file an endpoint's shadow records go to. */
  fileOf(endpoint: string): string {
    return path.join(this.#dataDir, 'endpoints', endpoint, 'shadow.jsonl');
  }

  record(entry: ShadowRecord): void {
    const key = `${entry.endpoint}\0${entry.shadowVariant}`;
    const counts = this.#counts.get(key) ?? { requests: 0, errors: 0, mismatches: 0 };
    counts.requests++;
    if (entry.shadowError !== undefined) counts.errors++;
    else if (!entry.match) counts.mismatches++;
    this.#counts.set(key, counts);
    const file = this.fileOf(entry.endpoint);
    const line = `${JSON.stringify(entry)}\n`;
    const previous = this.#queues.get(file) ?? Promise.resolve();
    const next = previous.then(async () => {
      await mkdir(path.dirname(file), { recursive: true });
      await appendFile(file, line, 'utf8');
    });
    const settled = next.catch(this.#onError);
    this.#queues.set(file, settled);
    void settled.then(() => {
      if (this.#queues.get(file) === settled) this.#queues.delete(file);
    });
  }

  counts(endpoint: string): ShadowCounts[] {
    const found: ShadowCounts[] = [];
    for (const [key, counts] of this.#counts) {
      const [name, variant] = key.split('\0') as [string, string];
      if (name === endpoint) found.push({ variant, ...counts });
    }
    return found;
  }

  /** Resolves when every record so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.#queues.values()]);
  }
}

/** Two outputs agree: same structure, strings/booleans equal, numbers within 1e-6 relative. */
export function outputsMatch(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, index) => outputsMatch(value, b[index]));
  return a === b;
}
