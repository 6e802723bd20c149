import type {
  Attempt,
  Execution,
  ExecutionStatus,
  PipelineSummary,
  PipelineVersion,
  StepExecution,
} from '../pipelines/execution-model.js';
import type { JsonValue } from '../pipelines/pipeline-model.js';
import type { Page, Paging } from './tracking-store.js';

/**
 * The pipeline store port: pipeline versions (content-hashed), executions, their steps
 * (and matrix instances), attempts, and the step cache.
 *
 * The engine keeps no state of its own that matters across a restart: everything it
 * needs to advance an execution is read back from here, and every state transition it
 * makes is one call to {@link PipelineStore.applyTransition}, i.e. one transaction. An
 * acknowledged transition is a committed one. While an execution is active the engine
 * keeps a copy in memory and applies its own transitions to it; each execution's
 * `revision` tells it when someone else (another server process on the same database)
 * has written in between, so it reads the execution again only then.
 *
 * Implementer's notes — every adapter must keep these invariants (checked by
 * `test/contract/pipeline-store.contract.ts`):
 * - `upsertPipelineVersion` stores a new version (`max + 1` per name) only when no version
 *   of that name has the same hash; otherwise it returns the existing version with
 *   `created: false`. Two concurrent upserts of the same content give one version.
 * - `applyTransition` is atomic: the execution patch, step and attempt upserts and cache
 *   entries are all written or none is. With `expectStatus`, the transition applies only
 *   if the execution's status is one of those (RESOURCE_CONFLICT otherwise, nothing written).
 * - Every applied transition increments the execution's `revision` by one, in the same
 *   transaction, and returns the new value; `createExecution` starts it at 0 (whatever the
 *   record says); reads return it. Two transitions never return the same revision.
 * - `createExecution` writes the execution and its initial steps together.
 * - Steps are keyed by `(executionId, stepId, instance)` (`instance` absent = the step
 *   itself), attempts by that plus the attempt number; an upsert replaces the whole row.
 * - Unknown pipelines, versions or executions → RESOURCE_DOES_NOT_EXIST.
 * - Executions list newest first (ids sort by creation time, see `newExecutionId`).
 */
export interface PipelineStore {
  upsertPipelineVersion(input: NewPipelineVersion): Promise<{ readonly pipeline: PipelineVersion; readonly created: boolean }>;
  /** Absent version: the latest. */
  getPipelineVersion(name: string, version?: number): Promise<PipelineVersion>;
  /** The code directory last recorded for the pipeline (undefined when none was given). */
  getPipelineCodeDir(name: string): Promise<string | undefined>;
  /** By name. */
  listPipelines(paging: Paging): Promise<Page<PipelineSummary>>;

  createExecution(execution: ExecutionRecord): Promise<void>;
  getExecution(executionId: string): Promise<ExecutionRecord>;
  /** Newest first. */
  listExecutions(query: ExecutionListQuery): Promise<Page<ExecutionRecord>>;
  /** Ids of executions that are `queued`, `running` or `cancelling`, oldest first. */
  listActiveExecutionIds(): Promise<string[]>;
  /** The same executions with their current revisions, oldest first. */
  listActiveExecutions(): Promise<ActiveExecution[]>;
  /** Returns the execution's revision after the transition. */
  applyTransition(transition: Transition): Promise<number>;

  /** The newest cache entry for `cacheKey`, if any. */
  getCacheEntry(cacheKey: string): Promise<CacheEntry | undefined>;
}

export interface NewPipelineVersion {
  readonly name: string;
  readonly hash: string;
  readonly definition: PipelineVersion['definition'];
  readonly sourceFormat: PipelineVersion['sourceFormat'];
  readonly sourceText?: string | undefined;
  readonly description?: string | undefined;
  /** Recorded on the pipeline (replacing an earlier one) when given. */
  readonly codeDir?: string | undefined;
  readonly createdTime: number;
  readonly createdBy: string;
}

/** An attempt as stored: the entity plus what recovery needs. */
export interface AttemptRecord extends Attempt {
  /** The process (group) id of a running `run:` attempt. */
  readonly pid?: number | undefined;
  /** The machine boot the pid belongs to (a pid means nothing after a reboot). */
  readonly bootId?: string | undefined;
  /**
   * Ended by a graceful server shutdown rather than by the step: it does not count
   * against the retry policy.
   */
  readonly interrupted?: boolean | undefined;
}

/** A step (or matrix instance) as stored: the entity plus the engine's bookkeeping. */
export interface StepRecord extends Omit<StepExecution, 'attempts'> {
  /** Order in the execution (topological; instances right after their step). */
  readonly position: number;
  /** A matrix instance's values. */
  readonly matrixValues?: Readonly<Record<string, JsonValue>> | undefined;
  /** A matrix step whose instances have been created. */
  readonly expanded?: boolean | undefined;
  /** When a `waiting` step's next attempt is due (ms since the epoch). */
  readonly nextAttemptTime?: number | undefined;
  readonly cacheKey?: string | undefined;
  /** SHA-256 of each artifact's content (a directory: of its sorted file list and contents). */
  readonly artifactDigests: Readonly<Record<string, string>>;
  readonly attempts: readonly AttemptRecord[];
}

export interface ExecutionRecord extends Omit<Execution, 'steps'> {
  /** The code directory snapshotted for this execution, and the snapshot's digest. */
  readonly codeDir?: string | undefined;
  readonly codeDigest?: string | undefined;
  /** Set by the store when read: the number of transitions applied so far (ignored by `createExecution`). */
  readonly revision?: number | undefined;
  readonly steps: readonly StepRecord[];
}

/** An active execution and its revision (see {@link PipelineStore.listActiveExecutions}). */
export interface ActiveExecution {
  readonly executionId: string;
  readonly revision: number;
}

export interface ExecutionListQuery extends Paging {
  readonly pipelineName?: string | undefined;
  readonly status?: ExecutionStatus | undefined;
}

export type ExecutionPatch = Partial<
  Pick<ExecutionRecord, 'status' | 'startedTime' | 'endedTime' | 'reason' | 'experimentId' | 'runId'>
>;

/** One state change of one execution, written in one transaction. */
export interface Transition {
  readonly executionId: string;
  /** Apply only while the execution's status is one of these. */
  readonly expectStatus?: readonly ExecutionStatus[] | undefined;
  readonly execution?: ExecutionPatch | undefined;
  /** Whole rows (attempts excluded), inserted or replaced. */
  readonly steps?: readonly Omit<StepRecord, 'attempts'>[] | undefined;
  /** Whole attempt rows, inserted or replaced. */
  readonly attempts?: readonly (AttemptRecord & { readonly stepId: string; readonly instance?: string | undefined })[] | undefined;
  readonly cacheEntries?: readonly CacheEntry[] | undefined;
}

export interface CacheEntry {
  readonly cacheKey: string;
  readonly executionId: string;
  readonly stepId: string;
  readonly instance?: string | undefined;
  readonly createdTime: number;
}
