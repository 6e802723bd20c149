/**
 * The pipeline engine: implements {@link PipelineOperations} over a {@link PipelineStore},
 * an {@link Executor} and the tracking and registry services.
 *
 * It keeps nothing that matters in memory. A scheduler loop lists the active executions
 * (with their revisions) and advances each one from its state — the copy it holds in
 * memory and writes through ({@link ActiveExecutions}), read again from the store when
 * someone else has changed the execution: it decides which steps are
 * skipped, gated, expanded (matrix) or started, and writes each decision as one
 * transaction. Attempts run in the background; when one ends, its result is written (one
 * transaction) and the loop is woken. After a crash, `start()` turns attempts left
 * `running` into infrastructure failures (killing their orphaned process groups), retries
 * them per their policy, and the loop carries on.
 *
 * This class owns the lifecycle (start, stop, the loop) and the shared
 * {@link EngineContext}; the work is done by the functions it delegates to
 * (`advanceExecution`, `launchAttempt`, `finishAttempt`, `cancelExecution`, …).
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { ActiveExecution } from '../../core/ports/pipeline-store.js';
import type {
  Execution,
  ListExecutionsQuery,
  LogChunk,
  PageRequest,
  PipelineOperations,
  PipelineSummary,
  PipelineVersion,
  ReadLogsQuery,
  ResultPage,
  StartExecutionInput,
  UpsertPipelineInput,
} from '../../core/pipelines/execution-model.js';
import { resolveParams } from '../../core/pipelines/param-overrides.js';
import { decodePageToken, nextPageToken } from '../../core/tracking/page-token.js';
import { hashPipeline } from '../pipeline-hash.js';
import { ActiveExecutions } from './active-executions.js';
import { EngineLeadership } from './engine-leadership.js';
import { advanceExecution } from './advance-execution.js';
import { secretMasker } from './attempt-log.js';
import { cancelExecution } from './cancel-execution.js';
import { createExecution } from './create-execution.js';
import { DeclaredCodeDigests } from './declared-code-digests.js';
import { describeError } from './describe-error.js';
import type { EngineContext } from './engine-context.js';
import { toExecution } from './execution-view.js';
import { Mutex } from './mutex.js';
import { pageLimit } from './page-limit.js';
import { PipelineDefinitions } from './pipeline-definitions.js';
import type { PipelineEngineDeps, PipelineEngineOptions } from './pipeline-engine-options.js';
import { parsePipelineSource } from './pipeline-source.js';
import { readStepLogs } from './read-step-logs.js';
import { recoverExecutions } from './recover-executions.js';
import { retryExecution } from './retry-execution.js';
import { PendingRunEnds } from './run-ends.js';
import { ExecutionRuns } from './tracking-runs.js';

export type { PipelineEngineDeps, PipelineEngineOptions } from './pipeline-engine-options.js';

export class PipelineEngine implements PipelineOperations {
  readonly #ctx: EngineContext;
  readonly #leadership: EngineLeadership;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #again = false;

  constructor(deps: PipelineEngineDeps, options: PipelineEngineOptions) {
    const now = options.clock ?? Date.now;
    this.#leadership = new EngineLeadership({
      leases: deps.leases,
      holder: options.holder ?? `engine-${randomUUID()}`,
      ttlMs: options.leaseTtlMs ?? 15_000,
      now,
    });
    this.#ctx = {
      deps,
      options,
      now,
      runs: new ExecutionRuns(deps.tracking, now),
      runEnds: new PendingRunEnds(),
      lock: new Mutex(),
      active: new ActiveExecutions(deps.store),
      running: new Map(),
      definitions: new PipelineDefinitions(deps.store),
      declaredCode: new DeclaredCodeDigests(options.dataDir),
      mask: secretMasker(Object.values(options.secrets ?? {})),
      trackingUri: '',
      started: false,
      stopping: false,
      nudge: () => this.nudge(),
      warn: (message) => options.log?.warn(message),
    };
  }

  // --- lifecycle -----------------------------------------------------------------------

  /**
   * Recovers what a previous process left running, then starts the loop. `trackingUri` is
   * the server's own URL, given to steps as MLFLOW_TRACKING_URI. With a lease store, the
   * recovery waits until this process holds the `pipeline-engine` lease (another live
   * server's running steps are not another's leftovers).
   */
  async start(trackingUri: string): Promise<void> {
    const ctx = this.#ctx;
    ctx.trackingUri = trackingUri;
    if ((await this.#leadership.check()) === 'elected') await ctx.lock.run(() => recoverExecutions(ctx));
    ctx.started = true;
    this.#timer = setInterval(() => this.nudge(), ctx.options.pollIntervalMs ?? 500);
    this.#timer.unref();
    this.nudge();
  }

  /**
   * Stops the loop. Running processes are ended (their groups killed) and their attempts
   * recorded as interrupted: the steps go back to `pending` and run again, without counting
   * against their retry policy, when the server starts next. Built-in steps are let finish.
   */
  async stop(): Promise<void> {
    const ctx = this.#ctx;
    if (ctx.stopping) return;
    ctx.stopping = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    // A tick in progress may be launching an attempt (under the lock): let it finish first,
    // so that attempt is among the ones ended below rather than left running by a stopped
    // engine (a restarted engine would take it for a crash's leftover and fail it).
    await ctx.lock.run(() => Promise.resolve());
    for (const running of ctx.running.values()) {
      if (running.kind === 'run') {
        running.control.cancelled = true;
        running.control.handle?.cancel();
      }
    }
    await Promise.all([...ctx.running.values()].map((r) => r.done));
    await ctx.runEnds.all();
    // Let a tick in progress finish before the caller closes the store.
    await ctx.lock.run(() => Promise.resolve());
    // Another server may take over at once.
    await this.#leadership.release();
  }

  /** Wakes the loop (after a change it should look at). */
  nudge(): void {
    if (!this.#ctx.started || this.#ctx.stopping) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = true;
    void this.#tick().finally(() => {
      this.#ticking = false;
      if (this.#again) {
        this.#again = false;
        this.nudge();
      }
    });
  }

  /** Resolves when no attempt is running and no tick is in progress (for tests). */
  async idle(): Promise<void> {
    const running = this.#ctx.running;
    while (this.#ticking || running.size > 0) {
      await Promise.all([...running.values()].map((r) => r.done));
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async #tick(): Promise<void> {
    const ctx = this.#ctx;
    const leadership = await this.#leadership.check();
    if (leadership === 'follower') {
      // Another server advances executions; hold no copies that could go stale.
      await ctx.lock.run(() => Promise.resolve(ctx.active.retain(new Set())));
      return;
    }
    if (leadership === 'elected') {
      try {
        await ctx.lock.run(() => recoverExecutions(ctx));
      } catch (e) {
        ctx.warn(`pipeline engine: cannot recover executions: ${describeError(e)}`);
        await this.#leadership.release();
        return;
      }
    }
    let active: ActiveExecution[];
    try {
      active = await ctx.deps.store.listActiveExecutions();
    } catch (e) {
      ctx.warn(`pipeline engine: cannot list executions: ${describeError(e)}`);
      return;
    }
    const ids = new Set(active.map((a) => a.executionId));
    await ctx.lock.run(() => Promise.resolve(ctx.active.retain(ids)));
    for (const { executionId: id, revision } of active) {
      if (ctx.stopping) return;
      try {
        await ctx.lock.run(() => advanceExecution(ctx, id, revision));
      } catch (e) {
        ctx.warn(`pipeline engine: execution ${id}: ${describeError(e)}`);
      }
    }
  }

  // --- operations ----------------------------------------------------------------------

  async upsertPipeline(input: UpsertPipelineInput, actor: string): Promise<{ readonly pipeline: PipelineVersion; readonly created: boolean }> {
    const { definition, sourceText } = parsePipelineSource(input);
    return this.#ctx.deps.store.upsertPipelineVersion({
      name: definition.name,
      hash: hashPipeline(definition),
      definition,
      sourceFormat: input.sourceFormat,
      sourceText,
      description: definition.description,
      codeDir: input.codeDir,
      createdTime: this.#ctx.now(),
      createdBy: actor,
    });
  }

  async listPipelines(query: PageRequest): Promise<ResultPage<PipelineSummary>> {
    const limit = pageLimit(query.maxResults);
    const offset = decodePageToken(query.pageToken);
    const page = await this.#ctx.deps.store.listPipelines({ limit, offset });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  getPipeline(name: string, version?: number): Promise<PipelineVersion> {
    return this.#ctx.deps.store.getPipelineVersion(name, version);
  }

  async startExecution(input: StartExecutionInput, actor: string): Promise<Execution> {
    const store = this.#ctx.deps.store;
    const version = await store.getPipelineVersion(input.pipelineName, input.version);
    const params = resolveParams(version.definition, input.params);
    const codeDir = input.codeDir ?? (await store.getPipelineCodeDir(version.name));
    const record = await createExecution(this.#ctx, {
      version,
      params,
      codeDir,
      trigger: input.trigger ?? { type: 'manual' },
      actor,
      reuse: () => undefined,
    });
    this.nudge();
    return toExecution(record);
  }

  async listExecutions(query: ListExecutionsQuery): Promise<ResultPage<Execution>> {
    const limit = pageLimit(query.maxResults);
    const offset = decodePageToken(query.pageToken);
    const page = await this.#ctx.deps.store.listExecutions({ limit, offset, pipelineName: query.pipelineName, status: query.status });
    return { items: page.items.map(toExecution), nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  async getExecution(executionId: string): Promise<Execution> {
    return toExecution(await this.#ctx.deps.store.getExecution(executionId));
  }

  readLogs(executionId: string, query: ReadLogsQuery): Promise<LogChunk> {
    return readStepLogs(this.#ctx, executionId, query);
  }

  cancelExecution(executionId: string, actor: string): Promise<Execution> {
    return cancelExecution(this.#ctx, executionId, actor);
  }

  async retryExecution(executionId: string, options: { readonly latest?: boolean | undefined }, actor: string): Promise<Execution> {
    const record = await retryExecution(this.#ctx, executionId, options, actor);
    this.nudge();
    return toExecution(record);
  }
}

