import type { ApiError } from './api';

/** One page of a cursor connection, as each connection the console reads answers it. */
export interface ConnectionPage<TNode> {
  readonly edges: readonly { readonly node: TNode }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor?: string | null };
}

/** What was read of a connection: its nodes in the API's order, the errors met, and whether it goes on unread. */
export interface ConnectionRead<TNode> {
  readonly nodes: TNode[];
  readonly errors: readonly ApiError[];
  /** The list holds more than was read: the bound on pages was reached, or a page after the first failed. */
  readonly more: boolean;
}

/**
 * Reads a connection page after page, until it ends, `until` holds of a node read, or `maxPages` pages were read. A
 * screen that says what a whole list holds (a register's count, a queue's "none is open") reads all of it; the bound
 * keeps one screen from reading without end, and `more` tells the screen to say that it stopped.
 */
export async function readConnection<TNode>(
  readPage: (after: string | null) => Promise<{
    page: ConnectionPage<TNode> | undefined;
    errors: readonly ApiError[];
  }>,
  { maxPages, until }: { maxPages: number; until?: (node: TNode) => boolean },
): Promise<ConnectionRead<TNode>> {
  const nodes: TNode[] = [];
  let after: string | null = null;
  for (let read = 0; read < maxPages; read += 1) {
    const { page, errors } = await readPage(after);
    const found = page?.edges.map(({ node }) => node) ?? [];
    nodes.push(...found);
    // A page that failed after the first leaves the rest unread.
    const more = page ? page.pageInfo.hasNextPage : read > 0;
    const next = page?.pageInfo.endCursor;
    if (errors.length > 0 || !more || !next || (until && found.some(until))) return { nodes, errors, more };
    after = next;
  }
  return { nodes, errors: [], more: true };
}

/**
 * Calls `fn` on each item, at most `limit` calls at a time, and gives their results in the items' order. A screen
 * that reads something of each service (up to 2,000 of them) asks a few at a time instead of all at once: the API
 * limits each organisation's requests with a token bucket (a burst of 50 where deployed), and the screens of the
 * organisation's other people draw on the same bucket.
 */
export async function mapInTurn<TItem, TResult>(
  items: readonly TItem[],
  limit: number,
  fn: (item: TItem) => Promise<TResult>,
): Promise<TResult[]> {
  const results: TResult[] = new Array(items.length);
  let next = 0;
  // Each runner takes the next item not yet started when its call ends.
  const runner = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as TItem);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner));
  return results;
}
