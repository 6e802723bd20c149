/**
 * Python-style renderings of strings and collections, so error messages read like the
 * ones MLflow's Python server builds with `repr()` and f-strings (`{'=', '!='}`,
 * `['metric', 'parameter']`, `('attribute', 'tag')`).
 * @module
 */

/** Renders values the way Python's `repr()` renders a `str` and collections of `str`. */
export const pythonRepr = {
  /** `repr(s)`: single quotes, or double quotes when the text has a `'` and no `"`. */
  str(s: string): string {
    const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
    const body = s
      .replace(/\\/g, '\\\\')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t')
      .replaceAll(quote, `\\${quote}`);
    return `${quote}${body}${quote}`;
  },
  /** A `set` of strings: `{'a', 'b'}`. */
  set(items: Iterable<string>): string {
    return `{${[...items].map((i) => pythonRepr.str(i)).join(', ')}}`;
  },
  /** A `list` of strings: `['a', 'b']`. */
  list(items: Iterable<string>): string {
    return `[${[...items].map((i) => pythonRepr.str(i)).join(', ')}]`;
  },
  /** A `tuple` of strings: `('a', 'b')`, `('a',)`. */
  tuple(items: Iterable<string>): string {
    const parts = [...items].map((i) => pythonRepr.str(i));
    return parts.length === 1 ? `(${parts.join('')},)` : `(${parts.join(', ')})`;
  },
} as const;
