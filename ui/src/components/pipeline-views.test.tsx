import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { StepExecution } from '../api/pipelines-client.js';
import { matchRoute } from '../lib/router.js';
import { dagSteps, DagView } from './dag-view.js';
import { combinedStatus, describeTrigger, formatDuration, StatusBadge, stepMarks } from './pipeline-status.js';
import { initialValues, RunForm, typedParams } from './run-form.js';

const row = (over: Partial<StepExecution> & Pick<StepExecution, 'step_id' | 'status'>): StepExecution => ({ outputs: {}, artifacts: {}, metrics: {}, attempts: [], ...over });

describe('typedParams', () => {
  const params = {
    n: { type: 'int' as const, default: 100 },
    lr: { type: 'float' as const },
    fast: { type: 'bool' as const, default: false },
    model: { type: 'choice' as const, options: ['tree', 'linear'], default: 'tree' },
    note: { type: 'string' as const, default: '' },
  };

  it('types each field by its param type and leaves empty defaulted fields to the server', () => {
    const values = { ...initialValues(params), n: '300', lr: '0.05', fast: 'true', note: '' };
    expect(typedParams(params, values)).toEqual({ params: { n: 300, lr: 0.05, fast: true, model: 'tree' }, problems: {} });
    expect(typedParams(params, { ...values, n: '' }).params).not.toHaveProperty('n');
  });

  it('names the problems: a required param, a non-integer int, a bad float, an unknown choice', () => {
    const { problems } = typedParams(params, { n: '1.5', lr: '', fast: 'false', model: 'forest', note: '' });
    expect(problems).toEqual({ n: 'Must be a whole number.', lr: 'Required.', model: 'Must be one of tree, linear.' });
    expect(typedParams(params, { n: '1', lr: 'abc', model: 'tree' }).problems).toEqual({ lr: 'Must be a number.' });
  });

  it('renders a labelled control per param: number, checkbox, select, text', () => {
    const html = renderToStaticMarkup(<RunForm params={params} label="Run it" onRun={async () => {}} />);
    expect(html).toContain('aria-label="Run it"');
    expect(html).toMatch(/<input[^>]*type="number"[^>]*step="1"/);
    expect(html).toMatch(/type="checkbox"/);
    expect(html).toMatch(/<select[^>]*>.*<option value="tree"[^>]*>tree<\/option>/);
    expect(html).toContain('float · required');
    expect(renderToStaticMarkup(<RunForm params={{}} label="x" onRun={async () => {}} />)).toContain('takes no params');
  });
});

describe('DAG steps and marks', () => {
  const definition = [
    { id: 'prep', kind: 'run' as const, needs: [] },
    { id: 'train', kind: 'run' as const, needs: ['prep'] },
    { id: 'gate', kind: 'uses' as const, uses: 'slipway/evaluate', needs: ['train'] },
    { id: 'deploy', kind: 'uses' as const, uses: 'slipway/promote', needs: ['gate'] },
  ];

  it('combines matrix instances into the most telling status and marks cached, skipped and gated steps', () => {
    const steps = dagSteps(definition, [
      row({ step_id: 'prep', status: 'succeeded', cached_from: 'e-0' }),
      row({ step_id: 'train', instance: 'depth=3', status: 'succeeded' }),
      row({ step_id: 'train', instance: 'depth=5', status: 'failed' }),
      row({ step_id: 'gate', status: 'skipped' }),
      row({ step_id: 'deploy', status: 'gated' }),
    ]);
    expect(steps.map((s) => [s.id, s.status, s.marks.join(',')])).toEqual([
      ['prep', 'succeeded', 'cached'],
      ['train', 'failed', ''],
      ['gate', 'skipped', 'skipped'],
      ['deploy', 'gated', 'gated'],
    ]);
    expect(steps[1]!.detail).toBe('2 instances');
    expect(combinedStatus([])).toBe('pending');
    expect(stepMarks({ status: 'succeeded', reused_from: 'e-1' })).toEqual(['reused']);
  });

  it('draws a focusable, labelled button per step with its status in words, and an arrow per need', () => {
    const steps = dagSteps(definition, [row({ step_id: 'prep', status: 'succeeded', cached_from: 'e-0' }), row({ step_id: 'train', status: 'running' })]);
    const html = renderToStaticMarkup(<DagView steps={steps} selected="train" onSelect={() => {}} label="Steps of p" />);
    expect(html.match(/role="button"/g)).toHaveLength(4);
    expect(html.match(/tabindex="0"/g)).toHaveLength(4);
    expect(html).toContain('aria-label="Step prep: succeeded (cached)"');
    expect(html).toContain('aria-label="Step train: running"');
    expect(html).toMatch(/class="dag-node status-running selected"/);
    expect(html.match(/class="dag-edge"/g)).toHaveLength(3);
    expect(renderToStaticMarkup(<DagView steps={[]} selected={undefined} onSelect={() => {}} label="x" />)).toContain('no steps');
  });

  it('falls back to the executed steps, without edges, when the definition is not loaded', () => {
    expect(dagSteps(undefined, [row({ step_id: 'a', status: 'pending' }), row({ step_id: 'b', status: 'pending' })]).map((s) => s.needs)).toEqual([[], []]);
  });
});

describe('status helpers', () => {
  it('formats durations, triggers and badges', () => {
    expect(formatDuration(0, 3200)).toBe('3.2 s');
    expect(formatDuration(0, 250_000)).toBe('4 min 10 s');
    expect(formatDuration(undefined, 5)).toBe('');
    expect(describeTrigger({ type: 'retry', detail: 'e-1' })).toBe('retry (of e-1)');
    expect(describeTrigger({ type: 'api' })).toBe('api');
    expect(renderToStaticMarkup(<StatusBadge status="failed" />)).toBe('<span class="status-badge status-failed">failed</span>');
  });
});

describe('pipeline routes', () => {
  it('names the pipelines pages', () => {
    expect(matchRoute('/pipelines')).toEqual({ page: 'pipelines' });
    expect(matchRoute('/pipelines/house%20train/')).toEqual({ page: 'pipeline', name: 'house train' });
    expect(matchRoute('/executions')).toEqual({ page: 'executions' });
    expect(matchRoute('/executions/01abc')).toEqual({ page: 'execution', executionId: '01abc' });
    expect(matchRoute('/schedules')).toEqual({ page: 'schedules' });
    expect(matchRoute('/approvals')).toEqual({ page: 'approvals' });
    expect(matchRoute('/executions/1/x')).toEqual({ page: 'not-found', path: '/executions/1/x' });
  });
});
