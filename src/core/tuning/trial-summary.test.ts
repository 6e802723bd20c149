import { describe, expect, it } from 'vitest';
import { bestTrial } from './best-trial.js';
import { trialSummaryCsv, trialSummaryMarkdown } from './trial-summary.js';
import type { ParameterSpace, Trial } from './tune-spec.js';

const parameters: ParameterSpace = [
  { type: 'int', name: 'depth', min: 1, max: 10, step: 1, scale: 'linear' },
  { type: 'choice', name: 'kind', values: ['a|b', 'x,"y"'] },
];
const history: Trial[] = [
  { number: 1, params: { depth: 3, kind: 'a|b' }, objective: 0.5, status: 'succeeded', runId: 'r1' },
  { number: 3, params: { depth: 5, kind: 'x,"y"' }, status: 'failed', runId: 'r3' },
  { number: 2, params: { depth: 4, kind: 'a|b' }, objective: 0.25, status: 'succeeded', runId: 'r2' },
  { number: 4, params: { depth: 9, kind: 'a|b' }, objective: 0.25, status: 'succeeded' },
];

describe('best trial', () => {
  it('is the succeeded trial with the best objective, the earliest on a tie', () => {
    expect(bestTrial(history, 'minimize')?.runId).toBe('r2');
    expect(bestTrial(history, 'maximize')?.runId).toBe('r1');
    expect(bestTrial([{ params: {}, status: 'failed', objective: 0 }], 'minimize')).toBeUndefined();
    expect(bestTrial([], 'minimize')).toBeUndefined();
  });
});

describe('trial summary', () => {
  it('renders CSV with RFC 4180 quoting and the best row marked', () => {
    expect(trialSummaryCsv(history, parameters, { metric: 'rmse', direction: 'minimize' })).toBe(
      [
        'trial,depth,kind,rmse,status,run_id,best',
        '1,3,a|b,0.5,succeeded,r1,',
        '3,5,"x,""y""",,failed,r3,',
        '2,4,a|b,0.25,succeeded,r2,*',
        '4,9,a|b,0.25,succeeded,,',
        '',
      ].join('\r\n'),
    );
  });

  it('renders a Markdown table with pipes escaped', () => {
    expect(trialSummaryMarkdown(history.slice(0, 2), parameters, { metric: 'accuracy', direction: 'maximize' })).toBe(
      [
        '| trial | depth | kind | accuracy | status | run_id | best |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        '| 1 | 3 | a\\|b | 0.5 | succeeded | r1 | * |',
        '| 3 | 5 | x,"y" |  | failed | r3 |  |',
        '',
      ].join('\n'),
    );
  });
});
