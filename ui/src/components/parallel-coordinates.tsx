import { useState, type ReactNode } from 'react';
import type { Run } from '../api/mlflow-types.js';
import { axisFor, axisLabels, axisPosition, dimensionId, dimensionText, type Dimension } from '../lib/compare.js';

const H = 300;
const M = { top: 28, bottom: 36, side: 56 };
const AXIS_GAP = 150;
/** Axes shown before the user chooses. */
const DEFAULT_AXES = 6;

/**
 * Parallel coordinates: one vertical axis per chosen param or metric, one line per run
 * through its values (numeric axes scaled min→max bottom to top, other params as
 * categories). A run without a value on an axis breaks its line there.
 */
export function ParallelCoordinates(props: { runs: readonly Run[]; labels: readonly string[]; dimensions: readonly Dimension[] }): ReactNode {
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(props.dimensions.slice(0, DEFAULT_AXES).map(dimensionId)));
  const axes = props.dimensions.filter((d) => chosen.has(dimensionId(d)));
  const width = Math.max(2, axes.length) * AXIS_GAP;
  const x = (i: number): number => M.side + i * ((width - 2 * M.side) / Math.max(1, axes.length - 1));
  const scales = axes.map((d) => {
    const values = props.runs.map((r) => dimensionText(r, d));
    return { d, values, axis: axisFor(values) };
  });
  const toggle = (d: Dimension): void => {
    const next = new Set(chosen);
    if (next.has(dimensionId(d))) next.delete(dimensionId(d));
    else next.add(dimensionId(d));
    setChosen(next);
  };
  return (
    <div className="parallel">
      <details className="column-picker parallel-picker">
        <summary>Axes ({axes.length})</summary>
        <fieldset>
          <legend>Axes to show</legend>
          {props.dimensions.map((d) => (
            <label key={dimensionId(d)}>
              <input type="checkbox" checked={chosen.has(dimensionId(d))} onChange={() => toggle(d)} /> {d.kind}: {d.key}
            </label>
          ))}
        </fieldset>
      </details>
      {axes.length < 2 ? (
        <p className="muted">Choose at least two axes.</p>
      ) : (
        <div className="plot-scroll">
          <svg
            className="plot"
            viewBox={`0 0 ${width} ${H}`}
            style={{ width, maxWidth: '100%' }}
            role="img"
            aria-label={`Parallel coordinates of ${props.runs.length} runs over ${axes.map((a) => a.key).join(', ')}`}
            data-testid="parallel-coordinates"
          >
            {props.runs.map((r, ri) => {
              const points = scales.map((s, i) => {
                const y = axisPosition(s.axis, s.values[ri], H - M.bottom, M.top);
                return y === undefined ? undefined : `${x(i)},${y}`;
              });
              // Split at missing values: each stretch of present values is one polyline.
              const runs: string[][] = [[]];
              for (const p of points) {
                if (p === undefined) runs.push([]);
                else runs[runs.length - 1]!.push(p);
              }
              return (
                <g key={r.info.run_id} className={`pc-line series-stroke-${ri % 8}`}>
                  <title>{props.labels[ri]}</title>
                  {runs
                    .filter((seg) => seg.length > 0)
                    .map((seg, k) => (seg.length === 1 ? <circle key={k} cx={seg[0]!.split(',')[0]} cy={seg[0]!.split(',')[1]} r={3} /> : <polyline key={k} points={seg.join(' ')} />))}
                </g>
              );
            })}
            {scales.map((s, i) => (
              <g key={dimensionId(s.d)}>
                <line className="axis" x1={x(i)} y1={M.top} x2={x(i)} y2={H - M.bottom} />
                <text className="tick axis-title" x={x(i)} y={M.top - 12} textAnchor="middle">
                  {s.d.key}
                </text>
                {axisLabels(s.axis, 8).map((l) => (
                  <text key={l.value} className="tick pc-label" x={x(i) + 5} y={(axisPosition(s.axis, l.value, H - M.bottom, M.top) ?? 0) + 4}>
                    {l.label}
                  </text>
                ))}
                <text className="tick" x={x(i)} y={H - M.bottom + 18} textAnchor="middle">
                  {s.d.kind}
                </text>
              </g>
            ))}
          </svg>
        </div>
      )}
    </div>
  );
}
