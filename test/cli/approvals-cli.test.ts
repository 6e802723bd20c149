import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isExecutionFinished, SlipwayClient, type ApprovalRequest } from '../../src/sdk/index.js';
import { cliEnv, json, ok, runCli } from '../support/cli-runner.js';
import { executionWhen } from '../support/pipeline-scratch.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { BACKENDS } from '../support/test-databases.js';
import { eventually } from '../support/eventually.js';

const DEPLOY = `name: deploy
params:
  version: { type: string }
steps:
  - id: approve
    uses: slipway/approval
    with:
      model: housing
      version: \${{ params.version }}
      message: Ship housing v\${{ params.version }}?
      approvers: [alice, bob]
  - id: promote
    needs: approve
    uses: slipway/promote
    with: { name: housing, version: '\${{ params.version }}', alias: production }
`;

/**
 * The built CLI's `slipway approvals …` against the built server, on each backend; the
 * server is killed with SIGKILL while the step waits, and a new one on the same database
 * and data directory carries on with the same request.
 */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: slipway approvals (real server, kill -9 while waiting)`, () => {
    const cleanup: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const f of cleanup.reverse()) await f();
      cleanup.length = 0;
    });

    it('lists the pending request, survives a kill -9 of the server, enforces approvers, approves once, and the execution completes', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'slipway-approvals-cli-'));
      const database = await backend.create();
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => database.dispose());
      const args = ['--data-dir', dir, '--backend-store-uri', database.uri, '--artifacts-destination', join(dir, 'artifacts')];
      let server: ServerProcess = await startServerProcess(args);
      cleanup.push(() => {
        server.child.kill('SIGKILL');
      });
      let sdk = new SlipwayClient({ trackingUri: server.url, actor: 'trainer', env: {} });
      await sdk.registry.createRegisteredModel('housing');
      await sdk.registry.createModelVersion('housing', 'mlflow-artifacts:/housing/model');
      await sdk.pipelines.upsert({ source: DEPLOY, sourceFormat: 'yaml', fileName: 'deploy.yaml' });
      const { execution_id: executionId } = await sdk.pipelines.startExecution('deploy', { params: { version: '1' } });
      const cli = (argv: readonly string[], actor = 'ci-bot') => runCli(['approvals', ...argv], cliEnv(server.url, { SLIPWAY_ACTOR: actor }));

      const pending = await eventually(async () => (await sdk.approvals.list({ status: 'pending' })).items[0], 20_000, 'the approval request');
      const id = pending.approval_id;
      const table = ok(await cli(['list']));
      expect(table).toMatch(/^APPROVAL ID\s+STATUS\s+PIPELINE\s+STEP\s+MODEL\s+MESSAGE\s+OPENED\s+DEADLINE$/m);
      expect(table).toMatch(new RegExp(`^${id}\\s+pending\\s+deploy\\s+approve\\s+housing v1\\s+Ship housing v1\\?`, 'm'));

      // kill -9 while the step waits; the new server re-attaches to the same request.
      server.child.kill('SIGKILL');
      await server.exited;
      server = await startServerProcess(args);
      sdk = new SlipwayClient({ trackingUri: server.url, actor: 'trainer', env: {} });
      await executionWhen(sdk, executionId, (e) => e.steps[0]?.status === 'running' && e.steps[0].attempts.length === 2, 'the step to wait again');
      const listed = json<{ approvals: ApprovalRequest[] }>(await cli(['list', '--json']));
      expect(listed.approvals).toEqual([expect.objectContaining({ approval_id: id, status: 'pending', approvers: ['alice', 'bob'] })]);

      const refused = await cli(['approve', id, '-m', 'sure'], 'mallory');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^slipway: PERMISSION_DENIED: 'mallory' may not decide/);

      const approved = ok(await cli(['approve', id, '-m', 'holdout RMSE is better'], 'alice'));
      expect(approved).toContain(`Approved ${id}.`);
      expect(approved).toMatch(/^Status:\s+approved by alice$/m);
      const done = await executionWhen(sdk, executionId, isExecutionFinished, 'the execution to end');
      expect(done.status).toBe('succeeded');
      expect(done.steps.map((s) => [s.step_id, s.status])).toEqual([
        ['approve', 'succeeded'],
        ['promote', 'succeeded'],
      ]);
      const version = await sdk.registry.getModelVersion('housing', 1);
      expect(version.approval).toMatchObject({ status: 'Approved', actor: 'alice', comment: 'holdout RMSE is better' });

      const twice = await cli(['reject', id], 'bob');
      expect(twice.code).toBe(1);
      expect(twice.stderr).toMatch(/^slipway: RESOURCE_CONFLICT: Approval request '\w+' is already approved \(by 'alice'\)/);
      const shown = ok(await cli(['show', id]));
      expect(shown).toMatch(/^Comment:\s+holdout RMSE is better$/m);
      expect(shown).toMatch(/^Approvers:\s+alice, bob$/m);
      expect(json<{ approval: ApprovalRequest }>(await cli(['show', id, '--json'])).approval).toMatchObject({ status: 'approved', actor: 'alice' });
      expect(ok(await cli(['list']))).toBe('No approval requests.\n');
      expect(ok(await cli(['list', '--status', 'approved']))).toContain(id);
      expect((await cli(['list', '--status', 'maybe'])).code).toBe(2);
    });
  });
}
