/** One point of a metric's history. `value` may be NaN or ±Infinity. */
export interface Metric {
  readonly key: string;
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly step: number;
  readonly modelId?: string | undefined;
  readonly datasetName?: string | undefined;
  readonly datasetDigest?: string | undefined;
  /** Set where a result spans runs (bulk history, logged-model metrics). */
  readonly runId?: string | undefined;
}
