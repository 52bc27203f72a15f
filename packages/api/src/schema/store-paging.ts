import { validate } from '@confide/domain';
import { openListPosition, sealListPosition } from '@confide/keys';
import type { Page, PageRequest } from '@confide/store';
import type { ConfideContext } from '../context';

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
 * rather than silently ignored. `first: 0` asks for no node: an empty page, as the relay plugin's lists answer (it
 * returned one). Its `hasNextPage` is what the list can tell without recording a read past the page: a list that
 * records what it shows reads nothing and answers true (ask with a `first` to know).
 */
export function pageRequest(args: ConnectionArgs): PageRequest {
  if (args.last != null || args.before != null) {
    throw validate.badInputError(['last'], 'This list pages forward only: use first and after.');
  }
  return {
    limit: Math.min(Math.max(args.first ?? PAGE_SIZE.default, 0), PAGE_SIZE.max),
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
 * How a list's cursors are sealed (decision 0086): a store position is the key of the item a page ended on, which may
 * be an item hidden from the caller (another service's request, a sealed note) and, for an index, holds the table's
 * own keys (a person's id a partner is never given). Sealed with AES-256-GCM under a key derived from the
 * organisation's beacon key and bound to the list (`sealListPosition`), a cursor names nothing and continues only that
 * list; any other is BAD_USER_INPUT on `after`.
 */
export interface ListPositions {
  seal(position: string): string;
  open(cursor: string): string | undefined;
}

/** How many items a page that looks past itself reads at a time: hidden items are skipped in a few reads. */
const LOOK_AHEAD_READ = 25;

/** Cursors as the store gives them: for a list that hides nothing from anyone who may read it, in no organisation. */
export const PLAIN_POSITIONS: ListPositions = { seal: (position) => position, open: (cursor) => cursor };

/** The store position a sealed `after` cursor names; BAD_USER_INPUT for one that is not of this list. */
export function openedCursor(positions: ListPositions, after: string | null | undefined): string | undefined {
  if (after == null) return undefined;
  const position = positions.open(after);
  if (position === undefined)
    throw validate.badInputError(['after'], 'That cursor does not continue this list.');
  return position;
}

/** The sealing of `list`'s cursors in the caller's organisation. */
export async function listPositions(context: ConfideContext, list: string): Promise<ListPositions> {
  const beaconKey = await context.services.keys.beaconKey(context.access.scope.orgId);
  return {
    seal: (position) => sealListPosition(beaconKey, list, position),
    open: (cursor) => openListPosition(beaconKey, list, cursor),
  };
}

/**
 * A cursor connection over a list the store reads a page at a time (issue 19). `visible` keeps what the caller
 * may see (undefined leaves a node out) and records what it keeps, as the list's plain field did for the whole
 * list; the store is asked again while the page is short and more remains, at most `rounds` times, after which
 * the page is returned short with `hasNextPage`. Nothing past the page is read or recorded, unless `lookAhead` (for a
 * `visible` that records nothing): then the page reads on until a node the caller may see follows it, so that
 * `hasNextPage` is not true of a list whose rest is hidden from the caller. Every cursor is sealed (`sealing`).
 */
export async function storeConnection<T, N = T>(
  args: ConnectionArgs,
  sealing: ListPositions | Promise<ListPositions>,
  read: (page: PageRequest) => Promise<Page<T>>,
  visible?: (nodes: readonly T[]) => Promise<readonly (N | undefined)[]> | readonly (N | undefined)[],
  options: { readonly lookAhead?: boolean; readonly rounds?: number } = {},
): Promise<StoreConnection<N>> {
  const request = pageRequest(args);
  const positions = await sealing;
  let position = openedCursor(positions, request.after);
  const lookAhead = options.lookAhead === true && visible !== undefined;
  const edges: { node: N; cursor: string }[] = [];
  let more = true;
  let following = false;
  const rounds = options.rounds ?? 5;
  for (let round = 0; round < rounds && more && !following; round += 1) {
    if (!lookAhead && edges.length === request.limit) break;
    const wanted = request.limit - edges.length;
    const page = await read({
      limit: lookAhead ? Math.max(wanted + 1, LOOK_AHEAD_READ) : wanted,
      after: position,
    });
    const nodes = page.entries.map((entry) => entry.node);
    const kept = visible ? await visible(nodes) : (nodes as readonly unknown[] as readonly N[]);
    for (const [index, entry] of page.entries.entries()) {
      const node = kept[index];
      if (node !== undefined && edges.length === request.limit) {
        following = true;
        break;
      }
      if (node !== undefined) edges.push({ node, cursor: entry.cursor });
      position = entry.cursor;
    }
    if (!following) {
      position = page.next ?? position;
      more = page.next !== undefined;
    }
  }
  const hasNextPage = following || more;
  const sealed = edges.map((edge) => ({ node: edge.node, cursor: positions.seal(edge.cursor) }));
  // Past hidden nodes, the page ends on the last position it examined, sealed like any other.
  const end =
    hasNextPage && !following && position !== undefined ? positions.seal(position) : sealed.at(-1)?.cursor;
  return {
    edges: sealed,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: request.after !== undefined,
      startCursor: sealed[0]?.cursor ?? null,
      endCursor: end ?? null,
    },
  };
}

/**
 * A cursor connection over a list held whole in one item (read in one request whatever its length): sliced here,
 * which costs no more reads than the plain field. Cursors are the relay plugin's offsets.
 */
export { resolveArrayConnection as inItemConnection } from '@pothos/plugin-relay';
