import { describe, expect, it } from 'vitest';
import {
  describeStepStatus,
  exitCodeFor,
  formatDuration,
  gateStop,
  INITIAL_PROGRESS,
  liveFrame,
  progressLines,
  redraw,
  renderExecutionDetail,
  renderExecutionList,
  renderPipelineDetail,
  renderPipelineList,
  renderStepTable,
  renderSummary,
  renderUpsert,
  stepLabel,
} from '../../src/cli/pipelines-view.js';
import { selectSteps, logHeader } from '../../src/cli/execution-logs.js';
import type { Execution, Pipeline, StepExecution } from '../../src/sdk/index.js';
import { parsePipelineYaml } from '../../src/pipelines/parse-pipeline-yaml.js';

const T0 = new Date(2026, 0, 5, 12, 1, 0).getTime(); // local time: progress lines show local clock time

function step(over: Partial<StepExecution> & { step_id: string }): StepExecution {
  return { status: 'pending', outputs: {}, artifacts: {}, metrics: {}, attempts: [], ...over };
}

function execution(over: Partial<Execution> = {}): Execution {
  return {
    execution_id: 'e-1',
    pipeline_name: 'housing',
    pipeline_version: 2,
    pipeline_hash: 'abcdef0123456789'.repeat(4),
    params: { n: 3, model: 'rf' },
    trigger: { type: 'api' },
    status: 'running',
    actor: 'alice',
    created_time: T0,
    started_time: T0 + 1000,
    steps: [step({ step_id: 'prepare' }), step({ step_id: 'train' })],
    ...over,
  };
}

const YAML = `name: housing
description: Trains a forest.
params:
  n: { type: int, default: 3, description: Trees. }
  model: { type: choice, options: [rf, gbr], default: rf }
  dataset: { type: string }
steps:
  - id: prepare
    run: echo prepare
    cache: { expire-after: 1d }
    outputs: { data: data.csv }
  - id: train
    needs: prepare
    run: echo train
    retry: 3
    timeout-minutes: 30
    metrics: { rmse: 'rmse: ([0-9.]+)' }
  - id: gate
    needs: train
    uses: slipway/evaluate
    with: { step: train, threshold: rmse < 5 }
`;

describe('pipelines view', () => {
  it('formats durations and step labels', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(2_140)).toBe('2.1s');
    expect(formatDuration(12_000)).toBe('12s');
    expect(formatDuration(63_000)).toBe('1m03s');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2h05m');
    expect(formatDuration(undefined)).toBe('');
    expect(stepLabel({ step_id: 'train' })).toBe('train');
    expect(stepLabel({ step_id: 'train', instance: 'region=north' })).toBe('train[region=north]');
  });

  it('renders an upsert, the pipeline list and a pipeline version with params, steps and source', () => {
    const definition = parsePipelineYaml(YAML, 'p.yaml');
    const pipeline: Pipeline = {
      name: 'housing',
      version: 2,
      hash: 'f'.repeat(64),
      description: 'Trains a forest.',
      source_format: 'yaml',
      source_text: YAML,
      created_time: Date.UTC(2026, 0, 5, 12),
      created_by: 'alice',
      definition,
    };
    expect(renderUpsert({ pipeline, created: true }, '/srv/code')).toBe(
      `Pipeline: housing\nVersion:  2 (created)\nHash:     ${'f'.repeat(64)}\nCode dir: /srv/code\n`,
    );
    expect(renderUpsert({ pipeline, created: false })).toMatch(/^Version:\s+2 \(unchanged: /m);

    const list = renderPipelineList([
      { name: 'housing', latest_version: 2, latest_hash: 'f'.repeat(64), created_time: 0, updated_time: Date.UTC(2026, 0, 5), last_execution: { execution_id: 'e-9', status: 'failed', created_time: 0 } },
    ]).split('\n');
    expect(list[0]).toMatch(/^NAME\s+VERSION\s+HASH\s+LAST EXECUTION\s+STATUS\s+UPDATED\s+DESCRIPTION$/);
    expect(list[1]).toMatch(/^housing\s+2\s+f{12}\s+e-9\s+failed\s+2026-01-05T00:00:00Z$/);
    expect(renderPipelineList([])).toBe('No pipelines.\n');

    const text = renderPipelineDetail(pipeline);
    expect(text).toMatch(/^Written in:\s+YAML$/m);
    expect(text).toMatch(/^Created:\s+2026-01-05T12:00:00Z by alice$/m);
    expect(text).toMatch(/^ {2}NAME\s+TYPE\s+DEFAULT\s+DESCRIPTION$/m);
    expect(text).toMatch(/^ {2}n\s+int\s+3\s+Trees\.$/m);
    expect(text).toMatch(/^ {2}model\s+choice \(rf\|gbr\)\s+rf$/m);
    expect(text).toMatch(/^ {2}dataset\s+string\s+\(required\)$/m);
    expect(text).toMatch(/^ {2}STEP\s+KIND\s+NEEDS\s+SETTINGS$/m);
    expect(text).toMatch(/^ {2}prepare\s+run\s+-\s+cache 24h00m, outputs data$/m);
    expect(text).toMatch(/^ {2}train\s+run\s+prepare\s+retry 3, timeout 30m, metrics rmse$/m);
    expect(text).toMatch(/^ {2}gate\s+uses slipway\/evaluate\s+train$/m);
    expect(text).toContain(`\nSource:\n${YAML}`);
    expect(renderPipelineDetail({ ...pipeline, source_format: 'typescript', source_text: undefined })).toMatch(/^Source: not stored \(written in TypeScript\)/m);
  });

  it('renders the step table: status, attempt, duration and a note', () => {
    const e = execution({
      steps: [
        step({ step_id: 'prepare', status: 'succeeded', started_time: T0, ended_time: T0 + 2100, reused_from: 'e-0' }),
        step({
          step_id: 'train',
          status: 'waiting',
          started_time: T0 + 3000,
          attempts: [{ attempt: 1, status: 'failed', started_time: T0 + 3000, ended_time: T0 + 4000, exit_code: 1, failure_class: 'user' }],
        }),
        step({ step_id: 'fan', instance: 'region=north', status: 'running', started_time: T0 + 5000, attempts: [{ attempt: 2, status: 'running', started_time: T0 + 5000 }] }),
        step({ step_id: 'report', status: 'skipped', reason: "need 'train' did not succeed" }),
      ],
    });
    const lines = renderStepTable(e, T0 + 65_000).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STEP\s+STATUS\s+ATTEMPT\s+DURATION\s+NOTE$/);
    expect(lines[1]).toMatch(/^prepare\s+succeeded\s+2\.1s\s+reused from e-0$/);
    expect(lines[2]).toMatch(/^train\s+waiting\s+1\s+1m02s\s+attempt 1 failed \(user, exit 1\); retrying$/);
    expect(lines[3]).toMatch(/^fan\[region=north\]\s+running\s+2\s+1m00s$/);
    expect(lines[4]).toMatch(/^report\s+skipped\s+need 'train' did not succeed$/);
  });

  it('prints one plain progress line per change, with the local clock time', () => {
    let state = INITIAL_PROGRESS;
    const first = progressLines(state, execution({ status: 'queued', started_time: undefined }), T0);
    expect(first.lines).toEqual(['12:01:00 execution queued']);
    state = first.state;
    const running = execution({
      steps: [step({ step_id: 'prepare', status: 'running', started_time: T0 + 2000, attempts: [{ attempt: 1, status: 'running', started_time: T0 + 2000 }] }), step({ step_id: 'train' })],
    });
    const second = progressLines(state, running, T0 + 3000);
    expect(second.lines).toEqual(['12:01:01 execution running', '12:01:02 prepare running (attempt 1)']);
    // Nothing changed: nothing printed.
    expect(progressLines(second.state, running, T0 + 4000).lines).toEqual([]);
    const done = execution({
      status: 'failed',
      steps: [
        step({ step_id: 'prepare', status: 'succeeded', started_time: T0 + 2000, ended_time: T0 + 5000, attempts: [{ attempt: 1, status: 'succeeded', started_time: T0 + 2000, ended_time: T0 + 5000 }] }),
        step({
          step_id: 'train',
          status: 'failed',
          started_time: T0 + 5000,
          ended_time: T0 + 7000,
          attempts: [{ attempt: 1, status: 'failed', started_time: T0 + 5000, ended_time: T0 + 7000, exit_code: 2, failure_class: 'user', message: 'exit code 2' }],
        }),
      ],
    });
    expect(progressLines(second.state, done, T0 + 8000).lines).toEqual(['12:01:05 prepare succeeded (3.0s)', '12:01:07 train failed (user, exit 2): exit code 2']);
  });

  it('describes gate stops, cache hits and skips', () => {
    const gate = step({ step_id: 'gate', status: 'failed', failure_class: 'gate', reason: 'rmse 7.2 is not < 5', ended_time: T0 });
    expect(describeStepStatus(gate, T0)).toBe('failed (gate): rmse 7.2 is not < 5');
    expect(describeStepStatus(step({ step_id: 'x', status: 'succeeded', cached_from: 'e-0' }), T0)).toBe('succeeded (cache hit from e-0)');
    expect(describeStepStatus(step({ step_id: 'x', status: 'gated', reason: "gate 'gate' rejected" }), T0)).toBe("gated: gate 'gate' rejected");
    const stopped = execution({ status: 'succeeded', ended_time: T0 + 61_000, steps: [gate, step({ step_id: 'register', status: 'gated', reason: 'gate' })] });
    expect(gateStop(stopped)).toEqual({ step: 'gate', reason: 'rmse 7.2 is not < 5' });
    expect(exitCodeFor(stopped)).toBe(0);
    expect(renderSummary(stopped, T0 + 99_000)).toBe('Execution e-1 succeeded in 1m00s.\nStopped at gate gate: rmse 7.2 is not < 5\n');
    expect(gateStop(execution())).toBeUndefined();
  });

  it('summarises a failed execution with the failing steps and what to do next', () => {
    const failed = execution({
      status: 'failed',
      ended_time: T0 + 13_000,
      reason: "step 'train' failed",
      steps: [
        step({ step_id: 'prepare', status: 'succeeded' }),
        step({ step_id: 'train', status: 'failed', attempts: [{ attempt: 3, status: 'failed', started_time: T0, ended_time: T0 + 1, exit_code: 1, failure_class: 'user' }] }),
      ],
    });
    expect(exitCodeFor(failed)).toBe(1);
    expect(renderSummary(failed, T0 + 20_000).split('\n')).toEqual([
      "Execution e-1 failed after 12s: step 'train' failed",
      '  train failed (attempt 3) (user, exit 1)',
      'Logs:  slipway executions logs e-1 --step train',
      'Retry: slipway executions retry e-1 --wait   (reuses the steps that succeeded; --latest for the newest pipeline version)',
      '',
    ]);
    expect(exitCodeFor(execution({ status: 'cancelled' }))).toBe(1);
  });

  it('renders the execution list and an execution in detail', () => {
    const e = execution({
      status: 'succeeded',
      ended_time: T0 + 61_000,
      trigger: { type: 'retry', detail: 'e-0' },
      retry_of: 'e-0',
      steps: [
        step({ step_id: 'prepare', status: 'succeeded', reused_from: 'e-0', outputs: { rows: '20640' }, artifacts: { data: 'mlflow-artifacts:/1/r/artifacts/data.csv' } }),
        step({
          step_id: 'train',
          status: 'succeeded',
          metrics: { rmse: 4.2 },
          run_id: 'run-7',
          started_time: T0 + 2000,
          ended_time: T0 + 5000,
          attempts: [
            { attempt: 1, status: 'failed', started_time: T0 + 1000, ended_time: T0 + 1500, exit_code: 137, failure_class: 'infrastructure', message: 'killed' },
            { attempt: 2, status: 'succeeded', started_time: T0 + 2000, ended_time: T0 + 5000, exit_code: 0 },
          ],
        }),
      ],
    });
    const list = renderExecutionList([e], T0 + 100_000).split('\n');
    expect(list[0]).toMatch(/^EXECUTION ID\s+PIPELINE\s+STATUS\s+TRIGGER\s+CREATED\s+DURATION\s+ACTOR$/);
    expect(list[1]).toMatch(/^e-1\s+housing v2\s+succeeded\s+retry of e-0\s+\S+Z\s+1m00s\s+alice$/);
    expect(renderExecutionList([], 0)).toBe('No executions.\n');

    const text = renderExecutionDetail(e, T0 + 100_000);
    expect(text).toMatch(/^Pipeline:\s+housing v2 \(abcdef012345\)$/m);
    expect(text).toMatch(/^Trigger:\s+retry \(e-0\)$/m);
    expect(text).toMatch(/^Retry of:\s+e-0$/m);
    expect(text).toMatch(/^Params:\s+n=3, model=rf$/m);
    expect(text).toMatch(/^ {2}prepare\s+succeeded\s+reused from e-0$/m);
    expect(text).toContain('prepare:\n  reused from execution e-0\n  output rows = 20640\n  artifact data: mlflow-artifacts:/1/r/artifacts/data.csv\n');
    expect(text).toContain('train:\n  metric rmse = 4.2\n  MLflow run run-7\n  attempt 1: failed after 500ms (infrastructure, exit 137): killed\n  attempt 2: succeeded after 3.0s\n');
  });

  it('fits the live frame to the terminal and redraws it in place', () => {
    const e = execution({ steps: Array.from({ length: 30 }, (_, i) => step({ step_id: `step_${i}`, reason: 'x'.repeat(200), status: 'skipped' })) });
    const frame = liveFrame(e, T0, 60, 12);
    expect(frame).toHaveLength(11);
    expect(frame.every((l) => [...l].length <= 59)).toBe(true);
    expect(frame[0]).toMatch(/^Execution e-1 of housing v2: running/);
    expect(frame[1]).toMatch(/^STEP\s+STATUS/);
    expect(frame[10]).toMatch(/^… 22 more steps/);
    expect(redraw(0, ['a', 'b'])).toBe('\u001b[0Ja\nb\n');
    expect(redraw(2, ['a', 'b', 'c'])).toBe('\u001b[2F\u001b[0Ja\nb\nc\n');
  });

  it('selects the steps whose logs to print, naming the known ones when a step is unknown', () => {
    const e = execution({ steps: [step({ step_id: 'prepare' }), step({ step_id: 'fan', instance: 'r=1' }), step({ step_id: 'fan', instance: 'r=2' })] });
    expect(selectSteps(e, {}).map(stepLabel)).toEqual(['prepare', 'fan[r=1]', 'fan[r=2]']);
    expect(selectSteps(e, { step: 'fan' }).map(stepLabel)).toEqual(['fan[r=1]', 'fan[r=2]']);
    expect(selectSteps(e, { step: 'fan', instance: 'r=2' }).map(stepLabel)).toEqual(['fan[r=2]']);
    expect(() => selectSteps(e, { step: 'train' })).toThrow("execution e-1 has no step 'train' (its steps: prepare, fan)");
    expect(logHeader({ step_id: 'fan', instance: 'r=1' }, 2)).toBe('==> fan[r=1] (attempt 2) <==\n');
  });
});
