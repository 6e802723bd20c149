import type { ApprovalDecision, ApprovalRequest } from '../core/approvals/approval-request.js';
import type { ApprovalStore, ListApprovalsQuery, OpenApprovalInput } from '../core/ports/approval-store.js';
import type { Page } from '../core/ports/tracking-store.js';
import * as approvals from './approvals/approval-queries.js';
import { migrateToLatest } from './migrate-to-latest.js';
import type { SqlDatabase } from './sql-database.js';

/** {@link ApprovalStore} over SQLite or PostgreSQL, in the same database as the pipelines. */
export class SqlApprovalStore implements ApprovalStore {
  readonly #database: SqlDatabase;

  private constructor(database: SqlDatabase) {
    this.#database = database;
  }

  /** Migrates the database to the latest schema (a no-op when another store already did). */
  static async open(database: SqlDatabase): Promise<SqlApprovalStore> {
    await migrateToLatest(database);
    return new SqlApprovalStore(database);
  }

  get #db() {
    return this.#database.db;
  }

  openRequest(input: OpenApprovalInput): Promise<{ request: ApprovalRequest; created: boolean }> {
    return approvals.openRequest(this.#db, input);
  }
  getRequest(id: string): Promise<ApprovalRequest> {
    return approvals.fetchRequest(this.#db, id);
  }
  listRequests(query: ListApprovalsQuery): Promise<Page<ApprovalRequest>> {
    return approvals.listRequests(this.#db, query);
  }
  decide(id: string, decision: ApprovalDecision): Promise<ApprovalRequest> {
    return approvals.decideRequest(this.#db, id, decision);
  }
}
