import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './bench-paths.js';
import { log } from './log.js';

/** Prints the report and writes it to `bench/results/<kind>-<timestamp>.md`. */
export function writeResults(kind: string, startedAt: Date, markdown: string): void {
  process.stdout.write(markdown);
  const dir = path.join(REPO, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${kind}-${startedAt.toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, markdown);
  log(`written to ${path.relative(REPO, file)}`);
}
