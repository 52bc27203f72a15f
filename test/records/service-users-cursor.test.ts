import { describe, expect, it } from 'vitest';
import { allocate, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { addStaff, localIdOf } from '../support/fixtures';
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

  /** Pages the service's list as `token`, `first` at a time; every page and the ids in its cursors. */
  async function walk(token: string, serviceId: string, first: number) {
    const pages: List['serviceUsers'][] = [];
    let after: string | undefined;
    for (let round = 0; round < 20; round += 1) {
      const page = await api.graphql<List>(LIST, { token, variables: { s: serviceId, first, after } });
      expectNoErrors(page);
      if (!page.data) break;
      pages.push(page.data.serviceUsers);
      if (!page.data.serviceUsers.pageInfo.hasNextPage) break;
      after = page.data.serviceUsers.pageInfo.endCursor ?? undefined;
    }
    const cursors = pages.flatMap((page) => [
      ...page.edges.map((edge) => edge.cursor),
      ...(page.pageInfo.endCursor ? [page.pageInfo.endCursor] : []),
    ]);
    return {
      pages,
      cursorText: cursors.map((cursor) => Buffer.from(cursor, 'base64url').toString('latin1')),
    };
  }

  it('tells a caller nothing of the people hidden from them: no id in a cursor, no next page', async () => {
    // Prepare: three people of a service; a support worker allocated to the second, and one allocated to nobody
    const world = await serviceWorld(api);
    const clients: string[] = [];
    for (const name of ['Ann One', 'Ben Two', 'Cat Three']) {
      clients.push(await registerServiceUser(api, world.manager, world.serviceId, { name }));
    }
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    await allocate(api, world.manager, clients[1] ?? '', worker);
    const stranger = await addStaff(api, world.org, ['SUPPORT_WORKER']);

    // Act
    const strangers = await walk(stranger.token, world.serviceId, 1);
    const workers = await walk(worker.token, world.serviceId, 1);

    // Assess: the stranger is given one empty page and nothing to continue; the worker their one person, and no more
    expect(strangers.pages).toEqual([{ edges: [], pageInfo: { hasNextPage: false, endCursor: null } }]);
    expect(workers.pages).toHaveLength(1);
    expect(workers.pages[0]?.edges.map((edge) => edge.node.id)).toEqual([clients[1]]);
    expect(workers.pages[0]?.pageInfo.hasNextPage).toBe(false);
    const hidden = [clients[0], clients[2]].map((id) => localIdOf(id ?? ''));
    for (const text of [...strangers.cursorText, ...workers.cursorText]) {
      for (const id of hidden) expect(text).not.toContain(id);
    }
  });

  it('continues past many hidden people with a sealed cursor, each visible person once', async () => {
    // Prepare: twelve people of a service; a worker allocated to the first and the last
    const world = await serviceWorld(api);
    const clients: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      clients.push(
        await registerServiceUser(api, world.manager, world.serviceId, { name: `Person ${index}` }),
      );
    }
    const byId = [...clients].sort((a, b) => localIdOf(a).localeCompare(localIdOf(b)));
    const mine = [byId[0] ?? '', byId[11] ?? ''];
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    for (const client of mine) await allocate(api, world.manager, client, worker);

    // Act: one at a time, so that a page stops at its bound of reads before it finds the last person
    const walked = await walk(worker.token, world.serviceId, 1);

    // Assess: both people, once each. The first page stopped before it found the second: it continues from past the
    // people it examined (not from the person it returned), and no cursor names anyone hidden
    expect(walked.pages.map((page) => page.edges.map((edge) => edge.node.id))).toEqual([
      [mine[0]],
      [mine[1]],
    ]);
    const [first, second] = walked.pages;
    expect(first?.pageInfo.hasNextPage).toBe(true);
    expect(first?.pageInfo.endCursor).not.toBe(first?.edges[0]?.cursor);
    expect(second?.pageInfo.hasNextPage).toBe(false);
    // A continuation altered by one character continues nothing: BAD_USER_INPUT, as any cursor not of this list
    const [kind, service, sealed] = JSON.parse(
      Buffer.from(first?.pageInfo.endCursor ?? '', 'base64url').toString('utf8'),
    ) as string[];
    const altered = `${sealed?.slice(0, -2)}${sealed?.endsWith('AA') ? 'AB' : 'AA'}`;
    const refused = await api.graphql<List>(LIST, {
      token: worker.token,
      variables: {
        s: world.serviceId,
        first: 1,
        after: Buffer.from(JSON.stringify([kind, service, altered])).toString('base64url'),
      },
    });
    expect(errorsOf(refused)).toEqual([{ code: 'BAD_USER_INPUT', path: ['serviceUsers'], field: ['after'] }]);
    const hidden = byId.slice(1, 11).map(localIdOf);
    for (const text of walked.cursorText) for (const id of hidden) expect(text).not.toContain(id);
  });

  it('first: 0 asks for nobody: an empty page in every store-paged list, and more to come', async () => {
    // Prepare: two people of a service, one of them with a consent (a list the generic store paging reads).
    const world = await serviceWorld(api);
    const first = await registerServiceUser(api, world.manager, world.serviceId, { name: 'Ann One' });
    await registerServiceUser(api, world.manager, world.serviceId, { name: 'Ben Two' });
    expectNoErrors(
      await api.graphql('mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { id } }', {
        token: world.manager.token,
        variables: {
          input: { serviceUserId: first, method: 'SIGNED_FORM', givenBy: 'CLIENT', scope: 'FAMILY' },
        },
      }),
    );

    // Act
    const people = await api.graphql<List>(LIST, {
      token: world.manager.token,
      variables: { s: world.serviceId, first: 0 },
    });
    const consents = await api.graphql<{
      serviceUser: { consentsConnection: { edges: unknown[]; pageInfo: { hasNextPage: boolean } } };
    }>(
      `query ($id: ID!) { serviceUser(id: $id) {
        consentsConnection(first: 0) { edges { cursor } pageInfo { hasNextPage } }
      } }`,
      { token: world.manager.token, variables: { id: first } },
    );

    // Assess: no one returned (the relay lists such as caseload answer the same), and more to come.
    expectNoErrors(people);
    expectNoErrors(consents);
    expect(people.data?.serviceUsers.edges).toEqual([]);
    expect(people.data?.serviceUsers.pageInfo.hasNextPage).toBe(true);
    expect(consents.data?.serviceUser.consentsConnection.edges).toEqual([]);
    expect(consents.data?.serviceUser.consentsConnection.pageInfo.hasNextPage).toBe(true);
  });
});
