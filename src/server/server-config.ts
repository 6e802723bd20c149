import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebhookDispatcherOptions } from '../webhooks/webhook-dispatcher.js';

/** Settings as given on the command line or in the environment (all optional, all text). */
export interface ServerOptions {
  readonly host?: string | undefined;
  readonly port?: string | undefined;
  readonly backendStoreUri?: string | undefined;
  readonly artifactsDestination?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly bodyLimit?: string | undefined;
  readonly logLevel?: string | undefined;
  readonly accessLog?: boolean | undefined;
  /** A path prefix (`/slipway`) the UI and API are also served under. Env: SLIPWAY_STATIC_PREFIX. */
  readonly staticPrefix?: string | undefined;
  /** Pipeline steps that may run at once on this server (default: the number of CPUs). Env: SLIPWAY_MAX_CONCURRENT_STEPS. */
  readonly maxConcurrentSteps?: string | undefined;
  /** Steps of one execution that may run at once (default: no limit of its own). Env: SLIPWAY_MAX_PARALLEL_PER_EXECUTION. */
  readonly maxParallelPerExecution?: string | undefined;
  /** Comma-separated names of environment variables passed to pipeline steps as secrets. Env: SLIPWAY_PIPELINE_SECRETS. */
  readonly pipelineSecrets?: string | undefined;
  /** Endpoint scoring requests slower than this get 504 (0: no timeout). Env: SLIPWAY_REQUEST_TIMEOUT_MS. */
  readonly requestTimeoutMs?: string | undefined;
  /** Endpoint scoring requests answered at once; more get 503 + Retry-After (0: no limit). Env: SLIPWAY_MAX_IN_FLIGHT. */
  readonly maxInFlight?: string | undefined;
  /** Python interpreter (with mlflow) for the Python model runtime and ONNX compilation. Env: SLIPWAY_PYTHON. */
  readonly python?: string | undefined;
}

/** Serving endpoints' limits; defaults when absent. */
export interface ServingConfig {
  readonly requestTimeoutMs?: number | undefined;
  readonly maxInFlight?: number | undefined;
  /** The Python interpreter for pyfunc models and scikit-learn compilation; undefined: `python3` on the PATH. */
  readonly python?: string | undefined;
}

/** Pipeline engine settings. */
export interface PipelineEngineConfig {
  /** Undefined: the number of CPUs. */
  readonly maxConcurrentSteps?: number | undefined;
  readonly maxParallelPerExecution?: number | undefined;
  /** Names of the server's environment variables given to steps as secrets (masked in logs). */
  readonly secretNames: readonly string[];
}

/** Validated settings, resolved once at start and passed down. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** `sqlite:///…` or `postgresql://…`. */
  readonly backendStoreUri: string;
  /** Absolute directory where proxied artifacts are stored. */
  readonly artifactsDirectory: string;
  readonly dataDir: string;
  /** Root of the artifact URIs new experiments get. */
  readonly defaultArtifactRoot: string;
  readonly bodyLimit: number;
  readonly logLevel: string;
  readonly accessLog: boolean;
  /** `''` or a prefix like `/slipway` (no trailing slash) stripped from request paths; the web UI's base. */
  readonly staticPrefix?: string | undefined;
  /** Webhook delivery tuning (poll interval, retries, timeouts); the defaults when absent. */
  readonly webhookDelivery?: Omit<WebhookDispatcherOptions, 'log' | 'clock'> | undefined;
  /** The pipeline engine's limits and secrets; defaults when absent. */
  readonly pipelines?: PipelineEngineConfig | undefined;
  /** The scheduler's tick interval and lease; defaults when absent. */
  readonly scheduler?: SchedulerConfig | undefined;
  /** Serving endpoints' request timeout and admission limit; defaults when absent. */
  readonly serving?: ServingConfig | undefined;
}

/**
 * Scheduler settings. `intervalMs` from SLIPWAY_SCHEDULER_INTERVAL_MS (default 1000);
 * `leaseTtlMs` only from SLIPWAY_TEST_ONLY_SCHEDULER_LEASE_TTL_MS, for tests that kill the
 * leader and wait for another server to take over (default 15000); it is the pipeline
 * engine's lease TTL too.
 */
export interface SchedulerConfig {
  readonly intervalMs?: number | undefined;
  readonly leaseTtlMs?: number | undefined;
}

/** A setting that cannot be used; its message is one line naming the setting. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Defaults, then checks. Relative paths are resolved against `cwd`. */
export function resolveServerConfig(options: ServerOptions, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = resolve(cwd, options.dataDir ?? 'slipway-data');
  const host = options.host ?? '127.0.0.1';
  if (host.trim() === '') throw new ConfigError('--host must not be empty');
  const port = parseInteger(options.port ?? '5000', '--port', 0, 65_535);
  const backendStoreUri = options.backendStoreUri ?? sqliteUriFor(resolve(dataDir, 'slipway.db'));
  checkBackendStoreUri(backendStoreUri);
  const artifactsDirectory = artifactsDirectoryOf(options.artifactsDestination ?? resolve(dataDir, 'artifacts'), cwd);
  const bodyLimit = parseInteger(options.bodyLimit ?? String(16 * 1024 * 1024), '--body-limit', 1024, 1024 ** 3);
  const logLevel = options.logLevel ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}; got '${logLevel}'`);
  }
  const maxSteps = options.maxConcurrentSteps ?? env.SLIPWAY_MAX_CONCURRENT_STEPS;
  const maxPerExecution = options.maxParallelPerExecution ?? env.SLIPWAY_MAX_PARALLEL_PER_EXECUTION;
  const secretNames = (options.pipelineSecrets ?? env.SLIPWAY_PIPELINE_SECRETS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of secretNames) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ConfigError(`--pipeline-secrets: '${name}' is not an environment variable name`);
  }
  const pipelines: PipelineEngineConfig = {
    maxConcurrentSteps: maxSteps === undefined ? undefined : parseInteger(maxSteps, '--max-concurrent-steps', 1, 10_000),
    maxParallelPerExecution: maxPerExecution === undefined ? undefined : parseInteger(maxPerExecution, '--max-parallel-per-execution', 1, 10_000),
    secretNames,
  };
  return Object.freeze({
    host,
    port,
    backendStoreUri,
    artifactsDirectory,
    dataDir,
    defaultArtifactRoot: 'mlflow-artifacts:/',
    bodyLimit,
    logLevel,
    accessLog: options.accessLog ?? false,
    staticPrefix: staticPrefixOf(options.staticPrefix),
    pipelines,
    scheduler: schedulerConfig(env),
    serving: {
      requestTimeoutMs: options.requestTimeoutMs === undefined ? undefined : parseInteger(options.requestTimeoutMs, '--request-timeout-ms', 0, 3_600_000),
      maxInFlight: options.maxInFlight === undefined ? undefined : parseInteger(options.maxInFlight, '--max-in-flight', 0, 1_000_000),
      python: options.python === undefined || options.python.trim() === '' ? undefined : options.python,
    },
  });
}

/** `/slipway` from `/slipway/` or `slipway`; '' for none. Only URL-safe path characters, no `.` or `..` segments. */
function staticPrefixOf(value: string | undefined): string {
  const trimmed = (value ?? '').trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  const prefix = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  if (!/^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/.test(prefix) || prefix.split('/').some((s) => s === '.' || s === '..')) {
    throw new ConfigError(`--static-prefix must be a path like /slipway (letters, digits, '.', '_', '~', '-'); got '${value ?? ''}'`);
  }
  return prefix;
}

function schedulerConfig(env: NodeJS.ProcessEnv): SchedulerConfig {
  const interval = env.SLIPWAY_SCHEDULER_INTERVAL_MS;
  const lease = env.SLIPWAY_TEST_ONLY_SCHEDULER_LEASE_TTL_MS;
  return {
    intervalMs: interval === undefined ? undefined : parseInteger(interval, 'SLIPWAY_SCHEDULER_INTERVAL_MS', 100, 3_600_000),
    leaseTtlMs: lease === undefined ? undefined : parseInteger(lease, 'SLIPWAY_TEST_ONLY_SCHEDULER_LEASE_TTL_MS', 500, 3_600_000),
  };
}

/** `sqlite:///` + path, as SQLAlchemy spells it (an absolute path gives four slashes). */
export function sqliteUriFor(path: string): string {
  return `sqlite:///${path}`;
}

function parseInteger(text: string, name: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(text.trim())) throw new ConfigError(`${name} must be an integer; got '${text}'`);
  const n = Number(text);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}; got ${n}`);
  return n;
}

function checkBackendStoreUri(uri: string): void {
  const scheme = uri.split(':', 1)[0]?.toLowerCase() ?? '';
  if (scheme === 'sqlite') {
    if (!uri.startsWith('sqlite:///') && uri !== 'sqlite://') {
      throw new ConfigError(`--backend-store-uri '${uri}': a SQLite URI looks like sqlite:///relative.db or sqlite:////absolute/path.db`);
    }
    return;
  }
  if (scheme === 'postgresql' || scheme === 'postgres' || scheme.startsWith('postgresql+')) {
    try {
      new URL(uri.replace(/^postgresql\+[a-z0-9]+:/i, 'postgresql:'));
    } catch {
      throw new ConfigError(`--backend-store-uri: '${redactUri(uri)}' is not a valid PostgreSQL URI`);
    }
    return;
  }
  throw new ConfigError(
    `--backend-store-uri '${redactUri(uri)}' has an unsupported scheme '${scheme}'; use sqlite:///… or postgresql://…`,
  );
}

function artifactsDirectoryOf(destination: string, cwd: string): string {
  if (destination.startsWith('file:')) {
    try {
      return fileURLToPath(destination);
    } catch {
      throw new ConfigError(`--artifacts-destination '${destination}' is not a valid file: URI`);
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(destination)?.[1];
  if (scheme !== undefined) {
    throw new ConfigError(
      `--artifacts-destination '${destination}': the '${scheme}' scheme is not supported yet; use a local directory or a file: URI`,
    );
  }
  return isAbsolute(destination) ? destination : resolve(cwd, destination);
}

/** A URI with its password replaced, for messages and logs. */
export function redactUri(uri: string): string {
  return uri.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
