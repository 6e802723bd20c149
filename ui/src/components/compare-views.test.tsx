import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Run } from '../api/mlflow-types.js';
import { ParallelCoordinates } from './parallel-coordinates.js';
import { RunScatter } from './run-scatter.js';

const run = (id: string, lr: string, rmse?: number): Run => ({
  info: { run_id: id, experiment_id: '1' },
  data: { params: [{ key: 'lr', value: lr }], metrics: rmse === undefined ? [] : [{ key: 'rmse', value: rmse, timestamp: 0, step: 0 }] },
});
const runs = [run('a', '0.1', 0.5), run('b', '0.2', 0.4), run('c', '0.3')];
const dims = [
  { kind: 'param' as const, key: 'lr' },
  { kind: 'metric' as const, key: 'rmse' },
];

describe('RunScatter', () => {
  it('draws one dot per run with both values and says how many are missing', () => {
    const html = renderToStaticMarkup(<RunScatter runs={runs} labels={['A', 'B', 'C']} dimensions={dims} metrics={[dims[1]!]} />);
    expect(html).toContain('aria-label="Scatter of rmse against param lr over 3 runs"');
    expect(html.match(/<circle/g)).toHaveLength(2);
    expect(html).toContain('<li>C: lr 0.3, rmse missing</li>');
    expect(html).toContain('1 run has no value for one of the axes and is not drawn.');
  });

  it('asks for a metric when there is none', () => {
    expect(renderToStaticMarkup(<RunScatter runs={runs} labels={[]} dimensions={[dims[0]!]} metrics={[]} />)).toContain('need a metric');
  });
});

describe('ParallelCoordinates', () => {
  it('draws an axis per dimension and a line per run, broken where a value is missing', () => {
    const html = renderToStaticMarkup(<ParallelCoordinates runs={runs} labels={['A', 'B', 'C']} dimensions={dims} />);
    expect(html).toContain('aria-label="Parallel coordinates of 3 runs over lr, rmse"');
    expect(html.match(/<polyline/g)).toHaveLength(2);
    // Run C has lr only: a single point.
    expect(html.match(/<circle/g)).toHaveLength(1);
  });
});
