import { describe, expect, it } from 'vitest';
import { canonicalPipelineJson } from './canonical-pipeline-json.js';
import { checkPipelineDocument, compilePipeline } from './compile-pipeline.js';
import { stepOrder, upstreamOf } from './pipeline-graph.js';
import { isPipelineDefinitionError, PipelineDefinitionError } from './pipeline-issues.js';
import { DEFAULT_BACKOFF } from './read-pipeline-document.js';

const issuesOf = (document: unknown): string[] => checkPipelineDocument(document).issues.map((i) => `${i.path}: ${i.message}`);

describe('compilePipeline', () => {
  it('normalises shorthands and fills in defaults', () => {
    const definition = compilePipeline({
      name: 'shorthands',
      steps: [
        { id: 'a', run: 'echo a', retry: 3, cache: true, outputs: { data: 'data/', report: 'report.json', rows: { type: 'value' } }, metrics: { rmse: 'rmse=(\\d+)' } },
        { id: 'b', needs: 'a', run: 'echo b', if: false, env: { N: 3, FLAG: true }, cache: { 'expire-after': '2h' } },
      ],
    });
    expect(definition).toEqual({
      name: 'shorthands',
      params: {},
      env: {},
      steps: [
        {
          kind: 'run',
          id: 'a',
          needs: [],
          env: {},
          retry: { maxAttempts: 3, backoff: DEFAULT_BACKOFF, retryOn: ['user', 'timeout', 'infrastructure'] },
          cache: { enabled: true },
          run: 'echo a',
          outputs: { data: { type: 'dir', path: 'data/' }, report: { type: 'file', path: 'report.json' }, rows: { type: 'value' } },
          metrics: [{ name: 'rmse', regex: 'rmse=(\\d+)' }],
        },
        {
          kind: 'run',
          id: 'b',
          needs: ['a'],
          if: 'false',
          env: { N: '3', FLAG: 'true' },
          cache: { enabled: true, expireAfterSeconds: 7200 },
          run: 'echo b',
          outputs: {},
          metrics: [],
        },
      ],
    });
  });

  it('reads full retry, cache, matrix and metric forms', () => {
    const definition = compilePipeline({
      name: 'full',
      steps: [
        {
          id: 'train',
          run: 'python train.py --depth ${{ matrix.depth }}',
          'timeout-minutes': 90,
          'working-directory': 'src/models',
          retry: { 'max-attempts': 5, backoff: { 'initial-seconds': 1, factor: 1.5, 'max-seconds': 30, jitter: true }, 'retry-on': 'infrastructure' },
          cache: { enabled: false, 'expire-after': 'P30D' },
          matrix: { depth: [3, 5], include: [{ depth: 8, big: true }], exclude: [{ depth: 5 }], 'max-parallel': 2 },
          metrics: [{ name: 'val/rmse', regex: 'val_rmse=(?<value>[0-9.]+)' }],
        },
      ],
    });
    expect(definition.steps[0]).toMatchObject({
      timeoutMinutes: 90,
      workingDirectory: 'src/models',
      retry: { maxAttempts: 5, backoff: { initialSeconds: 1, factor: 1.5, maxSeconds: 30, jitter: 1 }, retryOn: ['infrastructure'] },
      cache: { enabled: false, expireAfterSeconds: 30 * 86_400 },
      matrix: { axes: { depth: [3, 5] }, include: [{ depth: 8, big: true }], exclude: [{ depth: 5 }], maxParallel: 2 },
      metrics: [{ name: 'val/rmse', regex: 'val_rmse=(?<value>[0-9.]+)' }],
    });
  });

  it('throws one error listing every issue, with document paths', () => {
    let error: unknown;
    try {
      compilePipeline({ name: 'x', steps: [{ id: 'a', run: 'a', needs: ['b'] }, { id: 'a', uses: 'slipway/nope' }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PipelineDefinitionError);
    expect(isPipelineDefinitionError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', name: 'SlipwayError' });
    expect((error as Error).message).toBe(
      [
        "steps[1].uses: unknown built-in step 'slipway/nope'; the built-in steps are 'slipway/evaluate', 'slipway/register-model', 'slipway/promote', 'slipway/notify', 'slipway/approval', 'slipway/tune', 'slipway/batch-transform', 'slipway/deploy' and 'slipway/smoke-test'",
        "steps[1].id: duplicate step id 'a' (also steps[0])",
        "steps[0].needs[0]: step 'a' needs unknown step 'b'",
      ].join('\n'),
    );
  });

  it.each<[string, unknown, string[]]>([
    ['a document that is not a map', ['x'], [': a pipeline definition must be a map, not a list']],
    ['an empty document', null, [': the pipeline definition is empty']],
    ['steps as a map', { name: 'x', steps: { a: { run: 'a' } } }, ["steps: 'steps' must be a list of steps (each with an 'id'), not a map"]],
    ['no steps', { name: 'x', steps: [] }, ["steps: 'steps' must not be empty"]],
    ['a cycle', { name: 'x', steps: [{ id: 'a', needs: ['c'], run: 'a' }, { id: 'b', needs: 'a', run: 'b' }, { id: 'c', needs: ['b'], run: 'c' }] }, ['steps[1].needs: cycle in needs: a → c → b → a']],
    ['a self need', { name: 'x', steps: [{ id: 'a', needs: ['a'], run: 'a' }] }, ["steps[0].needs[0]: step 'a' needs itself"]],
    ['a repeated need', { name: 'x', steps: [{ id: 'a', run: 'a' }, { id: 'b', needs: ['a', 'a'], run: 'b' }] }, ["steps[1].needs[1]: step 'b' lists 'a' in needs twice"]],
    ['NaN in with', { name: 'x', steps: [{ id: 'a', uses: 'slipway/notify', with: { url: 'https://x', payload: { v: NaN } } }] }, ['steps[0].with.payload.v: NaN is not a JSON number']],
  ])('reports %s', (_what, document, expected) => {
    expect(issuesOf(document)).toEqual(expected);
  });
});

describe('step graph', () => {
  const definition = compilePipeline({
    name: 'diamond',
    steps: [
      { id: 'report', needs: ['left', 'right'], run: 'r' },
      { id: 'right', needs: 'root', run: 'r' },
      { id: 'left', needs: 'root', run: 'l' },
      { id: 'root', run: 'x' },
      { id: 'alone', run: 'y' },
    ],
  });

  it('orders steps after what they need, the first declared ready step first', () => {
    expect(stepOrder(definition)).toEqual(['root', 'right', 'left', 'report', 'alone']);
  });

  it('knows every upstream step', () => {
    expect([...upstreamOf(definition, 'report')].sort()).toEqual(['left', 'right', 'root']);
    expect([...upstreamOf(definition, 'root')]).toEqual([]);
  });
});

describe('canonicalPipelineJson', () => {
  it('sorts keys at every level and keeps list order', () => {
    const a = compilePipeline({ name: 'x', env: { B: '1', A: '2' }, steps: [{ id: 's', run: 'r', needs: [] }, { run: 't', id: 't', needs: ['s'] }] });
    const b = compilePipeline({ steps: [{ run: 'r', id: 's' }, { id: 't', needs: 's', run: 't' }], env: { A: '2', B: '1' }, name: 'x' });
    expect(canonicalPipelineJson(a)).toBe(canonicalPipelineJson(b));
    expect(canonicalPipelineJson(a)).toBe(
      '{"env":{"A":"2","B":"1"},"name":"x","params":{},"steps":[{"cache":{"enabled":false},"env":{},"id":"s","kind":"run","metrics":[],"needs":[],"outputs":{},"run":"r"},{"cache":{"enabled":false},"env":{},"id":"t","kind":"run","metrics":[],"needs":["s"],"outputs":{},"run":"t"}]}',
    );
  });
});
