import type { ReactNode } from 'react';
import { niceTicks } from '../lib/chart-scale.js';
import { formatMetric, linePath, maxValue, type TrafficLine, type TrafficMetric } from './traffic-series.js';

export interface TrafficChartProps {
  readonly title: string;
  readonly metric: TrafficMetric;
  readonly lines: readonly TrafficLine[];
  /** The time range shown (ms): the last few minutes up to the newest sample. */
  readonly from: number;
  readonly to: number;
}

const W = 480;
const H = 170;
const M = { left: 44, right: 10, top: 10, bottom: 24 };
const UNITS: Record<TrafficMetric, string> = { rate: 'requests/s', errors: '% of requests', p50: 'ms', p99: 'ms' };

/** A 0-based y axis ending on a round tick at or above `max`, with about three ticks. */
export function yAxis(max: number): { top: number; ticks: number[] } {
  const rough = niceTicks({ lo: 0, hi: max }, 3);
  const step = rough.length > 1 ? rough[1]! - rough[0]! : max;
  const top = Math.max(step, Math.ceil(max / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { top, ticks };
}

/** A tick label without its unit (the caption names it). */
export function formatTick(metric: TrafficMetric, value: number): string {
  const v = metric === 'errors' ? value * 100 : value;
  return Number(v.toPrecision(6)).toString();
}

/**
 * A small live time-series in SVG (colours are the theme's CSS variables, so light and dark
 * need no redraw): one line per variant, the newest value of each in the legend, and a
 * text summary for screen readers. The run page's canvas chart re-queries the server on
 * zoom; this one only draws what the page polled, so it is separate and much smaller.
 */
export function TrafficChart(props: TrafficChartProps): ReactNode {
  const { metric, lines } = props;
  const max = maxValue(lines);
  const { top, ticks } = yAxis(metric === 'errors' ? Math.max(max, 0.01) : max > 0 ? max : 1);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const span = Math.max(1, props.to - props.from);
  const x = (t: number): number => M.left + ((t - props.from) / span) * plotW;
  const y = (v: number): number => M.top + plotH - (Math.min(v, top) / top) * plotH;
  const latest = (line: TrafficLine): number | null => line.points[line.points.length - 1]?.[1] ?? null;
  const summary =
    lines.length === 0
      ? `${props.title}: no samples yet`
      : `${props.title} now: ${lines.map((l) => `${l.label} ${formatMetric(metric, latest(l))}`).join(', ')}`;
  const startLabel = span < 120_000 ? `−${Math.round(span / 1000)} s` : `−${Math.round(span / 60_000)} min`;
  return (
    <figure className="traffic-chart" data-metric={metric}>
      <figcaption>
        {props.title} <span className="muted small">({UNITS[metric]})</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        {ticks.map((t) => (
          <g key={t} className="tick">
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
            <text x={M.left - 6} y={y(t) + 4} textAnchor="end">
              {formatTick(metric, t)}
            </text>
          </g>
        ))}
        <text className="axis-label" x={M.left} y={H - 6}>
          {startLabel}
        </text>
        <text className="axis-label" x={W - M.right} y={H - 6} textAnchor="end">
          now
        </text>
        {lines.map((line) => (
          <path key={line.id} d={linePath(line.points, x, y)} className={`series-line stroke-${line.colorIndex}`} />
        ))}
      </svg>
      <ul className="legend traffic-legend" aria-hidden="true">
        {lines.length === 0 && <li className="muted">Waiting for the first sample…</li>}
        {lines.map((line) => (
          <li key={line.id}>
            <span className={`swatch series-${line.colorIndex}`} /> {line.label}: <strong className="traffic-value">{formatMetric(metric, latest(line))}</strong>
          </li>
        ))}
      </ul>
    </figure>
  );
}
