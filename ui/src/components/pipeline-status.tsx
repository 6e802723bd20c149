import type { ReactNode } from 'react';
import type { Execution, StepExecution, StepStatus } from '../api/pipelines-client.js';

/** Statuses that will not change any more. */
export function isExecutionFinished(status: string): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/** An execution's or step's status as a coloured pill, in words (colour is never the only cue). */
export function StatusBadge(props: { status: string }): ReactNode {
  return <span className={`status-badge status-${props.status}`}>{props.status}</span>;
}

/** What is special about a step's result, in words: cached, reused by a retry, skipped, gated. */
export function stepMarks(step: Pick<StepExecution, 'status' | 'cached_from' | 'reused_from'>): string[] {
  const marks: string[] = [];
  if (step.cached_from !== undefined) marks.push('cached');
  if (step.reused_from !== undefined) marks.push('reused');
  if (step.status === 'skipped') marks.push('skipped');
  if (step.status === 'gated') marks.push('gated');
  return marks;
}

const PRIORITY: readonly StepStatus[] = ['failed', 'running', 'waiting', 'cancelled', 'pending', 'gated', 'skipped', 'succeeded'];

/** One status for a step's matrix instances: the most telling one (failed, then running, …). */
export function combinedStatus(instances: readonly Pick<StepExecution, 'status'>[]): StepStatus {
  if (instances.length === 0) return 'pending';
  for (const s of PRIORITY) if (instances.some((i) => i.status === s)) return s;
  return instances[0]!.status;
}

/** "3.2 s", "4 min 10 s", "1 h 2 min"; empty without a start. */
export function formatDuration(start: number | undefined, end: number | undefined, now: number = Date.now()): string {
  if (start === undefined) return '';
  const ms = Math.max(0, (end ?? now) - start);
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function formatTime(ms: number | string | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toLocaleString();
}

/** An execution id short enough for a table cell: its first 12 characters and "…" (ids are 32 hex digits). */
export function shortId(id: string): string {
  return id.length <= 14 ? id : `${id.slice(0, 12)}…`;
}

/** "schedule (0 8 * * *)", "retry (of 01a1ff6b2fc8…)", "api". */
export function describeTrigger(trigger: Execution['trigger']): string {
  if (trigger.detail === undefined || trigger.detail === '') return trigger.type;
  return `${trigger.type} (${trigger.type === 'retry' ? `of ${shortId(trigger.detail)}` : trigger.detail})`;
}
