import type { Kysely } from 'kysely';
import type { LineageEdge } from '../../core/entities/lineage.js';
import type { Database } from '../database-schema.js';

type Db = Kysely<Database>;

export async function addLineageLink(db: Db, edge: LineageEdge, now: number): Promise<void> {
  await db
    .insertInto('lineage_links')
    .values({ from_node: edge.from, to_node: edge.to, relation: edge.relation, created_time: now })
    .onConflict((oc) => oc.columns(['from_node', 'to_node', 'relation']).doNothing())
    .execute();
}

export async function lineageLinks(db: Db, nodeIds: readonly string[]): Promise<LineageEdge[]> {
  if (nodeIds.length === 0) return [];
  const rows = await db
    .selectFrom('lineage_links')
    .select(['from_node', 'to_node', 'relation'])
    .where((eb) => eb.or([eb('from_node', 'in', [...nodeIds]), eb('to_node', 'in', [...nodeIds])]))
    .orderBy('created_time')
    .execute();
  return rows.map((r) => ({ from: r.from_node, to: r.to_node, relation: r.relation }));
}
