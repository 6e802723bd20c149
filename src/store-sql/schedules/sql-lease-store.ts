import type { Lease, LeaseStore } from '../../core/ports/lease-store.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import type { SqlDatabase } from '../sql-database.js';
import * as leases from './lease-queries.js';

/** {@link LeaseStore} over SQLite or PostgreSQL: one row per named lease. */
export class SqlLeaseStore implements LeaseStore {
  readonly #database: SqlDatabase;

  private constructor(database: SqlDatabase) {
    this.#database = database;
  }

  /** Migrates the database to the latest schema (a no-op when another store already did). */
  static async open(database: SqlDatabase): Promise<SqlLeaseStore> {
    await migrateToLatest(database);
    return new SqlLeaseStore(database);
  }

  tryAcquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    return leases.tryAcquire(this.#database.db, name, holder, ttlMs, now);
  }
  release(name: string, holder: string): Promise<void> {
    return leases.release(this.#database.db, name, holder);
  }
  getLease(name: string): Promise<Lease | undefined> {
    return leases.fetchLease(this.#database.db, name);
  }
}
