import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Endpoint, EndpointRollout, EndpointStats, EndpointVariant } from '../api/endpoints-client.js';
import { curlExample } from '../pages/endpoint-page.js';
import { EndpointsEmptyState, EndpointsTable, rolloutSummary } from '../pages/endpoints-page.js';
import { EndpointEvents } from './endpoint-events.js';
import { bakeRemainingSeconds, EndpointRolloutView, rollbackRules } from './endpoint-rollout.js';
import { EndpointVariants, variantRows } from './endpoint-variants.js';
import { formatTick, TrafficChart, yAxis } from './traffic-chart.js';
import { appendSample, formatMetric, linePath, linesOf } from './traffic-series.js';

const variant = (name: string, version: string, weight = 100, extra: Partial<EndpointVariant> = {}): EndpointVariant => ({
  name,
  model_uri: `models:/housing/${version}`,
  model_name: 'housing',
  model_version: version,
  weight,
  runtime: 'auto',
  status: 'Ready',
  serving_runtime: 'onnx',
  runtime_reason: 'the model has an ONNX flavor',
  serving_since: Date.UTC(2026, 0, 1),
  ...extra,
});

const canary: EndpointRollout = {
  rollout_id: 'r1',
  strategy: 'canary',
  steps: [10, 50, 100],
  bake_seconds: 60,
  min_requests: 20,
  max_error_rate: 0.02,
  max_p99_ms: 50,
  phase: 'Baking',
  step: 1,
  target_percent: 50,
  target: [variant('green', '3', 100, { serving_since: undefined })],
  started_time: 1_000,
  step_started_time: 100_000,
};

const endpoint = (extra: Partial<Endpoint> = {}): Endpoint => ({
  name: 'prices',
  endpoint_id: 'e1',
  tags: {},
  status: 'InService',
  variants: [variant('blue', '2', 3), variant('red', '1', 1), variant('mirror', '3', 100, { shadow: { sample_percent: 25 } })],
  creation_time: 0,
  last_update_time: 0,
  revision: 1,
  ...extra,
});

describe('variant traffic shares', () => {
  it('splits by weight, leaves shadows out, and gives a baking canary its step', () => {
    expect(variantRows(endpoint()).map((r) => [r.variant.name, r.candidate, r.percent])).toEqual([
      ['blue', false, 75],
      ['red', false, 25],
      ['mirror', false, undefined],
    ]);
    const rows = variantRows(endpoint({ status: 'Updating', rollout: canary }));
    expect(rows.map((r) => [r.variant.name, r.candidate, r.percent])).toEqual([
      ['blue', false, 37.5],
      ['red', false, 12.5],
      ['mirror', false, undefined],
      ['green', true, 50],
    ]);
    // A finished rollout's target is not a row any more.
    expect(variantRows(endpoint({ rollout: { ...canary, phase: 'Completed' } }))).toHaveLength(3);
  });

  it('renders a row per variant linked to the registry, with runtime and why', () => {
    const html = renderToStaticMarkup(<EndpointVariants endpoint={endpoint({ rollout: canary })} />);
    expect(html).toContain('aria-label="Variants"');
    expect(html).toContain('<a href="/models/housing?version=2">housing v2</a>');
    expect(html).toContain('37.5%');
    expect(html).toContain('shadow: 25% copied');
    expect(html).toContain('the model has an ONNX flavor');
    expect(html).toContain('candidate');
    expect(html).toContain('2026-01-01 00:00:00 UTC');
  });
});

describe('rollout', () => {
  it('computes the bake time left and the rollback rules', () => {
    expect(bakeRemainingSeconds(canary, 130_000)).toBe(30);
    expect(bakeRemainingSeconds(canary, 500_000)).toBe(0);
    expect(bakeRemainingSeconds({ ...canary, phase: 'Warming' }, 130_000)).toBeUndefined();
    expect(rollbackRules(canary)).toBe('error rate > 2% or p99 > 50 ms, after 20 requests a step');
    expect(rollbackRules({ ...canary, max_error_rate: undefined, max_p99_ms: undefined })).toContain('manual rollback only');
  });

  it('marks the current step and offers a rollback only while in progress', () => {
    const html = renderToStaticMarkup(<EndpointRolloutView rollout={canary} now={130_000} onRollback={() => Promise.resolve()} />);
    expect(html).toMatch(/<li aria-current="step" class="current">50%/);
    expect(html).toContain('30s of 1m 0s');
    expect(html).toContain('Roll back…');
    const done = renderToStaticMarkup(<EndpointRolloutView rollout={{ ...canary, phase: 'RolledBack', reason: 'p99 62 ms > 50 ms' }} now={130_000} onRollback={() => Promise.resolve()} />);
    expect(done).not.toContain('Roll back…');
    expect(done).not.toContain('aria-current');
    expect(done).toContain('p99 62 ms &gt; 50 ms');
  });

  it('summarises a rollout for the list', () => {
    expect(rolloutSummary(endpoint())).toBe('–');
    expect(rolloutSummary(endpoint({ rollout: canary }))).toBe('canary: step 2 of 3, 50% (Baking)');
    expect(rolloutSummary(endpoint({ rollout: { ...canary, phase: 'Completed' } }))).toBe('canary: Completed');
  });
});

describe('endpoints list', () => {
  it('links each endpoint and shows status and variants', () => {
    const html = renderToStaticMarkup(<EndpointsTable endpoints={[endpoint()]} />);
    expect(html).toContain('<a href="/endpoints/prices">prices</a>');
    expect(html).toContain('blue: housing v2 (weight 3) · Ready');
    expect(html).toContain('mirror: housing v3 (shadow)');
  });

  it('tells a new user how to create one', () => {
    const html = renderToStaticMarkup(<EndpointsEmptyState />);
    expect(html).toContain('slipway endpoints create prices -m models:/housing@champion');
    expect(html).toContain('npm run demo');
  });
});

describe('traffic series and chart', () => {
  const stats = (rps: number, p99: number | null): EndpointStats => ({
    endpoint: 'prices',
    status: 'InService',
    window_seconds: 60,
    traffic: [],
    variants: [
      { variant: 'blue', candidate: false, requests: 60, errors: 0, error_rate: 0, requests_per_second: rps, p50_ms: 1, p99_ms: p99 },
      { variant: 'green', candidate: true, requests: 0, errors: 0, error_rate: null, requests_per_second: 0, p50_ms: null, p99_ms: null },
    ],
    shadow: [],
  });

  it('keeps the last minutes of samples, one line per variant, with gaps for no data', () => {
    let samples = appendSample([], stats(1, 4), 0);
    samples = appendSample(samples, stats(2, null), 1000);
    samples = appendSample(samples, stats(3, 5), 400_000);
    expect(samples.map((s) => s.time)).toEqual([400_000]);
    samples = appendSample(appendSample([], stats(1, 4), 0), stats(2, null), 1000);
    const lines = linesOf(samples, 'p99');
    expect(lines.map((l) => l.label)).toEqual(['blue', 'green (candidate)']);
    expect(lines[0]!.points).toEqual([
      [0, 4],
      [1000, null],
    ]);
    expect(linePath([[0, 1], [1, 2], [2, null], [3, 4]], (t) => t * 10, (v) => v)).toBe('M0.0 1.0 h0.01 L10.0 2.0 M30.0 4.0 h0.01');
  });

  it('ends the y axis on a round tick above the largest value', () => {
    expect(yAxis(0.73)).toEqual({ top: 1, ticks: [0, 0.5, 1] });
    expect(yAxis(39.4)).toEqual({ top: 40, ticks: [0, 20, 40] });
    expect(yAxis(0.01).ticks.at(-1)).toBeGreaterThanOrEqual(0.01);
    expect(formatTick('errors', 0.005)).toBe('0.5');
    expect(formatTick('rate', 0.1 + 0.2)).toBe('0.3');
  });

  it('formats values by metric', () => {
    expect(formatMetric('rate', 2.5)).toBe('2.50 req/s');
    expect(formatMetric('errors', 0.015)).toBe('1.50%');
    expect(formatMetric('errors', 0)).toBe('0%');
    expect(formatMetric('p99', 12.34)).toBe('12.3 ms');
    expect(formatMetric('p50', null)).toBe('–');
  });

  it('draws a labelled SVG with the newest values', () => {
    const samples = appendSample(appendSample([], stats(1, 4), 0), stats(2, 6), 1000);
    const html = renderToStaticMarkup(<TrafficChart title="Request rate" metric="rate" lines={linesOf(samples, 'rate')} from={0} to={1000} />);
    expect(html).toContain('role="img" aria-label="Request rate now: blue 2.00 req/s, green (candidate) 0.00 req/s"');
    expect(html).toContain('class="series-line stroke-0"');
    expect(renderToStaticMarkup(<TrafficChart title="Error rate" metric="errors" lines={[]} from={0} to={1} />)).toContain('Waiting for the first sample');
  });
});

describe('events and curl', () => {
  it('lists events newest first', () => {
    const html = renderToStaticMarkup(
      <EndpointEvents
        events={[
          { event_id: '1', time: 0, kind: 'created', message: 'Created.', actor: 'alice' },
          { event_id: '2', time: 1000, kind: 'variant_ready', message: 'blue is ready.', actor: 'controller', variant: 'blue' },
        ]}
      />,
    );
    expect(html.indexOf('variant_ready')).toBeLessThan(html.indexOf('created'));
    expect(html).toContain('variant blue');
    expect(renderToStaticMarkup(<EndpointEvents events={[]} />)).toContain('No events yet.');
  });

  it('shows a curl at the server address', () => {
    expect(curlExample('http://127.0.0.1:5000/slipway', 'prices')).toContain('curl -s http://127.0.0.1:5000/slipway/endpoints/prices/invocations');
    const withColumns = curlExample('http://h', 'prices', [
      { name: "owner's", datatype: 'BYTES' },
      { name: 'rooms', datatype: 'INT64' },
      { name: 'area', datatype: 'FP32' },
    ]);
    expect(withColumns).toContain(`-d '{"dataframe_split":{"columns":["owner'\\''s","rooms","area"],"data":[["text",1,1.5]]}}'`);
  });
});
