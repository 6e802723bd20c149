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
  readonly inputs?: RunInputs;
  readonly outputs?: RunOutputs;
}

/** One page of a search; `next_page_token` is absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string | undefined;
}

export interface Dataset {
  readonly name: string;
  readonly digest: string;
  readonly source_type?: string;
  readonly source?: string;
  /** JSON text (MLflow's schema of the dataset), when logged. */
  readonly schema?: string;
  /** JSON text (row count and the like), when logged. */
  readonly profile?: string;
}

export interface DatasetInput {
  readonly tags?: readonly KeyValue[];
  readonly dataset: Dataset;
}

export interface RunInputs {
  readonly dataset_inputs?: readonly DatasetInput[];
  readonly model_inputs?: readonly { readonly model_id: string }[];
}

export interface RunOutputs {
  readonly model_outputs?: readonly { readonly model_id: string; readonly step?: number }[];
}

export interface LoggedModel {
  readonly info: {
    readonly model_id: string;
    readonly experiment_id: string;
    readonly name: string;
    readonly creation_timestamp_ms?: number;
    readonly last_updated_timestamp_ms?: number;
    readonly artifact_uri?: string;
    readonly status?: string;
    readonly model_type?: string;
    readonly source_run_id?: string;
    readonly tags?: readonly KeyValue[];
  };
  readonly data?: { readonly params?: readonly KeyValue[]; readonly metrics?: readonly MetricPoint[] };
}

/** An entry of an artifact listing; `path` is relative to the listed root. */
export interface FileInfo {
  readonly path: string;
  readonly is_dir?: boolean;
  readonly file_size?: number;
}
