/**
 * What steps downstream of a `slipway/tune` step may refer to: its fixed outputs
 * (`best-trial`, …), and the best trial's own values — the template's value outputs
 * (`steps.<tune>.outputs.<name>`), file and directory outputs (`steps.<tune>.artifacts.<name>`)
 * and metrics (the template's regex metrics and the objective). Read leniently from the
 * written `with:`: the tune step's own check reports what is malformed.
 * @module
 */

import type { StaticKind } from '../pipelines/expressions/expression-functions.js';
import type { JsonValue } from '../pipelines/pipeline-model.js';
import { isMap } from './input-reader.js';

/** The outputs every tune step has, besides the best trial's. */
export const TUNE_FIXED_OUTPUTS: Readonly<Record<string, { readonly type: StaticKind; readonly description: string }>> = {
  'best-trial': { type: 'number', description: 'The number of the best trial.' },
  'best-objective': { type: 'number', description: "The best trial's objective value." },
  'best-run-id': { type: 'string', description: "The best trial's run." },
  'best-params': { type: 'string', description: "The best trial's parameters, a JSON map of names to values (use fromJSON())." },
  trials: { type: 'number', description: 'How many trials ran.' },
  'search-run-id': { type: 'string', description: "The tune step's own MLflow run: the parent of the trials' runs, with the summary table (tuning/trials.csv, tuning/trials.md)." },
  seed: { type: 'number', description: 'The seed of the search (the one given, or the one the engine chose).' },
};

export interface TuneStepSymbols {
  readonly outputs: ReadonlyMap<string, StaticKind>;
  readonly artifacts: ReadonlySet<string>;
  readonly metrics: ReadonlySet<string>;
}

export function tuneStepSymbols(inputs: Readonly<Record<string, JsonValue>>): TuneStepSymbols {
  const outputs = new Map<string, StaticKind>(Object.entries(TUNE_FIXED_OUTPUTS).map(([name, o]) => [name, o.type]));
  const artifacts = new Set<string>();
  if (isMap(inputs.outputs)) {
    for (const [name, spec] of Object.entries(inputs.outputs)) {
      if (Object.hasOwn(TUNE_FIXED_OUTPUTS, name)) continue;
      const isValue = isMap(spec) && (spec.type === 'value' || (spec.type === undefined && spec.path === undefined));
      if (isValue) outputs.set(name, 'string');
      else artifacts.add(name);
    }
  }
  const metrics = new Set<string>();
  if (Array.isArray(inputs.metrics)) {
    for (const m of inputs.metrics) if (isMap(m) && typeof m.name === 'string') metrics.add(m.name);
  } else if (isMap(inputs.metrics)) {
    for (const name of Object.keys(inputs.metrics)) metrics.add(name);
  }
  if (isMap(inputs.objective) && typeof inputs.objective.metric === 'string') metrics.add(inputs.objective.metric);
  return { outputs, artifacts, metrics };
}
