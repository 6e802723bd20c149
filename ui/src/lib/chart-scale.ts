/**
 * The pure parts of the canvas chart: domains, scales (linear or log), "nice" ticks, and
 * the polyline a downsampled series draws. Nothing here touches the DOM.
 * @module
 */

/** A history as the server's downsampling answers it: one entry per bucket, in x order. */
export interface BucketSeries {
  readonly xStart: readonly number[];
  readonly xEnd: readonly number[];
  readonly min: readonly number[];
  readonly max: readonly number[];
}

export interface Domain {
  readonly lo: number;
  readonly hi: number;
}

/** Where the plot sits inside the canvas, in CSS pixels. */
export interface PlotBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The x domain of some series (the smallest start, the largest end); undefined when all are empty. */
export function xDomain(series: readonly BucketSeries[]): Domain | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    if (s.xStart.length === 0) continue;
    lo = Math.min(lo, s.xStart[0] as number);
    hi = Math.max(hi, s.xEnd[s.xEnd.length - 1] as number);
  }
  return lo <= hi ? { lo, hi } : undefined;
}

/**
 * The y domain of the buckets whose x lies in `x`; on a log scale only positive values
 * count. Undefined when nothing can be drawn. A flat series gets a span around its value.
 */
export function yDomain(series: readonly BucketSeries[], x: Domain, log: boolean): Domain | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.xStart.length; i++) {
      if ((s.xEnd[i] as number) < x.lo || (s.xStart[i] as number) > x.hi) continue;
      const mn = s.min[i] as number;
      const mx = s.max[i] as number;
      if (log) {
        if (mx <= 0) continue;
        lo = Math.min(lo, mn > 0 ? mn : mx);
        hi = Math.max(hi, mx);
      } else {
        lo = Math.min(lo, mn);
        hi = Math.max(hi, mx);
      }
    }
  }
  if (!(lo <= hi)) return undefined;
  if (lo === hi) {
    if (log) return { lo: lo / 2, hi: hi * 2 };
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return { lo: lo - pad, hi: hi + pad };
  }
  return { lo, hi };
}

/** Counts the bucket values a log scale cannot show (zero or negative). */
export function nonPositiveCount(series: readonly BucketSeries[]): number {
  let n = 0;
  for (const s of series) for (const v of s.min) if (v <= 0) n++;
  return n;
}

/** Maps data to pixels and back for one axis. */
export interface Scale {
  (value: number): number;
  invert(pixel: number): number;
}

export function linearScale(domain: Domain, from: number, to: number): Scale {
  const span = domain.hi - domain.lo || 1;
  const f = ((v: number) => from + ((v - domain.lo) / span) * (to - from)) as Scale;
  f.invert = (p: number) => domain.lo + ((p - from) / (to - from)) * span;
  return f;
}

/** A base-10 log scale; the domain must be positive. */
export function logScale(domain: Domain, from: number, to: number): Scale {
  const lo = Math.log10(domain.lo);
  const hi = Math.log10(domain.hi);
  const inner = linearScale({ lo, hi }, from, to);
  const f = ((v: number) => inner(Math.log10(v))) as Scale;
  f.invert = (p: number) => 10 ** inner.invert(p);
  return f;
}

/** About `count` round tick values (1, 2 or 5 × 10^k apart) inside the domain. */
export function niceTicks(domain: Domain, count: number): number[] {
  const span = domain.hi - domain.lo;
  if (!(span > 0) || !Number.isFinite(span)) return [domain.lo];
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(domain.lo / step) * step; v <= domain.hi + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return ticks;
}

/** Powers of ten inside a positive domain; falls back to linear ticks when there are fewer than two. */
export function logTicks(domain: Domain, count: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(domain.lo)); e <= Math.floor(Math.log10(domain.hi)); e++) ticks.push(10 ** e);
  if (ticks.length < 2) return niceTicks(domain, count);
  const stride = Math.ceil(ticks.length / count);
  return ticks.filter((_, i) => i % stride === 0);
}

/**
 * The points to draw for a series: one per exact point, else each bucket's minimum and
 * maximum at its middle x, in the order nearer to the previous point so the line does not
 * zigzag more than the data does. Non-positive values are dropped on a log scale.
 */
export function seriesPoints(s: BucketSeries, log: boolean): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  let prev: number | undefined;
  for (let i = 0; i < s.xStart.length; i++) {
    const x0 = s.xStart[i] as number;
    const x1 = s.xEnd[i] as number;
    const mn = s.min[i] as number;
    const mx = s.max[i] as number;
    const mid = (x0 + x1) / 2;
    const values = mn === mx ? [mn] : prev !== undefined && Math.abs(prev - mx) < Math.abs(prev - mn) ? [mx, mn] : [mn, mx];
    for (const v of values) {
      if (log && v <= 0) continue;
      x.push(mid);
      y.push(v);
      prev = v;
    }
  }
  return { x, y };
}

/** The bucket of `s` nearest to `x` (by its middle), for the hover readout. */
export function nearestBucket(s: BucketSeries, x: number): number | undefined {
  const n = s.xStart.length;
  if (n === 0) return undefined;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((s.xEnd[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  const mid = (i: number): number => ((s.xStart[i] as number) + (s.xEnd[i] as number)) / 2;
  if (lo > 0 && Math.abs(mid(lo - 1) - x) < Math.abs(mid(lo) - x)) return lo - 1;
  return lo;
}

/** An x tick's label: the step as an integer, or a time of day/date for the time axis. */
export function formatX(value: number, axis: 'step' | 'time', span: number): string {
  if (axis === 'step') return Number.isInteger(value) ? value.toLocaleString('en') : value.toFixed(1);
  const d = new Date(value);
  const iso = d.toISOString();
  if (span < 60_000) return iso.slice(11, 23);
  if (span < 86_400_000) return iso.slice(11, 19);
  return iso.slice(0, 16).replace('T', ' ');
}

/** The zoom range a drag between two pixel positions selects, as whole x values. */
export function dragRange(scale: Scale, fromPx: number, toPx: number): Domain {
  const a = scale.invert(Math.min(fromPx, toPx));
  const b = scale.invert(Math.max(fromPx, toPx));
  return { lo: Math.floor(a), hi: Math.max(Math.ceil(b), Math.floor(a) + 1) };
}
