import { resolve } from 'node:path';
import type { ApprovalStore } from '../core/ports/approval-store.js';
import type { EndpointStore } from '../core/ports/endpoint-store.js';
import type { PipelineStore } from '../core/ports/pipeline-store.js';
import type { LeaseStore } from '../core/ports/lease-store.js';
import type { ScheduleStore } from '../core/ports/schedule-store.js';
import type { RegistryStore } from '../core/ports/registry-store.js';
import type { TrackingStore } from '../core/ports/tracking-store.js';
import type { WebhookStore } from '../core/ports/webhook-store.js';
import type { TriggerStore } from '../core/ports/trigger-store.js';
import { openPostgresDatabase } from '../store-sql/postgres-database.js';
import type { SqlDatabase } from '../store-sql/sql-database.js';
import { SqlApprovalStore } from '../store-sql/sql-approval-store.js';
import { SqlEndpointStore } from '../store-sql/sql-endpoint-store.js';
import { SqlPipelineStore } from '../store-sql/sql-pipeline-store.js';
import { SqlLeaseStore } from '../store-sql/schedules/sql-lease-store.js';
import { SqlScheduleStore } from '../store-sql/sql-schedule-store.js';
import { SqlRegistryStore } from '../store-sql/sql-registry-store.js';
import { openSqliteDatabase } from '../store-sql/sqlite-database.js';
import { SqlTrackingStore } from '../store-sql/sql-tracking-store.js';
import { SqlWebhookStore } from '../store-sql/sql-webhook-store.js';
import { SqlTriggerStore } from '../store-sql/sql-trigger-store.js';

/** The stores a backend-store URI gives, over one database. */
export interface OpenStores {
  readonly tracking: TrackingStore;
  readonly registry: RegistryStore;
  readonly webhooks: WebhookStore;
  readonly pipelines: PipelineStore;
  /** Approval requests of `slipway/approval` steps. */
  readonly approvals: ApprovalStore;
  readonly schedules: ScheduleStore;
  /** Named leases (leader election between servers on one database). */
  readonly leases: LeaseStore;
  /** Event triggers and their history. */
  readonly triggers: TriggerStore;
  /** Serving endpoints and their event history. */
  readonly endpoints: EndpointStore;
  /** Where the data lives, for log lines (no credentials). */
  readonly description: string;
  close(): Promise<void>;
}

/**
 * Chooses the store adapters by URI scheme:
 * - `sqlite:///relative.db`, `sqlite:////absolute.db`, `sqlite:///:memory:` → SQLite;
 * - `postgresql://…` (also `postgres://`, `postgresql+psycopg2://`) → PostgreSQL, with
 *   an optional `?schema=<name>` to keep the tables in their own schema.
 */
export async function openStores(uri: string, options: { defaultArtifactRoot: string; cwd?: string }): Promise<OpenStores> {
  const database = await openSqlDatabase(uri, options.cwd ?? process.cwd());
  try {
    const tracking = await SqlTrackingStore.open(database, { defaultArtifactRoot: options.defaultArtifactRoot });
    const registry = await SqlRegistryStore.open(database);
    const webhooks = await SqlWebhookStore.open(database);
    const pipelines = await SqlPipelineStore.open(database);
    const approvals = await SqlApprovalStore.open(database);
    const schedules = await SqlScheduleStore.open(database);
    const leases = await SqlLeaseStore.open(database);
    const triggers = await SqlTriggerStore.open(database);
    const endpoints = await SqlEndpointStore.open(database);
    return { tracking, registry, webhooks, pipelines, schedules, leases, approvals, triggers, endpoints, description: database.description, close: () => database.close() };
  } catch (e) {
    await database.close();
    throw e;
  }
}

export async function openSqlDatabase(uri: string, cwd: string): Promise<SqlDatabase> {
  if (uri.startsWith('sqlite:')) {
    const path = uri === 'sqlite://' ? ':memory:' : decodeURIComponent(uri.slice('sqlite:///'.length));
    return openSqliteDatabase({ path: path === ':memory:' || path === '' ? ':memory:' : resolve(cwd, path) });
  }
  const url = new URL(uri.replace(/^(postgresql\+[a-z0-9]+|postgres):/i, 'postgresql:'));
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return openPostgresDatabase({ connectionString: url.toString(), schema });
}
