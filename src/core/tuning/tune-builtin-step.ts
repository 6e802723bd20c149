/**
 * The `slipway/tune` built-in step as the validator sees it: its inputs (all read and
 * typed by {@link readTuneSpec}, so they are declared `json` here and the generic checks
 * only look at their expressions) and its fixed outputs. The best trial's own outputs
 * (the template's `outputs`) come on top of these; see docs/tuning.md.
 * @module
 */

import type { BuiltinStep } from '../pipelines/builtin-steps.js';
import { IssueList } from '../pipelines/pipeline-issues.js';
import { readTuneSpec, TUNE_INPUTS } from './read-tune-spec.js';
import { TUNE_FIXED_OUTPUTS } from './tune-step-symbols.js';

const DESCRIPTIONS: Readonly<Record<(typeof TUNE_INPUTS)[number], string>> = {
  run: "The command each trial runs; '${{ trial.params.<name> }}' gives the trial's value of a parameter.",
  env: "Environment variables of each trial (may use '${{ trial.params.<name> }}').",
  'working-directory': "Each trial's working directory, relative to its workspace.",
  outputs: "Each trial's outputs, as a 'run' step's (file, dir or value); the best trial's become the step's.",
  metrics: "Metrics read from each trial's log ({name, regex}); the trial's run metrics count too.",
  parameters: "The parameters searched: {type: int|float, min, max, scale: linear|log, step} or {type: choice, values}.",
  strategy: "'tpe' (default), 'random' or 'grid'.",
  'max-trials': 'The most trials (default 20; under grid, the grid size).',
  'max-parallel': 'The most trials running at once (default 1; at most max-trials).',
  objective: '{metric, direction: minimize|maximize}: what the search optimises.',
  'early-stop': "{patience, min-delta}: stop when the best has not improved by more than min-delta in 'patience' finished trials.",
  seed: 'The seed of the search (0 to 4294967295), so it can be repeated.',
  'grid-points': 'Under grid: the values of each float range (default 5).',
  'startup-trials': 'Under tpe: the random trials before the model is used (default 10, or a third of max-trials).',
};

export const TUNE_STEP: BuiltinStep = {
  name: 'slipway/tune',
  description:
    'A hyperparameter search over a step template: trials with parameters chosen by grid, random or TPE search; the best trial’s outputs become the step’s.',
  inputs: Object.fromEntries(TUNE_INPUTS.map((name) => [name, { type: 'json', description: DESCRIPTIONS[name] }])),
  outputs: TUNE_FIXED_OUTPUTS,
  check(inputs, context) {
    const known = Object.fromEntries(Object.entries(inputs).filter(([key]) => (TUNE_INPUTS as readonly string[]).includes(key)));
    const issues = new IssueList();
    readTuneSpec(known, [], issues);
    for (const issue of issues.issues) context.report(issue.segments, issue.message);
  },
};
