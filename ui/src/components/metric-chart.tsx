import type { ReactNode } from 'react';
import type { MetricPoint } from '../api/mlflow-types.js';
import { chartPath } from '../lib/chart-path.js';
import { formatNumber } from '../lib/run-columns.js';

const BOX = { width: 720, height: 260, padding: 36 };
/** Room left of the plot for the value labels, which are right-aligned to the axis. */
const LABEL_GUTTER = 48;

/** One metric's history as a line over steps, in a hand-written SVG. */
export function MetricChart(props: { metricKey: string; points: readonly MetricPoint[] }): ReactNode {
  const xy = props.points.map((p) => ({ x: p.step, y: typeof p.value === 'number' ? p.value : Number(p.value) }));
  const g = chartPath(xy, BOX);
  const bottom = BOX.height - BOX.padding;
  const right = BOX.width - BOX.padding;
  return (
    <figure className="chart">
      <svg
        viewBox={`${-LABEL_GUTTER} 0 ${BOX.width + LABEL_GUTTER} ${BOX.height}`}
        role="img"
        aria-label={`${props.metricKey} over ${props.points.length} steps, from ${formatNumber(g.yMin)} to ${formatNumber(g.yMax)}`}
        data-testid="metric-chart"
      >
        <line className="axis" x1={BOX.padding} y1={bottom} x2={right} y2={bottom} />
        <line className="axis" x1={BOX.padding} y1={BOX.padding} x2={BOX.padding} y2={bottom} />
        <text className="tick" x={BOX.padding - 4} y={BOX.padding + 4} textAnchor="end">{formatNumber(g.yMax)}</text>
        <text className="tick" x={BOX.padding - 4} y={bottom} textAnchor="end">{formatNumber(g.yMin)}</text>
        <text className="tick" x={BOX.padding} y={bottom + 16} textAnchor="middle">{g.xMin}</text>
        <text className="tick" x={right} y={bottom + 16} textAnchor="middle">{g.xMax}</text>
        <text className="tick" x={(BOX.padding + right) / 2} y={bottom + 28} textAnchor="middle">step</text>
        {g.d !== '' && <path className="line" d={g.d} />}
      </svg>
      <figcaption>
        {props.metricKey}: {props.points.length.toLocaleString('en')} {props.points.length === 1 ? 'point' : 'points'}
      </figcaption>
    </figure>
  );
}
