/**
 * The table of a search's trials, logged as the tune step's artifact: one row per trial
 * with its number, parameters, objective, status and run id, the best one marked. CSV for
 * tools, Markdown for people (the UI and a step summary show it as is).
 * @module
 */

import { bestTrialIndex } from './best-trial.js';
import type { ParameterSpace, ParamScalar, Trial, TuneObjective } from './tune-spec.js';

export interface TrialSummaryTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The table's cells: `trial`, each parameter, the objective metric, `status`, `run_id`, `best` (`*` on the best row). */
export function trialSummaryTable(history: readonly Trial[], parameters: ParameterSpace, objective: TuneObjective): TrialSummaryTable {
  const best = bestTrialIndex(history, objective.direction);
  const names = parameters.map((p) => p.name);
  const header = ['trial', ...names, objective.metric, 'status', 'run_id', 'best'];
  const rows = history.map((trial, i) => [
    String(trial.number ?? i + 1),
    ...names.map((name) => cell(trial.params[name])),
    trial.objective === undefined ? '' : String(trial.objective),
    trial.status,
    trial.runId ?? '',
    i === best ? '*' : '',
  ]);
  return { header, rows };
}

function cell(value: ParamScalar | undefined): string {
  return value === undefined ? '' : String(value);
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF line ends. */
export function trialSummaryCsv(history: readonly Trial[], parameters: ParameterSpace, objective: TuneObjective): string {
  const { header, rows } = trialSummaryTable(history, parameters, objective);
  const field = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

/** A GitHub-flavoured Markdown table; `|` and line breaks in cells are escaped. */
export function trialSummaryMarkdown(history: readonly Trial[], parameters: ParameterSpace, objective: TuneObjective): string {
  const { header, rows } = trialSummaryTable(history, parameters, objective);
  const field = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const line = (row: readonly string[]): string => `| ${row.map(field).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n') + '\n';
}
