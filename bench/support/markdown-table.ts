/** A markdown table: a header row, the alignment row (`right` columns `---:`), then the rows. */
export function markdownTable(header: readonly string[], align: readonly ('left' | 'right')[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), `|${align.map((a) => (a === 'right' ? '---:' : '---')).join('|')}|`, ...rows.map(line)];
}

/** The head of a results file: title, when it ran and how long it took, the command line. */
export function markdownHead(title: string, script: string, startedAt: Date, seconds: number): string[] {
  return [
    `# ${title}`,
    '',
    `Run ${startedAt.toISOString()}, took ${(seconds / 60).toFixed(1)} min.`,
    '',
    '```',
    `npx tsx ${script} ${process.argv.slice(2).join(' ')}`.trim(),
    '```',
    '',
  ];
}
