import { useId, useState, type ReactNode } from 'react';
import type { Run } from '../api/mlflow-types.js';
import { axisFor, axisLabels, axisPosition, dimensionId, dimensionText, type Dimension } from '../lib/compare.js';

const W = 640;
const H = 320;
const M = { left: 72, right: 24, top: 16, bottom: 48 };

/**
 * One dot per run: any param or metric across, any metric up. Numeric values are scaled,
 * other params spread as categories. Each dot is labelled (hover title and a screen-reader
 * list).
 */
export function RunScatter(props: { runs: readonly Run[]; labels: readonly string[]; dimensions: readonly Dimension[]; metrics: readonly Dimension[] }): ReactNode {
  const id = useId();
  const [x, setX] = useState<Dimension | undefined>(props.dimensions.find((d) => d.kind === 'param') ?? props.dimensions[0]);
  const [y, setY] = useState<Dimension | undefined>(props.metrics[0]);
  if (x === undefined || y === undefined) return <p className="muted">The runs need a metric (and a param or another metric) for a scatter plot.</p>;
  const xs = props.runs.map((r) => dimensionText(r, x));
  const ys = props.runs.map((r) => dimensionText(r, y));
  const xAxis = axisFor(xs);
  const yAxis = axisFor(ys);
  const px = (v: string | undefined): number | undefined => axisPosition(xAxis, v, M.left + 12, W - M.right - 12);
  const py = (v: string | undefined): number | undefined => axisPosition(yAxis, v, H - M.bottom - 12, M.top + 12);
  const byId = new Map(props.dimensions.map((d) => [dimensionId(d), d]));
  const dots = props.runs.map((r, i) => ({ i, x: px(xs[i]), y: py(ys[i]), label: props.labels[i] ?? r.info.run_id }));
  const missing = dots.filter((d) => d.x === undefined || d.y === undefined).length;
  return (
    <div className="scatter">
      <div className="toolbar">
        <label htmlFor={`${id}-x`}>Across</label>
        <select id={`${id}-x`} value={dimensionId(x)} onChange={(e) => setX(byId.get(e.target.value))}>
          {props.dimensions.map((d) => (
            <option key={dimensionId(d)} value={dimensionId(d)}>
              {d.kind}: {d.key}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-y`}>Up</label>
        <select id={`${id}-y`} value={dimensionId(y)} onChange={(e) => setY(byId.get(e.target.value))}>
          {props.metrics.map((d) => (
            <option key={dimensionId(d)} value={dimensionId(d)}>
              {d.key}
            </option>
          ))}
        </select>
      </div>
      <svg className="plot" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Scatter of ${y.key} against ${x.kind} ${x.key} over ${props.runs.length} runs`} data-testid="scatter">
        <line className="axis" x1={M.left} y1={H - M.bottom} x2={W - M.right} y2={H - M.bottom} />
        <line className="axis" x1={M.left} y1={M.top} x2={M.left} y2={H - M.bottom} />
        {axisLabels(xAxis).map((l) => (
          <text key={l.value} className="tick" x={px(l.value)} y={H - M.bottom + 16} textAnchor="middle">
            {l.label}
          </text>
        ))}
        {axisLabels(yAxis).map((l) => (
          <text key={l.value} className="tick" x={M.left - 6} y={(py(l.value) ?? 0) + 4} textAnchor="end">
            {l.label}
          </text>
        ))}
        <text className="tick axis-title" x={(M.left + W - M.right) / 2} y={H - 10} textAnchor="middle">
          {x.kind}: {x.key}
        </text>
        <text className="tick axis-title" transform={`translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
          {y.key}
        </text>
        {dots.map((d) =>
          d.x === undefined || d.y === undefined ? null : (
            <circle key={d.i} className={`dot series-stroke-${d.i % 8}`} cx={d.x} cy={d.y} r={6}>
              <title>{`${d.label}: ${x.key} ${xs[d.i]}, ${y.key} ${ys[d.i]}`}</title>
            </circle>
          ),
        )}
      </svg>
      <ul className="visually-hidden" aria-label="Scatter points">
        {dots.map((d) => (
          <li key={d.i}>{`${d.label}: ${x.key} ${xs[d.i] ?? 'missing'}, ${y.key} ${ys[d.i] ?? 'missing'}`}</li>
        ))}
      </ul>
      {missing > 0 && (
        <p className="muted">
          {missing} {missing === 1 ? 'run has' : 'runs have'} no value for one of the axes and {missing === 1 ? 'is' : 'are'} not drawn.
        </p>
      )}
    </div>
  );
}
