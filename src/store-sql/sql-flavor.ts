/**
 * The SQL databases the store runs on. Code branches on the capability helpers below,
 * not on the flavor name, wherever the difference is a capability.
 */
export type SqlFlavor = 'sqlite' | 'postgres';

/** Column types that differ between the flavors. */
export interface ColumnTypes {
  readonly bigint: 'integer' | 'bigint';
  readonly double: 'real' | 'double precision';
}

export function columnTypes(flavor: SqlFlavor): ColumnTypes {
  return flavor === 'sqlite'
    ? { bigint: 'integer', double: 'real' }
    : { bigint: 'bigint', double: 'double precision' };
}
