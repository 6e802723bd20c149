/**
 * The pipeline model: what a YAML file or a `definePipeline({...})` call compiles to once
 * it has been read, normalised and validated (`compile-pipeline.ts`).
 *
 * Every field is normalised: defaults are filled in (`needs: []`, `env: {}`, `cache:
 * {enabled: false}`), shorthands are expanded (`retry: 3`, `cache: true`, `needs: prep`,
 * `outputs: {model: model/}`), and YAML's kebab-case keys become camelCase. So two
 * definitions that mean the same thing are the same model, and hash the same
 * (`canonical-pipeline-json.ts`).
 *
 * Strings that may hold `${{ … }}` expressions (`run`, `env` values, `with` values,
 * `working-directory`, output paths, `if`, dynamic matrix axes) are kept as written: the
 * validator has parsed and checked them, and the executor evaluates them per execution.
 * @module
 */

/** A JSON value: what `with:` inputs, matrix values and expression results are made of. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** The types a pipeline parameter can have. */
export const PARAM_TYPES = ['string', 'int', 'float', 'bool', 'choice'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/** A parameter's value once typed: `int`/`float` → number, `bool` → boolean, else string. */
export type ParamValue = string | number | boolean;

/** One declared parameter. A parameter without a `default` is required per execution. */
export interface ParamSpec {
  readonly type: ParamType;
  readonly default?: ParamValue;
  readonly description?: string;
  /** The allowed values of a `choice` parameter (absent for every other type). */
  readonly options?: readonly string[];
}

/** What went wrong in a failed attempt; a retry policy names the classes it retries. */
export const FAILURE_CLASSES = ['user', 'timeout', 'infrastructure'] as const;
/**
 * - `user`: the step's own command failed (non-zero exit, a built-in step's check failed);
 * - `timeout`: the step ran past `timeout-minutes`;
 * - `infrastructure`: the step could not run or was killed from outside (executor lost,
 *   out of memory, evicted).
 */
export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** Exponential backoff between attempts: `min(maxSeconds, initialSeconds × factor^(n-1))`. */
export interface BackoffPolicy {
  readonly initialSeconds: number;
  readonly factor: number;
  readonly maxSeconds: number;
  /**
   * Fraction of each delay that is randomised, in [0, 1]: the delay `d` becomes a uniform
   * draw in `[d × (1 − jitter), d]`. `1` is "full jitter", `0` none.
   */
  readonly jitter: number;
}

export interface RetryPolicy {
  /** Attempts in all, the first included (so `1` means no retry). */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  /** The failure classes that are retried; any other failure fails the step at once. */
  readonly retryOn: readonly FailureClass[];
}

export interface CachePolicy {
  readonly enabled: boolean;
  /** How long a cached result stays usable, in seconds; absent means forever. */
  readonly expireAfterSeconds?: number;
}

/** A named output of a `run:` step. */
export type StepOutput =
  /** A file or directory the step writes (path relative to its working directory). */
  | { readonly type: 'file' | 'dir'; readonly path: string; readonly description?: string }
  /** A value the step writes as a `name=value` line to the file named by `$SLIPWAY_OUTPUT`. */
  | { readonly type: 'value'; readonly description?: string };

/** Reads a metric from the step's log lines: the regex's one capture group is the value. */
export interface MetricDefinition {
  readonly name: string;
  readonly regex: string;
}

/**
 * A matrix (for-each): one instance of the step per combination of axis values, after
 * `include` and `exclude` (GitHub Actions' rules, see `expand-matrix.ts`).
 */
export interface MatrixSpec {
  /** Each axis is a static list or a whole `${{ … }}` expression that yields a list. */
  readonly axes: Readonly<Record<string, readonly JsonValue[] | string>>;
  readonly include: readonly Readonly<Record<string, JsonValue>>[];
  readonly exclude: readonly Readonly<Record<string, JsonValue>>[];
  /** At most this many instances run at once; absent means no limit of its own. */
  readonly maxParallel?: number;
}

interface StepCommon {
  readonly id: string;
  /** A display name. */
  readonly name?: string;
  /** The steps that must finish first (direct dependencies only). */
  readonly needs: readonly string[];
  /** A condition, as written (`${{ … }}` or a bare expression); absent means `success()`. */
  readonly if?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMinutes?: number;
  /** Absent means a single attempt. */
  readonly retry?: RetryPolicy;
  readonly cache: CachePolicy;
  readonly matrix?: MatrixSpec;
}

/**
 * What a `run:` step expects to use. Recorded on every attempt and passed to the executor
 * for executors that schedule or limit by them; the local executor does not limit.
 * Only the hints given are present (at least one).
 */
export interface StepResources {
  /** CPU cores (> 0; fractions allowed: `0.5`). */
  readonly cpu?: number;
  /** Memory in bytes (written `512Mi`, `2Gi`, `1G`, `750M`). */
  readonly memoryBytes?: number;
  /** GPUs (an integer ≥ 0). */
  readonly gpu?: number;
}

/** A step that runs a shell command. */
export interface RunStepDefinition extends StepCommon {
  readonly kind: 'run';
  readonly run: string;
  readonly workingDirectory?: string;
  readonly outputs: Readonly<Record<string, StepOutput>>;
  readonly metrics: readonly MetricDefinition[];
  /** Absent when the step gives no resource hints. */
  readonly resources?: StepResources;
  /**
   * The files of the code directory the step's result depends on: paths or globs relative
   * to the code directory, as written. When present, the cache key covers exactly these
   * files instead of the whole code snapshot.
   */
  readonly code?: readonly string[];
}

/** A step that runs one of Slipway's built-in steps (`uses: slipway/evaluate`). */
export interface UsesStepDefinition extends StepCommon {
  readonly kind: 'uses';
  readonly uses: string;
  readonly with: Readonly<Record<string, JsonValue>>;
}

export type StepDefinition = RunStepDefinition | UsesStepDefinition;

/** A validated pipeline. */
export interface PipelineDefinition {
  readonly name: string;
  readonly description?: string;
  /** In declaration order. */
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Environment for every step (a step's own `env` wins). */
  readonly env: Readonly<Record<string, string>>;
  /** In declaration order (which is also the tie-break of the topological order). */
  readonly steps: readonly StepDefinition[];
  /** What starts executions on its own (`on:`); absent when the pipeline has no `on:`. */
  readonly on?: PipelineTriggers | undefined;
}

// --- what starts executions besides a person (`on:`) ---------------------------------

/** What a schedule does when its previous execution is still active at the next fire time. */
export const OVERLAP_POLICIES = ['skip', 'queue', 'allow'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/**
 * One `on: schedule:` entry. Fields are owned by the schedules module
 * (`read-schedule-specs.ts` reads them); see docs/schedules.md.
 */
export interface ScheduleSpec {
  /** Five-field cron (or six with seconds), as croner accepts it. */
  readonly cron: string;
  /** IANA time zone; default `UTC`. */
  readonly timezone: string;
  /** Parameter overrides for the executions it starts (type-checked against `params`). */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly overlap: OverlapPolicy;
  /**
   * After downtime: fire times missed within this many seconds before now are fired
   * (each once, oldest first, subject to `overlap`); 0 fires none of them.
   */
  readonly catchUpSeconds: number;
}

/**
 * Event triggers declared in a pipeline (`on: push | webhook | data | registry |
 * pipeline`). Fields are owned by the triggers module (`read-event-trigger-specs.ts`);
 * see docs/triggers.md. Each entry becomes one trigger named `<pipeline>.push`,
 * `<pipeline>.webhook`, `<pipeline>.data-0`, `<pipeline>.registry-1`, … or its `name`.
 *
 * `params` values are strings as written; they may hold `${{ event.… }}` placeholders
 * over the event (the webhook's JSON payload, the GitHub push payload, the registry
 * change, the finished execution, the changed data), filled in when the trigger fires.
 */
export interface EventTriggerSpecs {
  readonly push?: PushTriggerSpec | undefined;
  readonly webhook?: WebhookTriggerSpec | undefined;
  readonly data: readonly DataTriggerSpec[];
  readonly registry: readonly RegistryTriggerSpec[];
  readonly pipeline: readonly PipelineFinishedTriggerSpec[];
}

interface EventTriggerCommon {
  /** The trigger's name (unique on the server); absent = `<pipeline>.<kind>[-<index>]`. */
  readonly name?: string | undefined;
  readonly params: Readonly<Record<string, string>>;
}

/** A GitHub `push` delivered to `/api/slipway/v1/hooks/<trigger>`, filtered by branch and path. */
export interface PushTriggerSpec extends EventTriggerCommon {
  /** Branch names or globs (`main`, `release/*`); empty = every branch. */
  readonly branches: readonly string[];
  /** Path globs; empty = any change. */
  readonly paths: readonly string[];
  /** The name of the server secret (an env var given with `--pipeline-secrets`) holding the HMAC key. */
  readonly secret: string;
}

/** Any JSON POSTed to `/api/slipway/v1/hooks/<trigger>` with a valid HMAC-SHA256 signature. */
export interface WebhookTriggerSpec extends EventTriggerCommon {
  readonly secret: string;
}

/** A watched file, directory or glob (local path or `mlflow-artifacts:/…`). */
export interface DataTriggerSpec extends EventTriggerCommon {
  readonly path: string;
  /** Quiet time after the last change before firing. */
  readonly debounceSeconds: number;
}

export const REGISTRY_TRIGGER_EVENTS = ['version_created', 'alias_set', 'approval_granted'] as const;
export type RegistryTriggerEvent = (typeof REGISTRY_TRIGGER_EVENTS)[number];

export interface RegistryTriggerSpec extends EventTriggerCommon {
  readonly model: string;
  readonly event: RegistryTriggerEvent;
  /** For `alias_set`: only this alias (absent = any). */
  readonly alias?: string | undefined;
}

export const PIPELINE_FINISHED_STATUSES = ['succeeded', 'failed'] as const;
export type PipelineFinishedStatus = (typeof PIPELINE_FINISHED_STATUSES)[number];

export interface PipelineFinishedTriggerSpec extends EventTriggerCommon {
  readonly pipeline: string;
  /** Which outcomes start this pipeline; default `['succeeded']`. */
  readonly status: readonly PipelineFinishedStatus[];
}

/** The `on:` block, read. Absent on a pipeline without one (so old hashes do not change). */
export interface PipelineTriggers {
  readonly schedule: readonly ScheduleSpec[];
  readonly events: EventTriggerSpecs;
}
