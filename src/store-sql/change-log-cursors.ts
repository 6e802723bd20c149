import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';

type Db = Kysely<Database>;

/**
 * Cursors of the registry change log's consumers (the webhook dispatcher; later pipeline
 * triggers and deployments). A consumer reads entries after its cursor and, in one
 * transaction, stores what it derived from them and moves the cursor with
 * {@link moveCursor}, so entries are consumed exactly once into the database even when
 * several processes consume at the same time.
 * @module
 */

/** The last entry `consumer` consumed; a new consumer starts at the end of the log. */
export async function readCursor(db: Db, consumer: string, now: number): Promise<number> {
  const found = await db.selectFrom('change_log_cursors').select('last_change_id').where('consumer', '=', consumer).executeTakeFirst();
  if (found !== undefined) return found.last_change_id;
  // Two processes starting at once insert the same row; the second insert does nothing.
  const { max } = await db
    .selectFrom('registry_changes')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirstOrThrow();
  await db
    .insertInto('change_log_cursors')
    .values({ consumer, last_change_id: Number(max ?? 0), updated_time: now })
    .onConflict((oc) => oc.column('consumer').doNothing())
    .execute();
  return readCursor(db, consumer, now);
}

/**
 * Moves the cursor from `from` to `to`, only if it is still at `from` (call it inside the
 * transaction that stores the consumer's output, and write that output only when it
 * returns true). On PostgreSQL a concurrent mover waits for the row and then finds it moved.
 */
export async function moveCursor(db: Db, consumer: string, from: number, to: number, now: number): Promise<boolean> {
  const moved = await db
    .updateTable('change_log_cursors')
    .set({ last_change_id: to, updated_time: now })
    .where('consumer', '=', consumer)
    .where('last_change_id', '=', from)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}
