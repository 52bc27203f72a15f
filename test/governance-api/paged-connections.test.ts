import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import {
  addStaff,
  approvalIdOf,
  onboardTestOrganisation,
  secondAdmin,
  type TestOrganisation,
} from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Issue 19: the connections that replace growing plain lists page in the store. Each is walked a page of two at a
 * time through more items than one page holds, must list exactly what its deprecated list lists (same order), and
 * must refuse (or show nothing to) whoever the deprecated list refuses.
 */

const api: TestApi = testApi();

interface Edge {
  cursor: string;
  node: { id: string };
}
interface Connection {
  edges: Edge[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Every node id of a connection, read `first` at a time; `field` is the connection's path from the root (a
 * nested one under its parent's selection), `query` takes `$first` and `$after`.
 */
async function walk(
  query: string,
  path: readonly string[],
  token: string,
  variables: Record<string, unknown> = {},
  first = 2,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const result = await api.graphql(query, { token, variables: { ...variables, first, after } });
    expectNoErrors(result);
    const connection = path.reduce<unknown>(
      (value, key) => (value as Record<string, unknown>)[key],
      result.data,
    ) as Connection;
    pages += 1;
    expect(connection.edges.length).toBeLessThanOrEqual(first);
    ids.push(...connection.edges.map((edge) => edge.node.id));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
    expect(pages).toBeLessThan(50);
  }
  return { ids, pages };
}

const PAGE = 'edges { cursor node { id } } pageInfo { hasNextPage endCursor }';

interface ReviewWorld {
  org: TestOrganisation;
  manager: Person;
  otherManager: Person;
  worker: Person;
  guardian: Person;
  ig: Person;
  client: string;
}

async function reviewWorld(): Promise<ReviewWorld> {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const { manager: otherManager } = await createServiceWithManager(api, org);
  const [worker, guardian, ig] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
    addStaff(api, org, ['IG_LEAD']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  return { org, manager, otherManager, worker, guardian, ig, client };
}

describe('review queues page in the store', () => {
  let world: ReviewWorld;
  beforeAll(async () => {
    world = await reviewWorld();
    const note = await recordNote(api, world.worker, world.client, 'SAFEGUARDING_CONCERN', 'Said he would.');
    for (let n = 0; n < 5; n += 1) {
      expectNoErrors(
        await api.graphql(
          'mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }',
          {
            token: world.worker.token,
            variables: {
              input: {
                serviceUserId: world.client,
                recipient: 'Neighbourhood team',
                legalBasis: 'SAFEGUARDING',
                reasoning: 'Threat to a neighbour',
                itemIds: [note],
                clientInformed: true,
              },
            },
          },
        ),
      );
    }
    const breakers = await Promise.all([0, 1, 2].map(() => addStaff(api, world.org, ['SUPPORT_WORKER'])));
    for (const breaker of breakers) {
      expectNoErrors(
        await api.graphql(
          'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: "Found unresponsive") { id } }',
          { token: breaker.token, variables: { c: world.client } },
        ),
      );
    }
  });

  const cases = [
    {
      connection: 'disclosureReviewsConnection',
      list: 'disclosureReviews',
      count: 5,
      field: 'DisclosureReview',
      pending: 'PENDING',
    },
    {
      connection: 'emergencyAccessReviewsConnection',
      list: 'emergencyAccessReviews',
      count: 3,
      field: 'EmergencyAccessReview',
      pending: '"PENDING"',
    },
  ];

  it.each(cases)('$connection pages through what $list lists, newest first', async (c) => {
    // Prepare
    const query = `query ($first: Int, $after: String) { ${c.connection}(first: $first, after: $after) { ${PAGE} } }`;
    const list = await api.graphql<Record<string, { id: string }[]>>(`{ ${c.list} { id } }`, {
      token: world.guardian.token,
    });
    expectNoErrors(list);

    // Act
    const byGuardian = await walk(query, [c.connection], world.guardian.token);
    const byManager = await walk(query, [c.connection], world.manager.token);
    const byPending = await walk(
      `query ($first: Int, $after: String) { ${c.connection}(first: $first, after: $after, status: ${c.pending}) { ${PAGE} } }`,
      [c.connection],
      world.guardian.token,
    );

    // Assess
    expect(byGuardian.ids).toHaveLength(c.count);
    expect(byGuardian.pages).toBeGreaterThan(1);
    expect(new Set(byGuardian.ids).size).toBe(c.count);
    expect(byGuardian.ids).toEqual(list.data?.[c.list]?.map((review) => review.id));
    expect(byManager.ids).toEqual(byGuardian.ids);
    expect(byPending.ids).toEqual(byGuardian.ids);
  });

  it.each(cases)(
    '$connection shows nothing to whom $list shows nothing, and refuses the unauthenticated',
    async (c) => {
      // Prepare
      const query = `{ ${c.connection}(first: 10) { ${PAGE} } }`;

      // Act
      const byWorker = await api.graphql<Record<string, Connection>>(query, { token: world.worker.token });
      const byOtherManager = await api.graphql<Record<string, Connection>>(query, {
        token: world.otherManager.token,
      });
      const anonymous = await api.graphql(query);

      // Assess
      expectNoErrors(byWorker);
      expect(byWorker.data?.[c.connection]?.edges).toEqual([]);
      expectNoErrors(byOtherManager);
      expect(byOtherManager.data?.[c.connection]?.edges).toEqual([]);
      expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
    },
  );

  it.each(cases)('$connection records the reviews on the page against their person', async (c) => {
    // Prepare
    const scope = tenantScope(world.org.orgId);
    const before = await api.services.auditLog.byActor(scope, world.guardian.staffId, { limit: 1000 });

    // Act
    const page = await api.graphql<Record<string, Connection>>(`{ ${c.connection}(first: 2) { ${PAGE} } }`, {
      token: world.guardian.token,
    });

    // Assess
    expectNoErrors(page);
    const after = await api.services.auditLog.byActor(scope, world.guardian.staffId, { limit: 1000 });
    const known = new Set(before.map((event) => event.eventId));
    const recorded = after.filter(
      (event) =>
        !known.has(event.eventId) && event.operation === c.connection && event.fields.includes(c.field),
    );
    expect(page.data?.[c.connection]?.edges).toHaveLength(2);
    expect(recorded.length).toBeGreaterThan(0);
    for (const event of recorded) {
      expect(event.subjectId).toBe(localIdOf(world.client));
    }
  });

  it('refuses a cursor of another list, and paging backwards', async () => {
    // Prepare
    const first = await api.graphql<Record<string, Connection>>(
      `{ disclosureReviewsConnection(first: 1) { ${PAGE} } }`,
      { token: world.guardian.token },
    );
    const cursor = first.data?.disclosureReviewsConnection?.pageInfo.endCursor;

    // Act
    const foreign = await api.graphql(
      `query ($after: String) { emergencyAccessReviewsConnection(first: 1, after: $after) { ${PAGE} } }`,
      { token: world.guardian.token, variables: { after: cursor } },
    );
    const filtered = await api.graphql(
      `query ($after: String) { disclosureReviewsConnection(first: 1, after: $after, status: COMPLETED) { ${PAGE} } }`,
      { token: world.guardian.token, variables: { after: cursor } },
    );
    const backwards = await api.graphql(`{ disclosureReviewsConnection(last: 1) { ${PAGE} } }`, {
      token: world.guardian.token,
    });

    // Assess
    expect(cursor).toEqual(expect.any(String));
    expect(codes(foreign)).toEqual(['BAD_USER_INPUT']);
    expect(codes(filtered)).toEqual(['BAD_USER_INPUT']);
    expect(codes(backwards)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('pending changes page in the store', () => {
  it('pendingChangesConnection pages through what pendingChanges lists, and shows none to the proposer or a worker', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const approver = await secondAdmin(api, org);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    for (let n = 0; n < 5; n += 1) {
      const proposed = await api.graphql(
        'mutation ($input: AddStaffMemberInput!) { addStaffMember(input: $input) { id } }',
        {
          token: org.adminToken,
          variables: {
            input: {
              handle: `proposed-${n}-${org.slug}`,
              displayName: 'Proposed',
              roles: ['SUPPORT_WORKER'],
            },
          },
        },
      );
      expect(approvalIdOf(proposed)).toEqual(expect.any(String));
    }
    const query = `query ($first: Int, $after: String) { pendingChangesConnection(first: $first, after: $after) { ${PAGE} } }`;
    const list = await api.graphql<{ pendingChanges: { id: string }[] }>('{ pendingChanges { id } }', {
      token: approver.token,
    });
    expectNoErrors(list);

    // Act
    const byApprover = await walk(query, ['pendingChangesConnection'], approver.token);
    const byProposer = await walk(query, ['pendingChangesConnection'], org.adminToken);
    const byWorker = await walk(query, ['pendingChangesConnection'], worker.token);
    const anonymous = await api.graphql('{ pendingChangesConnection(first: 2) { edges { cursor } } }');

    // Assess
    expect(byApprover.ids).toHaveLength(5);
    expect(byApprover.pages).toBeGreaterThan(1);
    expect([...byApprover.ids].sort()).toEqual(list.data?.pendingChanges.map((change) => change.id).sort());
    expect(byProposer.ids).toEqual([]);
    expect(byWorker.ids).toEqual([]);
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });
});
