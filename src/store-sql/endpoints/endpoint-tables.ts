import type { Generated, Kysely } from 'kysely';
import type { Database } from '../database-schema.js';

/** The tables of migration 0010-endpoints as Kysely sees them. */
// A type alias (not an interface) so it satisfies `withTables`' index-signature constraint.
export type EndpointTables = {
  endpoints: EndpointsTable;
  endpoint_events: EndpointEventsTable;
};

export interface EndpointsTable {
  name: string;
  endpoint_id: string;
  status: string;
  revision: number;
  creation_time: number;
  last_update_time: number;
  /** JSON of the endpoint without the columns above. */
  document: string;
}

export interface EndpointEventsTable {
  /** Insertion order: events are listed by it. */
  seq: Generated<number>;
  event_id: string;
  endpoint_id: string;
  endpoint_name: string;
  event_time: number;
  kind: string;
  message: string;
  actor: string;
  rollout_id: string | null;
  variant: string | null;
  /** JSON map. */
  details: string;
}

export type EndpointDb = Kysely<Database & EndpointTables>;

/** The store's database handle with the endpoint tables typed. */
export function endpointDb(db: Kysely<Database>): EndpointDb {
  return db.withTables<EndpointTables>();
}
