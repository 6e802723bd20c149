/**
 * Maps an issue's document path (and, inside a string, its offset) to the line and column
 * of the YAML source, through the parsed document's nodes and the `yaml` package's
 * `LineCounter`.
 * @module
 */

import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { DocumentPath, PipelineIssue } from '../core/pipelines/pipeline-issues.js';

interface Found {
  /** The node at the deepest segment reached. */
  readonly node: Node | undefined;
  /** The map entry that holds it, when it is a map value. */
  readonly pair: Pair | undefined;
  /** Whether every segment was found. */
  readonly complete: boolean;
}

function resolve(node: unknown, document: Document): unknown {
  return isAlias(node) ? node.resolve(document) : node;
}

/** Walks `segments` down from the document's root. */
export function findNode(document: Document, segments: DocumentPath): Found {
  let node = resolve(document.contents, document) as Node | undefined;
  let pair: Pair | undefined;
  for (const segment of segments) {
    if (isMap(node)) {
      const entry = node.items.find((item) => {
        const key: unknown = item.key;
        return (isScalar(key) ? String(key.value) : String(key)) === String(segment);
      });
      if (entry === undefined) return { node, pair, complete: false };
      pair = entry;
      node = resolve(entry.value, document) as Node | undefined;
      if (node === null || node === undefined) return { node: undefined, pair, complete: true };
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = resolve(node.items[segment], document) as Node | undefined;
      if (item === undefined || item === null) return { node, pair, complete: false };
      pair = undefined;
      node = isPair(item) ? (item.value as Node | undefined) : item;
    } else {
      return { node, pair, complete: false };
    }
  }
  return { node, pair, complete: true };
}

/** The source offset of the character at `offset` in a scalar's value, when it can be told. */
export function scalarSourceOffset(node: Node, source: string, offset: number): number | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || node.range === undefined || node.range === null) return undefined;
  const [start, end] = node.range;
  const raw = source.slice(start, end);
  const value = node.value;
  if (offset < 0 || offset > value.length) return undefined;
  switch (node.type) {
    case 'PLAIN':
      if (!raw.includes('\n')) return start + offset;
      break;
    case 'QUOTE_SINGLE':
    case 'QUOTE_DOUBLE': {
      const found = walkQuoted(raw, node.type === 'QUOTE_DOUBLE', offset);
      if (found !== undefined) return start + found;
      break;
    }
    case 'BLOCK_LITERAL': {
      const found = walkLiteralBlock(raw, value, offset);
      if (found !== undefined) return start + found;
      break;
    }
    default:
      break;
  }
  return searchNeedle(raw, value, offset, start);
}

/** One-line quoted scalars: step over escapes until `offset` value characters are read. */
function walkQuoted(raw: string, double: boolean, offset: number): number | undefined {
  let v = 0;
  let i = 1;
  while (i < raw.length - 1) {
    if (v === offset) return i;
    const c = raw[i];
    if (c === '\n' || c === '\r') return undefined;
    let width = 1;
    let produced = 1;
    if (!double && c === "'" && raw[i + 1] === "'") width = 2;
    else if (double && c === '\\') {
      const e = raw[i + 1] ?? '';
      if (e === 'x') width = 4;
      else if (e === 'u') width = 6;
      else if (e === 'U') {
        width = 10;
        produced = parseInt(raw.slice(i + 2, i + 10), 16) > 0xffff ? 2 : 1;
      } else if (e === '\n' || e === '\r') return undefined;
      else width = 2;
    }
    i += width;
    v += produced;
  }
  return v === offset ? i : undefined;
}

/** `|` scalars: value line k is source line k after the header, shifted by the indentation. */
function walkLiteralBlock(raw: string, value: string, offset: number): number | undefined {
  const header = raw.indexOf('\n');
  if (header < 0) return undefined;
  const lines = raw.slice(header + 1).split('\n');
  const indent = Math.min(
    ...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
  );
  if (!Number.isFinite(indent)) return undefined;
  const before = value.slice(0, offset).split('\n');
  const lineIndex = before.length - 1;
  const column = before[lineIndex]?.length ?? 0;
  const valueLine = value.split('\n')[lineIndex] ?? '';
  const sourceLine = lines[lineIndex];
  if (sourceLine?.slice(indent, indent + valueLine.length) !== valueLine) return undefined;
  let position = header + 1;
  for (let k = 0; k < lineIndex; k++) position += (lines[k]?.length ?? 0) + 1;
  return position + indent + column;
}

/**
 * Any other layout (folded, multi-line): find the text at `offset` in the source. Folding
 * only changes line breaks, so a short needle (up to the next blank) is found as written;
 * when it occurs several times, the occurrence with the same rank as in the value is taken.
 */
function searchNeedle(raw: string, value: string, offset: number, start: number): number | undefined {
  const rest = value.slice(offset);
  const candidates = [(rest.split('\n')[0] ?? '').slice(0, 40), rest.split(/\s/)[0] ?? ''];
  for (const needle of candidates) {
    if (needle.trim() === '') continue;
    const rank = occurrences(value.slice(0, offset + needle.length - 1), needle).length;
    const at = occurrences(raw, needle)[rank];
    if (at !== undefined) return start + at;
  }
  return undefined;
}

function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/** Adds the file, line and column of `issue` in the YAML `source`. */
export function locateIssue(
  issue: PipelineIssue,
  document: Document,
  source: string,
  lineCounter: LineCounter,
  file: string,
): PipelineIssue {
  const found = findNode(document, issue.segments);
  let position: number | undefined;
  if (found.complete && issue.target === 'key' && found.pair !== undefined) {
    position = rangeStart(found.pair.key);
  } else if (found.complete && (isMap(found.node) || isSeq(found.node)) && found.pair !== undefined) {
    // A problem with a whole map or list (`matrix:`, `with:`) points at its key.
    position = rangeStart(found.pair.key);
  } else if (found.complete && found.node !== undefined && !isEmptyScalar(found.node)) {
    if (issue.offset !== undefined) position = scalarSourceOffset(found.node, source, issue.offset);
    position ??= rangeStart(found.node);
  } else if (found.complete && found.pair !== undefined) {
    position = rangeStart(found.pair.key);
  } else {
    position = rangeStart(found.node) ?? rangeStart(found.pair?.key);
  }
  if (position === undefined) return { ...issue, file };
  const { line, col } = lineCounter.linePos(position);
  return { ...issue, file, line, column: col };
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && (node.source === '' || node.source === undefined);
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: readonly number[] | null } | undefined)?.range;
  return range === undefined || range === null ? undefined : range[0];
}
