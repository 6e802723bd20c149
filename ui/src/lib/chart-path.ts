/** A point to plot: x is the step, y the value. */
export interface XY {
  readonly x: number;
  readonly y: number;
}

export interface ChartGeometry {
  /** The SVG path (`M x y L x y …`), empty when there is nothing finite to draw. */
  readonly d: string;
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
  /** Points drawn after thinning to the chart's width. */
  readonly drawn: number;
}

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  readonly padding: number;
}

/**
 * Scales a metric history into an SVG path inside `box`. Non-finite values are skipped
 * (they cannot be placed on an axis). Long histories are thinned to at most two points
 * per horizontal pixel — each bucket's minimum and maximum in step order — so a
 * 100,000-point history draws as fast as a short one and keeps its spikes.
 */
export function chartPath(points: readonly XY[], box: ChartBox): ChartGeometry {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (finite.length === 0) return { d: '', xMin: 0, xMax: 0, yMin: 0, yMax: 0, drawn: 0 };
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const p of finite) {
    xMin = Math.min(xMin, p.x);
    xMax = Math.max(xMax, p.x);
    yMin = Math.min(yMin, p.y);
    yMax = Math.max(yMax, p.y);
  }
  const innerW = box.width - 2 * box.padding;
  const innerH = box.height - 2 * box.padding;
  // A flat line or a single step still needs a non-zero span to divide by.
  const xSpan = xMax - xMin || 1;
  const ySpan = yMax - yMin || 1;
  const sx = (x: number): number => box.padding + ((x - xMin) / xSpan) * innerW;
  const sy = (y: number): number => box.padding + innerH - ((y - yMin) / ySpan) * innerH;
  const thinned = thin(finite, Math.max(1, Math.floor(innerW)), xMin, xSpan);
  const d = thinned.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(sx(p.x))} ${round(sy(p.y))}`).join(' ');
  return { d, xMin, xMax, yMin, yMax, drawn: thinned.length };
}

function thin(points: readonly XY[], buckets: number, xMin: number, xSpan: number): readonly XY[] {
  if (points.length <= buckets * 2) return points;
  const out: XY[] = [];
  let bucket = -1;
  let lo = 0;
  let hi = 0;
  const flush = (): void => {
    if (bucket < 0) return;
    const [first, second] = lo <= hi ? [lo, hi] : [hi, lo];
    out.push(points[first] as XY);
    if (second !== first) out.push(points[second] as XY);
  };
  points.forEach((p, i) => {
    const b = Math.min(buckets - 1, Math.floor(((p.x - xMin) / xSpan) * buckets));
    if (b !== bucket) {
      flush();
      bucket = b;
      lo = i;
      hi = i;
      return;
    }
    if (p.y < (points[lo] as XY).y) lo = i;
    if (p.y > (points[hi] as XY).y) hi = i;
  });
  flush();
  return out;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
