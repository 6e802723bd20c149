/**
 * The benchmarks' command lines: `--flag value` or `--flag=value`, `--help`/`-h`, and a
 * usage text printed on request (exit 0) or after an error on stderr (exit 2).
 */

export type Usage = (error?: string) => never;

/** `usage()` prints `text` and exits 0; `usage(error)` prints `<script>: <error>` and `text` on stderr and exits 2. */
export function makeUsage(script: string, text: string): Usage {
  return (error?: string): never => {
    if (error !== undefined) {
      process.stderr.write(`${script}: ${error}\n${text}`);
      process.exit(2);
    }
    process.stdout.write(text);
    process.exit(0);
  };
}

/**
 * Walks `argv`, handing each flag to `onFlag` with a `value()` that takes the flag's value
 * (inline after `=`, or the next argument). `onFlag` returns false for a flag it does not
 * know, which (like a missing value) ends in `usage(error)`; `--help` and `-h` in `usage()`.
 */
export function parseBenchArgs(argv: readonly string[], usage: Usage, onFlag: (flag: string, value: () => string) => boolean): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') usage();
    else if (!onFlag(flag, value)) usage(`unknown argument '${arg}'`);
  }
}

/** A comma-separated list of at least one of `allowed`. */
export function listOf<T extends string>(
  text: string,
  allowed: readonly T[],
  flag: string,
  usage: Usage,
  messages: { notAllowed: (item: string) => string; empty: string } = {
    notAllowed: (item) => `${flag}: '${item}' is not one of ${allowed.join(', ')}`,
    empty: `${flag} must name at least one of ${allowed.join(', ')}`,
  },
): T[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) if (!allowed.includes(item as T)) usage(messages.notAllowed(item));
  if (items.length === 0) usage(messages.empty);
  return items as T[];
}

export function positiveInt(text: string, flag: string, min: number, max: number, usage: Usage): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) usage(`${flag} must be an integer from ${min} to ${max}; got '${text}'`);
  return n;
}

/** Node flags given as one argument: `"--cpu-prof --max-old-space-size=512"`. */
export function nodeArgs(text: string): string[] {
  return text.split(/\s+/).filter((s) => s !== '');
}
