/**
 * The state the engine's modules share: dependencies, options, caches, the lock that
 * serializes store transitions, the attempts running in this process and the loop's flags.
 * The {@link PipelineEngine} owns one and passes it to each function it delegates to.
 * @module
 */

import type { ActiveExecutions } from './active-executions.js';
import type { ExecutionRuns } from './tracking-runs.js';
import type { DeclaredCodeDigests } from './declared-code-digests.js';
import type { Mutex } from './mutex.js';
import type { PipelineDefinitions } from './pipeline-definitions.js';
import type { PipelineEngineDeps, PipelineEngineOptions } from './pipeline-engine-options.js';
import type { PendingRunEnds } from './run-ends.js';
import type { RunningAttempt } from './running-attempts.js';

export interface EngineContext {
  readonly deps: PipelineEngineDeps;
  readonly options: PipelineEngineOptions;
  readonly now: () => number;
  readonly runs: ExecutionRuns;
  /** Step runs being ended in the background. */
  readonly runEnds: PendingRunEnds;
  /** Held while reading an execution and writing a decision about it. */
  readonly lock: Mutex;
  /** The active executions as this engine knows them (written through by `commitTransition`). */
  readonly active: ActiveExecutions;
  /** Keyed by `attemptKey()`. */
  readonly running: Map<string, RunningAttempt>;
  readonly definitions: PipelineDefinitions;
  readonly declaredCode: DeclaredCodeDigests;
  /** Masks the secrets in log text. */
  readonly mask: (text: string) => string;
  /** The server's own URL (MLFLOW_TRACKING_URI), set by `start()`. */
  trackingUri: string;
  started: boolean;
  stopping: boolean;
  /** Wakes the scheduler loop. */
  nudge(): void;
  warn(message: string): void;
}
