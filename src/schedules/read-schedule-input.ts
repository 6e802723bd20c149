import { SlipwayError } from '../core/errors/slipway-error.js';
import { isPipelineDefinitionError } from '../core/pipelines/pipeline-issues.js';
import { resolveParams } from '../core/pipelines/param-overrides.js';
import { OVERLAP_POLICIES, type OverlapPolicy, type ParamValue, type PipelineDefinition } from '../core/pipelines/pipeline-model.js';
import { catchUpWindow, DEFAULT_CATCH_UP_SECONDS, DEFAULT_OVERLAP } from '../core/pipelines/read-schedule-specs.js';
import { checkCronAndZone } from '../core/schedules/cron-schedule.js';
import type { CreateScheduleInput } from '../core/schedules/schedule-operations.js';

export interface CheckedScheduleInput {
  readonly cron: string;
  readonly timezone: string;
  readonly params: Record<string, ParamValue>;
  readonly overlap: OverlapPolicy;
  readonly catchUpSeconds: number;
}

/**
 * Checks an API schedule against the pipeline's latest definition. Errors are
 * INVALID_PARAMETER_VALUE naming the API field (`cron`, `timezone`, `overlap`, `catch_up`,
 * `params.<name>`).
 */
export function readScheduleInput(input: CreateScheduleInput, definition: PipelineDefinition): CheckedScheduleInput {
  const cron = input.cron.trim();
  const timezone = (input.timezone ?? '').trim() === '' ? 'UTC' : (input.timezone ?? '').trim();
  checkCronAndZone(cron, timezone, { cron: 'cron', timezone: 'timezone' });
  let overlap = DEFAULT_OVERLAP;
  if (input.overlap !== undefined && input.overlap !== '') {
    const found = OVERLAP_POLICIES.find((p) => p === input.overlap?.trim().toLowerCase());
    if (found === undefined) {
      throw SlipwayError.invalidParameter(`Invalid value ${JSON.stringify(input.overlap)} for parameter 'overlap' supplied: it must be skip, queue or allow.`);
    }
    overlap = found;
  }
  let catchUpSeconds = DEFAULT_CATCH_UP_SECONDS;
  if (input.catchUp !== undefined && input.catchUp !== '') {
    const seconds = catchUpWindow(input.catchUp);
    if (seconds === undefined) {
      throw SlipwayError.invalidParameter(
        `Invalid value ${JSON.stringify(input.catchUp)} for parameter 'catch_up' supplied: it must be a duration such as 6h, 30m or P1D, a number of seconds, or 0/false for none.`,
      );
    }
    catchUpSeconds = seconds;
  }
  const overrides = input.params ?? {};
  // Type-check now (unknown names, wrong types), but store only the overrides given, as typed values.
  let resolved: Record<string, ParamValue>;
  try {
    resolved = resolveParams(definition, overrides);
  } catch (e) {
    if (isPipelineDefinitionError(e)) throw SlipwayError.invalidParameter(`Invalid value for parameter 'params' supplied: ${e.message}`);
    throw e;
  }
  const params: Record<string, ParamValue> = {};
  for (const name of Object.keys(overrides)) {
    const value = resolved[name];
    if (value !== undefined) params[name] = value;
  }
  return { cron, timezone, params, overlap, catchUpSeconds };
}
