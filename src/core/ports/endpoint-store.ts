import type { Endpoint, EndpointEvent, EndpointStatus, NewEndpointEvent } from '../endpoints/endpoint.js';
import type { Page, Paging } from './tracking-store.js';

/**
 * Endpoints and their event history.
 *
 * Implementer's notes — every adapter must keep these invariants (checked by
 * `test/contract/endpoint-store.contract.ts`):
 * - An endpoint is stored whole (its variants and rollout are part of it); `revision`
 *   starts at 1 and every write bumps it by one.
 * - `replaceEndpoint` is compare-and-set: it writes only if the stored revision equals
 *   `endpoint.revision`, in one transaction with its events; otherwise it throws
 *   RESOURCE_CONFLICT and writes nothing. Two writers (two processes) never both win.
 * - `createEndpoint` throws RESOURCE_ALREADY_EXISTS for a name in use; unknown names →
 *   RESOURCE_DOES_NOT_EXIST everywhere else.
 * - Events outlive a deleted endpoint (they are keyed by `endpoint.id`) and are listed
 *   oldest first.
 */
export interface EndpointStore {
  /** Stores a new endpoint (its `revision` is ignored and set to 1) with its first events. */
  createEndpoint(endpoint: Endpoint, events: readonly NewEndpointEvent[]): Promise<Endpoint>;
  getEndpoint(name: string): Promise<Endpoint>;
  /** By name. */
  listEndpoints(query: ListEndpointsQuery): Promise<Page<Endpoint>>;
  /** Writes `endpoint` if its `revision` is the stored one; returns it with the new revision. */
  replaceEndpoint(endpoint: Endpoint, events: readonly NewEndpointEvent[]): Promise<Endpoint>;
  /** Removes the endpoint if its stored revision is `expectedRevision`, appending `events`. */
  deleteEndpoint(name: string, expectedRevision: number, events: readonly NewEndpointEvent[]): Promise<void>;
  /** Events of one endpoint incarnation, oldest first. */
  listEvents(endpointId: string, paging: Paging): Promise<Page<EndpointEvent>>;
}

export interface ListEndpointsQuery extends Paging {
  readonly status?: EndpointStatus | undefined;
}
