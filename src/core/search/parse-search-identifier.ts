/**
 * Identifiers of MLflow's search grammar: `<type>.<key>`, or a bare attribute key.
 *
 * An identifier is a chain of parts joined by dots with no whitespace around them. A part
 * is a name (`metrics`, `acc`), a backticked name (`` `f1 score` ``) or a double-quoted one
 * (`"f1 score"`); after the first dot a single-quoted one is accepted too, since MLflow
 * strips either quote from keys. As in MLflow, everything after the first dot is the key,
 * so ``tags.mlflow.runName`` and ``tags.`mlflow.runName` `` both name the tag
 * `mlflow.runName`.
 * @module
 */

import { SlipwayError } from '../errors/slipway-error.js';
import type { EntityType } from './search-ast.js';
import type { SearchIdentifierDialect } from './search-dialect.js';
import type { SearchToken } from './tokenize-search.js';

/** An identifier as written, before its prefix and key are interpreted. */
export interface SearchIdentifier {
  /** Name-like tokens: `word`, `quoted`, `backticked` (and `string` after a dot). */
  readonly parts: readonly SearchToken[];
  /** The identifier's source text. */
  readonly text: string;
}

/** The outcome of {@link readSearchIdentifier}. */
export type ReadIdentifierResult =
  | { readonly ok: true; readonly identifier: SearchIdentifier; readonly next: number }
  | { readonly ok: false };

const FIRST_PART_KINDS: ReadonlySet<string> = new Set(['word', 'quoted', 'backticked']);
const LATER_PART_KINDS: ReadonlySet<string> = new Set(['word', 'quoted', 'backticked', 'string']);

/**
 * Reads the identifier starting at `tokens[index]` from `source`. Fails (`ok: false`) when
 * the token cannot start one or a dot is not followed, without whitespace, by a part.
 */
export function readSearchIdentifier(
  source: string,
  tokens: readonly SearchToken[],
  index: number,
): ReadIdentifierResult {
  const first = tokens[index];
  if (first === undefined || !FIRST_PART_KINDS.has(first.kind)) return { ok: false };
  const parts: SearchToken[] = [first];
  let i = index + 1;
  for (;;) {
    const dot = tokens[i];
    if (dot?.kind !== 'dot' || dot.spaceBefore) break;
    const part = tokens[i + 1];
    if (part === undefined || part.spaceBefore || !LATER_PART_KINDS.has(part.kind)) return { ok: false };
    parts.push(part);
    i += 2;
  }
  const last = parts[parts.length - 1] ?? first;
  return { ok: true, identifier: { parts, text: source.slice(first.start, last.end) }, next: i };
}

/**
 * Splits an identifier into its type and key. A single part is an attribute key; otherwise
 * the first part must be one of the dialect's prefixes (backticked if the dialect allows)
 * and the rest, quotes removed when it is a single quoted part, is the key.
 * @throws SlipwayError INVALID_PARAMETER_VALUE for an unknown prefix.
 */
export function resolveSearchIdentifier(
  identifier: SearchIdentifier,
  dialect: SearchIdentifierDialect,
): { readonly type: EntityType; readonly key: string } {
  const [first, second] = identifier.parts;
  if (first === undefined) throw SlipwayError.invalidParameter('Empty identifier');
  if (second === undefined) return { type: 'attribute', key: unquotedName(first) };

  const prefix = first.kind === 'backticked' && dialect.backtickedPrefixes ? first.value : first.text;
  const type = dialect.prefixes.get(prefix);
  if (type === undefined) throw SlipwayError.invalidParameter(dialect.invalidEntityType(prefix));

  const key =
    identifier.parts.length === 2
      ? unquotedName(second)
      : identifier.text.slice(second.start - first.start);
  return { type, key };
}

function unquotedName(part: SearchToken): string {
  return part.kind === 'word' ? part.text : part.value;
}
