/**
 * Named leases in the database: how several server processes on one database elect who
 * does a piece of work (the scheduler fires schedules only while it holds the
 * `scheduler` lease). A lease has one holder until it expires; the holder renews it by
 * acquiring it again before then.
 *
 * Implementer's notes (checked by `test/contract/schedule-store.contract.ts`):
 * - `tryAcquire` is one atomic statement: it takes the lease when it is free, expired
 *   (`expiresTime <= now`) or already held by `holder` (a renewal), setting the expiry
 *   to `now + ttlMs`; otherwise it changes nothing. Two concurrent calls by different
 *   holders never both succeed.
 * - `release` frees the lease only if `holder` holds it.
 * - Times come from the caller (`now`), so servers must have roughly agreeing clocks;
 *   a skew shortens or lengthens a lease by that much.
 */
export interface LeaseStore {
  /** True when `holder` holds the lease after the call. */
  tryAcquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
  getLease(name: string): Promise<Lease | undefined>;
}

export interface Lease {
  readonly name: string;
  readonly holder: string;
  /** ms since the epoch. */
  readonly expiresTime: number;
  /** When this holder first took it. */
  readonly acquiredTime: number;
}
