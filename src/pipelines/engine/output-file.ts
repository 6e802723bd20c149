/**
 * `$SLIPWAY_OUTPUT`: the file a step writes its value outputs to, in GitHub's
 * `$GITHUB_OUTPUT` format: `name=value` lines, and `name<<DELIMITER` … `DELIMITER` for
 * values spanning lines. Blank lines are ignored.
 * @module
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export class OutputFileError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'OutputFileError';
  }
}

/** Parses the file's text; a malformed line → {@link OutputFileError} naming the line. */
export function parseOutputFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const lineNo = i + 1;
    if (line.trim() === '') continue;
    const heredoc = /^([^=<]*)<<(.*)$/.exec(line);
    const eq = line.indexOf('=');
    if (heredoc !== null && (eq < 0 || eq > line.indexOf('<<'))) {
      const name = (heredoc[1] ?? '').trim();
      const delimiter = (heredoc[2] ?? '').trim();
      if (!NAME.test(name)) throw bad(lineNo, line, `'${name}' is not a valid output name`);
      if (delimiter === '') throw bad(lineNo, line, "the delimiter after '<<' is empty");
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        if ((lines[j] ?? '').replace(/\r$/, '') === delimiter) break;
        body.push((lines[j] ?? '').replace(/\r$/, ''));
      }
      if (j >= lines.length) throw bad(lineNo, line, `the delimiter '${delimiter}' never closes the value`);
      values[name] = body.join('\n');
      i = j;
      continue;
    }
    if (eq < 0) throw bad(lineNo, line, "expected 'name=value' or 'name<<DELIMITER'");
    const name = line.slice(0, eq).trim();
    if (!NAME.test(name)) throw bad(lineNo, line, `'${name}' is not a valid output name`);
    values[name] = line.slice(eq + 1);
  }
  return values;
}

function bad(lineNo: number, line: string, why: string): OutputFileError {
  const shown = line.length > 80 ? `${line.slice(0, 77)}...` : line;
  return new OutputFileError(`$SLIPWAY_OUTPUT line ${lineNo}: ${why}: '${shown}'`, lineNo);
}
