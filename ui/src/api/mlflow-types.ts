/**
 * The parts of MLflow's REST messages the UI reads (proto-JSON: snake_case, int64 as
 * numbers, unset fields left out). Declared here rather than imported: the UI talks to the
 * public API only and shares no code with the server.
 * @module
 */

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface Experiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_location?: string;
  readonly lifecycle_stage?: string;
  readonly creation_time?: number;
  readonly last_update_time?: number;
  readonly tags?: readonly KeyValue[];
}

/** A metric point; NaN and ±Infinity arrive as the strings "NaN", "Infinity", "-Infinity". */
export interface MetricPoint {
  readonly key: string;
  readonly value: number | string;
  readonly timestamp: number;
  readonly step: number;
}

export interface RunInfo {
  readonly run_id: string;
  readonly run_name?: string;
  readonly experiment_id: string;
  readonly user_id?: string;
  readonly status?: string;
  readonly start_time?: number;
  readonly end_time?: number;
  readonly artifact_uri?: string;
  readonly lifecycle_stage?: string;
}

export interface RunData {
  readonly metrics?: readonly MetricPoint[];
  readonly params?: readonly KeyValue[];
  readonly tags?: readonly KeyValue[];
}

export interface Run {
  readonly info: RunInfo;
  readonly data?: RunData;
}

/** One page of a search; `next_page_token` is absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string | undefined;
}
