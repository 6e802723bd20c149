import type { Endpoint } from '../../core/endpoints/endpoint.js';
import type { EndpointStore } from '../../core/ports/endpoint-store.js';

const PAGE = 500;

/** Every endpoint in the store, page by page. */
export async function listAllEndpoints(store: EndpointStore): Promise<Endpoint[]> {
  const all: Endpoint[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.listEndpoints({ limit: PAGE, offset });
    all.push(...page.items);
    if (!page.hasMore || page.items.length === 0) return all;
  }
}
