/**
 * A small seeded pseudo-random generator, so a search is reproducible from its `seed`.
 * Written here (mulberry32, a well-known 32-bit generator: fast, passes the usual
 * statistical batteries for this kind of use) rather than adding a dependency for ten
 * lines; it is not for anything security-related.
 * @module
 */

/** Returns numbers in [0, 1). */
export type RandomSource = () => number;

/** mulberry32 seeded with `seed` (any integer; only its low 32 bits count). */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seed derived from a seed and further integers (e.g. the trial number), mixed so that
 * nearby inputs give unrelated streams. Samplers draw each suggestion from its own stream,
 * so a suggestion depends only on the seed and the history, not on earlier calls.
 */
export function deriveSeed(seed: number, ...parts: readonly number[]): number {
  let h = mix32(seed >>> 0);
  for (const part of parts) h = mix32(h ^ mix32((part + 0x9e3779b9) >>> 0));
  return h;
}

/** murmur3's finaliser: every input bit affects every output bit. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A standard normal draw (Box–Muller). */
export function normalDraw(random: RandomSource): number {
  const u = 1 - random(); // (0, 1]: log(0) would be -Infinity
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** An integer in [0, n). */
export function randomIndex(random: RandomSource, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}
