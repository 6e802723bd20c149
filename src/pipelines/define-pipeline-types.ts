/**
 * The input types of `definePipeline` and the type-level checks that make a bad reference
 * a compile error: `needs` naming a step that does not exist, `${{ params.x }}` naming an
 * unknown param, `${{ steps.<id>.outputs|artifacts|metrics.<key> }}` naming an unknown or
 * non-upstream step or a key the step does not declare, `matrix.<axis>` outside a matrix
 * or naming an unknown axis, a `with.step` that is not a step, a threshold on a metric the
 * evaluated step does not read, a choice default that is not an option.
 *
 * Expressions are found inside string *literal* types: a string whose type is just
 * `string` (built at run time) is not checked here, only by the validator when
 * `definePipeline` runs. Beyond references, expressions are checked at run time too.
 * @module
 */

import type { FailureClass, JsonValue } from '../core/pipelines/pipeline-model.js';

// ---------------------------------------------------------------- input types

interface ParamCommon {
  readonly description?: string;
}
export type ParamInput =
  | (ParamCommon & { readonly type: 'string'; readonly default?: string })
  | (ParamCommon & { readonly type: 'int' | 'float'; readonly default?: number })
  | (ParamCommon & { readonly type: 'bool'; readonly default?: boolean })
  | (ParamCommon & { readonly type: 'choice'; readonly options: readonly string[]; readonly default?: string });

export interface RetryInput {
  readonly maxAttempts?: number;
  readonly backoff?: {
    readonly initialSeconds?: number;
    readonly factor?: number;
    readonly maxSeconds?: number;
    /** Fraction of each delay that is randomised (0–1), or true (1) / false (0). */
    readonly jitter?: number | boolean;
  };
  readonly retryOn?: FailureClass | readonly FailureClass[];
}

export interface CacheInput {
  readonly enabled?: boolean;
  /** ISO-8601 (`P30D`), short (`30d`, `2h`, `15m`) or seconds. */
  readonly expireAfter?: string | number;
}

export interface MatrixInput {
  readonly include?: readonly Readonly<Record<string, JsonValue>>[];
  readonly exclude?: readonly Readonly<Record<string, JsonValue>>[];
  readonly maxParallel?: number;
  /** An axis: a list of values, or one `${{ … }}` expression yielding a list. */
  readonly [axis: string]: readonly JsonValue[] | string | number | undefined;
}

export type OutputInput =
  | string
  | { readonly path: string; readonly type?: 'file' | 'dir'; readonly description?: string }
  | { readonly type: 'value'; readonly description?: string };

export interface StepInputCommon {
  readonly name?: string;
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly env?: Readonly<Record<string, string | number | boolean>>;
  readonly timeoutMinutes?: number;
  /** A number of attempts, or a policy. */
  readonly retry?: number | RetryInput;
  readonly cache?: boolean | CacheInput;
  readonly matrix?: MatrixInput;
}

/** Memory units: powers of 1024 (`Ki` … `Pi`) or of 1000 (`k` … `P`), case-sensitive. */
export type MemoryUnit = 'Ki' | 'Mi' | 'Gi' | 'Ti' | 'Pi' | 'k' | 'M' | 'G' | 'T' | 'P';

/**
 * What a step expects to use: recorded on each attempt and passed to the executor; the
 * local executor does not limit. At least one hint.
 */
export interface ResourcesInput {
  /** CPU cores (> 0): `0.5`, `2`. */
  readonly cpu?: number;
  /** A number and a unit: `'512Mi'`, `'2Gi'`, `'1G'`, `'750M'`. */
  readonly memory?: string;
  /** GPUs (an integer ≥ 0). */
  readonly gpu?: number;
}

export interface RunStepInput extends StepInputCommon {
  readonly run: string;
  readonly uses?: never;
  readonly workingDirectory?: string;
  readonly outputs?: Readonly<Record<string, OutputInput>>;
  /** Metric name → regex with one capture group, or SageMaker-style `{name, regex}` list. */
  readonly metrics?: Readonly<Record<string, string>> | readonly { readonly name: string; readonly regex: string }[];
  readonly resources?: ResourcesInput;
  /**
   * The files of the code directory the step depends on (paths or globs relative to it,
   * `['train.py', 'lib/**\/*.py']`): the cache key covers these instead of the whole directory.
   */
  readonly code?: string | readonly string[];
}

type ModelStage = 'None' | 'Staging' | 'Production' | 'Archived';

export interface EvaluateInputs {
  readonly step: string;
  readonly threshold?: string | readonly string[];
  readonly champion?: {
    readonly model: string;
    readonly alias?: string;
    readonly stage?: ModelStage;
    readonly metric: string;
    readonly direction: 'minimize' | 'maximize';
    readonly 'min-improvement'?: number | string;
    readonly 'min-relative-improvement'?: number | string;
  };
  readonly 'fail-on-reject'?: boolean | string;
}

export interface RegisterModelInputs {
  readonly name: string;
  readonly step?: string;
  readonly 'artifact-path'?: string;
  readonly 'model-dir'?: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string | number | boolean>>;
}

export interface PromoteInputs {
  readonly name: string;
  readonly version: string | number;
  readonly alias?: string;
  readonly stage?: ModelStage;
  readonly 'archive-existing'?: boolean | string;
}

export interface NotifyInputs {
  readonly url: string;
  readonly format?: 'json' | 'slack';
  readonly message?: string;
  readonly payload?: JsonValue;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The model a serving step uses: `model-uri`, or `model` with `version`. */
type ModelSourceInputs =
  | { readonly 'model-uri': string; readonly model?: never; readonly version?: never }
  | { readonly model: string; readonly version: string | number; readonly 'model-uri'?: never };

export type DeployInputs = ModelSourceInputs & {
  readonly endpoint: string;
  readonly variant?: string;
  readonly strategy?: 'blue-green' | 'canary';
  readonly steps?: readonly number[];
  /** `'30s'`, `'5m'`. */
  readonly bake?: string;
  readonly 'max-error-rate'?: number | string;
  readonly 'max-p99-ms'?: number | string;
  readonly 'min-requests'?: number | string;
  readonly runtime?: 'auto' | 'onnx' | 'python';
  readonly timeout?: string;
};

export interface SmokeTestInputs {
  readonly endpoint?: string;
  readonly url?: string;
  readonly requests?: readonly JsonValue[];
  readonly 'expected-rows'?: number | string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly 'max-latency-ms'?: number | string;
  readonly timeout?: string;
}

export type BatchTransformInputs = ModelSourceInputs & {
  readonly input: string;
  readonly output?: string;
  readonly format?: 'csv' | 'jsonl';
  readonly workers?: number | string;
  readonly 'chunk-rows'?: number | string;
  readonly 'predictions-only'?: boolean | string;
  readonly 'prediction-column'?: string;
  readonly 'skip-bad-rows'?: boolean | string;
};

/** The inputs and outputs of each built-in step, for the type checks. */
export interface BuiltinStepTypes {
  'slipway/evaluate': { inputs: EvaluateInputs; outputs: 'passed' | 'reason' | 'champion-version' };
  'slipway/register-model': { inputs: RegisterModelInputs; outputs: 'name' | 'version' };
  'slipway/promote': { inputs: PromoteInputs; outputs: 'previous-version' };
  'slipway/notify': { inputs: NotifyInputs; outputs: 'status' };
  'slipway/deploy': { inputs: DeployInputs; outputs: 'endpoint' | 'url' | 'model-name' | 'version' | 'variant' | 'rollout-id' | 'status' };
  'slipway/smoke-test': { inputs: SmokeTestInputs; outputs: 'latency-ms' | 'requests' | 'variant' };
  'slipway/batch-transform': { inputs: BatchTransformInputs; outputs: 'rows' | 'bad-rows' | 'output-uri' | 'run-id' | 'rows-per-second' };
}

export type UsesStepInput = {
  [U in keyof BuiltinStepTypes]: StepInputCommon & {
    readonly uses: U;
    readonly run?: never;
    readonly with: BuiltinStepTypes[U]['inputs'];
  };
}[keyof BuiltinStepTypes];

export type StepInput = RunStepInput | UsesStepInput;

export interface PipelineInput<P, S> {
  readonly name: string;
  readonly description?: string;
  readonly params?: P;
  readonly env?: Readonly<Record<string, string | number | boolean>>;
  readonly steps: S;
  /** What starts executions on its own (`on:` in YAML; same keys). */
  readonly on?: PipelineTriggersInput;
}

/** The `on:` block: `schedule` (docs/schedules.md); the event triggers are added beside it. */
export interface PipelineTriggersInput {
  readonly schedule?: readonly ScheduleInput[];
  /** A GitHub push to `/api/slipway/v1/hooks/<pipeline>.push` (docs/triggers.md). */
  readonly push?: PushTriggerInput;
  /** Any signed JSON POSTed to `/api/slipway/v1/hooks/<pipeline>.webhook`. */
  readonly webhook?: WebhookTriggerInput;
  /** Watched files, directories or globs (local or `mlflow-artifacts:/…`). */
  readonly data?: DataTriggerInput | readonly DataTriggerInput[];
  /** Registry events of a model. */
  readonly registry?: RegistryTriggerInput | readonly RegistryTriggerInput[];
  /** Another pipeline's executions ending. */
  readonly pipeline?: PipelineFinishedTriggerInput | readonly PipelineFinishedTriggerInput[];
  readonly [trigger: string]: unknown;
}

/** What every event trigger takes: a name (default `<pipeline>.<kind>[-<i>]`) and param values (may use `${{ event.… }}`). */
interface EventTriggerInputCommon {
  readonly name?: string;
  readonly params?: Readonly<Record<string, string | number | boolean>>;
}

export interface PushTriggerInput extends EventTriggerInputCommon {
  /** Branch names or globs; default every branch. */
  readonly branches?: readonly string[];
  /** Changed-path globs; default any change. */
  readonly paths?: readonly string[];
  /** The server secret's name (`--pipeline-secrets`) holding the HMAC key. */
  readonly secret: string;
}

export interface WebhookTriggerInput extends EventTriggerInputCommon {
  readonly secret: string;
}

export interface DataTriggerInput extends EventTriggerInputCommon {
  readonly path: string;
  /** Quiet time before firing (`30s`, `2m`, seconds); default 30s. */
  readonly debounce?: string | number;
}

export interface RegistryTriggerInput extends EventTriggerInputCommon {
  readonly model: string;
  readonly event: 'version_created' | 'alias_set' | 'approval_granted';
  /** For `alias_set`: only this alias. */
  readonly alias?: string;
}

export interface PipelineFinishedTriggerInput extends EventTriggerInputCommon {
  readonly pipeline: string;
  /** Default `succeeded`. */
  readonly status?: 'succeeded' | 'failed' | readonly ('succeeded' | 'failed')[];
}

/** One schedule: `{cron: '0 8 * * MON-FRI', timezone: 'Europe/Berlin'}`. */
export interface ScheduleInput {
  /** Five fields, or six with seconds first. */
  readonly cron: string;
  /** IANA zone; default UTC. */
  readonly timezone?: string;
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  /** When the previous execution is still active; default `skip`. */
  readonly overlap?: 'skip' | 'queue' | 'allow';
  /** After downtime, fire missed times this recent (`6h`); `0`/`false` for none; default 1h (YAML: `catch-up`). */
  readonly catchUp?: string | number | false;
}

// ---------------------------------------------------------------- reference checks

/** The error a bad reference turns its string into; the message is in the type. */
export interface PipelineReferenceError<Message extends string> {
  readonly 'pipeline reference error': Message;
}

type Lower = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm' | 'n' | 'o' | 'p' | 'q' | 'r' | 's' | 't' | 'u' | 'v' | 'w' | 'x' | 'y' | 'z';
type IdentChar = Lower | Uppercase<Lower> | '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '_' | '-';

/** `[name, rest]`: the identifier at the start of `T`. */
type TakeIdent<T extends string, Acc extends string = ''> = T extends `${infer C}${infer R}`
  ? C extends IdentChar
    ? TakeIdent<R, `${Acc}${C}`>
    : [Acc, T]
  : [Acc, ''];
type Ident<T extends string> = TakeIdent<T>[0];
type TrimLeft<T extends string> = T extends ` ${infer R}` ? TrimLeft<R> : T;

type NeedsOf<S, K> = K extends keyof S
  ? S[K] extends { readonly needs: infer N }
    ? (N extends readonly (infer E)[] ? E : N) & string
    : never
  : never;

/** Every step before `K` (bounded depth, so a cycle cannot loop the checker). */
type Upstream<S, K, Depth extends unknown[] = []> = Depth['length'] extends 16
  ? never
  : NeedsOf<S, K> | (NeedsOf<S, K> extends infer N ? (N extends keyof S ? Upstream<S, N, [...Depth, 0]> : never) : never);

type OutputKinds<Step> = Step extends { readonly uses: infer U extends keyof BuiltinStepTypes }
  ? { value: BuiltinStepTypes[U]['outputs']; artifact: never }
  : Step extends { readonly outputs: infer O }
    ? {
        value: { [Key in keyof O]: O[Key] extends { readonly type: 'value' } ? Key : never }[keyof O] & string;
        artifact: { [Key in keyof O]: O[Key] extends { readonly type: 'value' } ? never : Key }[keyof O] & string;
      }
    : { value: never; artifact: never };

type MetricNames<Step> = Step extends { readonly metrics: infer M }
  ? M extends readonly { readonly name: infer N }[]
    ? N & string
    : keyof M & string
  : never;

type MatrixAxes<Step> = Step extends { readonly matrix: infer M }
  ? Exclude<keyof M, 'include' | 'exclude' | 'maxParallel' | 'max-parallel'> | IncludeKeys<M>
  : never;
type IncludeKeys<M> = M extends { readonly include: readonly (infer E)[] } ? keyof E : never;

type Quote<T extends string> = `'${T}'`;

type CheckStepReference<S, K, Rest extends string> = TakeIdent<Rest> extends [
  infer Id extends string,
  infer After extends string,
]
  ? Id extends keyof S
    ? Id extends Upstream<S, K>
      ? After extends `.outputs.${infer R}`
        ? Ident<R> extends OutputKinds<S[Id]>['value']
          ? true
          : Ident<R> extends OutputKinds<S[Id]>['artifact']
            ? `${Quote<Ident<R>>} is a file or directory output of step ${Quote<Id>}: use steps.${Id}.artifacts.${Ident<R>}`
            : `step ${Quote<Id>} has no output ${Quote<Ident<R>>}`
        : After extends `.artifacts.${infer R}`
          ? Ident<R> extends OutputKinds<S[Id]>['artifact']
            ? true
            : `step ${Quote<Id>} has no file or directory output ${Quote<Ident<R>>}`
          : After extends `.metrics.${infer R}`
            ? Ident<R> extends MetricNames<S[Id]>
              ? true
              : `step ${Quote<Id>} has no metric ${Quote<Ident<R>>}`
            : true
      : `step ${Quote<K & string>} refers to step ${Quote<Id>}, which is not upstream of it (add it to needs)`
    : `unknown step ${Quote<Id>}`
  : true;

/**
 * `true`, or the message about the first bad reference in expression text `E`. Scans `E`
 * a character at a time: a name followed by `.` is a reference when it is `params`,
 * `steps` or `matrix`; names after a `.` and 'string literals' are skipped.
 */
type CheckExpression<P, S, K, E extends string> = E extends `${infer C}${infer R}`
  ? C extends "'"
    ? R extends `${string}'${infer AfterString}`
      ? CheckExpression<P, S, K, AfterString>
      : true
    : C extends '.'
      ? CheckExpression<P, S, K, TakeIdent<R>[1]>
      : C extends IdentChar
        ? CheckName<P, S, K, TakeIdent<E>[0], TakeIdent<E>[1]>
        : CheckExpression<P, S, K, R>
  : true;

type CheckName<P, S, K, Name extends string, After extends string> = After extends `.${infer Rest}`
  ? Name extends 'params'
    ? Ident<Rest> extends keyof P
      ? CheckExpression<P, S, K, TakeIdent<Rest>[1]>
      : `unknown param ${Quote<Ident<Rest>>}`
    : Name extends 'steps'
      ? CheckStepReference<S, K, Rest> extends true
        ? CheckExpression<P, S, K, TakeIdent<Rest>[1]>
        : CheckStepReference<S, K, Rest>
      : Name extends 'matrix'
        ? [MatrixAxes<S[K & keyof S]>] extends [never]
          ? `'matrix' is only available in a step with a matrix`
          : Ident<Rest> extends MatrixAxes<S[K & keyof S]>
            ? CheckExpression<P, S, K, TakeIdent<Rest>[1]>
            : `unknown matrix axis ${Quote<Ident<Rest>>}`
        : CheckExpression<P, S, K, After>
  : CheckExpression<P, S, K, After>;

/** `T` when every `${{ … }}` in it is fine, else a {@link PipelineReferenceError}. */
export type CheckTemplate<P, S, K, T> = T extends string
  ? string extends T
    ? T
    : T extends `${string}\${{${infer E}}}${infer Rest}`
      ? CheckExpression<P, S, K, E> extends infer Result
        ? Result extends true
          ? CheckTemplate<P, S, K, Rest> extends Rest
            ? T
            : CheckTemplate<P, S, K, Rest>
          : PipelineReferenceError<Result & string>
        : never
      : T
  : T;

/** An `if:` may be a bare expression. */
type CheckCondition<P, S, K, T> = T extends string
  ? string extends T
    ? T
    : T extends `${string}\${{${string}`
      ? CheckTemplate<P, S, K, T>
      : CheckExpression<P, S, K, T> extends infer Result
        ? Result extends true
          ? T
          : PipelineReferenceError<Result & string>
        : never
  : T;

type CheckRecord<P, S, K, R> = { readonly [Key in keyof R]: CheckTemplate<P, S, K, R[Key]> };

type StepNames<S, K> = Exclude<keyof S & string, K>;

/** `needs` must name other steps; a value typed just `string` is left to the validator. */
type CheckNeeds<S, K, N> = N extends string
  ? string extends N
    ? N
    : StepNames<S, K>
  : N extends readonly (infer E)[]
    ? string extends E
      ? N
      : readonly StepNames<S, K>[]
    : N;

type CheckStepName<S, T, Self> = T extends string
  ? string extends T
    ? T
    : T extends keyof S
      ? T extends Self
        ? PipelineReferenceError<`step ${Quote<T>} cannot use itself`>
        : S[T] extends { readonly run: string }
          ? T
          : PipelineReferenceError<`step ${Quote<T>} is a built-in step; name a 'run' step`>
      : PipelineReferenceError<`unknown step ${Quote<T>}`>
  : T;

type CheckThreshold<S, Step, T> = T extends string
  ? string extends T
    ? T
    : T extends `${string}\${{${string}`
      ? T
      : Step extends keyof S
        ? Ident<TrimLeft<T>> extends MetricNames<S[Step]>
          ? T
          : PipelineReferenceError<`step ${Quote<Step & string>} has no metric ${Quote<Ident<TrimLeft<T>>>}`>
        : T
  : T extends readonly unknown[]
    ? { readonly [I in keyof T]: CheckThreshold<S, Step, T[I]> }
    : T;

type CheckWith<P, S, K, W> = {
  readonly [Key in keyof W]: Key extends 'step'
    ? CheckStepName<S, W[Key], K>
    : Key extends 'threshold'
      ? CheckThreshold<S, W extends { readonly step: infer Step } ? Step : never, W[Key]>
      : W[Key] extends string
        ? CheckTemplate<P, S, K, W[Key]>
        : W[Key] extends Readonly<Record<string, unknown>>
          ? Key extends 'champion'
            ? {
                readonly [F in keyof W[Key]]: F extends 'metric'
                  ? CheckThreshold<S, W extends { readonly step: infer Step } ? Step : never, W[Key][F]>
                  : CheckTemplate<P, S, K, W[Key][F]>;
              }
            : CheckRecord<P, S, K, W[Key]>
          : W[Key];
};

type CheckOutputs<P, S, K, O> = {
  readonly [Key in keyof O]: O[Key] extends string
    ? CheckTemplate<P, S, K, O[Key]>
    : O[Key] extends { readonly path: infer Path }
      ? Omit<O[Key], 'path'> & { readonly path: CheckTemplate<P, S, K, Path> }
      : O[Key];
};

/** A memory literal must be a number and a unit (`'2Gi'`); a value typed just `string` is left to the validator. */
type CheckMemory<T> = T extends string
  ? string extends T
    ? T
    : T extends `${number}${MemoryUnit}`
      ? T
      : PipelineReferenceError<`invalid memory ${Quote<T>}: expected a number and a unit ('Ki', 'Mi', 'Gi', 'Ti' or 'k', 'M', 'G', 'T'), e.g. '512Mi'`>
  : T;

type CheckResources<R> = { readonly [F in keyof R]: F extends 'memory' ? CheckMemory<R[F]> : R[F] };

/** The checks of one step, intersected with what the caller wrote. */
export type CheckStep<P, S, K extends keyof S> = {
  readonly needs?: CheckNeeds<S, K, S[K] extends { readonly needs: infer N } ? N : undefined>;
  readonly if?: CheckCondition<P, S, K, S[K] extends { readonly if: infer I } ? I : undefined>;
  readonly run?: CheckTemplate<P, S, K, S[K] extends { readonly run: infer R } ? R : undefined>;
  readonly workingDirectory?: CheckTemplate<P, S, K, S[K] extends { readonly workingDirectory: infer D } ? D : undefined>;
} & (S[K] extends { readonly env: infer E } ? { readonly env?: CheckRecord<P, S, K, E> } : unknown) &
  (S[K] extends { readonly with: infer W } ? { readonly with: CheckWith<P, S, K, W> } : unknown) &
  (S[K] extends { readonly outputs: infer O } ? { readonly outputs?: CheckOutputs<P, S, K, O> } : unknown) &
  (S[K] extends { readonly resources: infer R } ? { readonly resources?: CheckResources<R> } : unknown);

type CheckParam<T> = T extends { readonly type: 'choice'; readonly options: readonly (infer O)[]; readonly default: infer D }
  ? D extends O
    ? unknown
    : { readonly default: PipelineReferenceError<`the default ${Quote<D & string>} is not one of the options`> }
  : unknown;

/** The checks of a whole pipeline. */
export type CheckPipeline<P, S> = {
  readonly params?: { readonly [Name in keyof P]: CheckParam<P[Name]> };
  readonly env?: Readonly<Record<string, string | number | boolean>>;
  readonly steps: { readonly [K in keyof S]: CheckStep<P, S, K> };
};

// ---------------------------------------------------------------- param values

type ParamValueOf<T> = T extends { readonly type: 'int' | 'float' }
  ? number
  : T extends { readonly type: 'bool' }
    ? boolean
    : T extends { readonly type: 'choice'; readonly options: readonly (infer O)[] }
      ? O
      : string;

/**
 * The param values an execution of a pipeline takes: optional where a default exists.
 * `PipelineParams<typeof pipeline>` for a pipeline made by `definePipeline`.
 */
export type ParamValues<P> = {
  readonly [Name in keyof P as P[Name] extends { readonly default: unknown } ? never : Name]: ParamValueOf<P[Name]>;
} & {
  readonly [Name in keyof P as P[Name] extends { readonly default: unknown } ? Name : never]?: ParamValueOf<P[Name]>;
};
