import type { Endpoint, EndpointEvent, NewEndpointEvent } from '../core/endpoints/endpoint.js';
import type { EndpointStore, ListEndpointsQuery } from '../core/ports/endpoint-store.js';
import type { Page, Paging } from '../core/ports/tracking-store.js';
import * as endpoints from './endpoints/endpoint-queries.js';
import { endpointDb, type EndpointDb } from './endpoints/endpoint-tables.js';
import { migrateToLatest } from './migrate-to-latest.js';
import type { SqlDatabase } from './sql-database.js';

/** {@link EndpointStore} over SQLite or PostgreSQL: each endpoint one JSON document beside its indexed columns, and an append-only event table. */
export class SqlEndpointStore implements EndpointStore {
  readonly #db: EndpointDb;

  private constructor(database: SqlDatabase) {
    this.#db = endpointDb(database.db);
  }

  /** Migrates the database to the latest schema (a no-op when another store already did). */
  static async open(database: SqlDatabase): Promise<SqlEndpointStore> {
    await migrateToLatest(database);
    return new SqlEndpointStore(database);
  }

  createEndpoint(endpoint: Endpoint, events: readonly NewEndpointEvent[]): Promise<Endpoint> {
    return endpoints.insertEndpoint(this.#db, endpoint, events);
  }
  getEndpoint(name: string): Promise<Endpoint> {
    return endpoints.fetchEndpoint(this.#db, name);
  }
  listEndpoints(query: ListEndpointsQuery): Promise<Page<Endpoint>> {
    return endpoints.listEndpoints(this.#db, query);
  }
  replaceEndpoint(endpoint: Endpoint, events: readonly NewEndpointEvent[]): Promise<Endpoint> {
    return endpoints.replaceEndpoint(this.#db, endpoint, events);
  }
  deleteEndpoint(name: string, expectedRevision: number, events: readonly NewEndpointEvent[]): Promise<void> {
    return endpoints.removeEndpoint(this.#db, name, expectedRevision, events);
  }
  listEvents(endpointId: string, paging: Paging): Promise<Page<EndpointEvent>> {
    return endpoints.listEvents(this.#db, endpointId, paging);
  }
}
