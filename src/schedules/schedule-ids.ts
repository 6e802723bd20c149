import { createHash, randomBytes } from 'node:crypto';
import type { ScheduleSpec } from '../core/pipelines/pipeline-model.js';

/**
 * A pipeline schedule's id is derived from its pipeline and its whole spec, so a new
 * pipeline version that leaves an entry as it was keeps the schedule (its cursor, its
 * paused state and its history), and one that changes it replaces it.
 */
export function pipelineScheduleId(pipelineName: string, spec: ScheduleSpec): string {
  const canonical = JSON.stringify([pipelineName, spec.cron, spec.timezone, sortedEntries(spec.params), spec.overlap, spec.catchUpSeconds]);
  return `p-${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

/** An API schedule's id: random. */
export function apiScheduleId(): string {
  return `a-${randomBytes(8).toString('hex')}`;
}

function sortedEntries(map: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
