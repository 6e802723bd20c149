/**
 * Durations for `cache.expire-after`: ISO-8601 (`P30D`, `PT1H30M`, `P1W`, any case, as
 * SageMaker's `CacheConfig` takes them) or the short forms `30d`, `2h`, `15m`, `45s`,
 * `1w`, `1h30m`, or a plain number of seconds.
 *
 * ISO years and months have no fixed length; they count as 365 and 30 days.
 * @module
 */

const SECONDS = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 } as const;

const ISO = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const SHORT = /^(?:\d+(?:\.\d+)?[wdhms])+$/i;
const SHORT_PART = /(\d+(?:\.\d+)?)([wdhms])/gi;

/**
 * The duration in seconds, or `undefined` when `text` is not a duration (or is zero or
 * negative). Numbers are seconds.
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? text : undefined;
  const source = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(source)) return positive(Number(source));
  const iso = ISO.exec(source);
  if (iso !== null) {
    if (/^PT?$/i.test(source)) return undefined;
    const [, y, mo, w, d, h, mi, s] = iso;
    return positive(
      n(y) * 365 * SECONDS.d +
        n(mo) * 30 * SECONDS.d +
        n(w) * SECONDS.w +
        n(d) * SECONDS.d +
        n(h) * SECONDS.h +
        n(mi) * SECONDS.m +
        n(s),
    );
  }
  if (SHORT.test(source)) {
    let total = 0;
    for (const [, amount, unit] of source.matchAll(SHORT_PART)) {
      total += Number(amount) * SECONDS[(unit ?? 's').toLowerCase() as keyof typeof SECONDS];
    }
    return positive(total);
  }
  return undefined;
}

function n(part: string | undefined): number {
  return part === undefined ? 0 : Number(part);
}

function positive(seconds: number): number | undefined {
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}
