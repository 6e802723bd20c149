/**
 * Memory quantities of a step's `resources:` as Kubernetes writes them: a number and a
 * unit, binary (`Ki`, `Mi`, `Gi`, `Ti`, `Pi`: powers of 1024) or decimal (`k`, `M`, `G`,
 * `T`, `P`: powers of 1000). The model keeps bytes.
 * @module
 */

/** Unit → bytes. Units are case-sensitive (`m` would be Kubernetes' milli, not mega). */
export const MEMORY_UNITS: Readonly<Record<string, number>> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  k: 1000,
  M: 1000 ** 2,
  G: 1000 ** 3,
  T: 1000 ** 4,
  P: 1000 ** 5,
};

const BINARY = ['Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const;
const DECIMAL = ['P', 'T', 'G', 'M', 'k'] as const;

const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)([A-Za-z]*)$/;

const EXPECTED = "a number and a unit: 'Ki', 'Mi', 'Gi', 'Ti' (powers of 1024) or 'k', 'M', 'G', 'T' (powers of 1000), e.g. '512Mi' or '2Gi'";

/** Bytes, or why the text is not a memory quantity (a phrase to follow `… is invalid: `). */
export function parseMemory(text: string): { readonly bytes: number } | { readonly problem: string } {
  const match = QUANTITY.exec(text.trim());
  if (match === null) return { problem: `expected ${EXPECTED}` };
  const [, number = '', unit = ''] = match;
  if (unit === '') return { problem: `it needs a unit (${EXPECTED.replace(/^a number and a unit: /, '')})` };
  const factor = MEMORY_UNITS[unit];
  if (factor === undefined) {
    const hint = unitHint(unit);
    return { problem: `unknown unit '${unit}'${hint === '' ? `; expected ${EXPECTED}` : hint}` };
  }
  const value = Number(number);
  if (value === 0) return { problem: 'it must be greater than 0' };
  const bytes = Math.ceil(value * factor);
  if (!Number.isSafeInteger(bytes)) return { problem: 'it is too large' };
  return { bytes };
}

function unitHint(unit: string): string {
  const upper = unit.toUpperCase();
  if (/^[KMGTP]I?B$/.test(upper)) {
    const letter = upper[0] === 'K' ? 'k' : (upper[0] ?? '');
    return ` (write '${upper[0] ?? ''}i' for ${upper[0] ?? ''}iB, powers of 1024, or '${letter}' for ${upper[0] ?? ''}B, powers of 1000)`;
  }
  const binary = BINARY.find((u) => u.toLowerCase() === unit.toLowerCase());
  if (binary !== undefined) return ` (units are case-sensitive: did you mean '${binary}'?)`;
  const decimal = DECIMAL.find((u) => u.toLowerCase() === unit.toLowerCase());
  if (decimal !== undefined) return ` (units are case-sensitive: did you mean '${decimal}' or '${decimal.toUpperCase()}i'?)`;
  return '';
}

/** `2Gi`, `750M`, `1536Mi`, `1500B`: the largest unit that divides the bytes exactly, binary first. */
export function formatMemory(bytes: number): string {
  for (const unit of [...BINARY, ...DECIMAL]) {
    const factor = MEMORY_UNITS[unit] ?? 1;
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${bytes}B`;
}
