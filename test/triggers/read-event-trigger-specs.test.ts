import { describe, expect, it } from 'vitest';
import { IssueList } from '../../src/core/pipelines/pipeline-issues.js';
import { readEventTriggerSpecs } from '../../src/core/pipelines/read-event-trigger-specs.js';
import { parsePipelineYaml } from '../../src/pipelines/parse-pipeline-yaml.js';
import { dedent, yamlErrors } from '../pipelines/support.js';

const read = (on: Record<string, unknown>, params?: Record<string, { type: 'string' }>) => {
  const issues = new IssueList();
  const specs = readEventTriggerSpecs(on, issues, params);
  return { specs, issues: issues.issues.map((i) => `${i.path}: ${i.message}`) };
};

describe('event trigger specs', () => {
  it('reads every kind with defaults, from YAML', () => {
    const pipeline = parsePipelineYaml(
      dedent(`
        name: housing
        params:
          sha: {type: string, default: ''}
        on:
          push:
            branches: [main, 'release/*']
            paths: ['src/**', data/*.csv]
            secret: GITHUB_WEBHOOK_SECRET
            params: {sha: '\${{ event.after }}'}
          webhook: {secret: HOOK_SECRET, name: housing-hook}
          data:
            - path: /data/housing/*.csv
              debounce: 1m
            - path: mlflow-artifacts:/datasets/housing
          registry:
            - {model: housing-rf, event: approval_granted}
            - {model: housing-rf, event: alias_set, alias: champion}
          pipeline:
            - pipeline: prepare
            - {pipeline: nightly, status: [succeeded, failed]}
        steps:
          - {id: a, run: echo}
      `),
      'pipeline.yaml',
    );
    expect(pipeline.on?.events).toEqual({
      push: { branches: ['main', 'release/*'], paths: ['src/**', 'data/*.csv'], secret: 'GITHUB_WEBHOOK_SECRET', params: { sha: '${{ event.after }}' } },
      webhook: { name: 'housing-hook', secret: 'HOOK_SECRET', params: {} },
      data: [
        { path: '/data/housing/*.csv', debounceSeconds: 60, params: {} },
        { path: 'mlflow-artifacts:/datasets/housing', debounceSeconds: 30, params: {} },
      ],
      registry: [
        { model: 'housing-rf', event: 'approval_granted', params: {} },
        { model: 'housing-rf', event: 'alias_set', alias: 'champion', params: {} },
      ],
      pipeline: [
        { pipeline: 'prepare', status: ['succeeded'], params: {} },
        { pipeline: 'nightly', status: ['succeeded', 'failed'], params: {} },
      ],
    });
  });

  it('names the bad field with file:line:col', () => {
    const errors = yamlErrors(`
      name: housing
      on:
        push:
          branches: [main, 42]
          secret: GITHUB_WEBHOOK_SECRET
          brnches: [dev]
        data:
          - path: /x
            debounce: soon
        registry:
          - {model: m, event: approved}
        pipeline:
          - {status: [done]}
      steps:
        - {id: a, run: echo}
    `);
    expect(errors).toEqual([
      "pipeline.yaml:4:22: expected a name or glob, not a number",
      "pipeline.yaml:6:5: unknown key 'brnches' in 'on.push' (did you mean 'branches'?)",
      'pipeline.yaml:9:17: \'debounce\' must be a duration (30s, 5m, PT1M) or seconds; got "soon"',
      'pipeline.yaml:11:25: unknown registry event "approved" (expected \'version_created\', \'alias_set\' or \'approval_granted\')',
      "pipeline.yaml:13:7: missing 'pipeline': the name of the pipeline whose executions are watched",
      'pipeline.yaml:13:17: unknown status "done" (expected \'succeeded\' or \'failed\')',
    ]);
  });

  it('wants a secret name, not a secret value', () => {
    expect(read({ webhook: {} }).issues).toEqual([
      "on.webhook: missing 'secret': the name of a server secret (an environment variable given with --pipeline-secrets)",
    ]);
    expect(read({ push: { secret: 'It is a Secret to Everybody' } }).issues[0]).toMatch(/^on\.push\.secret: 'secret' names a server secret/);
  });

  it('checks params against the declared params and placeholders', () => {
    const { issues } = read(
      { webhook: { secret: 'S', params: { shaa: 'x', ref: '${{ params.x }}', ok: '${{ event.head_commit.id }}' } } },
      { sha: { type: 'string' }, ref: { type: 'string' }, ok: { type: 'string' } },
    );
    expect(issues).toEqual([
      "on.webhook.params.shaa: unknown param 'shaa' (did you mean 'sha'?)",
      "on.webhook.params.ref: only '${{ event.<path> }}' placeholders are available in trigger params; got '${{ params.x }}'",
    ]);
  });

  it('refuses a non-map entry and an alias on another event', () => {
    expect(read({ registry: [{ model: 'm', event: 'version_created', alias: 'a' }], data: ['x'] }).issues).toEqual([
      "on.data[0]: a data trigger must be a map ('path', 'debounce', 'params' and 'name'), not a string",
      "on.registry[0].alias: 'alias' applies only to the 'alias_set' event",
    ]);
  });
});

describe('event triggers in definePipeline', () => {
  it('takes the same on: keys as the YAML', async () => {
    const { definePipeline } = await import('../../src/pipelines/define-pipeline.js');
    const pipeline = definePipeline({
      name: 'deploy',
      params: { version: { type: 'string', default: '' } },
      on: {
        registry: { model: 'housing', event: 'approval_granted', params: { version: '${{ event.version }}' } },
        data: [{ path: 'data/*.csv', debounce: '1m' }],
      },
      steps: { a: { run: 'echo ${{ params.version }}' } },
    });
    expect(pipeline.on?.events.registry).toEqual([{ model: 'housing', event: 'approval_granted', params: { version: '${{ event.version }}' } }]);
    expect(pipeline.on?.events.data).toEqual([{ path: 'data/*.csv', debounceSeconds: 60, params: {} }]);
  });
});
