import { validate } from '@confide/domain';
import type { Page, PageRequest } from '@confide/store';

/** The arguments every connection takes (the relay plugin adds them). */
export interface ConnectionArgs {
  readonly first?: number | null | undefined;
  readonly after?: string | null | undefined;
  readonly last?: number | null | undefined;
  readonly before?: string | null | undefined;
}

/** The largest page a connection the store pages returns, and the page when `first` is not given. */
export const PAGE_SIZE = { max: 100, default: 50 } as const;

/**
 * The page a connection's arguments ask for: `first` (50 by default, at most 100, as `legalHolds` and
 * `serviceUsers`) after `after`. A store page is read forward from a key, so `last`/`before` are BAD_USER_INPUT
 * rather than silently ignored.
 */
export function pageRequest(args: ConnectionArgs): PageRequest {
  if (args.last != null || args.before != null) {
    throw validate.badInputError(['last'], 'This list pages forward only: use first and after.');
  }
  return {
    limit: Math.min(Math.max(args.first ?? PAGE_SIZE.default, 1), PAGE_SIZE.max),
    after: args.after ?? undefined,
  };
}

/** A connection's page as the relay plugin takes it. */
export interface StoreConnection<N> {
  readonly edges: { node: N; cursor: string }[];
  readonly pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/**
 * A cursor connection over a list the store reads a page at a time (issue 19). `visible` keeps what the caller
 * may see (undefined leaves a node out) and records what it keeps, as the list's plain field did for the whole
 * list; the store is asked again while the page is short and more remains, at most `rounds` times, after which
 * the page is returned short with `hasNextPage`. Nothing past the page is read or recorded.
 */
export function storeConnection<T>(
  args: ConnectionArgs,
  read: (page: PageRequest) => Promise<Page<T>>,
): Promise<StoreConnection<T>>;
export function storeConnection<T, N>(
  args: ConnectionArgs,
  read: (page: PageRequest) => Promise<Page<T>>,
  visible: (nodes: readonly T[]) => Promise<readonly (N | undefined)[]> | readonly (N | undefined)[],
  rounds?: number,
): Promise<StoreConnection<N>>;
export async function storeConnection<T, N>(
  args: ConnectionArgs,
  read: (page: PageRequest) => Promise<Page<T>>,
  visible?: (nodes: readonly T[]) => Promise<readonly (N | undefined)[]> | readonly (N | undefined)[],
  rounds = 5,
): Promise<StoreConnection<N>> {
  const request = pageRequest(args);
  const edges: { node: N; cursor: string }[] = [];
  let after = request.after;
  let more = true;
  for (let round = 0; round < rounds && more && edges.length < request.limit; round += 1) {
    const page = await read({ limit: request.limit - edges.length, after });
    const nodes = page.entries.map((entry) => entry.node);
    const kept = visible ? await visible(nodes) : (nodes as readonly unknown[] as readonly N[]);
    page.entries.forEach((entry, index) => {
      const node = kept[index];
      if (node !== undefined) edges.push({ node, cursor: entry.cursor });
    });
    after = page.next;
    more = page.next !== undefined;
  }
  return {
    edges,
    pageInfo: {
      hasNextPage: more,
      hasPreviousPage: request.after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: (more ? after : edges.at(-1)?.cursor) ?? null,
    },
  };
}

/**
 * A cursor connection over a list held whole in one item (read in one request whatever its length): sliced here,
 * which costs no more reads than the plain field. Cursors are the relay plugin's offsets.
 */
export { resolveArrayConnection as inItemConnection } from '@pothos/plugin-relay';
