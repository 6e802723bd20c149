import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { LogChunk, ReadLogsQuery } from '../../core/pipelines/execution-model.js';
import { attemptLogPath, readLogFile } from './attempt-log.js';
import type { EngineContext } from './engine-context.js';
import { instanceDir } from './step-positions.js';
import { isTerminal } from './step-rows.js';

const DEFAULT_LOG_CHUNK = 1024 * 1024;

/** A chunk of a step attempt's log (the last attempt unless one is asked for), and whether it is complete. */
export async function readStepLogs(ctx: EngineContext, executionId: string, query: ReadLogsQuery): Promise<LogChunk> {
  const record = await ctx.deps.store.getExecution(executionId);
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
  const path = attemptLogPath(ctx.options.dataDir, executionId, row.stepId, instanceDir(row), number);
  const chunk = await readLogFile(path, query.offset ?? 0, maxBytes);
  return { text: chunk.text, nextOffset: chunk.nextOffset, complete: attempt.status !== 'running' && chunk.nextOffset >= chunk.size };
}
