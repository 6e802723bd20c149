/**
 * Reads `on: schedule:`: a list of `{cron, timezone, params, overlap, catch-up}` (see
 * docs/schedules.md). The cron expression and zone are checked here (croner and `Intl`);
 * the params are checked against the pipeline's declared params by
 * {@link checkScheduleParams}, once the params have been read.
 * @module
 */

import { cronProblem, timezoneProblem } from '../schedules/cron-schedule.js';
import { coerceParamValue } from './param-overrides.js';
import { didYouMean, quoteList, type DocumentPath, type IssueList } from './pipeline-issues.js';
import { OVERLAP_POLICIES, type OverlapPolicy, type ParamValue, type PipelineDefinition, type ScheduleSpec } from './pipeline-model.js';
import { parseDuration } from './parse-duration.js';

const SCHEDULE_KEYS = ['cron', 'timezone', 'params', 'overlap', 'catch-up'] as const;

/** Default overlap policy: a schedule does not pile executions on a slow one. */
export const DEFAULT_OVERLAP: OverlapPolicy = 'skip';
/** Default catch-up window after downtime: one hour. */
export const DEFAULT_CATCH_UP_SECONDS = 3600;

/** Reads `on: schedule:` (a list of `{cron, timezone, params, overlap, catch-up}`). */
export function readScheduleSpecs(value: unknown, path: DocumentPath, issues: IssueList): ScheduleSpec[] {
  if (!Array.isArray(value)) {
    issues.add(path, "'on.schedule' must be a list of {cron, timezone} entries (e.g. - cron: '0 8 * * MON-FRI')");
    return [];
  }
  const specs: ScheduleSpec[] = [];
  (value as unknown[]).forEach((raw, i) => {
    const spec = readScheduleSpec(raw, [...path, i], issues);
    if (spec !== undefined) specs.push(spec);
  });
  return specs;
}

function readScheduleSpec(raw: unknown, path: DocumentPath, issues: IssueList): ScheduleSpec | undefined {
  if (typeof raw === 'string') {
    issues.add(path, `a schedule entry is a map: write '- cron: "${raw}"'`);
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.add(path, 'a schedule entry must be a map with a cron expression (cron: ...)');
    return undefined;
  }
  const map = raw as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(map)) {
    if ((SCHEDULE_KEYS as readonly string[]).includes(key)) continue;
    const hint = key === 'catchUp' || key === 'catch_up' ? " (write 'catch-up')" : key === 'tz' || key === 'time-zone' || key === 'timeZone' ? " (write 'timezone')" : didYouMean(key, SCHEDULE_KEYS);
    issues.add([...path, key], `unknown key '${key}' in a schedule${hint || ` (expected ${quoteList(SCHEDULE_KEYS, 'or')})`}`, { target: 'key' });
    ok = false;
  }

  let cron = '';
  if (typeof map.cron !== 'string') {
    issues.add(map.cron === undefined ? path : [...path, 'cron'], map.cron === undefined ? "a schedule needs 'cron' (e.g. cron: '0 8 * * MON-FRI')" : "'cron' must be a string (quote it)");
    ok = false;
  } else {
    cron = map.cron.trim();
    const problem = cronProblem(cron);
    if (problem !== undefined) {
      issues.add([...path, 'cron'], problem);
      ok = false;
    }
  }

  let timezone = 'UTC';
  if (map.timezone !== undefined && map.timezone !== null) {
    if (typeof map.timezone !== 'string') {
      issues.add([...path, 'timezone'], "'timezone' must be an IANA time zone name (e.g. Europe/Berlin)");
      ok = false;
    } else {
      timezone = map.timezone.trim();
      const problem = timezoneProblem(timezone);
      if (problem !== undefined) {
        issues.add([...path, 'timezone'], problem);
        ok = false;
      }
    }
  }

  let overlap = DEFAULT_OVERLAP;
  if (map.overlap !== undefined && map.overlap !== null) {
    const found = OVERLAP_POLICIES.find((p) => p === map.overlap);
    if (found === undefined) {
      issues.add([...path, 'overlap'], `'overlap' must be ${quoteList(OVERLAP_POLICIES, 'or')}, not ${JSON.stringify(map.overlap)}`);
      ok = false;
    } else {
      overlap = found;
    }
  }

  let catchUpSeconds = DEFAULT_CATCH_UP_SECONDS;
  if (map['catch-up'] !== undefined && map['catch-up'] !== null) {
    const seconds = catchUpWindow(map['catch-up']);
    if (seconds === undefined) {
      issues.add([...path, 'catch-up'], `'catch-up' must be a duration such as 6h, 30m or P1D, or 0/false for none; not ${JSON.stringify(map['catch-up'])}`);
      ok = false;
    } else {
      catchUpSeconds = seconds;
    }
  }

  const params: Record<string, ParamValue> = {};
  if (map.params !== undefined && map.params !== null) {
    if (typeof map.params !== 'object' || Array.isArray(map.params)) {
      issues.add([...path, 'params'], "'params' must be a map of param values (name: value)");
      ok = false;
    } else {
      for (const [name, value] of Object.entries(map.params as Record<string, unknown>)) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') params[name] = value;
        else {
          issues.add([...path, 'params', name], `param '${name}' must be a string, number or boolean`);
          ok = false;
        }
      }
    }
  }
  return ok ? { cron, timezone, params, overlap, catchUpSeconds } : undefined;
}

/** A catch-up window in seconds: a duration, or `0`/`false`/`none` for none. */
export function catchUpWindow(value: unknown): number | undefined {
  if (value === false || value === 0 || value === '0' || value === 'none') return 0;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const seconds = parseDuration(value);
  return seconds === undefined ? undefined : Math.round(seconds);
}

/**
 * Checks each schedule's params against the pipeline's declared params: unknown names,
 * badly typed values and values that are not options. Required params left out are not
 * an issue of the schedule's: they fail the fire if the pipeline does not give them.
 */
export function checkScheduleParams(definition: PipelineDefinition, issues: IssueList): void {
  // Entries that could not be read are left out of `definition.on.schedule`, so indices
  // only match the document when every entry was read: otherwise those issues come first.
  if (issues.issues.some((issue) => issue.segments[0] === 'on' && issue.segments[1] === 'schedule')) return;
  const declared = Object.keys(definition.params);
  (definition.on?.schedule ?? []).forEach((schedule, i) => {
    for (const [name, raw] of Object.entries(schedule.params)) {
      const path = ['on', 'schedule', i, 'params', name];
      const spec = Object.hasOwn(definition.params, name) ? definition.params[name] : undefined;
      if (spec === undefined) {
        issues.add(path, `unknown param '${name}'${didYouMean(name, declared) || (declared.length === 0 ? `: pipeline '${definition.name}' has no params` : ` (pipeline '${definition.name}' has ${quoteList(declared)})`)}`, { target: 'key' });
        continue;
      }
      const result = coerceParamValue(spec, raw);
      if ('problem' in result) issues.add(path, `param '${name}' (${spec.type}) ${result.problem}`);
    }
  });
}
