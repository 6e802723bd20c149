/**
 * The search of a running tune step, read from its definition: the `with:` inputs that
 * configure the search (numbers and choices may be `${{ … }}` expressions) are evaluated
 * against the execution — params and upstream steps, which do not change once the step
 * has started, so every tick (and a restarted server) reads the same spec — and read
 * again by `readTuneSpec`. The trial template's inputs stay templates: they are
 * evaluated per trial.
 * @module
 */

import { ExpressionError } from '../../core/pipelines/expressions/expression-error.js';
import { evaluateInputs } from '../../core/pipelines/expressions/evaluate-expression.js';
import { formatDocumentPath, IssueList } from '../../core/pipelines/pipeline-issues.js';
import type { JsonValue, PipelineDefinition, UsesStepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ExecutionRecord } from '../../core/ports/pipeline-store.js';
import { TRIAL_TEMPLATE_INPUTS } from '../../core/tuning/read-trial-template.js';
import { readTuneSpec } from '../../core/tuning/read-tune-spec.js';
import type { TuneSpec } from '../../core/tuning/tune-spec.js';
import { placeholderPath } from './placeholder-path.js';
import { buildContext } from './step-context.js';

/** The spec, or why the inputs do not make one (an expression that failed, a value out of range). */
export type SearchSpecResult = { readonly spec: TuneSpec } | { readonly problem: string };

export function searchSpec(record: ExecutionRecord, definition: PipelineDefinition, step: UsesStepDefinition): SearchSpecResult {
  const index = definition.steps.indexOf(step);
  const where = `steps[${index}].with`;
  const context = buildContext(record, definition, step, { artifactPath: placeholderPath });
  const inputs: Record<string, JsonValue> = {};
  try {
    for (const [key, value] of Object.entries(step.with)) {
      // `metrics` is read as written too: its regexes are not templates.
      inputs[key] = TRIAL_TEMPLATE_INPUTS.includes(key) || key === 'metrics' ? value : evaluateInputs(value, context, `${where}.${key}`);
    }
  } catch (e) {
    if (e instanceof ExpressionError) return { problem: e.message };
    throw e;
  }
  const issues = new IssueList();
  const spec = readTuneSpec(inputs, ['steps', index, 'with'], issues);
  if (spec !== undefined) return { spec };
  const problems = issues.issues.map((i) => `${formatDocumentPath(i.segments)}: ${i.message}`);
  return { problem: problems.length === 0 ? `${where}: the search inputs do not make a search` : problems.join('; ') };
}
