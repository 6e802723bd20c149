/**
 * The pipeline engine: implements {@link PipelineOperations} over a {@link PipelineStore},
 * an {@link Executor} and the tracking and registry services.
 *
 * It keeps nothing that matters in memory. A scheduler loop reads the active executions
 * from the store and advances each one from its stored state: it decides which steps are
 * skipped, gated, expanded (matrix) or started, and writes each decision as one
 * transaction. Attempts run in the background; when one ends, its result is written (one
 * transaction) and the loop is woken. After a crash, `start()` turns attempts left
 * `running` into infrastructure failures (killing their orphaned process groups), retries
 * them per their policy, and the loop carries on.
 * @module
 */

import { join } from 'node:path';
import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type {
  Execution,
  ExecutionStatus,
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
import { expandMatrix } from '../../core/pipelines/expand-matrix.js';
import { ExpressionError } from '../../core/pipelines/expressions/expression-error.js';
import { evaluateCondition, evaluateInputs, evaluateTemplate, interpolate, type ExpressionContext } from '../../core/pipelines/expressions/evaluate-expression.js';
import { resolveParams } from '../../core/pipelines/param-overrides.js';
import { stepOrder } from '../../core/pipelines/pipeline-graph.js';
import { FAILURE_CLASSES, type FailureClass, type JsonValue, type PipelineDefinition, type RunStepDefinition, type StepDefinition } from '../../core/pipelines/pipeline-model.js';
import { retryDelaySeconds, shouldRetry } from '../../core/pipelines/retry-delay.js';
import type { ArtifactStore } from '../../core/ports/artifact-store.js';
import type { Executor } from '../../core/ports/executor.js';
import type { AttemptRecord, ExecutionRecord, PipelineStore, StepRecord, Transition } from '../../core/ports/pipeline-store.js';
import type { RegistryStore } from '../../core/ports/registry-store.js';
import type { RegistryService } from '../../core/registry/registry-service.js';
import { decodePageToken, nextPageToken } from '../../core/tracking/page-token.js';
import type { TrackingService } from '../../core/tracking/tracking-service.js';
import { currentBootId, killProcessGroup, processGroupAlive } from '../../executors/process-groups.js';
import { hashPipeline } from '../pipeline-hash.js';
import { BUILTIN_RUNNERS } from '../builtins/index.js';
import { BuiltinStepError } from '../builtins/builtin-context.js';
import { artifactFileName } from './artifact-transfer.js';
import { AttemptLog, attemptLogPath, readLogFile, secretMasker } from './attempt-log.js';
import { cacheKey, canonicalStep } from './cache-key.js';
import { snapshotCode } from './code-snapshot.js';
import { declaredCode, DeclaredCodeError } from './declared-code.js';
import { toExecution } from './execution-view.js';
import { newExecutionId } from './ids.js';
import { Mutex } from './mutex.js';
import { parsePipelineSource } from './pipeline-source.js';
import { runStepAttempt, type AttemptControl, type AttemptResult, type DeclaredOutput, type InputArtifact } from './run-step-attempt.js';
import { buildContext, stepById, type ArtifactPathOf } from './step-context.js';
import { baseEnvironment, inputVariable } from './step-environment.js';
import { instanceDirName, instanceKey, instanceRows, isGateStop, isTerminal, stepRow } from './step-rows.js';
import { ExecutionRuns } from './tracking-runs.js';

export interface PipelineEngineDeps {
  readonly store: PipelineStore;
  readonly executor: Executor;
  readonly tracking: TrackingService;
  readonly registry: RegistryService;
  readonly registryStore: RegistryStore;
  readonly artifacts: ArtifactStore;
}

export interface PipelineEngineOptions {
  /** Holds code snapshots, attempt workspaces and logs. */
  readonly dataDir: string;
  /** Steps of one execution running at once. @default unlimited (the executor's limit applies) */
  readonly maxParallelPerExecution?: number | undefined;
  /** Secret env vars (name → value) given to every step and masked in logs. */
  readonly secrets?: Readonly<Record<string, string>> | undefined;
  /** The server's environment, of which PATH, HOME, locale… are passed on. @default process.env */
  readonly serverEnv?: NodeJS.ProcessEnv | undefined;
  /** How often the loop looks at the store without being woken. @default 500 */
  readonly pollIntervalMs?: number | undefined;
  /** Largest code snapshot. @default 256 MiB */
  readonly snapshotLimitBytes?: number | undefined;
  readonly clock?: (() => number) | undefined;
  readonly random?: (() => number) | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly log?: { warn(message: string): void; info?(message: string): void } | undefined;
}

const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['queued', 'running', 'cancelling'];
const POSITION_STRIDE = 10_000;
const DEFAULT_LOG_CHUNK = 1024 * 1024;

interface RunningAttempt {
  readonly executionId: string;
  readonly kind: 'run' | 'uses';
  readonly control: AttemptControl;
  readonly done: Promise<void>;
}

interface StepFailure {
  readonly status: 'failed' | 'skipped' | 'gated';
  readonly reason: string;
  readonly failureClass?: 'user' | undefined;
}

export class PipelineEngine implements PipelineOperations {
  readonly #deps: PipelineEngineDeps;
  readonly #options: PipelineEngineOptions;
  readonly #now: () => number;
  readonly #runs: ExecutionRuns;
  readonly #lock = new Mutex();
  readonly #running = new Map<string, RunningAttempt>();
  readonly #definitions = new Map<string, PipelineDefinition>();
  /** Digests of declared code, by snapshot and patterns (snapshots never change). */
  readonly #declaredCode = new Map<string, Promise<string>>();
  readonly #mask: (text: string) => string;
  #trackingUri = '';
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #again = false;
  #started = false;
  #stopping = false;

  constructor(deps: PipelineEngineDeps, options: PipelineEngineOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#now = options.clock ?? Date.now;
    this.#runs = new ExecutionRuns(deps.tracking, this.#now);
    this.#mask = secretMasker(Object.values(options.secrets ?? {}));
  }

  // --- lifecycle -----------------------------------------------------------------------

  /**
   * Recovers what a previous process left running, then starts the loop. `trackingUri` is
   * the server's own URL, given to steps as MLFLOW_TRACKING_URI.
   */
  async start(trackingUri: string): Promise<void> {
    this.#trackingUri = trackingUri;
    await this.#lock.run(() => this.#recover());
    this.#started = true;
    this.#timer = setInterval(() => this.nudge(), this.#options.pollIntervalMs ?? 500);
    this.#timer.unref();
    this.nudge();
  }

  /**
   * Stops the loop. Running processes are ended (their groups killed) and their attempts
   * recorded as interrupted: the steps go back to `pending` and run again, without counting
   * against their retry policy, when the server starts next. Built-in steps are let finish.
   */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const running of this.#running.values()) {
      if (running.kind === 'run') {
        running.control.cancelled = true;
        running.control.handle?.cancel();
      }
    }
    await Promise.all([...this.#running.values()].map((r) => r.done));
    // Let a tick in progress finish before the caller closes the store.
    await this.#lock.run(() => Promise.resolve());
  }

  /** Wakes the loop (after a change it should look at). */
  nudge(): void {
    if (!this.#started || this.#stopping) return;
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
    while (this.#ticking || this.#running.size > 0) {
      await Promise.all([...this.#running.values()].map((r) => r.done));
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async #tick(): Promise<void> {
    let ids: string[];
    try {
      ids = await this.#deps.store.listActiveExecutionIds();
    } catch (e) {
      this.#warn(`pipeline engine: cannot list executions: ${describe(e)}`);
      return;
    }
    for (const id of ids) {
      if (this.#stopping) return;
      try {
        await this.#lock.run(() => this.#advance(id));
      } catch (e) {
        this.#warn(`pipeline engine: execution ${id}: ${describe(e)}`);
      }
    }
  }

  // --- operations ----------------------------------------------------------------------

  async upsertPipeline(input: UpsertPipelineInput, actor: string): Promise<{ readonly pipeline: PipelineVersion; readonly created: boolean }> {
    const { definition, sourceText } = parsePipelineSource(input);
    return this.#deps.store.upsertPipelineVersion({
      name: definition.name,
      hash: hashPipeline(definition),
      definition,
      sourceFormat: input.sourceFormat,
      sourceText,
      description: definition.description,
      codeDir: input.codeDir,
      createdTime: this.#now(),
      createdBy: actor,
    });
  }

  async listPipelines(query: PageRequest): Promise<ResultPage<PipelineSummary>> {
    const limit = pageLimit(query.maxResults);
    const offset = decodePageToken(query.pageToken);
    const page = await this.#deps.store.listPipelines({ limit, offset });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  getPipeline(name: string, version?: number): Promise<PipelineVersion> {
    return this.#deps.store.getPipelineVersion(name, version);
  }

  async startExecution(input: StartExecutionInput, actor: string): Promise<Execution> {
    const version = await this.#deps.store.getPipelineVersion(input.pipelineName, input.version);
    const params = resolveParams(version.definition, input.params);
    const codeDir = input.codeDir ?? (await this.#deps.store.getPipelineCodeDir(version.name));
    const record = await this.#newExecution({
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
    const page = await this.#deps.store.listExecutions({ limit, offset, pipelineName: query.pipelineName, status: query.status });
    return { items: page.items.map(toExecution), nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  async getExecution(executionId: string): Promise<Execution> {
    return toExecution(await this.#deps.store.getExecution(executionId));
  }

  async readLogs(executionId: string, query: ReadLogsQuery): Promise<LogChunk> {
    const record = await this.#deps.store.getExecution(executionId);
    const row = record.steps.find((s) => s.stepId === query.stepId && s.instance === query.instance);
    if (row === undefined) {
      throw SlipwayError.notFound(
        `Execution '${executionId}' has no step '${query.stepId}'${query.instance === undefined ? '' : ` instance '${query.instance}'`}.`,
      );
    }
    const number = query.attempt ?? row.attempts.at(-1)?.attempt;
    const attempt = row.attempts.find((a) => a.attempt === number);
    if (number === undefined || attempt === undefined) {
      if (query.attempt !== undefined) throw SlipwayError.notFound(`Step '${query.stepId}' has no attempt ${query.attempt}.`);
      return { text: '', nextOffset: query.offset ?? 0, complete: isTerminal(row.status) };
    }
    const maxBytes = Math.min(Math.max(1, query.maxBytes ?? DEFAULT_LOG_CHUNK), 8 * DEFAULT_LOG_CHUNK);
    const path = attemptLogPath(this.#options.dataDir, executionId, row.stepId, instanceDir(row), number);
    const chunk = await readLogFile(path, query.offset ?? 0, maxBytes);
    return { text: chunk.text, nextOffset: chunk.nextOffset, complete: attempt.status !== 'running' && chunk.nextOffset >= chunk.size };
  }

  async cancelExecution(executionId: string, actor: string): Promise<Execution> {
    await this.#lock.run(async () => {
      const record = await this.#deps.store.getExecution(executionId);
      const reason = `cancelled by ${actor || 'an anonymous user'}`;
      if (record.status === 'queued') {
        const now = this.#now();
        await this.#apply({
          executionId,
          expectStatus: ['queued'],
          execution: { status: 'cancelled', endedTime: now, reason },
          steps: record.steps.filter((s) => !isTerminal(s.status)).map((s) => ({ ...s, status: 'cancelled', endedTime: now, reason })),
        });
        await this.#runs.endRun(record.runId, 'KILLED').catch(() => undefined);
        return;
      }
      if (record.status !== 'running') return;
      await this.#apply({ executionId, expectStatus: ['running'], execution: { status: 'cancelling', reason } });
      for (const running of this.#running.values()) {
        if (running.executionId !== executionId) continue;
        running.control.cancelled = true;
        running.control.handle?.cancel();
      }
    });
    this.nudge();
    // Most steps end at once on SIGTERM: give the answer a moment to say `cancelled`.
    const until = Date.now() + 2_000;
    for (;;) {
      const record = await this.#deps.store.getExecution(executionId);
      if (!ACTIVE_STATUSES.includes(record.status) || Date.now() > until || !this.#started) return toExecution(record);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async retryExecution(executionId: string, options: { readonly latest?: boolean | undefined }, actor: string): Promise<Execution> {
    const original = await this.#deps.store.getExecution(executionId);
    if (ACTIVE_STATUSES.includes(original.status)) {
      throw new SlipwayError(
        ErrorCode.RESOURCE_CONFLICT,
        `Pipeline execution '${executionId}' is ${original.status}; wait for it to end (or cancel it) before retrying it.`,
      );
    }
    const originalDefinition = await this.#definition(original);
    const version =
      options.latest === true
        ? await this.#deps.store.getPipelineVersion(original.pipelineName)
        : await this.#deps.store.getPipelineVersion(original.pipelineName, original.pipelineVersion);
    const declared = Object.fromEntries(Object.entries(original.params).filter(([name]) => Object.hasOwn(version.definition.params, name)));
    const params = resolveParams(version.definition, declared);
    const codeDir = original.codeDir ?? (await this.#deps.store.getPipelineCodeDir(original.pipelineName));
    const reused = new Set<string>();
    for (const stepId of stepOrder(version.definition)) {
      const step = stepById(version.definition, stepId);
      const before = originalDefinition.steps.find((s) => s.id === stepId);
      const row = stepRow(original, stepId);
      if (before === undefined || row?.status !== 'succeeded') continue;
      if (canonicalStep(before) !== canonicalStep(step)) continue;
      if (!step.needs.every((need) => reused.has(need))) continue;
      reused.add(stepId);
    }
    const record = await this.#newExecution({
      version,
      params,
      codeDir,
      trigger: { type: 'retry', detail: executionId },
      actor,
      retryOf: executionId,
      reuse: (stepId) =>
        reused.has(stepId)
          ? original.steps.filter((s) => s.stepId === stepId).map((s) => ({ ...s, reusedFrom: s.reusedFrom ?? original.executionId, attempts: [] }))
          : undefined,
    });
    this.nudge();
    return toExecution(record);
  }

  // --- creating executions -------------------------------------------------------------

  async #newExecution(spec: {
    version: PipelineVersion;
    params: Record<string, string | number | boolean>;
    codeDir: string | undefined;
    trigger: Execution['trigger'];
    actor: string;
    retryOf?: string;
    reuse: (stepId: string) => StepRecord[] | undefined;
  }): Promise<ExecutionRecord> {
    const now = this.#now();
    const snapshot = await snapshotCode(spec.codeDir, this.#options.dataDir, this.#options.snapshotLimitBytes);
    const executionId = newExecutionId(now);
    const definition = spec.version.definition;
    const experimentId = await this.#runs.experimentFor(definition.name);
    const runId = await this.#runs.createParentRun(experimentId, {
      executionId,
      pipelineName: definition.name,
      pipelineVersion: spec.version.version,
      actor: spec.actor,
      params: spec.params,
    });
    const steps: StepRecord[] = [];
    stepOrder(definition).forEach((stepId, i) => {
      const reused = spec.reuse(stepId);
      if (reused !== undefined) {
        for (const row of reused) steps.push({ ...row, position: i * POSITION_STRIDE + (row.position % POSITION_STRIDE) });
        return;
      }
      steps.push({
        stepId,
        position: i * POSITION_STRIDE,
        status: 'pending',
        outputs: {},
        artifacts: {},
        metrics: {},
        artifactDigests: {},
        attempts: [],
      });
    });
    const record: ExecutionRecord = {
      executionId,
      pipelineName: definition.name,
      pipelineVersion: spec.version.version,
      pipelineHash: spec.version.hash,
      params: spec.params,
      trigger: spec.trigger,
      status: 'queued',
      actor: spec.actor,
      createdTime: now,
      ...(spec.retryOf === undefined ? {} : { retryOf: spec.retryOf }),
      experimentId,
      runId,
      ...(spec.codeDir === undefined ? {} : { codeDir: spec.codeDir }),
      codeDigest: snapshot.digest,
      steps,
    };
    await this.#deps.store.createExecution(record);
    return record;
  }

  // --- recovery ------------------------------------------------------------------------

  /** Attempts left `running` by a process that died: infrastructure failures, retried per policy. */
  async #recover(): Promise<void> {
    const bootId = currentBootId();
    for (const id of await this.#deps.store.listActiveExecutionIds()) {
      const record = await this.#deps.store.getExecution(id);
      const definition = await this.#definition(record);
      const now = this.#now();
      const steps: StepRecord[] = [];
      const attempts: NonNullable<Transition['attempts']>[number][] = [];
      for (const row of record.steps) {
        const attempt = row.attempts.find((a) => a.status === 'running');
        if (attempt === undefined) continue;
        if (attempt.pid !== undefined && attempt.bootId === bootId && processGroupAlive(attempt.pid)) {
          // The step's process group outlived the server that started it: end it.
          killProcessGroup(attempt.pid, 'SIGKILL');
          this.#warn(`pipeline engine: killed the orphaned process group ${attempt.pid} of ${id}/${row.stepId}`);
        }
        const message = 'the server stopped while this attempt was running (found when it restarted)';
        const failed: AttemptRecord = { ...attempt, status: 'failed', endedTime: now, failureClass: 'infrastructure', message };
        attempts.push({ ...failed, stepId: row.stepId, instance: row.instance });
        const step = stepById(definition, row.stepId);
        steps.push(this.#afterFailure(record, step, { ...row, attempts: row.attempts.map((a) => (a.attempt === attempt.attempt ? failed : a)) }, 'infrastructure', message, now));
        await this.#runs.endRun(attempt.runId, 'FAILED').catch(() => undefined);
      }
      if (steps.length > 0) await this.#apply({ executionId: id, steps, attempts });
    }
  }

  // --- the scheduler -------------------------------------------------------------------

  async #advance(executionId: string): Promise<void> {
    let record = await this.#deps.store.getExecution(executionId);
    const definition = await this.#definition(record);
    if (record.status === 'queued') {
      await this.#apply({ executionId, expectStatus: ['queued'], execution: { status: 'running', startedTime: this.#now() } });
      record = await this.#deps.store.getExecution(executionId);
    }
    if (record.status === 'cancelling') return this.#advanceCancelling(record);
    if (record.status !== 'running') return;

    for (const stepId of stepOrder(definition)) {
      if (this.#stopping) return;
      const step = stepById(definition, stepId);
      const row = stepRow(record, stepId);
      if (row === undefined || isTerminal(row.status)) continue;
      let changed = false;
      if (row.expanded === true) {
        changed = await this.#advanceMatrix(record, definition, step, row);
      } else if (row.status === 'waiting') {
        if ((row.nextAttemptTime ?? 0) <= this.#now()) changed = await this.#launch(record, definition, step, row);
      } else if (row.status === 'pending') {
        changed = await this.#advancePending(record, definition, step, row);
      }
      if (changed) record = await this.#deps.store.getExecution(executionId);
    }

    const parents = definition.steps.map((s) => stepRow(record, s.id));
    if (parents.every((row) => row !== undefined && isTerminal(row.status)) && !this.#hasRunning(executionId)) {
      await this.#finishExecution(record, definition);
    }
  }

  async #advancePending(record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, row: StepRecord): Promise<boolean> {
    const needs = step.needs.map((need) => stepRow(record, need));
    if (!needs.every((n) => n !== undefined && isTerminal(n.status))) return false;
    const decision = this.#decide(record, definition, step);
    const now = this.#now();
    if (decision !== undefined) {
      await this.#apply({
        executionId: record.executionId,
        steps: [{ ...row, status: decision.status, reason: decision.reason, endedTime: now, ...(decision.failureClass === undefined ? {} : { failureClass: decision.failureClass }) }],
      });
      return true;
    }
    if (step.matrix !== undefined) return this.#expand(record, definition, step, row);
    return this.#launch(record, definition, step, row);
  }

  /** Undefined: the step runs. Otherwise why it does not. */
  #decide(record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition): StepFailure | undefined {
    const index = definition.steps.indexOf(step);
    const context = buildContext(record, definition, step, { artifactPath: placeholderPath });
    let runs: boolean;
    try {
      runs = evaluateCondition(step.if, context, `steps[${index}].if`);
    } catch (e) {
      if (e instanceof ExpressionError) return { status: 'failed', reason: e.message, failureClass: 'user' };
      throw e;
    }
    if (runs) return undefined;
    const needs = step.needs.map((need) => ({ need, row: stepRow(record, need) }));
    const gate = needs.find((n) => n.row !== undefined && isGateStop(n.row));
    if (gate?.row !== undefined) {
      const reason = gate.row.status === 'gated' ? (gate.row.reason ?? `stopped at a gate before '${gate.need}'`) : `stopped at gate '${gate.need}': ${gate.row.reason ?? 'rejected'}`;
      return { status: 'gated', reason };
    }
    const failed = needs.find((n) => n.row?.status === 'failed' || n.row?.status === 'cancelled');
    if (failed !== undefined) return { status: 'skipped', reason: `needs '${failed.need}', which ${failed.row?.status === 'failed' ? 'failed' : 'was cancelled'}` };
    const skipped = needs.find((n) => n.row?.status === 'skipped');
    if (step.if === undefined && skipped !== undefined) return { status: 'skipped', reason: `needs '${skipped.need}', which was skipped` };
    return { status: 'skipped', reason: `its condition is false: ${step.if ?? 'success()'}` };
  }

  async #expand(record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, row: StepRecord): Promise<boolean> {
    const matrix = step.matrix;
    if (matrix === undefined) return false;
    const index = definition.steps.indexOf(step);
    const now = this.#now();
    const context = buildContext(record, definition, step, { artifactPath: placeholderPath });
    const axes: Record<string, readonly JsonValue[]> = {};
    try {
      for (const [axis, values] of Object.entries(matrix.axes)) {
        if (typeof values !== 'string') {
          axes[axis] = values;
          continue;
        }
        const where = `steps[${index}].matrix.${axis}`;
        const value = evaluateTemplate(values, context, where);
        if (!Array.isArray(value)) {
          throw new ExpressionError(`${where}: the matrix axis must be a list, not ${JSON.stringify(value).slice(0, 80)}`, 0);
        }
        axes[axis] = value as readonly JsonValue[];
      }
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      await this.#apply({ executionId: record.executionId, steps: [{ ...row, status: 'failed', failureClass: 'user', reason: e.message, endedTime: now }] });
      return true;
    }
    const combinations = expandMatrix(matrix, axes);
    if (combinations.length >= POSITION_STRIDE) {
      await this.#apply({
        executionId: record.executionId,
        steps: [{ ...row, status: 'failed', failureClass: 'user', reason: `the matrix of step '${step.id}' has ${combinations.length} combinations (at most ${POSITION_STRIDE - 1})`, endedTime: now }],
      });
      return true;
    }
    const seen = new Map<string, number>();
    const instances = combinations.map((values, k): StepRecord => {
      let key = instanceKey(values) || `#${k + 1}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (n > 1) key = `${key}#${n}`;
      return {
        stepId: step.id,
        instance: key,
        position: row.position + k + 1,
        status: 'pending',
        outputs: {},
        artifacts: {},
        metrics: {},
        artifactDigests: {},
        matrixValues: values,
        attempts: [],
      };
    });
    const parent: StepRecord =
      instances.length === 0
        ? { ...row, status: 'succeeded', expanded: true, startedTime: now, endedTime: now, reason: 'the matrix has no combinations' }
        : { ...row, status: 'running', expanded: true, startedTime: now };
    await this.#apply({ executionId: record.executionId, steps: [parent, ...instances] });
    return true;
  }

  async #advanceMatrix(record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, parent: StepRecord): Promise<boolean> {
    const instances = instanceRows(record, step.id);
    if (instances.every((i) => isTerminal(i.status))) {
      const failed = instances.find((i) => i.status === 'failed');
      const cancelled = instances.find((i) => i.status === 'cancelled');
      const status = failed !== undefined ? 'failed' : cancelled !== undefined ? 'cancelled' : 'succeeded';
      const reason =
        failed !== undefined
          ? `instance '${failed.instance ?? ''}' failed: ${failed.reason ?? ''}`
          : cancelled !== undefined
            ? `instance '${cancelled.instance ?? ''}' was cancelled`
            : undefined;
      await this.#apply({
        executionId: record.executionId,
        steps: [
          {
            ...parent,
            status,
            endedTime: this.#now(),
            ...(reason === undefined ? {} : { reason }),
            ...(failed?.failureClass === undefined ? {} : { failureClass: failed.failureClass }),
          },
        ],
      });
      return true;
    }
    const limit = step.matrix?.maxParallel ?? Number.POSITIVE_INFINITY;
    let running = instances.filter((i) => i.status === 'running').length;
    let changed = false;
    for (const instance of instances) {
      if (running >= limit) break;
      const due = instance.status === 'pending' || (instance.status === 'waiting' && (instance.nextAttemptTime ?? 0) <= this.#now());
      if (!due) continue;
      if (await this.#launch(record, definition, step, instance)) {
        changed = true;
        running++;
      } else if (!this.#hasCapacity(record.executionId, step)) {
        break;
      }
    }
    return changed;
  }

  async #advanceCancelling(record: ExecutionRecord): Promise<void> {
    const now = this.#now();
    const steps: StepRecord[] = [];
    const attempts: NonNullable<Transition['attempts']>[number][] = [];
    for (const row of record.steps) {
      if (isTerminal(row.status)) continue;
      const running = row.attempts.find((a) => a.status === 'running');
      if (running !== undefined && this.#running.has(attemptKey(record.executionId, row.stepId, row.instance))) continue;
      if (running !== undefined) {
        attempts.push({ ...running, stepId: row.stepId, instance: row.instance, status: 'failed', endedTime: now, failureClass: 'cancelled', message: 'cancelled' });
      }
      if (row.expanded === true && instanceRows(record, row.stepId).some((i) => !isTerminal(i.status) && this.#running.has(attemptKey(record.executionId, i.stepId, i.instance)))) {
        continue;
      }
      steps.push({ ...row, status: 'cancelled', endedTime: now, reason: row.reason ?? 'the execution was cancelled' });
    }
    if (steps.length > 0 || attempts.length > 0) await this.#apply({ executionId: record.executionId, steps, attempts });
    const after = await this.#deps.store.getExecution(record.executionId);
    if (after.steps.every((s) => isTerminal(s.status)) && !this.#hasRunning(record.executionId)) {
      await this.#finishExecution(after, await this.#definition(after));
    }
  }

  async #finishExecution(record: ExecutionRecord, definition: PipelineDefinition): Promise<void> {
    const parents = definition.steps.map((s) => stepRow(record, s.id)).filter((r): r is StepRecord => r !== undefined);
    const failed = parents.find((r) => r.status === 'failed' && r.failureClass !== 'gate');
    const gate = parents.find((r) => r.status === 'failed' && r.failureClass === 'gate');
    let status: ExecutionStatus;
    let reason: string | undefined;
    if (record.status === 'cancelling') {
      status = 'cancelled';
      reason = record.reason ?? 'cancelled';
    } else if (failed !== undefined) {
      status = 'failed';
      reason = `step '${failed.stepId}' failed: ${failed.reason ?? failed.failureClass ?? 'failed'}`;
    } else {
      status = 'succeeded';
      reason = gate === undefined ? undefined : `stopped at gate '${gate.stepId}': ${gate.reason ?? 'rejected'}`;
    }
    await this.#apply({
      executionId: record.executionId,
      expectStatus: ['running', 'cancelling'],
      execution: { status, endedTime: this.#now(), ...(reason === undefined ? {} : { reason }) },
    });
    await this.#runs.endRun(record.runId, status === 'succeeded' ? 'FINISHED' : status === 'cancelled' ? 'KILLED' : 'FAILED').catch(() => undefined);
  }

  // --- attempts ------------------------------------------------------------------------

  #hasRunning(executionId: string): boolean {
    for (const r of this.#running.values()) if (r.executionId === executionId) return true;
    return false;
  }

  #hasCapacity(executionId: string, step: StepDefinition): boolean {
    if (step.kind !== 'run') return true;
    let mine = 0;
    for (const r of this.#running.values()) if (r.executionId === executionId && r.kind === 'run') mine++;
    return this.#deps.executor.hasCapacity() && mine < (this.#options.maxParallelPerExecution ?? Number.POSITIVE_INFINITY);
  }

  /** Starts the next attempt of a step (or instance), or takes its result from the cache. */
  async #launch(record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, row: StepRecord): Promise<boolean> {
    if (this.#stopping || !this.#hasCapacity(record.executionId, step)) return false;
    const now = this.#now();
    const attemptNo = (row.attempts.at(-1)?.attempt ?? 0) + 1;
    let prepared: Prepared;
    try {
      prepared = await this.#prepare(record, definition, step, row, attemptNo);
    } catch (e) {
      if (e instanceof DeclaredCodeError) {
        await this.#failBeforeRunning(record, row, attemptNo, e.message);
        return true;
      }
      if (!(e instanceof ExpressionError || e instanceof PrepareError)) throw e;
      await this.#apply({
        executionId: record.executionId,
        steps: [{ ...row, status: 'failed', failureClass: 'user', reason: e.message, startedTime: row.startedTime ?? now, endedTime: now }],
      });
      return true;
    }

    if (prepared.cacheKey !== undefined && step.cache.enabled) {
      if (await this.#fromCache(record, step, row, attemptNo, prepared.cacheKey)) return true;
    }

    const stepRun =
      step.kind === 'run' && record.experimentId !== undefined
        ? await this.#runs.createStepRun(record.experimentId, record.runId, {
            executionId: record.executionId,
            stepId: step.id,
            instance: row.instance,
            attempt: attemptNo,
            actor: record.actor,
          })
        : undefined;
    const resources = step.kind === 'run' ? step.resources : undefined;
    const attempt: AttemptRecord = {
      attempt: attemptNo,
      status: 'running',
      startedTime: now,
      ...(stepRun === undefined ? {} : { runId: stepRun.runId }),
      // Recorded for every attempt that is handed to the executor (which may or may not use them).
      ...(resources === undefined ? {} : { resources }),
    };
    await this.#apply({
      executionId: record.executionId,
      expectStatus: ['running'],
      steps: [
        {
          ...row,
          status: 'running',
          startedTime: row.startedTime ?? now,
          nextAttemptTime: undefined,
          ...(stepRun === undefined ? {} : { runId: stepRun.runId }),
          ...(prepared.cacheKey === undefined ? {} : { cacheKey: prepared.cacheKey }),
        },
      ],
      attempts: [{ ...attempt, stepId: row.stepId, instance: row.instance }],
    });

    const key = attemptKey(record.executionId, row.stepId, row.instance);
    const log = new AttemptLog(attemptLogPath(this.#options.dataDir, record.executionId, row.stepId, instanceDir(row), attemptNo), this.#mask);
    const control: AttemptControl = {
      cancelled: false,
      onStarted: (pid) =>
        this.#lock.run(() =>
          this.#apply({
            executionId: record.executionId,
            attempts: [{ ...attempt, pid, bootId: currentBootId(), stepId: row.stepId, instance: row.instance }],
          }),
        ),
    };
    const work = async (): Promise<AttemptResult> => {
      if (step.kind === 'run') {
        if (stepRun === undefined) return { ok: false, failureClass: 'infrastructure', message: 'the execution has no MLflow run', metrics: {} };
        return runStepAttempt(
          { executor: this.#deps.executor, artifacts: this.#deps.artifacts },
          { ...prepared.run!, env: this.#environment(record, step, row, attemptNo, prepared, stepRun.runId), artifactRoot: stepRun.artifactUri },
          log,
          control,
        );
      }
      return this.#runBuiltin(record, definition, step, prepared, log);
    };
    const done = (async () => {
      let result: AttemptResult;
      try {
        result = await work();
      } catch (e) {
        result = { ok: false, failureClass: 'infrastructure', message: describe(e), metrics: {} };
      }
      if (!result.ok) log.line(`[slipway] attempt ${attemptNo} failed (${result.failureClass}): ${result.message}`);
      log.close();
      try {
        await this.#lock.run(() => this.#finishAttempt(record.executionId, step, row, attempt, result, prepared.cacheKey, control));
      } catch (e) {
        this.#warn(`pipeline engine: cannot record the end of ${record.executionId}/${step.id}: ${describe(e)}`);
      }
      this.#running.delete(key);
      this.nudge();
    })();
    this.#running.set(key, { executionId: record.executionId, kind: step.kind, control, done });
    return true;
  }

  /**
   * Records a failed attempt of a step that could not be run because its declared code is
   * not in the snapshot (class `user`). Not retried: the snapshot does not change within an
   * execution, so another attempt would fail the same way.
   */
  async #failBeforeRunning(record: ExecutionRecord, row: StepRecord, attemptNo: number, message: string): Promise<void> {
    const now = this.#now();
    const log = new AttemptLog(attemptLogPath(this.#options.dataDir, record.executionId, row.stepId, instanceDir(row), attemptNo), this.#mask);
    log.line(`[slipway] attempt ${attemptNo} failed (user): ${message}`);
    log.close();
    await this.#apply({
      executionId: record.executionId,
      expectStatus: ['running'],
      steps: [{ ...row, status: 'failed', failureClass: 'user', reason: message, startedTime: row.startedTime ?? now, endedTime: now, nextAttemptTime: undefined }],
      attempts: [{ attempt: attemptNo, status: 'failed', startedTime: now, endedTime: now, failureClass: 'user', message, stepId: row.stepId, instance: row.instance }],
    });
  }

  /**
   * The digest of the code a step declares (`code:`), from the execution's snapshot; throws
   * a {@link DeclaredCodeError} when a pattern matches nothing.
   */
  #declaredCodeDigest(record: ExecutionRecord, patterns: readonly string[]): Promise<string> {
    const snapshot = record.codeDigest ?? 'none';
    const key = `${snapshot}\u0000${JSON.stringify(patterns)}`;
    let digest = this.#declaredCode.get(key);
    if (digest === undefined) {
      if (this.#declaredCode.size >= 1024) this.#declaredCode.clear();
      digest = declaredCode(join(this.#options.dataDir, 'pipelines', 'code', snapshot), patterns).then((code) => code.digest);
      // Only successes are kept: a failure is reported each time (and an I/O error may pass).
      digest.catch(() => this.#declaredCode.delete(key));
      this.#declaredCode.set(key, digest);
    }
    return digest;
  }

  /** Evaluates what the attempt needs (templates, inputs, cache key); throws for bad input. */
  async #prepare(record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, row: StepRecord, attemptNo: number): Promise<Prepared> {
    const index = definition.steps.indexOf(step);
    const attemptDir = join(this.#options.dataDir, 'executions', record.executionId, step.id, ...(row.instance === undefined ? [] : [instanceDir(row) ?? '']), String(attemptNo));
    const inputs = new Map<string, InputArtifact & { stepId: string; name: string; index: number | undefined; runId?: string | undefined }>();
    const upstreamRow = (id: string, i: number | undefined): StepRecord | undefined => (i === undefined ? stepRow(record, id) : instanceRows(record, id)[i]);
    const realPath: ArtifactPathOf = (id, name, i) => {
      const source = upstreamRow(id, i);
      const uri = source?.artifacts[name] ?? '';
      const output = (definition.steps.find((s) => s.id === id) as RunStepDefinition | undefined)?.outputs[name];
      const kind = output?.type === 'file' ? 'file' : 'dir';
      const base = join(attemptDir, '.slipway', 'inputs', id, ...(i === undefined ? [] : [String(i)]), name);
      const localPath = kind === 'file' ? join(base, artifactFileName(uri)) : base;
      inputs.set(`${id}#${i ?? ''}/${name}`, { uri, kind, localPath, stepId: id, name, index: i, runId: source?.runId });
      return localPath;
    };
    const context = buildContext(record, definition, step, { artifactPath: realPath, matrix: row.matrixValues });
    const keyContext = buildContext(record, definition, step, { artifactPath: placeholderPath, matrix: row.matrixValues });
    const env = (ctx: ExpressionContext): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(definition.env)) out[k] = interpolate(v, ctx, `env.${k}`);
      for (const [k, v] of Object.entries(step.env)) out[k] = interpolate(v, ctx, `steps[${index}].env.${k}`);
      return out;
    };

    if (step.kind === 'uses') {
      const withInputs = evaluateInputs(step.with, context, `steps[${index}].with`) as Record<string, JsonValue>;
      return { inputs: withInputs, userEnv: env(context), artifactsByPath: new Map([...inputs.values()].map((i) => [i.localPath.replace(/\/+$/, ''), { uri: i.uri, runId: i.runId, stepId: i.stepId }])) };
    }

    const command = interpolate(step.run, context, `steps[${index}].run`);
    const userEnv = env(context);
    const relative = (text: string, where: string): string => {
      if (/^(?:[/\\]|[A-Za-z]:[/\\])/.test(text) || text.split(/[/\\]/).includes('..')) {
        throw new PrepareError(`${where}: '${text}' must be a relative path inside the step's workspace`);
      }
      return text;
    };
    const workingDirectory = step.workingDirectory === undefined ? undefined : relative(interpolate(step.workingDirectory, context, `steps[${index}].working-directory`), `steps[${index}].working-directory`);
    const outputs: DeclaredOutput[] = Object.entries(step.outputs).map(([name, output]) =>
      output.type === 'value'
        ? { name, type: 'value' }
        : { name, type: output.type, path: relative(interpolate(output.path, context, `steps[${index}].outputs.${name}`), `steps[${index}].outputs.${name}`) },
    );
    // Which upstream artifacts to download: those of the direct needs, and those the step's text names.
    const text = JSON.stringify([step.run, step.env, definition.env, step.workingDirectory ?? '', step.outputs]);
    const wanted = [...inputs.values()].filter((i) => step.needs.includes(i.stepId) || text.includes(`steps.${i.stepId}.artifacts`) || text.includes(`'${i.stepId}'`));
    const inputDigests: Record<string, string> = {};
    for (const input of wanted) {
      const source = upstreamRow(input.stepId, input.index);
      inputDigests[`${input.stepId}#${input.index ?? ''}/${input.name}`] = source?.artifactDigests[input.name] ?? input.uri;
    }
    const secretNames = new Set(Object.keys(this.#options.secrets ?? {}));
    const keyEnv = Object.fromEntries(Object.entries(env(keyContext)).filter(([k]) => !secretNames.has(k)));
    const key = cacheKey({
      step,
      resolved: {
        run: interpolate(step.run, keyContext),
        env: keyEnv,
        workingDirectory: workingDirectory ?? null,
        outputs: outputs.map((o) => `${o.name}:${o.type}:${o.path ?? ''}`),
      },
      matrix: row.matrixValues,
      inputDigests,
      // Declared code: exactly those files; otherwise the whole snapshot.
      codeDigest: step.code === undefined ? (record.codeDigest ?? '') : await this.#declaredCodeDigest(record, step.code),
    });
    const workDir = workingDirectory === undefined ? attemptDir : join(attemptDir, workingDirectory);
    return {
      userEnv,
      cacheKey: key,
      inputEnv: inputEnvironment(wanted),
      run: {
        command,
        attemptDir,
        workDir,
        snapshotDir: join(this.#options.dataDir, 'pipelines', 'code', record.codeDigest ?? 'none'),
        outputFile: join(attemptDir, '.slipway', 'output'),
        outputsDir: join(attemptDir, '.slipway', 'outputs'),
        timeoutMs: step.timeoutMinutes === undefined ? undefined : Math.round(step.timeoutMinutes * 60_000),
        resources: step.resources,
        inputs: wanted,
        outputs,
        metrics: step.metrics,
      },
    };
  }

  #environment(record: ExecutionRecord, step: StepDefinition, row: StepRecord, attemptNo: number, prepared: Prepared, runId: string): Record<string, string> {
    const run = prepared.run;
    return {
      ...baseEnvironment(this.#options.serverEnv ?? process.env, this.#options.secrets ?? {}),
      ...prepared.userEnv,
      ...prepared.inputEnv,
      SLIPWAY_EXECUTION_ID: record.executionId,
      SLIPWAY_PIPELINE: record.pipelineName,
      SLIPWAY_STEP_ID: step.id,
      ...(row.instance === undefined ? {} : { SLIPWAY_STEP_INSTANCE: row.instance, SLIPWAY_MATRIX: JSON.stringify(row.matrixValues ?? {}) }),
      SLIPWAY_ATTEMPT: String(attemptNo),
      SLIPWAY_OUTPUT: run?.outputFile ?? '',
      SLIPWAY_OUTPUTS_DIR: run?.outputsDir ?? '',
      SLIPWAY_WORKSPACE: run?.attemptDir ?? '',
      SLIPWAY_CODE_DIR: run?.snapshotDir ?? '',
      MLFLOW_TRACKING_URI: this.#trackingUri,
      MLFLOW_EXPERIMENT_ID: record.experimentId ?? '',
      MLFLOW_RUN_ID: runId,
    };
  }

  async #runBuiltin(record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, prepared: Prepared, log: AttemptLog): Promise<AttemptResult> {
    const runner = step.kind === 'uses' ? BUILTIN_RUNNERS.get(step.uses) : undefined;
    if (step.kind !== 'uses' || runner === undefined) {
      return { ok: false, failureClass: 'user', message: `unknown built-in step '${step.kind === 'uses' ? step.uses : step.id}'`, metrics: {} };
    }
    try {
      const result = await runner({
        registry: this.#deps.registry,
        registryStore: this.#deps.registryStore,
        tracking: this.#deps.tracking,
        artifacts: this.#deps.artifacts,
        fetch: this.#options.fetch ?? fetch,
        execution: record,
        definition,
        stepId: step.id,
        inputs: prepared.inputs ?? {},
        artifactByLocalPath: prepared.artifactsByPath ?? new Map(),
        log: (line) => log.line(line),
      });
      if (result.gateRejected !== undefined) {
        return { ok: false, failureClass: 'gate', message: result.gateRejected, metrics: {}, outputs: result.outputs };
      }
      return { ok: true, outputs: result.outputs, artifacts: {}, artifactDigests: {}, metrics: {} };
    } catch (e) {
      if (e instanceof BuiltinStepError) return { ok: false, failureClass: e.failureClass, message: e.message, metrics: {} };
      return { ok: false, failureClass: 'infrastructure', message: describe(e), metrics: {} };
    }
  }

  async #fromCache(record: ExecutionRecord, step: StepDefinition, row: StepRecord, attemptNo: number, key: string): Promise<boolean> {
    const entry = await this.#deps.store.getCacheEntry(key);
    if (entry === undefined) return false;
    const now = this.#now();
    const expire = step.cache.expireAfterSeconds;
    if (expire !== undefined && entry.createdTime + expire * 1000 < now) return false;
    const source = await this.#deps.store.getExecution(entry.executionId).catch(() => undefined);
    const sourceRow = source?.steps.find((s) => s.stepId === entry.stepId && s.instance === entry.instance);
    if (sourceRow?.status !== 'succeeded') return false;
    const from = sourceRow.cachedFrom ?? entry.executionId;
    const message = `cache hit: reused the outputs, artifacts and metrics of execution ${from} (step '${entry.stepId}'${entry.instance === undefined ? '' : ` instance '${entry.instance}'`})`;
    const log = new AttemptLog(attemptLogPath(this.#options.dataDir, record.executionId, row.stepId, instanceDir(row), attemptNo), this.#mask);
    log.line(`[slipway] ${message}`);
    log.close();
    await this.#apply({
      executionId: record.executionId,
      expectStatus: ['running'],
      steps: [
        {
          ...row,
          status: 'succeeded',
          startedTime: row.startedTime ?? now,
          endedTime: now,
          outputs: sourceRow.outputs,
          artifacts: sourceRow.artifacts,
          metrics: sourceRow.metrics,
          artifactDigests: sourceRow.artifactDigests,
          ...(sourceRow.runId === undefined ? {} : { runId: sourceRow.runId }),
          cachedFrom: from,
          cacheKey: key,
          reason: message,
        },
      ],
      attempts: [{ attempt: attemptNo, status: 'succeeded', startedTime: now, endedTime: now, message, stepId: row.stepId, instance: row.instance, ...(sourceRow.runId === undefined ? {} : { runId: sourceRow.runId }) }],
    });
    return true;
  }

  async #finishAttempt(
    executionId: string,
    step: StepDefinition,
    started: StepRecord,
    attempt: AttemptRecord,
    result: AttemptResult,
    key: string | undefined,
    control: AttemptControl,
  ): Promise<void> {
    const record = await this.#deps.store.getExecution(executionId);
    const row = record.steps.find((s) => s.stepId === started.stepId && s.instance === started.instance);
    if (row === undefined) return;
    const now = this.#now();
    const ids = { stepId: row.stepId, instance: row.instance };
    if (attempt.runId !== undefined && Object.keys(result.metrics).length > 0) {
      await this.#runs.logMetrics(attempt.runId, result.metrics).catch((e: unknown) => this.#warn(`pipeline engine: cannot log metrics: ${describe(e)}`));
    }
    const exitCode = result.exitCode === undefined ? {} : { exitCode: result.exitCode };

    if (this.#stopping && control.cancelled && !result.ok && record.status === 'running') {
      // Ended by a graceful shutdown: runs again after the restart, not counted as a try.
      const message = 'interrupted by a server shutdown; the step runs again when the server restarts';
      await this.#apply({
        executionId,
        steps: [{ ...row, status: 'pending', metrics: result.metrics }],
        attempts: [{ ...attempt, ...ids, ...exitCode, status: 'failed', endedTime: now, failureClass: 'infrastructure', message, interrupted: true }],
      });
      await this.#runs.endRun(attempt.runId, 'KILLED').catch(() => undefined);
      return;
    }

    if (result.ok) {
      await this.#apply({
        executionId,
        steps: [
          {
            ...row,
            status: 'succeeded',
            endedTime: now,
            outputs: result.outputs,
            artifacts: result.artifacts,
            artifactDigests: result.artifactDigests,
            metrics: result.metrics,
            reason: undefined,
            failureClass: undefined,
          },
        ],
        attempts: [{ ...attempt, ...ids, ...exitCode, status: 'succeeded', endedTime: now }],
        cacheEntries: key !== undefined && step.cache.enabled ? [{ cacheKey: key, executionId, stepId: row.stepId, instance: row.instance, createdTime: now }] : [],
      });
      await this.#runs.endRun(attempt.runId, 'FINISHED').catch(() => undefined);
      return;
    }

    const failedAttempt: AttemptRecord = { ...attempt, ...exitCode, status: 'failed', endedTime: now, failureClass: result.failureClass, message: result.message };
    const attempts = row.attempts.map((a) => (a.attempt === attempt.attempt ? failedAttempt : a));
    let next: StepRecord;
    if (result.failureClass === 'cancelled' || record.status === 'cancelling') {
      next = { ...row, status: 'cancelled', endedTime: now, failureClass: 'cancelled', reason: result.message, metrics: result.metrics };
    } else if (result.failureClass === 'gate') {
      const outputs = result.outputs ?? {};
      next = { ...row, status: 'failed', endedTime: now, failureClass: 'gate', reason: result.message, outputs };
    } else {
      next = { ...this.#afterFailure(record, step, { ...row, attempts }, result.failureClass, result.message, now), metrics: result.metrics };
    }
    await this.#apply({ executionId, steps: [next], attempts: [{ ...failedAttempt, ...ids }] });
    await this.#runs.endRun(attempt.runId, result.failureClass === 'cancelled' ? 'KILLED' : 'FAILED').catch(() => undefined);
  }

  /** The row after a failed attempt: `waiting` for a retry the policy allows, else `failed`. */
  #afterFailure(record: ExecutionRecord, step: StepDefinition, row: StepRecord, failureClass: string, message: string, now: number): StepRecord {
    const counted = row.attempts.filter((a) => a.interrupted !== true).length;
    const retryable = (FAILURE_CLASSES as readonly string[]).includes(failureClass);
    if (record.status === 'running' && retryable && shouldRetry(step.retry, counted, failureClass as FailureClass) && step.retry !== undefined) {
      const delay = retryDelaySeconds(step.retry, counted, this.#options.random);
      return { ...row, status: 'waiting', nextAttemptTime: now + Math.round(delay * 1000), failureClass: failureClass as FailureClass, reason: `attempt ${counted} failed: ${message}; retrying` };
    }
    const retries = counted > 1 ? ` (after ${counted} attempts)` : '';
    return { ...row, status: 'failed', endedTime: now, failureClass: failureClass as FailureClass, reason: `${message}${retries}` };
  }

  // --- helpers -------------------------------------------------------------------------

  async #apply(transition: Transition): Promise<void> {
    await this.#deps.store.applyTransition(transition);
  }

  async #definition(record: { pipelineName: string; pipelineVersion: number }): Promise<PipelineDefinition> {
    const key = `${record.pipelineName}@${record.pipelineVersion}`;
    let definition = this.#definitions.get(key);
    if (definition === undefined) {
      definition = (await this.#deps.store.getPipelineVersion(record.pipelineName, record.pipelineVersion)).definition;
      this.#definitions.set(key, definition);
    }
    return definition;
  }

  #warn(message: string): void {
    this.#options.log?.warn(message);
  }
}

interface Prepared {
  readonly userEnv: Record<string, string>;
  readonly cacheKey?: string | undefined;
  readonly inputEnv?: Record<string, string> | undefined;
  readonly run?: Omit<Parameters<typeof runStepAttempt>[1], 'env' | 'artifactRoot'> | undefined;
  /** Built-in steps: the evaluated `with:`. */
  readonly inputs?: Record<string, JsonValue> | undefined;
  readonly artifactsByPath?: Map<string, { uri: string; runId?: string | undefined; stepId: string }> | undefined;
}

/** A step that cannot be prepared because of what its definition resolved to. */
class PrepareError extends Error {}

const placeholderPath: ArtifactPathOf = (stepId, name, index) => `<artifact:${stepId}${index === undefined ? '' : `#${index}`}/${name}>`;

function attemptKey(executionId: string, stepId: string, instance: string | undefined): string {
  return `${executionId}\u0000${stepId}\u0000${instance ?? ''}`;
}

function instanceDir(row: StepRecord): string | undefined {
  return row.instance === undefined ? undefined : instanceDirName(row.position % POSITION_STRIDE, row.instance);
}

function inputEnvironment(inputs: readonly (InputArtifact & { stepId: string; name: string; index: number | undefined })[]): Record<string, string> {
  const grouped = new Map<string, string[]>();
  const single = new Map<string, string>();
  for (const input of inputs) {
    const name = inputVariable(input.stepId, input.name);
    if (input.index === undefined) single.set(name, input.localPath);
    else grouped.set(name, [...(grouped.get(name) ?? []), input.localPath]);
  }
  return { ...Object.fromEntries(single), ...Object.fromEntries([...grouped].map(([k, v]) => [k, JSON.stringify(v)])) };
}

function pageLimit(maxResults: number | undefined): number {
  if (maxResults === undefined) return 100;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
    throw SlipwayError.invalidParameter(`Invalid value ${maxResults} for parameter 'max_results': it must be between 1 and 1000.`);
  }
  return maxResults;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
