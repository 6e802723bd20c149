import type { ExecutionStatus } from '../../core/pipelines/execution-model.js';

/** The statuses of an execution that has not ended (the scheduler loop advances it). */
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['queued', 'running', 'cancelling'];
