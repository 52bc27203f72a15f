import { describe, expect, it } from 'vitest';
import { expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { createService, errorsOf, serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * `serviceUsers(serviceId:)` pages with cursors (DESIGN.md: Relay cursor connections; bad input gets a clear error
 * and changes nothing). A cursor that is not one of this service's list — made up, of another list, or of another
 * service's list — must be BAD_USER_INPUT on `after`, not a page silently emptied or skipped; `last`/`before`,
 * which this store-paged list cannot honour, are refused as in every other store-paged list (`pageRequest`).
 */

const LIST = `query ($s: ID!, $first: Int, $after: String, $last: Int) {
  serviceUsers(serviceId: $s, first: $first, after: $after, last: $last) {
    edges { node { id } cursor }
    pageInfo { hasNextPage endCursor }
  }
}`;
type List = {
  serviceUsers: {
    edges: { node: { id: string }; cursor: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

describe('serviceUsers cursors', () => {
  const api = testApi();

  it('walks a service a page at a time, each client once, and refuses cursors that are not its own', async () => {
    const world = await serviceWorld(api);
    const other = await createService(api, world, world.manager);
    const clients: string[] = [];
    for (const name of ['Ann One', 'Ben Two', 'Cat Three', 'Dan Four', 'Eve Five']) {
      clients.push(await registerServiceUser(api, world.manager, world.serviceId, { name }));
    }
    const elsewhere: string[] = [];
    for (const name of ['Fay Six', 'Gus Seven', 'Hal Eight']) {
      elsewhere.push(await registerServiceUser(api, world.manager, other, { name }));
    }
    const list = (variables: Record<string, unknown>) =>
      api.graphql<List>(LIST, { token: world.manager.token, variables });

    // Paged two at a time: every client of the service exactly once.
    const seen: string[] = [];
    let after: string | undefined;
    for (let round = 0; round < 5; round += 1) {
      const page = await list({ s: world.serviceId, first: 2, after });
      expectNoErrors(page);
      seen.push(...(page.data?.serviceUsers.edges.map((edge) => edge.node.id) ?? []));
      if (!page.data?.serviceUsers.pageInfo.hasNextPage) break;
      after = page.data.serviceUsers.pageInfo.endCursor ?? undefined;
    }
    expect(seen.sort()).toEqual([...clients].sort());

    // A cursor of the other service's list.
    const theirs = await list({ s: other, first: 1 });
    expectNoErrors(theirs);
    const foreign = theirs.data?.serviceUsers.edges[0]?.cursor;
    expect(foreign).toBeTruthy();
    const withForeign = await list({ s: world.serviceId, first: 10, after: foreign });
    expect(errorsOf(withForeign)).toEqual([
      { code: 'BAD_USER_INPUT', path: ['serviceUsers'], field: ['after'] },
    ]);

    // A made-up cursor, and an offset cursor of another connection.
    for (const bad of ['not a cursor!', Buffer.from('arrayconnection:0').toString('base64')]) {
      const result = await list({ s: world.serviceId, first: 10, after: bad });
      expect(errorsOf(result), bad).toEqual([
        { code: 'BAD_USER_INPUT', path: ['serviceUsers'], field: ['after'] },
      ]);
    }

    // `last` cannot be honoured by a forward-only list: refused, not ignored.
    const last = await list({ s: world.serviceId, last: 1 });
    expect(errorsOf(last).map((error) => error.code)).toEqual(['BAD_USER_INPUT']);
    expect(elsewhere).toHaveLength(3);
  });
});
