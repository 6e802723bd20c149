/**
 * Plain-text tables for the CLI. Hand-written: it is ~40 lines, and the table packages on
 * npm bring box-drawing, colours and width detection the CLI does not want.
 *
 * Columns are separated by two spaces, headers are upper case as given, cells are made
 * single-line (control characters become spaces) and cut to the column's `maxWidth` with
 * `…`. Widths count code points, which is right for the ASCII/Latin text the registry
 * mostly holds (wide CJK characters would misalign; acceptable for a CLI table).
 * @module
 */

export interface Column {
  readonly header: string;
  /** Longer cells are cut with `…`. */
  readonly maxWidth?: number;
  readonly align?: 'left' | 'right';
}

export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => columns.map((c, i) => fitCell(row[i] ?? '', c.maxWidth)));
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((row) => width(row[i] ?? ''))));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - width(cell));
        return columns[i]?.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** One line of text: control characters and runs of whitespace become one space. */
export function singleLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
}

/** `text` cut to `max` code points, ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

function fitCell(text: string, maxWidth: number | undefined): string {
  const one = singleLine(text);
  return maxWidth === undefined ? one : truncate(one, maxWidth);
}

function width(text: string): number {
  return [...text].length;
}
