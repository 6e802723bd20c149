import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngineHarness, stepOf, type EngineHarness } from '../support/engine-harness.js';
import { BACKENDS } from '../support/test-databases.js';
import { dedent } from '../pipelines/support.js';

const HOUSING = fileURLToPath(new URL('../fixtures/models/housing-rf', import.meta.url));

interface Expected {
  predictions: number[];
  rows: { columns: string[]; data: number[][] };
}

const expected = JSON.parse(readFileSync(join(HOUSING, 'expected.json'), 'utf8')) as Expected;
const CSV = `${expected.rows.columns.join(',')}\n${expected.rows.data.map((row) => row.join(',')).join('\n')}\n`;

const pipeline = (input: string, extra = ''): string =>
  dedent(`
    name: scoring
    steps:
      - id: train
        run: cp houses.csv fresh.csv
        outputs: { model: model/, data: fresh.csv }
      - id: register
        needs: train
        uses: slipway/register-model
        with:
          name: housing
          model-dir: \${{ steps.train.artifacts.model }}
      - id: score
        needs: register
        uses: slipway/batch-transform
        with:
          model: housing
          version: \${{ steps.register.outputs.version }}
          input: ${input}
          workers: 2
          chunk-rows: 3${extra}
  `);

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`slipway/batch-transform on ${backend.name}`, () => {
    let h: EngineHarness;
    let code: string;
    beforeEach(async () => {
      h = await createEngineHarness(backend);
      code = h.codeDir({ 'houses.csv': CSV, 'bad.csv': CSV.replace(/\n(-?[\d.]+),/, '\nwest,') });
      cpSync(HOUSING, join(code, 'model'), { recursive: true });
    });
    afterEach(async () => {
      await h.close();
    });

    const artifactFile = (uri: string): string => join(h.root, 'artifacts', uri.replace(/^mlflow-artifacts:\/+/, ''));

    it("scores an upstream artifact with a registered version and logs the predictions in the step's run", async () => {
      const started = await h.run(pipeline('${{ steps.train.artifacts.data }}'), {}, { codeDir: code });
      const done = await h.wait(started.executionId, undefined, 60_000);
      expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
      const score = stepOf(done, 'score');
      expect(score.outputs).toMatchObject({ rows: '8', 'bad-rows': '0' });
      expect(score.outputs['output-uri']).toMatch(/^mlflow-artifacts:\/.+\/predictions\.csv$/);
      expect(score.runId).toBe(score.outputs['run-id']);
      const lines = readFileSync(artifactFile(score.outputs['output-uri']!), 'utf8').trimEnd().split('\n');
      expect(lines[0]).toBe(`${expected.rows.columns.join(',')},prediction`);
      lines.slice(1).forEach((line, i) => expect(Math.abs(Number(line.split(',').at(-1)) - expected.predictions[i]!)).toBeLessThan(1e-4 * Math.max(1, expected.predictions[i]!)));
      // The step's run has the metrics and the model URI.
      const run = await h.tracking.getRun(score.runId!);
      expect(run.data.metrics.find((m) => m.key === 'rows')?.value).toBe(8);
      expect(run.data.params.find((p) => p.key === 'model_uri')?.value).toMatch(/^models:\/housing\/1$/);
    });

    it('reads a file of the code directory, and fails the step (user) naming the bad line and column', async () => {
      const started = await h.run(pipeline('bad.csv'), {}, { codeDir: code });
      const done = await h.wait(started.executionId, undefined, 60_000);
      expect(done.status).toBe('failed');
      const score = stepOf(done, 'score');
      expect(score.failureClass).toBe('user');
      expect(score.reason).toMatch(/bad\.csv: line 2: column 'longitude' has string "west" but the model expects double values/);

      const skipping = await h.run(pipeline('bad.csv', '\n          skip-bad-rows: true\n          predictions-only: true').replace('name: scoring', 'name: scoring-skip'), {}, { codeDir: code });
      const ok = await h.wait(skipping.executionId, undefined, 60_000);
      expect(ok.status, JSON.stringify(ok.steps)).toBe('succeeded');
      const skipped = stepOf(ok, 'score');
      expect(skipped.outputs).toMatchObject({ rows: '7', 'bad-rows': '1' });
      expect(readFileSync(artifactFile(skipped.outputs['output-uri']!), 'utf8').split('\n')[0]).toBe('prediction');
      const errors = readFileSync(artifactFile(skipped.outputs['output-uri']!.replace(/predictions\.csv$/, 'errors.jsonl')), 'utf8');
      expect(JSON.parse(errors.trim())).toMatchObject({ line: 2 });
    });

    it('refuses bad inputs when the pipeline is validated', async () => {
      const yaml = dedent(`
        name: scoring-bad
        steps:
          - id: score
            uses: slipway/batch-transform
            with:
              model-uri: models:/housing
              model: housing
              input: houses.csv
              output: out/predictions.csv
              workers: 0
      `);
      const refused = h.run(yaml, {}, { codeDir: code });
      await expect(refused).rejects.toThrow(/'model-uri', or 'model' and 'version', not both/);
      await expect(refused).rejects.toThrow(/'output' is a file name/);
      await expect(refused).rejects.toThrow(/'workers' must be at least 1/);
    });
  });
}
