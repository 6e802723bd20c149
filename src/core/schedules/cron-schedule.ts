/**
 * Cron expressions and time zones, through croner: validation (with the field named in the
 * error) and the fire times of a schedule in its zone. Croner follows the zone's
 * daylight-saving rules: a time that does not exist on a spring-forward day (02:30 in
 * Europe/Berlin) fires at the first minute that exists after it, and a time that happens
 * twice on a fall-back day fires once, at its first occurrence.
 * @module
 */

import { Cron } from 'croner';
import { SlipwayError } from '../errors/slipway-error.js';

/** Why `cron` is not a cron expression Slipway accepts, or undefined when it is. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (cron.trim() === '' || fields.length < 5 || fields.length > 6) {
    return `'${cron}' is not a cron expression: it needs five fields (minute hour day-of-month month day-of-week), or six with seconds first`;
  }
  try {
    new Cron(cron.trim(), { paused: true, mode: '5-or-6-parts' });
    return undefined;
  } catch (e) {
    return `'${cron}' is not a cron expression: ${(e instanceof Error ? e.message : String(e)).replace(/^CronPattern: /, '')}`;
  }
}

/** Why `zone` is not an IANA time zone this runtime knows, or undefined when it is. */
export function timezoneProblem(zone: string): string | undefined {
  if (zone.trim() === '') return "'' is not a time zone (use an IANA name such as Europe/Berlin, or UTC)";
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    return `'${zone}' is not an IANA time zone (such as Europe/Berlin, America/New_York or UTC)`;
  }
}

/** Throws INVALID_PARAMETER_VALUE naming `field` when the cron expression or zone is bad. */
export function checkCronAndZone(cron: string, timezone: string, fields: { cron: string; timezone: string }): void {
  const cronIssue = cronProblem(cron);
  if (cronIssue !== undefined) throw SlipwayError.invalidParameter(`Invalid value for parameter '${fields.cron}' supplied: ${cronIssue}.`);
  const zoneIssue = timezoneProblem(timezone);
  if (zoneIssue !== undefined) throw SlipwayError.invalidParameter(`Invalid value for parameter '${fields.timezone}' supplied: ${zoneIssue}.`);
}

/** The fire times of a (valid) cron expression in a zone. */
export class CronSchedule {
  readonly #cron: Cron;

  constructor(cron: string, timezone: string) {
    this.#cron = new Cron(cron.trim(), { paused: true, timezone, mode: '5-or-6-parts' });
  }

  /** The first fire time strictly after `after` (ms since the epoch), or undefined when there is none. */
  nextAfter(after: number): number | undefined {
    return this.#cron.nextRun(new Date(after))?.getTime();
  }

  /** The next `count` fire times strictly after `after`. */
  nextTimes(after: number, count: number): number[] {
    return this.#cron.nextRuns(count, new Date(after)).map((d) => d.getTime());
  }

  /** Fire times in `(after, until]`, oldest first, at most `limit` of them. */
  dueTimes(after: number, until: number, limit: number): number[] {
    const times: number[] = [];
    let cursor = after;
    while (times.length < limit) {
      const next = this.nextAfter(cursor);
      if (next === undefined || next > until) break;
      times.push(next);
      cursor = next;
    }
    return times;
  }
}
