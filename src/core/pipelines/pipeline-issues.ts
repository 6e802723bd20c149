/**
 * Problems found in a pipeline definition, and the error that carries them.
 *
 * The core knows nothing about files: an issue names the place by its path in the
 * definition document (`steps[2].needs[0]`) and, for a problem inside a string such as an
 * expression, the character offset in that string. A loader that knows the source (the
 * YAML loader) then adds the file, line and column.
 * @module
 */

import { ErrorCode } from '../errors/error-code.js';
import { SlipwayError } from '../errors/slipway-error.js';

/** A path in the definition document: keys and list indexes from the root. */
export type DocumentPath = readonly (string | number)[];

export interface PipelineIssue {
  readonly message: string;
  /** `steps[2].needs[0]`; empty string for the document itself. */
  readonly path: string;
  /** The same path as segments, to find the node in a parsed document. */
  readonly segments: DocumentPath;
  /** Whether the issue is about a mapping key (an unknown key) rather than its value. */
  readonly target?: 'key' | 'value';
  /** For an issue inside a string value: the offset of the offending part in the string. */
  readonly offset?: number;
  readonly file?: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
}

/** Formats segments as `steps[2].needs[0]` (keys that are not plain names are quoted). */
export function formatDocumentPath(segments: DocumentPath): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Where an issue is, as a compiler would print it: `file:line:col`, or the path. */
export function formatIssueLocation(issue: PipelineIssue): string {
  if (issue.file !== undefined) {
    if (issue.line !== undefined) {
      return `${issue.file}:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`}`;
    }
    return issue.path === '' ? issue.file : `${issue.file}: ${issue.path}`;
  }
  return issue.path === '' ? '<pipeline>' : issue.path;
}

/** `pipeline.yaml:14:9: step 'train' needs unknown step 'prep'`. */
export function formatIssue(issue: PipelineIssue): string {
  return `${formatIssueLocation(issue)}: ${issue.message}`;
}

/**
 * A pipeline definition (or a parameter override) that cannot be used. The message lists
 * every issue, one per line, like a compiler. An `INVALID_PARAMETER_VALUE` error, so the
 * API answers 400.
 */
export class PipelineDefinitionError extends SlipwayError {
  readonly issues: readonly PipelineIssue[];

  constructor(issues: readonly PipelineIssue[]) {
    super(ErrorCode.INVALID_PARAMETER_VALUE, issues.map(formatIssue).join('\n'));
    this.issues = issues;
  }

  /** The same issues with file, line and column filled in by `locate`. */
  withLocations(locate: (issue: PipelineIssue) => PipelineIssue): PipelineDefinitionError {
    return new PipelineDefinitionError(sortIssues(this.issues.map(locate)));
  }
}

/**
 * True for a {@link PipelineDefinitionError}, even one thrown by another copy of this
 * package (a pipeline file loaded through another module graph).
 */
export function isPipelineDefinitionError(e: unknown): e is PipelineDefinitionError {
  return (
    e instanceof Error &&
    e.name === 'SlipwayError' &&
    Array.isArray((e as { issues?: unknown }).issues)
  );
}

/** Issues with positions first, in source order; the others after, in the order found. */
export function sortIssues(issues: readonly PipelineIssue[]): PipelineIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => {
      const la = a.issue.line ?? Number.MAX_SAFE_INTEGER;
      const lb = b.issue.line ?? Number.MAX_SAFE_INTEGER;
      if (la !== lb) return la - lb;
      const ca = a.issue.column ?? 0;
      const cb = b.issue.column ?? 0;
      if (ca !== cb) return ca - cb;
      return a.index - b.index;
    })
    .map(({ issue }) => issue);
}

/** Collects issues while a definition is read. */
export class IssueList {
  readonly issues: PipelineIssue[] = [];

  add(
    segments: DocumentPath,
    message: string,
    options?: { readonly target?: 'key' | 'value'; readonly offset?: number },
  ): void {
    this.issues.push({
      message,
      path: formatDocumentPath(segments),
      segments: [...segments],
      ...(options?.target === undefined ? {} : { target: options.target }),
      ...(options?.offset === undefined ? {} : { offset: options.offset }),
    });
  }

  get empty(): boolean {
    return this.issues.length === 0;
  }

  /** Throws a {@link PipelineDefinitionError} when anything was collected. */
  throwIfAny(): void {
    if (this.issues.length > 0) throw new PipelineDefinitionError(this.issues);
  }
}

/**
 * The closest of `candidates` to `name`: a case-only difference, else the nearest within
 * an edit distance of 2 (less for short names), else the shortest that starts with `name`
 * (for names of 3 characters or more).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  let prefixed: string | undefined;
  const limit = Math.min(2, Math.floor(name.length / 2));
  for (const candidate of candidates) {
    if (candidate.toLowerCase() === name.toLowerCase()) return candidate;
    const d = editDistance(name, candidate);
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
    if (name.length >= 3 && candidate.startsWith(name) && (prefixed === undefined || candidate.length < prefixed.length)) {
      prefixed = candidate;
    }
  }
  return best ?? prefixed;
}

/** ` (did you mean 'x'?)` or nothing. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const best = closestName(name, candidates);
  return best === undefined ? '' : ` (did you mean '${best}'?)`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(
        current + 1,
        (row[j - 1] ?? 0) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** `'a', 'b' and 'c'` (or `… or 'c'`). */
export function quoteList(names: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  const quoted = names.map((n) => `'${n}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1] ?? ''}`;
}
