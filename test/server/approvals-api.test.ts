import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebhookService } from '../../src/core/webhooks/webhook-service.js';
import { buildApp } from '../../src/server/build-app.js';
import { SqlWebhookStore } from '../../src/store-sql/sql-webhook-store.js';
import { HttpWebhookSender } from '../../src/webhooks/http-webhook-sender.js';
import type { ApprovalRequest } from '../../src/sdk/index.js';
import { createApprovalHarness, type ApprovalHarness } from '../support/approval-harness.js';
import { stepOf } from '../support/engine-harness.js';
import { BACKENDS } from '../support/test-databases.js';

const DEPLOY_EXAMPLE = new URL('../../examples/california-housing/deploy.yaml', import.meta.url);
const API = '/api/slipway/v1';

/** The answers these tests read. */
interface Answer {
  approvals?: ApprovalRequest[];
  approval?: ApprovalRequest;
  execution?: { execution_id: string };
  error_code?: string;
  message?: string;
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: approvals API`, () => {
    let h: ApprovalHarness;
    let app: FastifyInstance;
    beforeEach(async () => {
      h = await createApprovalHarness(backend);
      const webhooks = new WebhookService({ store: await SqlWebhookStore.open(h.database.database), sender: new HttpWebhookSender() });
      app = await buildApp(
        { tracking: h.tracking, registry: h.registry, webhooks, artifacts: h.artifacts, pipelines: h.engine, approvals: h.approvals },
        { bodyLimit: 1024 * 1024, logLevel: 'silent' },
      );
      await app.ready();
      await h.registry.createRegisteredModel({ name: 'california-housing' }, 'trainer');
      await h.registry.createModelVersion({ name: 'california-housing', source: 'mlflow-artifacts:/housing/model' }, 'trainer');
      await h.registry.setApprovalPolicy('california-housing', { protectedAliases: ['production'], protectedStages: [] }, 'admin');
    });
    afterEach(async () => {
      await app.close();
      await h.close();
    });

    const call = async (method: 'GET' | 'POST', path: string, body?: unknown, actor?: string) => {
      const res = await app.inject({
        method,
        url: `${API}${path}`,
        ...(body === undefined ? {} : { payload: body as object }),
        headers: actor === undefined ? {} : { 'x-slipway-actor': actor },
      });
      return { status: res.statusCode, json: res.json<Answer>() };
    };
    const pendingOf = async (executionId: string): Promise<ApprovalRequest> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const { json } = await call('GET', `/approvals?status=pending&execution_id=${executionId}`);
        const [only, ...more] = json.approvals ?? [];
        if (only !== undefined && more.length === 0) return only;
        if (Date.now() > deadline) throw new Error('no pending approval');
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    it('runs the example deploy pipeline: it waits for approval, an approval through the API promotes the version to production', async () => {
      const upserted = await call('POST', '/pipelines', { source: readFileSync(DEPLOY_EXAMPLE, 'utf8'), source_format: 'yaml' });
      expect(upserted.status).toBe(200);
      const started = await call('POST', '/pipelines/california-housing-deploy/executions', { params: { version: '1' } });
      expect(started.status).toBe(200);
      const executionId = started.json.execution!.execution_id;
      const pending = await pendingOf(executionId);
      expect(pending).toMatchObject({
        execution_id: executionId,
        pipeline_name: 'california-housing-deploy',
        step_id: 'approve',
        message: 'Promote california-housing version 1 to production?',
        model: 'california-housing',
        version: '1',
        approvers: [],
        on_timeout: 'reject',
        status: 'pending',
      });
      expect(pending.deadline_time! - pending.opened_time).toBe(24 * 3_600_000);
      expect((await call('GET', `/approvals/${pending.approval_id}`)).json).toEqual({ approval: pending });

      // Before the decision, production is refused for the unapproved version (the policy holds).
      await expect(h.registry.setAlias('california-housing', 'production', '1', 'someone')).rejects.toThrow();

      const approved = await call('POST', `/approvals/${pending.approval_id}/approve`, { comment: 'RMSE is better on the holdout' }, 'alice');
      expect(approved.status).toBe(200);
      expect(approved.json.approval).toMatchObject({ status: 'approved', outcome: 'approved', actor: 'alice', comment: 'RMSE is better on the holdout' });
      const e = await h.wait(executionId);
      expect(e.status).toBe('succeeded');
      expect(stepOf(e, 'promote').status).toBe('succeeded');
      const version = await h.registry.getModelVersion('california-housing', 1);
      expect(version.aliases).toEqual(['production']);
      expect(version.approval).toMatchObject({ status: 'Approved', actor: 'alice' });

      // Decided once; the error names the status.
      const again = await call('POST', `/approvals/${pending.approval_id}/reject`, {}, 'bob');
      expect(again.status).toBe(409);
      expect(Object.keys(again.json).sort()).toEqual(['error_code', 'message']);
      expect(again.json.error_code).toBe('RESOURCE_CONFLICT');
      expect(again.json.message).toContain("already approved (by 'alice')");
      // The /ajax-api mirror lists it.
      const ajax = await app.inject({ method: 'GET', url: `/ajax-api/slipway/v1/approvals?pipeline=california-housing-deploy&status=approved` });
      expect(ajax.json<{ approvals: { approval_id: string }[] }>().approvals.map((a) => a.approval_id)).toEqual([pending.approval_id]);
    });

    it('takes decisions only from the listed approvers (403) and refuses bad input with a 4xx naming the field', async () => {
      await h.engine.upsertPipeline(
        {
          source: 'name: gated\nsteps:\n  - id: approve\n    uses: slipway/approval\n    with: { message: go?, approvers: [alice, bob] }\n',
          sourceFormat: 'yaml',
        },
        'tester',
      );
      const execution = await h.engine.startExecution({ pipelineName: 'gated', params: {} }, 'tester');
      const pending = await pendingOf(execution.executionId);

      const mallory = await call('POST', `/approvals/${pending.approval_id}/approve`, { comment: 'sure' }, 'mallory');
      expect(mallory.status).toBe(403);
      expect(mallory.json.error_code).toBe('PERMISSION_DENIED');
      expect(mallory.json.message).toContain("'mallory' may not decide approval request");
      const anonymous = await call('POST', `/approvals/${pending.approval_id}/approve`, {});
      expect(anonymous.status).toBe(403);
      const long = await call('POST', `/approvals/${pending.approval_id}/reject`, { comment: 'x'.repeat(5_001) }, 'bob');
      expect(long.status).toBe(400);
      expect(long.json.message).toContain('comment');
      expect((await h.store.getRequest(pending.approval_id)).status).toBe('pending');

      const badStatus = await call('GET', '/approvals?status=maybe');
      expect(badStatus).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
      expect(badStatus.json.message).toContain("'status'");
      const badSize = await call('GET', '/approvals?max_results=0');
      expect(badSize.status).toBe(400);
      expect(badSize.json.message).toContain('max_results');
      expect(await call('GET', '/approvals/nope')).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
      expect((await call('POST', '/approvals/nope/approve', {}, 'alice')).status).toBe(404);

      const rejected = await call('POST', `/approvals/${pending.approval_id}/reject`, { comment: 'not today' }, 'bob');
      expect(rejected.json.approval).toMatchObject({ status: 'rejected', actor: 'bob', comment: 'not today' });
      const e = await h.wait(execution.executionId);
      expect(stepOf(e, 'approve')).toMatchObject({ status: 'failed', failureClass: 'gate', reason: "rejected by 'bob': not today" });
    });
  });
}
