import type { DocumentPath, IssueList } from './pipeline-issues.js';
import type { ScheduleSpec } from './pipeline-model.js';

/** Reads `on: schedule:` (a list of `{cron, timezone, params, overlap, catch-up}`). */
export function readScheduleSpecs(value: unknown, path: DocumentPath, issues: IssueList): ScheduleSpec[] {
  issues.add(path, "'on.schedule' is not supported yet");
  void value;
  return [];
}
