/**
 * The `experiments/search` filter for a search box's text: a case-insensitive substring
 * match on the name. Quotes and LIKE wildcards in the text are matched literally... except
 * that MLflow's grammar has no escape for `%` and `_`, so those still match any text.
 */
export function experimentNameFilter(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return `name ILIKE '%${trimmed.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}%'`;
}
