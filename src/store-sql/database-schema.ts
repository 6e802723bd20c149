import type { Generated } from 'kysely';

/**
 * The tables of the SQL store as Kysely sees them. Column names follow MLflow's SQL
 * schema where one exists, so anyone who knows MLflow's database finds their way.
 * Timestamps are milliseconds since the epoch; `is_nan` is 0/1 (NaN cannot be stored
 * portably, so the value column holds 0 and the flag says NaN, as in MLflow).
 * @module
 */
export interface Database {
  experiments: ExperimentsTable;
  experiment_tags: KeyValueTable & { experiment_id: number };
  runs: RunsTable;
  tags: KeyValueTable & { run_uuid: string };
  params: KeyValueTable & { run_uuid: string };
  metrics: MetricsTable;
  latest_metrics: LatestMetricsTable;
  datasets: DatasetsTable;
  inputs: InputsTable;
  input_tags: KeyValueTable & { input_uuid: string };
  run_models: RunModelsTable;
  logged_models: LoggedModelsTable;
  logged_model_tags: KeyValueTable & { model_id: string };
  logged_model_params: KeyValueTable & { model_id: string };
  logged_model_metrics: LoggedModelMetricsTable;
  registered_models: RegisteredModelsTable;
  registered_model_tags: KeyValueTable & { model_key: number };
  model_versions: ModelVersionsTable;
  model_version_tags: KeyValueTable & { model_key: number; version: number };
  registered_model_aliases: { model_key: number; alias: string; version: number };
  registry_changes: RegistryChangesTable;
  lineage_links: { from_node: string; to_node: string; relation: string; created_time: number };
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  change_log_cursors: { consumer: string; last_change_id: number; updated_time: number };
  pipelines: PipelinesTable;
  pipeline_versions: PipelineVersionsTable;
  pipeline_executions: PipelineExecutionsTable;
  pipeline_steps: PipelineStepsTable;
  pipeline_attempts: PipelineAttemptsTable;
  pipeline_cache: PipelineCacheTable;
  schedules: SchedulesTable;
  schedule_fires: ScheduleFiresTable;
  leases: LeasesTable;
  triggers: TriggersTable;
  trigger_events: TriggerEventsTable;
  approval_requests: ApprovalRequestsTable;
}

export interface KeyValueTable {
  key: string;
  value: string;
}

export interface ExperimentsTable {
  experiment_id: Generated<number>;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

export interface RunsTable {
  run_uuid: string;
  name: string;
  experiment_id: number;
  user_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  /** Set when deleted. */
  deleted_time: number | null;
  /** 1 when the run was deleted by deleting its experiment (restoring that restores it). */
  deleted_with_experiment: number;
  artifact_uri: string;
  lifecycle_stage: string;
}

export interface MetricsTable {
  run_uuid: string;
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
  model_id: string | null;
  dataset_name: string | null;
  dataset_digest: string | null;
}

export interface LatestMetricsTable {
  run_uuid: string;
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

export interface DatasetsTable {
  dataset_uuid: string;
  experiment_id: number;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

export interface InputsTable {
  input_uuid: string;
  /** `DATASET` for dataset inputs. */
  source_type: string;
  source_id: string;
  /** `RUN`. */
  destination_type: string;
  destination_id: string;
}

export interface RunModelsTable {
  run_uuid: string;
  model_id: string;
  /** `input` or `output`. */
  direction: string;
  step: number;
}

export interface LoggedModelsTable {
  model_id: string;
  experiment_id: number;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  status: string;
  status_message: string | null;
  model_type: string | null;
  source_run_id: string | null;
  lifecycle_stage: string;
}

export interface LoggedModelMetricsTable {
  model_id: string;
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
  run_uuid: string;
  /** '' when the metric was not logged against a dataset (keeps the primary key simple). */
  dataset_name: string;
  dataset_digest: string;
}

export interface RegisteredModelsTable {
  id: Generated<number>;
  name: string;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
  user_id: string | null;
  /** JSON of `ApprovalPolicy`. */
  approval_policy: string;
}

export interface ModelVersionsTable {
  model_key: number;
  version: number;
  creation_time: number;
  last_updated_time: number;
  user_id: string | null;
  current_stage: string;
  description: string | null;
  source: string;
  storage_location: string;
  run_id: string | null;
  run_link: string | null;
  model_id: string | null;
  status: string;
  status_message: string | null;
  /** 1 once deleted: the number is never reused, and audit entries keep pointing at it. */
  deleted: number;
  approval_status: string;
  approval_actor: string | null;
  approval_time: number | null;
  approval_comment: string | null;
}

export interface RegistryChangesTable {
  id: Generated<number>;
  timestamp: number;
  actor: string;
  type: string;
  /** `registered_models.id` when the change was made (no foreign key: entries outlive models). */
  model_key: number;
  model_name: string;
  version: number | null;
  field: string | null;
  from_value: string | null;
  to_value: string | null;
  comment: string | null;
}

export interface WebhooksTable {
  webhook_id: string;
  name: string;
  description: string | null;
  url: string;
  /** JSON list of `entity.action` event names. */
  events: string;
  secret: string | null;
  status: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
}

export interface WebhookDeliveriesTable {
  delivery_id: string;
  webhook_id: string;
  event: string;
  /** `registry_changes.id` the delivery came from. */
  change_id: number;
  /** The request body, sent unchanged on every attempt. */
  payload: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  /** When a pending delivery is due; while claimed, when the claim expires. */
  next_attempt_time: number | null;
  /** Set while one sender holds the delivery. */
  lease_token: string | null;
  creation_time: number;
  last_attempt_time: number | null;
  completed_time: number | null;
}

export interface PipelinesTable {
  name: string;
  description: string | null;
  latest_version: number;
  latest_hash: string;
  code_dir: string | null;
  created_time: number;
  updated_time: number;
}

export interface PipelineVersionsTable {
  name: string;
  version: number;
  hash: string;
  /** The validated model as JSON. */
  definition: string;
  source_format: string;
  source_text: string | null;
  created_time: number;
  created_by: string;
}

export interface PipelineExecutionsTable {
  /** Sorts by creation time (a time prefix), so newest-first is `order by execution_id desc`. */
  execution_id: string;
  pipeline_name: string;
  pipeline_version: number;
  pipeline_hash: string;
  /** JSON map of param values. */
  params: string;
  trigger_type: string;
  trigger_detail: string | null;
  status: string;
  actor: string;
  created_time: number;
  started_time: number | null;
  ended_time: number | null;
  retry_of: string | null;
  experiment_id: string | null;
  run_id: string | null;
  reason: string | null;
  code_dir: string | null;
  code_digest: string | null;
  /** Incremented by every transition (0006-execution-revision): tells an engine its in-memory copy is stale. */
  revision: Generated<number>;
}

export interface PipelineStepsTable {
  execution_id: string;
  step_id: string;
  /** '' for the step itself; a matrix instance's key otherwise. */
  instance: string;
  position: number;
  status: string;
  started_time: number | null;
  ended_time: number | null;
  reason: string | null;
  failure_class: string | null;
  /** JSON maps. */
  outputs: string;
  artifacts: string;
  metrics: string;
  artifact_digests: string;
  matrix_values: string | null;
  expanded: number;
  run_id: string | null;
  cached_from: string | null;
  reused_from: string | null;
  next_attempt_time: number | null;
  cache_key: string | null;
}

export interface PipelineAttemptsTable {
  execution_id: string;
  step_id: string;
  instance: string;
  attempt: number;
  status: string;
  started_time: number;
  ended_time: number | null;
  exit_code: number | null;
  failure_class: string | null;
  message: string | null;
  run_id: string | null;
  pid: number | null;
  boot_id: string | null;
  interrupted: number;
  /** JSON `{cpu?, memoryBytes?, gpu?}`: the step's resource hints (migration 0005). */
  resources: string | null;
}

export interface PipelineCacheTable {
  cache_key: string;
  execution_id: string;
  step_id: string;
  instance: string;
  created_time: number;
}

/** Approval requests of `slipway/approval` steps (migration 0009). */
export interface ApprovalRequestsTable {
  request_id: string;
  execution_id: string;
  pipeline_name: string;
  step_id: string;
  /** '' for a step that is not a matrix instance. */
  instance: string;
  message: string | null;
  model_name: string | null;
  model_version: string | null;
  /** JSON list of actor names. */
  approvers: string;
  on_timeout: string;
  status: string;
  opened_time: number;
  deadline_time: number | null;
  decided_time: number | null;
  actor: string | null;
  comment: string | null;
  outcome: string | null;
}

/** Event triggers (migration 0008). */
export interface TriggersTable {
  name: string;
  pipeline_name: string;
  type: string;
  /** JSON map of the type's settings. */
  config: string;
  /** JSON map of param templates. */
  params: string;
  enabled: number;
  source: string;
  /** An API-created webhook trigger's secret value (never returned by the API). */
  secret: string | null;
  /** The watcher's JSON state (last seen digests, cursor); null before the first write. */
  state: string | null;
  state_revision: Generated<number>;
  created_time: number;
  updated_time: number;
}

export interface TriggerEventsTable {
  event_id: string;
  trigger_name: string;
  /** Unique per trigger when set: the event's identity (delivery id, change id, …). */
  dedup_key: string | null;
  event_time: number;
  /** JSON map. */
  summary: string;
  outcome: string;
  reason: string | null;
  execution_id: string | null;
}

/** A pipeline's schedules (migration 0007). */
export interface SchedulesTable {
  schedule_id: string;
  pipeline_name: string;
  /** 'pipeline' (from `on: schedule:`) or 'api'. */
  source: string;
  cron: string;
  timezone: string;
  /** JSON map of param overrides. */
  params: string;
  overlap: string;
  catch_up_seconds: number;
  paused: number;
  /** Every due time up to this one has a fire record. */
  cursor_time: number;
  created_time: number;
  updated_time: number;
  created_by: string;
}

/** One row per due time of a schedule; the primary key `(schedule_id, due_time)` makes a due time fire once. */
export interface ScheduleFiresTable {
  schedule_id: string;
  due_time: number;
  status: string;
  reason: string | null;
  execution_id: string | null;
  holder: string;
  recorded_time: number;
  updated_time: number;
}

/** Named leases for leader election (the scheduler's first). */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_time: number;
  acquired_time: number;
}
