import type { Kysely, Migration } from 'kysely';
import { columnTypes, type SqlFlavor } from '../sql-flavor.js';

/**
 * Approval requests of `slipway/approval` steps: one per (execution, step, instance) — the
 * unique key is what lets a step re-attach to its request after a restart — with the
 * decision (status, outcome, actor, comment, time) written once. `instance` is '' for a
 * step that is not a matrix instance, so the key has no NULL in it.
 */
export function approvalsMigration(flavor: SqlFlavor): Migration {
  const t = columnTypes(flavor);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('approval_requests')
        .addColumn('request_id', t.text, (c) => c.primaryKey())
        .addColumn('execution_id', t.text, (c) => c.notNull())
        .addColumn('pipeline_name', t.text, (c) => c.notNull())
        .addColumn('step_id', t.text, (c) => c.notNull())
        .addColumn('instance', t.text, (c) => c.notNull())
        .addColumn('message', t.text)
        .addColumn('model_name', t.text)
        .addColumn('model_version', t.text)
        /** JSON list of actor names; `[]`: anyone. */
        .addColumn('approvers', t.text, (c) => c.notNull())
        .addColumn('on_timeout', t.text, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('opened_time', t.bigint, (c) => c.notNull())
        .addColumn('deadline_time', t.bigint)
        .addColumn('decided_time', t.bigint)
        .addColumn('actor', t.text)
        .addColumn('comment', t.text)
        .addColumn('outcome', t.text)
        .addUniqueConstraint('approval_requests_step', ['execution_id', 'step_id', 'instance'])
        .execute();
      await db.schema.createIndex('approval_requests_status').on('approval_requests').columns(['status', 'opened_time']).execute();
      await db.schema.createIndex('approval_requests_pipeline').on('approval_requests').columns(['pipeline_name', 'opened_time']).execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('approval_requests').execute();
    },
  };
}
