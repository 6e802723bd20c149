import type { Kysely } from 'kysely';
import type { Lease } from '../../core/ports/lease-store.js';
import type { Database } from '../database-schema.js';

type Db = Kysely<Database>;

/**
 * Takes or renews a lease in one statement: an upsert whose update applies only when the
 * lease is expired or already ours. The row comes back (RETURNING) only when the insert
 * or the update happened, i.e. when `holder` holds the lease afterwards.
 */
export async function tryAcquire(db: Db, name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
  const expires = now + ttlMs;
  const row = await db
    .insertInto('leases')
    .values({ name, holder, expires_time: expires, acquired_time: now })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({
          expires_time: expires,
          // A renewal keeps the time the holder first took it.
          acquired_time: eb.case().when('leases.holder', '=', holder).then(eb.ref('leases.acquired_time')).else(now).end(),
          holder,
        }))
        .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_time', '<=', now)])),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}

export async function release(db: Db, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}

export async function fetchLease(db: Db, name: string): Promise<Lease | undefined> {
  const row = await db.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst();
  return row === undefined
    ? undefined
    : { name: row.name, holder: row.holder, expiresTime: Number(row.expires_time), acquiredTime: Number(row.acquired_time) };
}
