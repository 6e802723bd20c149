import { setTimeout as sleep } from 'node:timers/promises';
import type { PipelineDefinition } from '../../core/pipelines/pipeline-model.js';
import { SlipwayApiError } from '../errors.js';
import type { HttpTransport, QueryValue } from '../http-transport.js';
import { iterate, type Page } from '../paging.js';
import {
  isExecutionFinished,
  type Execution,
  type ExecutionStatus,
  type LogChunk,
  type Pipeline,
  type PipelineIssueDetail,
  type PipelineSourceFormat,
  type PipelineSummary,
} from './pipeline-types.js';

const SLIPWAY = '/api/slipway/v1';

/** How often `waitForExecution` and `followLogs` ask, by default. */
export const DEFAULT_POLL_INTERVAL_MS = 1000;

export interface UpsertPipelineOptions {
  /** YAML text (`sourceFormat: 'yaml'`), or the validated model (`definePipeline`'s result, `loadPipelineFile(…).definition`). */
  readonly source: string | PipelineDefinition;
  readonly sourceFormat: PipelineSourceFormat;
  /** The file name error messages show (`pipeline.yaml:14:9: …`). */
  readonly fileName?: string | undefined;
  /** A directory on the server's machine with the steps' code (snapshotted when an execution starts). */
  readonly codeDir?: string | undefined;
}

export interface UpsertPipelineResult {
  readonly pipeline: Pipeline;
  /** False when a version with the same content hash already existed (it is returned). */
  readonly created: boolean;
}

export interface PageOptions {
  /** Page size (1–1000; server default 100). */
  readonly maxResults?: number | undefined;
  /** A `nextPageToken` from the previous page. */
  readonly pageToken?: string | undefined;
}

export interface StartExecutionOptions {
  /** Default: the latest version. */
  readonly version?: number | undefined;
  /** Overrides of the params' defaults: typed values, or strings (`'200'`) as the command line gives them. */
  readonly params?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Overrides the code directory recorded with the pipeline. */
  readonly codeDir?: string | undefined;
}

export interface ExecutionFilter {
  /** Only this pipeline's executions. */
  readonly pipeline?: string | undefined;
  readonly status?: ExecutionStatus | undefined;
}

export interface LogsQuery {
  readonly step: string;
  /** A matrix instance key (`region=north`). */
  readonly instance?: string | undefined;
  /** Default: the latest attempt. */
  readonly attempt?: number | undefined;
  /** Byte offset to read from (default 0). */
  readonly offset?: number | undefined;
  readonly maxBytes?: number | undefined;
}

export interface PollOptions {
  /** Time between requests (default 1000 ms). */
  readonly intervalMs?: number | undefined;
  /** Stops waiting (the promise or the loop rejects with the signal's reason). */
  readonly signal?: AbortSignal | undefined;
}

export interface WaitOptions extends PollOptions {
  /** Called with the execution after every poll, the last one included. */
  readonly onUpdate?: ((execution: Execution) => void | Promise<void>) | undefined;
}

/**
 * Pipelines and their executions (`/api/slipway/v1/pipelines`, `/executions`): store
 * versions, start, watch, cancel and retry executions, read step logs.
 *
 * ```ts
 * const { pipeline } = await client.pipelines.upsert({ source: yamlText, sourceFormat: 'yaml', fileName: 'pipeline.yaml', codeDir });
 * const execution = await client.pipelines.startExecution(pipeline.name, { params: { n_estimators: 200 } });
 * const done = await client.pipelines.waitForExecution(execution.execution_id, { onUpdate: (e) => console.log(e.status) });
 * if (done.status === 'failed') await client.pipelines.retry(done.execution_id, { latest: true });
 * ```
 *
 * A definition or params that cannot be used is a {@link SlipwayApiError}
 * `INVALID_PARAMETER_VALUE` whose message lists the problems (`pipeline.yaml:6:22: …`);
 * {@link pipelineIssues} returns them one by one.
 */
export class PipelinesClient {
  readonly #http: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#http = transport;
  }

  // --- pipelines ---------------------------------------------------------------------

  /** Validates the pipeline and stores a new version when its content hash is new. */
  async upsert(options: UpsertPipelineOptions): Promise<UpsertPipelineResult> {
    const res = await this.#send<{ pipeline: Pipeline; created: boolean }>(`${SLIPWAY}/pipelines`, {
      source: options.source,
      source_format: options.sourceFormat,
      file_name: options.fileName,
      code_dir: options.codeDir,
    });
    return { pipeline: res.pipeline, created: res.created };
  }

  /** One page of pipelines, with their latest version and last execution. */
  async list(options: PageOptions = {}): Promise<Page<PipelineSummary>> {
    const res = await this.#get<{ pipelines?: PipelineSummary[]; next_page_token?: string }>(`${SLIPWAY}/pipelines`, {
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return page(res.pipelines, res.next_page_token);
  }

  /** Every pipeline, fetched page by page as the loop goes. */
  iterate(options: { pageSize?: number | undefined } = {}): AsyncGenerator<PipelineSummary, void, undefined> {
    return iterate((pageToken) => this.list({ maxResults: options.pageSize, pageToken }));
  }

  /** A pipeline version (default: the latest) with its definition and source. */
  async get(name: string, options: { version?: number | undefined } = {}): Promise<Pipeline> {
    return (await this.#get<{ pipeline: Pipeline }>(`${SLIPWAY}/pipelines/${segment(name)}`, { version: options.version })).pipeline;
  }

  // --- executions --------------------------------------------------------------------

  /** Starts an execution (queued; returns at once). The params are type-checked by the server. */
  async startExecution(pipelineName: string, options: StartExecutionOptions = {}): Promise<Execution> {
    const res = await this.#send<{ execution: Execution }>(`${SLIPWAY}/pipelines/${segment(pipelineName)}/executions`, {
      version: options.version,
      params: options.params ?? {},
      code_dir: options.codeDir,
    });
    return res.execution;
  }

  /** One page of executions, newest first. */
  async listExecutions(options: ExecutionFilter & PageOptions = {}): Promise<Page<Execution>> {
    const res = await this.#get<{ executions?: Execution[]; next_page_token?: string }>(`${SLIPWAY}/executions`, {
      pipeline: options.pipeline,
      status: options.status,
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return page(res.executions, res.next_page_token);
  }

  /** Every execution (of one pipeline, in one status), newest first, page by page. */
  iterateExecutions(options: ExecutionFilter & { pageSize?: number | undefined } = {}): AsyncGenerator<Execution, void, undefined> {
    return iterate((pageToken) => this.listExecutions({ pipeline: options.pipeline, status: options.status, maxResults: options.pageSize, pageToken }));
  }

  async getExecution(executionId: string): Promise<Execution> {
    return (await this.#get<{ execution: Execution }>(executionPath(executionId))).execution;
  }

  /** Kills the running steps; a finished execution is returned as it is. */
  async cancel(executionId: string): Promise<Execution> {
    return (await this.#send<{ execution: Execution }>(`${executionPath(executionId)}/cancel`, {})).execution;
  }

  /**
   * A new execution of a failed or cancelled one: steps that succeeded are reused (their
   * outputs, artifacts and metrics), the others run again with a fresh snapshot of the
   * code directory — and with the pipeline's latest version when `latest` is set.
   */
  async retry(executionId: string, options: { latest?: boolean | undefined } = {}): Promise<Execution> {
    return (await this.#send<{ execution: Execution }>(`${executionPath(executionId)}/retry`, { latest: options.latest })).execution;
  }

  /**
   * Polls the execution until it has ended (succeeded, failed or cancelled) and returns
   * it; `onUpdate` sees it after every poll.
   */
  async waitForExecution(executionId: string, options: WaitOptions = {}): Promise<Execution> {
    const interval = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    for (;;) {
      options.signal?.throwIfAborted();
      const execution = await this.getExecution(executionId);
      await options.onUpdate?.(execution);
      if (isExecutionFinished(execution)) return execution;
      await pause(interval, options.signal);
    }
  }

  // --- logs --------------------------------------------------------------------------

  /** A chunk of a step attempt's log from a byte offset (read on from `next_offset` until `complete`). */
  async readLogs(executionId: string, query: LogsQuery): Promise<LogChunk> {
    return this.#get<LogChunk>(`${executionPath(executionId)}/logs`, {
      step: query.step,
      instance: query.instance,
      attempt: query.attempt,
      offset: query.offset,
      max_bytes: query.maxBytes,
    });
  }

  /**
   * A step attempt's log as it is written: yields each new piece of text, polling while
   * nothing is new, and ends when the attempt has ended and everything has been read.
   * Without `attempt` it follows the step's latest attempt, waiting for the first one to
   * start; it ends at once for a step that finished without running (skipped, reused).
   */
  async *followLogs(
    executionId: string,
    query: Omit<LogsQuery, 'offset'> & PollOptions & { offset?: number | undefined },
  ): AsyncGenerator<string, void, undefined> {
    const interval = query.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    // Pinned, so that a retry starting meanwhile does not switch logs under the offset.
    let attempt = query.attempt;
    while (attempt === undefined) {
      query.signal?.throwIfAborted();
      const execution = await this.getExecution(executionId);
      const step = execution.steps.find((s) => s.step_id === query.step && (query.instance === undefined || s.instance === query.instance));
      if (step === undefined) break; // the server names what is wrong
      attempt = step.attempts.at(-1)?.attempt;
      if (attempt === undefined) {
        if (!['pending', 'waiting', 'running'].includes(step.status) || isExecutionFinished(execution)) return;
        await pause(interval, query.signal);
      }
    }
    let offset = query.offset ?? 0;
    for (;;) {
      query.signal?.throwIfAborted();
      const chunk = await this.readLogs(executionId, { step: query.step, instance: query.instance, attempt, offset, maxBytes: query.maxBytes });
      if (chunk.text !== '') yield chunk.text;
      offset = chunk.next_offset;
      if (chunk.complete) return;
      if (chunk.text === '') await pause(interval, query.signal);
    }
  }

  // --- plumbing ----------------------------------------------------------------------

  #get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.#http.request<T>({ method: 'GET', path, query });
  }

  #send<T>(path: string, body: Record<string, unknown>): Promise<T> {
    return this.#http.request<T>({ method: 'POST', path, body });
  }
}

/**
 * The problems behind an `INVALID_PARAMETER_VALUE` about a pipeline definition or params,
 * one by one (`file:line:column` when the definition came from a file); empty for any
 * other error.
 */
export function pipelineIssues(error: unknown): PipelineIssueDetail[] {
  if (!(error instanceof SlipwayApiError)) return [];
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter((i): i is PipelineIssueDetail => typeof i === 'object' && i !== null && typeof (i as { message?: unknown }).message === 'string');
}

/** Waits `ms`; an abort rejects with the signal's reason. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw e;
  }
}

function executionPath(executionId: string): string {
  return `${SLIPWAY}/executions/${segment(executionId)}`;
}

function page<T>(items: T[] | undefined, token: string | undefined): Page<T> {
  return token === undefined || token === '' ? { items: items ?? [] } : { items: items ?? [], nextPageToken: token };
}

/** A name or id as one path segment. */
function segment(text: string): string {
  return encodeURIComponent(text);
}
