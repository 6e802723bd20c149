import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_ENV, failed, HAS_SCRIPT, ok, runCli, spawnCliOnTerminal } from '../support/cli-runner.js';

const HOUSING = fileURLToPath(new URL('../fixtures/models/housing-rf', import.meta.url));

interface Expected {
  predictions: number[];
  rows: { columns: string[]; data: number[][] };
}

describe('slipway predict (the built CLI, as a child process)', () => {
  let dir: string;
  let expected: Expected;
  let input: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'slipway-predict-cli-'));
    expected = JSON.parse(readFileSync(path.join(HOUSING, 'expected.json'), 'utf8')) as Expected;
    input = path.join(dir, 'houses.csv');
    writeFileSync(input, `${expected.rows.columns.join(',')}\n${expected.rows.data.map((row) => row.join(',')).join('\n')}\n`);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores a CSV file and prints a summary; --json prints it as JSON', async () => {
    const output = path.join(dir, 'scored.csv');
    const stdout = ok(await runCli(['predict', '-m', HOUSING, '-i', input, '-o', output, '--workers', '2'], CLEAN_ENV));
    expect(stdout).toMatch(new RegExp(`^Scored 8 rows in [\\d.]+ s \\([\\d,]+ rows/s, 2 workers; model loaded in [\\d.]+ s\\) → ${output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
    const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(`${expected.rows.columns.join(',')},prediction`);
    // The sklearn model's own predictions, through ONNX's float32 (the fixture's tolerance).
    lines.slice(1).forEach((line, i) => expect(Math.abs(Number(line.split(',').at(-1)) - expected.predictions[i]!)).toBeLessThan(1e-4 * Math.max(1, expected.predictions[i]!)));

    const jsonOut = path.join(dir, 'scored.jsonl');
    const jsonlInput = path.join(dir, 'houses.jsonl');
    writeFileSync(jsonlInput, expected.rows.data.map((row) => JSON.stringify(Object.fromEntries(expected.rows.columns.map((c, k) => [c, row[k]])))).join('\n'));
    const summary = JSON.parse(ok(await runCli(['predict', '-m', HOUSING, '-i', jsonlInput, '-o', jsonOut, '--json', '--predictions-only'], CLEAN_ENV))) as { rows: number; format: string };
    expect(summary).toMatchObject({ rows: 8, format: 'jsonl' });
    expect(readFileSync(jsonOut, 'utf8').trimEnd().split('\n').map((l) => Object.keys(JSON.parse(l) as object))).toEqual(Array(8).fill(['prediction']));
  });

  it('fails with exit 1 and one line naming the bad line and column', async () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, `${expected.rows.columns.join(',')}\n${expected.rows.data[0]!.join(',')}\n${expected.rows.data[1]!.map((v, i) => (i === 7 ? 'rich' : v)).join(',')}\n`);
    const line = failed(await runCli(['predict', '-m', HOUSING, '-i', bad, '-o', path.join(dir, 'bad.out.csv')], CLEAN_ENV), 1);
    expect(line).toContain("line 3: column 'median_income' has string \"rich\" but the model expects double values");
    // Usage errors exit 2.
    const usage = await runCli(['predict', '-m', HOUSING, '-i', path.join(dir, 'rows.txt'), '-o', path.join(dir, 'o')], CLEAN_ENV);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('give --format csv or --format jsonl');
    expect((await runCli(['predict', '-m', HOUSING, '-i', input, '-o', 'x', '--workers', '0'], CLEAN_ENV)).code).toBe(2);
  });

  it.runIf(HAS_SCRIPT)('shows a progress bar on a terminal', async () => {
    const output = path.join(dir, 'tty.csv');
    const cli = spawnCliOnTerminal(['predict', '-m', HOUSING, '-i', input, '-o', output], CLEAN_ENV);
    const result = await cli.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/scoring \[.*\] 100% \| 8 rows/);
    expect(result.stdout).toContain('Scored 8 rows');
  });
});
