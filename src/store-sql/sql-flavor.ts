import { sql, type Expression } from 'kysely';

/**
 * The SQL databases the store runs on. Code branches on the capability helpers below,
 * not on the flavor name, wherever the difference is a capability.
 */
export type SqlFlavor = 'sqlite' | 'postgres';

/** Column types that differ between the flavors. */
export interface ColumnTypes {
  readonly bigint: 'integer' | 'bigint';
  readonly double: 'real' | 'double precision';
  /**
   * Text that sorts and compares by code point on both databases. PostgreSQL would
   * otherwise follow the database's locale (`en_US` puts `a` before `B`), so the same
   * `order_by` would list runs differently depending on how the database was created.
   */
  readonly text: 'text' | Expression<unknown>;
}

export function columnTypes(flavor: SqlFlavor): ColumnTypes {
  return flavor === 'sqlite'
    ? { bigint: 'integer', double: 'real', text: 'text' }
    : { bigint: 'bigint', double: 'double precision', text: sql`text collate "C"` };
}
