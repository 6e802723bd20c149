import { describe, expect, it } from 'vitest';
import type { DocumentPath } from '../pipelines/pipeline-issues.js';
import type { JsonValue } from '../pipelines/pipeline-model.js';
import { TUNE_STEP } from './tune-builtin-step.js';

function check(inputs: Record<string, JsonValue>): string[] {
  const reports: string[] = [];
  TUNE_STEP.check?.(inputs, {
    stepId: 'tune',
    upstream: new Set(),
    steps: new Map(),
    report: (path: DocumentPath, message: string) => reports.push(`${path.join('.')}: ${message}`),
  });
  return reports;
}

describe('the slipway/tune built-in step', () => {
  it('declares every input the reader knows, so the generic check reports unknown ones once', () => {
    expect(Object.keys(TUNE_STEP.inputs)).toContain('early-stop');
    expect(check({ run: 'x', parameters: { a: [1, 2] }, objective: { metric: 'm', direction: 'minimize' }, bogus: 1 })).toEqual([]);
  });

  it('reports the reader’s problems relative to with:', () => {
    expect(check({ run: 'x', parameters: { a: { type: 'float', min: 1, max: 0 } }, objective: { metric: 'm', direction: 'minimize' } })).toEqual([
      "parameters.a.min: 'min' of parameter 'a' (1) must be less than 'max' (0)",
    ]);
    expect(check({ parameters: { a: [1] }, objective: { metric: 'm', direction: 'minimize' } })).toEqual([
      ": slipway/tune needs input 'run' (the command each trial runs)",
    ]);
  });
});
