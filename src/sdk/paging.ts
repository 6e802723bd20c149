/**
 * Paging: MLflow's searches return a page of results and an opaque `next_page_token`.
 * @module
 */

/** One page of a search. `nextPageToken` is absent on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string | undefined;
}

/**
 * Every item of a paged search, fetching pages as the loop asks for them:
 *
 * ```ts
 * for await (const m of iterate((pageToken) => client.registry.searchRegisteredModels({ pageToken }))) …
 * ```
 */
export async function* iterate<T>(fetchPage: (pageToken: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    yield* page.items;
    token = page.nextPageToken === '' ? undefined : page.nextPageToken;
  } while (token !== undefined);
}

/** The first `limit` items (default: all) of an async iterable, as an array. */
export async function collect<T>(items: AsyncIterable<T>, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  if (limit <= 0) return out;
  for await (const item of items) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}
