import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import {
  dragRange,
  formatX,
  linearScale,
  logScale,
  logTicks,
  nearestBucket,
  niceTicks,
  seriesPoints,
  xDomain,
  yDomain,
  type BucketSeries,
  type Domain,
  type PlotBox,
  type Scale,
} from '../lib/chart-scale.js';
import { formatNumber } from '../lib/run-columns.js';

/** One line of the chart. `colorIndex` picks `--series-<i>` from the theme. */
export interface ChartSeries {
  readonly id: string;
  readonly label: string;
  readonly colorIndex: number;
  readonly data: BucketSeries;
}

export interface HistoryChartProps {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly xAxis: 'step' | 'time';
  readonly log: boolean;
  /** The zoomed x range; undefined shows everything. */
  readonly xRange: Domain | undefined;
  /** The canvas width in CSS pixels (the parent measures its slot). */
  readonly width: number;
  readonly height?: number;
  onZoom(range: Domain): void;
  onResetZoom(): void;
}

const MARGIN = { left: 64, right: 16, top: 12, bottom: 40 };
/** A drag shorter than this is a click, not a zoom. */
const MIN_DRAG_PX = 5;

/**
 * A metric chart on a canvas: any number of downsampled series over step or time, linear or
 * log y. Drag across it to zoom (the parent re-queries that range at full resolution),
 * double-click to reset; with the keyboard, `+`/`-` zoom, arrows pan and `0` resets. Hovering
 * shows the nearest values below the chart, in a line that keeps its height.
 */
export function HistoryChart(props: HistoryChartProps): ReactNode {
  const height = props.height ?? 300;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | undefined>(undefined);
  const [hoverPx, setHoverPx] = useState<number | undefined>(undefined);
  const [themeTick, setThemeTick] = useState(0);

  const box: PlotBox = { left: MARGIN.left, top: MARGIN.top, width: Math.max(10, props.width - MARGIN.left - MARGIN.right), height: height - MARGIN.top - MARGIN.bottom };
  const data = props.series.map((s) => s.data);
  const xd = widen(props.xRange ?? xDomain(data));
  const yd = xd === undefined ? undefined : yDomain(data, xd, props.log);
  const scales = useMemo(() => {
    if (xd === undefined || yd === undefined) return undefined;
    const x = linearScale(xd, box.left, box.left + box.width);
    const y = props.log ? logScale(yd, box.top + box.height, box.top) : linearScale(yd, box.top + box.height, box.top);
    return { x, y };
  }, [xd?.lo, xd?.hi, yd?.lo, yd?.hi, props.log, box.left, box.top, box.width, box.height]);

  // Redraw when the theme changes, so colours follow light/dark.
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = (): void => setThemeTick((t) => t + 1);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);

  useEffect(() => {
    const el = canvas.current;
    if (el === null) return;
    const ratio = window.devicePixelRatio || 1;
    el.width = Math.round(props.width * ratio);
    el.height = Math.round(height * ratio);
    const ctx = el.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    draw(ctx, el, { ...props, height }, box, scales, xd, yd);
  }); // every render: the drawing is cheap (a few thousand segments) and depends on everything above

  const xScale = scales?.x;
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>): void => {
    if (e.button !== 0 || xScale === undefined) return;
    const px = e.nativeEvent.offsetX;
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({ from: px, to: px });
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>): void => {
    const px = e.nativeEvent.offsetX;
    if (drag !== undefined) setDrag({ from: drag.from, to: clamp(px, box.left, box.left + box.width) });
    setHoverPx(px >= box.left && px <= box.left + box.width ? px : undefined);
  };
  const onPointerUp = (): void => {
    if (drag !== undefined && xScale !== undefined && Math.abs(drag.to - drag.from) >= MIN_DRAG_PX) {
      props.onZoom(dragRange(xScale, drag.from, drag.to));
    }
    setDrag(undefined);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (xd === undefined) return;
    const span = xd.hi - xd.lo;
    const zoomTo = (lo: number, hi: number): void => {
      e.preventDefault();
      props.onZoom({ lo: Math.floor(lo), hi: Math.max(Math.ceil(hi), Math.floor(lo) + 1) });
    };
    if (e.key === '+' || e.key === '=') zoomTo(xd.lo + span / 4, xd.hi - span / 4);
    else if (e.key === '-') zoomTo(xd.lo - span / 2, xd.hi + span / 2);
    else if (e.key === 'ArrowLeft') zoomTo(xd.lo - span / 4, xd.hi - span / 4);
    else if (e.key === 'ArrowRight') zoomTo(xd.lo + span / 4, xd.hi + span / 4);
    else if (e.key === '0' || e.key === 'Escape') {
      e.preventDefault();
      props.onResetZoom();
    }
  };

  const hoverX = hoverPx !== undefined && xScale !== undefined ? xScale.invert(hoverPx) : undefined;
  const summary =
    xd === undefined || yd === undefined
      ? `${props.title}: nothing to draw`
      : `${props.title} by ${props.xAxis}: ${props.series.length} ${props.series.length === 1 ? 'series' : 'series'}, ${props.xAxis} ${formatX(xd.lo, props.xAxis, xd.hi - xd.lo)} to ${formatX(xd.hi, props.xAxis, xd.hi - xd.lo)}, values ${formatNumber(yd.lo)} to ${formatNumber(yd.hi)}${props.log ? ' (log scale)' : ''}`;
  return (
    <div className="history-chart" tabIndex={0} onKeyDown={onKeyDown} aria-describedby="chart-keys" data-testid="history-chart">
      <div className="chart-canvas" style={{ height }}>
        <canvas
          ref={canvas}
          role="img"
          aria-label={summary}
          style={{ width: props.width, height }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => setHoverPx(undefined)}
          onDoubleClick={() => props.onResetZoom()}
          data-theme-tick={themeTick}
        />
        {drag !== undefined && Math.abs(drag.to - drag.from) > 0 && (
          <div
            className="zoom-selection"
            aria-hidden="true"
            style={{ left: Math.min(drag.from, drag.to), width: Math.abs(drag.to - drag.from), top: box.top, height: box.height }}
          />
        )}
      </div>
      <p className="chart-readout" aria-hidden="true">
        {hoverX === undefined ? '\u00a0' : readout(props.series, hoverX, props.xAxis, xd)}
      </p>
      <p id="chart-keys" className="visually-hidden">
        Drag to zoom into a range, double-click to reset. With the keyboard: plus and minus zoom, the arrow keys pan, 0 resets.
      </p>
    </div>
  );
}

function readout(series: readonly ChartSeries[], x: number, axis: 'step' | 'time', xd: Domain | undefined): string {
  const parts: string[] = [];
  let at: number | undefined;
  for (const s of series) {
    const i = nearestBucket(s.data, x);
    if (i === undefined) continue;
    const mn = s.data.min[i] as number;
    const mx = s.data.max[i] as number;
    at ??= ((s.data.xStart[i] as number) + (s.data.xEnd[i] as number)) / 2;
    const value = mn === mx ? formatNumber(mn) : `${formatNumber(mn)} – ${formatNumber(mx)}`;
    parts.push(series.length === 1 ? value : `${s.label}: ${value}`);
  }
  if (at === undefined) return '\u00a0';
  return `${axis} ${formatX(Math.round(at), axis, xd === undefined ? 0 : xd.hi - xd.lo)} · ${parts.join(' · ')}`;
}

/** A single x (one step) gets a span around it, so its point sits in the middle. */
function widen(d: Domain | undefined): Domain | undefined {
  return d !== undefined && d.lo === d.hi ? { lo: d.lo - 1, hi: d.hi + 1 } : d;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function cssVar(el: Element, name: string, fallback: string): string {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

function draw(
  ctx: CanvasRenderingContext2D,
  el: HTMLCanvasElement,
  props: HistoryChartProps & { height: number },
  box: PlotBox,
  scales: { x: Scale; y: Scale } | undefined,
  xd: Domain | undefined,
  yd: Domain | undefined,
): void {
  const fg = cssVar(el, '--muted', '#57606a');
  const grid = cssVar(el, '--border', '#d0d7de');
  ctx.clearRect(0, 0, props.width, props.height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = fg;
  if (scales === undefined || xd === undefined || yd === undefined) {
    ctx.textAlign = 'center';
    ctx.fillText(props.log ? 'No positive values to draw on a log scale' : 'No finite values to draw', box.left + box.width / 2, box.top + box.height / 2);
    return;
  }
  const bottom = box.top + box.height;
  const right = box.left + box.width;
  // Grid and y labels.
  ctx.strokeStyle = grid;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of props.log ? logTicks(yd, 5) : niceTicks(yd, 5)) {
    const y = Math.round(scales.y(t)) + 0.5;
    if (y < box.top - 1 || y > bottom + 1) continue;
    ctx.beginPath();
    ctx.moveTo(box.left, y);
    ctx.lineTo(right, y);
    ctx.stroke();
    ctx.fillText(formatNumber(t), box.left - 6, y);
  }
  // X labels: about one per 110 pixels.
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const span = xd.hi - xd.lo;
  for (const t of niceTicks(xd, Math.max(2, Math.floor(box.width / 110)))) {
    const x = Math.round(scales.x(t)) + 0.5;
    if (x < box.left - 1 || x > right + 1) continue;
    ctx.beginPath();
    ctx.moveTo(x, bottom);
    ctx.lineTo(x, bottom + 4);
    ctx.stroke();
    ctx.fillText(formatX(t, props.xAxis, span), x, bottom + 6);
  }
  ctx.fillText(props.xAxis === 'step' ? 'step' : 'time (UTC)', box.left + box.width / 2, bottom + 22);
  ctx.beginPath();
  ctx.moveTo(box.left + 0.5, box.top);
  ctx.lineTo(box.left + 0.5, bottom + 0.5);
  ctx.lineTo(right, bottom + 0.5);
  ctx.stroke();

  // The series, clipped to the plot.
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.left, box.top - 1, box.width, box.height + 2);
  ctx.clip();
  ctx.lineWidth = 1.5;
  ctx.lineJoin = 'round';
  for (const s of props.series) {
    const color = cssVar(el, `--series-${s.colorIndex % 8}`, '#0b5cad');
    const pts = seriesPoints(s.data, props.log);
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    if (pts.x.length === 1) {
      ctx.beginPath();
      ctx.arc(scales.x(pts.x[0] as number), scales.y(pts.y[0] as number), 3, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    ctx.beginPath();
    for (let i = 0; i < pts.x.length; i++) {
      const px = scales.x(pts.x[i] as number);
      const py = scales.y(pts.y[i] as number);
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
    ctx.stroke();
  }
  ctx.restore();
}
