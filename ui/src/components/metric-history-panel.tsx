import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { DownsampledHistory } from '../api/slipway-types.js';
import type { Domain } from '../lib/chart-scale.js';
import { nonPositiveCount } from '../lib/chart-scale.js';
import { useClient } from '../lib/use-client.js';
import { useElementWidth } from '../lib/use-element-width.js';
import { ErrorMessage } from './error-message.js';
import { HistoryChart, type ChartSeries } from './history-chart.js';

/** A run to chart; `label` names it in the legend and the readout. */
export interface ChartRun {
  readonly runId: string;
  readonly label: string;
}

/** Largest `max_points` the server takes. */
const MAX_POINTS = 20_000;

/**
 * A metric's history for one or more runs on the canvas chart, with its controls: which
 * metric, step or time on x, log scale, and zoom. The server downsamples each history to
 * two points per pixel of the chart's width (`metrics/history-downsampled`), and a zoom asks
 * again for just that range, so a million-point history stays fast and shows its detail
 * when zoomed in.
 */
export function MetricHistoryPanel(props: { runs: readonly ChartRun[]; metricKeys: readonly string[]; initialKey?: string | undefined }): ReactNode {
  const client = useClient();
  const id = useId();
  const [metricKey, setMetricKey] = useState(props.initialKey ?? props.metricKeys[0]);
  const [xAxis, setXAxis] = useState<'step' | 'time'>('step');
  const [log, setLog] = useState(false);
  const [zoom, setZoom] = useState<Domain | undefined>(undefined);
  const [loaded, setLoaded] = useState<{ request: string; histories: readonly DownsampledHistory[] } | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const slot = useRef<HTMLDivElement>(null);
  const measured = useElementWidth(slot);
  const width = measured ?? 720;
  const maxPoints = Math.min(MAX_POINTS, Math.max(2, 2 * (width - 80)));
  const runIds = props.runs.map((r) => r.runId).join(',');
  const request = `${runIds}|${metricKey}|${xAxis}|${zoom?.lo}|${zoom?.hi}|${maxPoints}`;

  useEffect(() => {
    if (metricKey === undefined || measured === undefined) return;
    const abort = new AbortController();
    setLoading(true);
    setError(undefined);
    Promise.all(
      runIds.split(',').map((runId) =>
        client.downsampledHistory({ runId, metricKey, maxPoints, xAxis, xMin: zoom?.lo, xMax: zoom?.hi }, abort.signal),
      ),
    )
      .then((histories) => {
        setLoaded({ request, histories });
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (abort.signal.aborted) return;
        setError(e);
        setLoading(false);
      });
    return () => abort.abort();
  }, [client, runIds, metricKey, xAxis, zoom?.lo, zoom?.hi, maxPoints, request, measured]);

  if (metricKey === undefined) return <p className="muted">No metrics to chart.</p>;
  const histories = loaded?.histories ?? [];
  const series: ChartSeries[] = histories.map((h, i) => ({
    id: props.runs[i]?.runId ?? String(i),
    label: props.runs[i]?.label ?? String(i),
    colorIndex: i,
    data: { xStart: h.x_start, xEnd: h.x_end, min: h.min, max: h.max },
  }));
  const total = histories.reduce((a, h) => a + h.total_points, 0);
  const drawn = histories.reduce((a, h) => a + h.x_start.length, 0);
  const nonFinite = histories.reduce((a, h) => a + h.non_finite_points, 0);
  const hiddenByLog = log ? nonPositiveCount(series.map((s) => s.data)) : 0;
  const exact = histories.every((h) => h.exact);

  return (
    <div className="history-panel">
      <div className="toolbar">
        <label htmlFor={`${id}-metric`}>Chart metric</label>
        <select
          id={`${id}-metric`}
          value={metricKey}
          onChange={(e) => {
            setMetricKey(e.target.value);
            setZoom(undefined);
          }}
        >
          {props.metricKeys.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-axis`}>X axis</label>
        <select
          id={`${id}-axis`}
          value={xAxis}
          onChange={(e) => {
            setXAxis(e.target.value === 'time' ? 'time' : 'step');
            setZoom(undefined);
          }}
        >
          <option value="step">Step</option>
          <option value="time">Time</option>
        </select>
        <label className="check">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> Log scale
        </label>
        <button type="button" className="secondary" onClick={() => setZoom(undefined)} disabled={zoom === undefined}>
          Reset zoom
        </button>
      </div>
      <ErrorMessage error={error} />
      <div className="chart-slot" ref={slot} aria-busy={loading}>
        {loaded === undefined ? (
          <p className="muted loading chart-placeholder">Loading history…</p>
        ) : (
          <HistoryChart
            title={metricKey}
            series={series}
            xAxis={xAxis}
            log={log}
            xRange={zoom}
            width={width}
            onZoom={setZoom}
            onResetZoom={() => setZoom(undefined)}
          />
        )}
      </div>
      {series.length > 1 && (
        <ul className="legend" aria-label="Legend">
          {series.map((s) => (
            <li key={s.id}>
              <span className={`swatch series-${s.colorIndex % 8}`} aria-hidden="true" /> {s.label}
            </li>
          ))}
        </ul>
      )}
      <p className="muted chart-caption" data-testid="chart-caption" aria-live="polite">
        {loaded === undefined
          ? '\u00a0'
          : `${metricKey}: ${total.toLocaleString('en')} ${total === 1 ? 'point' : 'points'}${zoom !== undefined ? ' in the zoomed range' : ''}${
              exact ? '' : `, drawn as ${drawn.toLocaleString('en')} min/max buckets`
            }${nonFinite > 0 ? ` · ${nonFinite.toLocaleString('en')} NaN/∞ not drawn` : ''}${
              hiddenByLog > 0 ? ` · ${hiddenByLog.toLocaleString('en')} values ≤ 0 hidden on the log scale` : ''
            }`}
      </p>
    </div>
  );
}
