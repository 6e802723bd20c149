import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngineHarness, stepOf, type EngineHarness } from '../../support/engine-harness.js';
import { BACKENDS } from '../../support/test-databases.js';
import { dedent } from '../support.js';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: DAG, conditions, outputs`, () => {
    let h: EngineHarness;
    beforeEach(async () => {
      h = await createEngineHarness(backend);
    });
    afterEach(async () => {
      await h.close();
    });

    it('runs steps in dependency order and passes value outputs through $SLIPWAY_OUTPUT and expressions', async () => {
      const started = await h.run(dedent(`
        name: order
        params:
          greeting: { type: string, default: hello }
        steps:
          - id: a
            run: echo "a $(date +%s%N)" >> "$SLIPWAY_CODE_DIR/../../order.txt"; echo "word=\${{ params.greeting }}" >> "$SLIPWAY_OUTPUT"
            outputs: { word: { type: value } }
          - id: b
            needs: a
            run: |
              echo "multi<<EOF" >> "$SLIPWAY_OUTPUT"
              echo "line one" >> "$SLIPWAY_OUTPUT"
              echo "line two" >> "$SLIPWAY_OUTPUT"
              echo "EOF" >> "$SLIPWAY_OUTPUT"
              echo "got \${{ steps.a.outputs.word }}"
            outputs: { multi: { type: value } }
          - id: c
            needs: [a, b]
            run: echo "c saw \${{ steps.b.outputs.multi }}" && echo "attempt=$SLIPWAY_ATTEMPT step=$SLIPWAY_STEP_ID exec=$SLIPWAY_EXECUTION_ID run=$MLFLOW_RUN_ID exp=$MLFLOW_EXPERIMENT_ID uri=$MLFLOW_TRACKING_URI"
      `));
      expect(started.status).toBe('queued');
      const e = await h.wait(started.executionId);
      expect(e.status).toBe('succeeded');
      expect(e.steps.map((s) => [s.stepId, s.status])).toEqual([
        ['a', 'succeeded'],
        ['b', 'succeeded'],
        ['c', 'succeeded'],
      ]);
      expect(stepOf(e, 'a').outputs).toEqual({ word: 'hello' });
      expect(stepOf(e, 'b').outputs).toEqual({ multi: 'line one\nline two' });
      expect(await h.logs(e.executionId, 'b')).toBe('got hello\n');
      const c = await h.logs(e.executionId, 'c');
      expect(c).toContain('c saw line one\nline two');
      const runId = stepOf(e, 'c').runId ?? '';
      expect(c).toContain(`attempt=1 step=c exec=${e.executionId} run=${runId} exp=${e.experimentId ?? ''} uri=http://127.0.0.1:9`);
      // The step ran in a child run of the execution's run, which ended.
      const run = await h.tracking.getRun(runId);
      expect(run.data.tags).toContainEqual({ key: 'mlflow.parentRunId', value: e.runId });
      expect(run.info.status).toBe('FINISHED');
      expect((await h.tracking.getRun(e.runId ?? '')).info.status).toBe('FINISHED');
      expect(stepOf(e, 'a').attempts).toMatchObject([{ attempt: 1, status: 'succeeded', exitCode: 0 }]);
    });

    it('skips dependents of a failed step unless their condition says otherwise, and fails the execution', async () => {
      const e = await h.wait(
        (
          await h.run(dedent(`
            name: failing
            steps:
              - id: bad
                run: echo oops; exit 3
              - id: after
                needs: bad
                run: echo never
              - id: cleanup
                needs: bad
                if: always()
                run: echo cleaning
              - id: on-failure
                needs: bad
                if: \${{ failure() }}
                run: echo handling
              - id: conditional
                if: false
                run: echo no
          `))
        ).executionId,
      );
      expect(e.status).toBe('failed');
      expect(e.reason).toBe("step 'bad' failed: the command exited with code 3");
      expect(stepOf(e, 'bad')).toMatchObject({ status: 'failed', failureClass: 'user', attempts: [{ exitCode: 3, failureClass: 'user' }] });
      expect(stepOf(e, 'after')).toMatchObject({ status: 'skipped', reason: "needs 'bad', which failed" });
      expect(stepOf(e, 'cleanup').status).toBe('succeeded');
      expect(stepOf(e, 'on-failure').status).toBe('succeeded');
      expect(stepOf(e, 'conditional')).toMatchObject({ status: 'skipped', reason: 'its condition is false: false' });
      expect(await h.logs(e.executionId, 'bad')).toContain('oops\n');
    });

    it('passes file and directory outputs to downstream steps as local paths, uploaded to the artifact store', async () => {
      const code = h.codeDir({ 'make.sh': 'mkdir -p out/model && echo weights > out/model/w.txt && echo "a,b" > data.csv\n' });
      const e = await h.wait(
        (
          await h.run(
            dedent(`
              name: files
              steps:
                - id: make
                  run: sh make.sh
                  outputs:
                    data: data.csv
                    model: out/model/
                - id: use
                  needs: make
                  run: cat "\${{ steps.make.artifacts.data }}" && cat "$SLIPWAY_INPUT_MAKE_MODEL/w.txt" && ls \${{ steps.make.artifacts.model }}
            `),
            {},
            { codeDir: code },
          )
        ).executionId,
      );
      expect(e.status).toBe('succeeded');
      const make = stepOf(e, 'make');
      expect(make.artifacts.data).toMatch(/^mlflow-artifacts:\/.*\/artifacts\/data\/data\.csv$/);
      expect(make.artifacts.model).toMatch(/^mlflow-artifacts:\/.*\/artifacts\/model$/);
      expect(await h.logs(e.executionId, 'use')).toBe('a,b\nweights\nw.txt\n');
    });

    it('reports a malformed $SLIPWAY_OUTPUT line and missing declared outputs as user failures naming them', async () => {
      const e = await h.wait(
        (
          await h.run(dedent(`
            name: malformed
            steps:
              - id: bad-output
                run: printf 'ok=1\\nthis is not an output\\n' >> "$SLIPWAY_OUTPUT"
              - id: missing
                run: echo nothing
                outputs:
                  report: out/report.json
                  score: { type: value }
          `))
        ).executionId,
      );
      expect(e.status).toBe('failed');
      expect(stepOf(e, 'bad-output')).toMatchObject({
        status: 'failed',
        failureClass: 'user',
        reason: "$SLIPWAY_OUTPUT line 2: expected 'name=value' or 'name<<DELIMITER': 'this is not an output'",
      });
      expect(stepOf(e, 'missing').reason).toBe(
        "declared outputs missing after the step: 'report' (file out/report.json); declared value outputs not written to $SLIPWAY_OUTPUT: 'score'",
      );
    });

    it('fails a step whose expression reads a skipped step, naming the reference and the field', async () => {
      const e = await h.wait(
        (
          await h.run(dedent(`
            name: skipped-ref
            steps:
              - id: maybe
                if: false
                run: echo "v=1" >> "$SLIPWAY_OUTPUT"
                outputs: { v: { type: value } }
              - id: reader
                needs: maybe
                if: always()
                run: echo \${{ steps.maybe.outputs.v }}
          `))
        ).executionId,
      );
      expect(stepOf(e, 'reader')).toMatchObject({
        status: 'failed',
        failureClass: 'user',
        reason: "steps[1].run: step 'maybe' was skipped, so 'steps.maybe.outputs.v' has no value",
        attempts: [],
      });
      expect(e.status).toBe('failed');
    });

    it('keeps logs per attempt and masks secrets', async () => {
      await h.close();
      h = await createEngineHarness(backend, { secrets: { API_TOKEN: 's3cr3t-value' } });
      const e = await h.wait((await h.run(dedent(`
        name: secrets
        steps:
          - id: leak
            run: echo "token is $API_TOKEN"
      `))).executionId);
      expect(e.status).toBe('succeeded');
      expect(await h.logs(e.executionId, 'leak')).toBe('token is ***\n');
      const files = readFileSync(`${h.dataDir}/executions/${e.executionId}/logs/leak.1.log`, 'utf8');
      expect(files).not.toContain('s3cr3t');
      expect(existsSync(`${h.dataDir}/executions/${e.executionId}/leak/1/.slipway/output`)).toBe(true);
    });
  });
}
