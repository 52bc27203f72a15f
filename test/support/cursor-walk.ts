import { expect } from 'vitest';
import { expectNoErrors } from './care-fixtures';
import type { GraphqlResult, TestApi } from './test-api';

/** Walking a connection page by page, and reading what its cursors carry (decision 0086: they name nothing). */

export interface Connection<N> {
  edges: { cursor: string; node: N }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface Walked<N> {
  readonly pages: Connection<N>[];
  /** Every cursor the caller was given (each edge's and each endCursor), decoded from base64url. */
  readonly cursorText: string[];
}

/**
 * Every page of a connection, `first` at a time, as `token`'s holder: `query` takes `$first` and `$after` (and
 * `variables`), `pick` finds the connection in the data.
 */
export async function walk<N>(
  api: TestApi,
  query: string,
  pick: (data: unknown) => Connection<N>,
  token: string,
  variables: Record<string, unknown> = {},
  first = 1,
): Promise<Walked<N>> {
  const pages: Connection<N>[] = [];
  let after: string | null = null;
  for (let round = 0; round < 40; round += 1) {
    const result: GraphqlResult = await api.graphql(query, {
      token,
      variables: { ...variables, first, after },
    });
    expectNoErrors(result);
    const connection = pick(result.data);
    pages.push(connection);
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  expect(pages.length).toBeLessThan(40);
  const cursors = pages.flatMap((page) => [
    ...page.edges.map((edge) => edge.cursor),
    ...(page.pageInfo.endCursor ? [page.pageInfo.endCursor] : []),
  ]);
  return { pages, cursorText: cursors.map((cursor) => Buffer.from(cursor, 'base64url').toString('utf8')) };
}

/** The cursors that name any of `ids` (each cursor's decoded text), for an assertion that there are none. */
export function cursorsNaming(walked: Walked<unknown>, ids: readonly string[]): string[] {
  return walked.cursorText.filter((text) => ids.some((id) => id !== '' && text.includes(id)));
}

/** Nodes of every page, page by page. */
export const pagesOf = <N, M>(walked: Walked<N>, map: (node: N) => M): M[][] =>
  walked.pages.map((page) => page.edges.map((edge) => map(edge.node)));
