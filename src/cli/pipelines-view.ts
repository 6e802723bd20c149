import { formatMemory } from '../core/pipelines/resource-quantities.js';
import type { AttemptResources, Execution, Pipeline, PipelineSummary, StepAttempt, StepDefinition, StepExecution } from '../sdk/index.js';
import { formatTime, keyValueBlock } from './models-view.js';
import { formatTable, singleLine, truncate } from './text-table.js';

/**
 * What `slipway pipelines …`, `slipway run` and `slipway executions …` print for people
 * (scripts use `--json`). Pure functions from the SDK's wire objects (and, where durations
 * tick, the current time) to text, so they are tested without a server.
 * @module
 */

/** The statuses a step ends in. */
const FINISHED_STEP_STATUSES = new Set(['succeeded', 'failed', 'skipped', 'gated', 'cancelled']);

/** `3f2a9c1b0e44`: enough of a hash to tell versions apart. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** `train`, or `train[region=north]` for a matrix instance. */
export function stepLabel(step: Pick<StepExecution, 'step_id' | 'instance'>): string {
  return step.instance === undefined || step.instance === '' ? step.step_id : `${step.step_id}[${step.instance}]`;
}

/** `850ms`, `12s`, `1m03s`, `2h05m`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** How long something ran: to its end, or to `now` while it runs. */
export function elapsed(item: { started_time?: number; ended_time?: number }, now: number): number | undefined {
  if (item.started_time === undefined) return undefined;
  return (item.ended_time ?? now) - item.started_time;
}

/** `12:01:03` in local time: progress lines read like a log. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** `n_estimators=200, model=rf` */
export function formatParams(params: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
}

// --- pipelines -----------------------------------------------------------------------

/** After an upsert: which version, and whether it is new. */
export function renderUpsert(result: { pipeline: Pipeline; created: boolean }, codeDir?: string): string {
  const p = result.pipeline;
  const fields: [string, string[]][] = [
    ['Pipeline', [p.name]],
    ['Version', [`${p.version} (${result.created ? 'created' : 'unchanged: this content is already stored as this version'})`]],
    ['Hash', [p.hash]],
  ];
  if (codeDir !== undefined) fields.push(['Code dir', [codeDir]]);
  return keyValueBlock(fields);
}

export function renderPipelineList(pipelines: readonly PipelineSummary[]): string {
  if (pipelines.length === 0) return 'No pipelines.\n';
  return formatTable(
    [
      { header: 'NAME', maxWidth: 50 },
      { header: 'VERSION', align: 'right' },
      { header: 'HASH' },
      { header: 'LAST EXECUTION' },
      { header: 'STATUS' },
      { header: 'UPDATED' },
      { header: 'DESCRIPTION', maxWidth: 50 },
    ],
    pipelines.map((p) => [
      p.name,
      String(p.latest_version),
      shortHash(p.latest_hash),
      p.last_execution?.execution_id ?? '',
      p.last_execution?.status ?? '',
      formatTime(p.updated_time),
      p.description ?? '',
    ]),
  );
}

/** A pipeline version: summary, params, steps and the YAML source. */
export function renderPipelineDetail(p: Pipeline): string {
  const d = p.definition;
  let out = keyValueBlock([
    ['Pipeline', [p.name]],
    ['Version', [String(p.version)]],
    ['Hash', [p.hash]],
    ['Description', [d.description === undefined || d.description === '' ? '-' : singleLine(d.description)]],
    ['Written in', [p.source_format === 'yaml' ? 'YAML' : p.source_format === 'typescript' ? 'TypeScript' : 'JSON']],
    ['Created', [`${formatTime(p.created_time)}${p.created_by ? ` by ${p.created_by}` : ''}`]],
  ]);
  out += '\nParams:\n';
  const params = Object.entries(d.params);
  out +=
    params.length === 0
      ? '  (none)\n'
      : indent(
          formatTable(
            [{ header: 'NAME' }, { header: 'TYPE' }, { header: 'DEFAULT', maxWidth: 40 }, { header: 'DESCRIPTION', maxWidth: 60 }],
            params.map(([name, spec]) => [
              name,
              spec.type === 'choice' && spec.options !== undefined ? `choice (${spec.options.join('|')})` : spec.type,
              spec.default === undefined ? '(required)' : String(spec.default),
              spec.description ?? '',
            ]),
          ),
        );
  out += '\nSteps:\n';
  out += indent(
    formatTable(
      [{ header: 'STEP' }, { header: 'KIND', maxWidth: 30 }, { header: 'NEEDS', maxWidth: 40 }, { header: 'SETTINGS', maxWidth: 70 }],
      d.steps.map((s) => [s.id, s.kind === 'uses' ? `uses ${s.uses}` : 'run', s.needs.length === 0 ? '-' : s.needs.join(', '), stepSettings(s)]),
    ),
  );
  if (p.source_text !== undefined) {
    out += `\nSource:\n${p.source_text}${p.source_text.endsWith('\n') ? '' : '\n'}`;
  } else {
    out += `\nSource: not stored (written in ${p.source_format === 'typescript' ? 'TypeScript' : 'JSON'}); --json prints the definition.\n`;
  }
  return out;
}

/** `if, retry 3, timeout 60m, cache 1d, matrix, outputs model, metrics rmse, cpu 2 memory 4Gi, code train.py` */
function stepSettings(s: StepDefinition): string {
  const parts: string[] = [];
  if (s.if !== undefined) parts.push(`if ${s.if}`);
  if (s.retry !== undefined && s.retry.maxAttempts > 1) parts.push(`retry ${s.retry.maxAttempts}`);
  if (s.timeoutMinutes !== undefined) parts.push(`timeout ${s.timeoutMinutes}m`);
  if (s.cache.enabled) parts.push(s.cache.expireAfterSeconds === undefined ? 'cache' : `cache ${formatDuration(s.cache.expireAfterSeconds * 1000)}`);
  if (s.matrix !== undefined) parts.push(`matrix ${Object.keys(s.matrix.axes).join('×') || 'include'}`);
  if (s.kind === 'run') {
    const outputs = Object.keys(s.outputs);
    if (outputs.length > 0) parts.push(`outputs ${outputs.join(' ')}`);
    if (s.metrics.length > 0) parts.push(`metrics ${s.metrics.map((m) => m.name).join(' ')}`);
    if (s.resources !== undefined) parts.push(formatResources({ cpu: s.resources.cpu, memory_bytes: s.resources.memoryBytes, gpu: s.resources.gpu }));
    if (s.code !== undefined) parts.push(`code ${s.code.join(' ')}`);
  }
  return parts.join(', ');
}

// --- executions ----------------------------------------------------------------------

export function renderExecutionList(executions: readonly Execution[], now: number): string {
  if (executions.length === 0) return 'No executions.\n';
  return formatTable(
    [
      { header: 'EXECUTION ID' },
      { header: 'PIPELINE', maxWidth: 50 },
      { header: 'STATUS' },
      { header: 'TRIGGER' },
      { header: 'CREATED' },
      { header: 'DURATION', align: 'right' },
      { header: 'ACTOR', maxWidth: 30 },
    ],
    executions.map((e) => [
      e.execution_id,
      `${e.pipeline_name} v${e.pipeline_version}`,
      e.status,
      e.trigger.type === 'retry' && e.retry_of !== undefined ? `retry of ${e.retry_of}` : e.trigger.type,
      formatTime(e.created_time),
      formatDuration(elapsed(e, now)),
      e.actor,
    ]),
  );
}

/** What the NOTE column says about a step. */
export function stepNote(s: StepExecution): string {
  if (s.reused_from !== undefined) return `reused from ${s.reused_from}`;
  if (s.cached_from !== undefined) return `cache hit from ${s.cached_from}`;
  const last = s.attempts.at(-1);
  if (s.status === 'waiting' && last !== undefined) {
    return `attempt ${last.attempt} failed${attemptWhy(last)}; retrying`;
  }
  if (s.reason !== undefined && s.reason !== '') return singleLine(s.reason);
  if (s.status === 'failed' && last !== undefined) return attemptWhy(last).replace(/^: /, '');
  return '';
}

/** The steps as a table: STEP, STATUS, ATTEMPT, DURATION, NOTE (the live view and `executions show`). */
export function renderStepTable(execution: Execution, now: number, noteWidth = 70): string {
  return formatTable(
    [{ header: 'STEP', maxWidth: 40 }, { header: 'STATUS' }, { header: 'ATTEMPT', align: 'right' }, { header: 'DURATION', align: 'right' }, { header: 'NOTE', maxWidth: noteWidth }],
    execution.steps.map((s) => [stepLabel(s), s.status, s.attempts.length === 0 ? '' : String(s.attempts.at(-1)?.attempt ?? ''), formatDuration(elapsed(s, now)), stepNote(s)]),
  );
}

/** `Execution 01J… of housing v2: running, 1m03s` */
export function executionHeadline(e: Execution, now: number): string {
  const time = formatDuration(elapsed(e, now));
  return `Execution ${e.execution_id} of ${e.pipeline_name} v${e.pipeline_version}: ${e.status}${time === '' ? '' : `, ${time}`}`;
}

/** Everything about an execution: who, what, when, and each step's attempts, outputs, metrics and artifacts. */
export function renderExecutionDetail(e: Execution, now: number): string {
  const fields: [string, string[]][] = [
    ['Execution', [e.execution_id]],
    ['Pipeline', [`${e.pipeline_name} v${e.pipeline_version} (${shortHash(e.pipeline_hash)})`]],
    ['Status', [e.status]],
    ['Trigger', [e.trigger.detail === undefined ? e.trigger.type : `${e.trigger.type} (${e.trigger.detail})`]],
  ];
  if (e.retry_of !== undefined) fields.push(['Retry of', [e.retry_of]]);
  fields.push(
    ['Actor', [e.actor]],
    ['Params', [formatParams(e.params)]],
    ['Created', [formatTime(e.created_time)]],
    ['Started', [formatTime(e.started_time) || '-']],
    ['Ended', [formatTime(e.ended_time) || '-']],
    ['Duration', [formatDuration(elapsed(e, now)) || '-']],
  );
  if (e.experiment_id !== undefined || e.run_id !== undefined) {
    fields.push(['MLflow run', [`${e.run_id ?? '-'} (experiment ${e.experiment_id ?? '-'})`]]);
  }
  if (e.reason !== undefined && e.reason !== '') fields.push(['Reason', [singleLine(e.reason)]]);
  let out = keyValueBlock(fields);
  out += '\nSteps:\n';
  out += e.steps.length === 0 ? '  (none yet)\n' : indent(renderStepTable(e, now));
  const details = e.steps.map((s) => stepDetail(s)).filter((d) => d !== '');
  if (details.length > 0) out += `\n${details.join('\n')}`;
  return out;
}

/** One step's outputs, metrics, artifacts, run and attempts; empty for a step with nothing to say. */
function stepDetail(s: StepExecution): string {
  const lines: string[] = [];
  if (s.reused_from !== undefined) lines.push(`reused from execution ${s.reused_from}`);
  if (s.cached_from !== undefined) lines.push(`cache hit: result of execution ${s.cached_from}`);
  if (s.reason !== undefined && s.reason !== '' && s.status !== 'succeeded') lines.push(`${s.status}: ${singleLine(s.reason)}`);
  if (s.failure_class !== undefined) lines.push(`failure class: ${s.failure_class}`);
  for (const [k, v] of Object.entries(s.outputs)) lines.push(`output ${k} = ${truncate(singleLine(v), 100)}`);
  for (const [k, v] of Object.entries(s.metrics)) lines.push(`metric ${k} = ${v}`);
  for (const [k, v] of Object.entries(s.artifacts)) lines.push(`artifact ${k}: ${v}`);
  if (s.run_id !== undefined) lines.push(`MLflow run ${s.run_id}`);
  for (const a of s.attempts) lines.push(attemptLine(a));
  if (lines.length === 0) return '';
  return `${stepLabel(s)}:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

/** `attempt 2: failed after 3.1s (user, exit 1): …`, then `[cpu 2 memory 4Gi]` when the step gave resource hints. */
export function attemptLine(a: StepAttempt): string {
  const time = a.ended_time === undefined ? `started ${formatTime(a.started_time)}` : `after ${formatDuration(a.ended_time - a.started_time)}`;
  const hints = a.resources === undefined ? '' : ` [${formatResources(a.resources)}]`;
  if (a.status === 'running') return `attempt ${a.attempt}: running, started ${formatTime(a.started_time)}${hints}`;
  return `attempt ${a.attempt}: ${a.status} ${time}${hints}${a.status === 'failed' ? attemptWhy(a) : ''}`;
}

/** `cpu 0.5 memory 512Mi gpu 1`: resource hints (recorded; the local executor does not limit). */
export function formatResources(r: AttemptResources): string {
  const parts: string[] = [];
  if (r.cpu !== undefined) parts.push(`cpu ${r.cpu}`);
  if (r.memory_bytes !== undefined) parts.push(`memory ${formatMemory(r.memory_bytes)}`);
  if (r.gpu !== undefined) parts.push(`gpu ${r.gpu}`);
  return parts.join(' ');
}

/** ` (user, exit 1): message` */
function attemptWhy(a: StepAttempt): string {
  const tags = [a.failure_class, a.exit_code === undefined ? undefined : `exit ${a.exit_code}`].filter((t) => t !== undefined);
  const tagText = tags.length === 0 ? '' : ` (${tags.join(', ')})`;
  return `${tagText}${a.message === undefined || a.message === '' ? '' : `: ${singleLine(a.message)}`}`;
}

// --- watching an execution -----------------------------------------------------------

/** What one poll saw of a step, to tell what changed since. */
interface StepSnapshot {
  readonly status: string;
  readonly attempt: number;
}

/** The state of an execution as plain progress lines last saw it. */
export interface ProgressState {
  readonly status: string | undefined;
  readonly steps: ReadonlyMap<string, StepSnapshot>;
}

export const INITIAL_PROGRESS: ProgressState = { status: undefined, steps: new Map() };

/**
 * Plain progress lines for what changed between two polls (`12:01:03 train running
 * (attempt 1)`), and the new state. Steps still pending are not mentioned.
 */
export function progressLines(previous: ProgressState, execution: Execution, now: number): { lines: string[]; state: ProgressState } {
  const lines: string[] = [];
  if (execution.status !== previous.status && !isFinishedStatus(execution.status)) {
    lines.push(`${clockTime(execution.status === 'running' ? (execution.started_time ?? now) : now)} execution ${execution.status}`);
  }
  const steps = new Map<string, StepSnapshot>();
  for (const s of execution.steps) {
    const key = stepLabel(s);
    const snapshot: StepSnapshot = { status: s.status, attempt: s.attempts.at(-1)?.attempt ?? 0 };
    steps.set(key, snapshot);
    const before = previous.steps.get(key);
    if (before !== undefined && before.status === snapshot.status && before.attempt === snapshot.attempt) continue;
    if (before === undefined && s.status === 'pending') continue;
    // A step reused from an earlier execution ended before this one began: say when it was seen.
    const time = Math.max(stepTime(s, now), execution.started_time ?? execution.created_time);
    lines.push(`${clockTime(time)} ${key} ${describeStepStatus(s, now)}`);
  }
  return { lines, state: { status: execution.status, steps } };
}

/** `running (attempt 2)`, `succeeded (12s)`, `failed (user, exit 1): …`, `skipped: …` */
export function describeStepStatus(s: StepExecution, now: number): string {
  const last = s.attempts.at(-1);
  switch (s.status) {
    case 'running':
      return `running (attempt ${last?.attempt ?? 1})`;
    case 'succeeded': {
      const note = s.reused_from !== undefined ? `reused from ${s.reused_from}` : s.cached_from !== undefined ? `cache hit from ${s.cached_from}` : formatDuration(elapsed(s, now));
      return note === '' ? 'succeeded' : `succeeded (${note})`;
    }
    case 'waiting':
      return last === undefined ? 'waiting' : `waiting: attempt ${last.attempt} failed${attemptWhy(last)}; retrying`;
    case 'failed': {
      const why = s.failure_class === 'gate' ? ` (gate)${s.reason ? `: ${singleLine(s.reason)}` : ''}` : last === undefined ? reasonSuffix(s) : attemptWhy(last) || reasonSuffix(s);
      return `failed${why}`;
    }
    default:
      return `${s.status}${reasonSuffix(s)}`;
  }
}

function reasonSuffix(s: StepExecution): string {
  return s.reason === undefined || s.reason === '' ? '' : `: ${singleLine(s.reason)}`;
}

function stepTime(s: StepExecution, now: number): number {
  if (FINISHED_STEP_STATUSES.has(s.status)) return s.ended_time ?? now;
  if (s.status === 'running') return s.attempts.at(-1)?.started_time ?? s.started_time ?? now;
  return now;
}

function isFinishedStatus(status: string): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/** The step whose `slipway/evaluate` gate stopped the execution, if one did. */
export function gateStop(e: Execution): { step: string; reason: string } | undefined {
  const gate = e.steps.find((s) => s.failure_class === 'gate');
  if (gate !== undefined) return { step: stepLabel(gate), reason: singleLine(gate.reason ?? gate.attempts.at(-1)?.message ?? 'the gate did not pass') };
  const gated = e.steps.find((s) => s.status === 'gated');
  return gated === undefined ? undefined : { step: gated.step_id, reason: singleLine(gated.reason ?? 'an upstream gate did not pass') };
}

/** The exit status of `slipway run --wait`: 0 when the execution succeeded (a gate stop included), else 1. */
export function exitCodeFor(e: Execution): number {
  return e.status === 'succeeded' ? 0 : 1;
}

/** The last lines of a watched execution: how it ended, what failed, what to do next. */
export function renderSummary(e: Execution, now: number): string {
  const time = formatDuration(elapsed(e, now));
  const lines: string[] = [];
  const gate = gateStop(e);
  if (e.status === 'succeeded') {
    lines.push(`Execution ${e.execution_id} succeeded${time === '' ? '' : ` in ${time}`}.`);
    if (gate !== undefined) lines.push(`Stopped at gate ${gate.step}: ${gate.reason}`);
  } else {
    lines.push(`Execution ${e.execution_id} ${e.status}${time === '' ? '' : ` after ${time}`}${e.reason ? `: ${singleLine(e.reason)}` : '.'}`);
    if (gate !== undefined) lines.push(`Stopped at gate ${gate.step}: ${gate.reason}`);
    for (const s of e.steps.filter((s) => s.status === 'failed' && s.failure_class !== 'gate')) {
      const last = s.attempts.at(-1);
      const reason = s.reason !== undefined && s.reason !== '' ? `: ${singleLine(s.reason)}` : last === undefined ? '' : attemptWhy(last);
      lines.push(`  ${stepLabel(s)} failed${last === undefined ? '' : ` (attempt ${last.attempt})`}${reason}`);
    }
    const failed = e.steps.find((s) => s.status === 'failed' && s.attempts.length > 0);
    if (failed !== undefined) {
      lines.push(`Logs:  slipway executions logs ${e.execution_id} --step ${failed.step_id}`);
    }
    if (e.status === 'failed' || e.status === 'cancelled') {
      lines.push(`Retry: slipway executions retry ${e.execution_id} --wait   (reuses the steps that succeeded; --latest for the newest pipeline version)`);
    }
  }
  return `${lines.join('\n')}\n`;
}

// --- the live table on a terminal ----------------------------------------------------

/**
 * The frame the live view draws on a terminal: a headline and the step table, each line
 * cut to the terminal's width (so that none wraps, which would break moving back up), and
 * at most `rows - 1` lines.
 */
export function liveFrame(e: Execution, now: number, columns: number, rows: number): string[] {
  const lines = [executionHeadline(e, now), ...renderStepTable(e, now).trimEnd().split('\n')];
  const width = Math.max(10, columns - 1);
  let fitted = lines.map((l) => truncate(l, width));
  const maxLines = Math.max(3, rows - 1);
  if (fitted.length > maxLines) {
    const hidden = fitted.length - (maxLines - 1);
    fitted = [...fitted.slice(0, maxLines - 1), truncate(`… ${hidden} more step${hidden === 1 ? '' : 's'} (slipway executions show ${e.execution_id})`, width)];
  }
  return fitted;
}

/**
 * The bytes that replace the previous frame (`previousLines` tall, the cursor at the start of
 * the line below it) with `lines`: cursor up to its first line, clear to the end of the
 * screen, write.
 */
export function redraw(previousLines: number, lines: readonly string[]): string {
  const up = previousLines > 0 ? `\u001b[${previousLines}F` : '';
  return `${up}\u001b[0J${lines.join('\n')}\n`;
}

function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : prefix + l))
    .join('\n');
}
