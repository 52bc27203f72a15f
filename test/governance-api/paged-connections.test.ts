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
import { localIdOf, serviceUserToken } from '../support/records-fixtures';
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
 * nested one under its parent's selection), `query` takes `$first` and `$after`. More than `maxPages` pages fails
 * the test: a connection that never ends.
 */
async function walk(
  query: string,
  path: readonly string[],
  token: string,
  variables: Record<string, unknown> = {},
  first = 2,
  maxPages = 50,
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
    expect(pages).toBeLessThan(maxPages);
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
  serviceId: string;
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
  return { org, manager, otherManager, worker, guardian, ig, client, serviceId };
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

/**
 * A nested connection beside its deprecated list: walked a page of two at a time by `reader`, it lists the same
 * items; for every one of `people` it answers as the list does (the same error codes, null where the list is null).
 */
async function compareNested(spec: {
  parent: string;
  variables: Record<string, unknown>;
  list: string;
  connection: string;
  reader: Person;
  people: readonly Person[];
  count: number;
}) {
  const root = spec.parent.split('(')[0] ?? '';
  const walked = await walk(
    `query ($id: ID!, $first: Int, $after: String) { ${spec.parent} { ${spec.connection}(first: $first, after: $after) { ${PAGE} } } }`,
    [root, spec.connection],
    spec.reader.token,
    spec.variables,
  );
  const listed = await api.graphql<Record<string, Record<string, { id: string }[]>>>(
    `query ($id: ID!) { ${spec.parent} { ${spec.list} { id } } }`,
    { token: spec.reader.token, variables: spec.variables },
  );
  expectNoErrors(listed);
  expect(walked.ids).toHaveLength(spec.count);
  expect(walked.pages).toBeGreaterThan(1);
  expect([...walked.ids].sort()).toEqual(listed.data?.[root]?.[spec.list]?.map((item) => item.id).sort());
  const refusals: unknown[][] = [];
  for (const person of spec.people) {
    const [asList, asConnection] = await Promise.all([
      api.graphql<Record<string, Record<string, unknown> | null>>(
        `query ($id: ID!) { ${spec.parent} { ${spec.list} { id } } }`,
        { token: person.token, variables: spec.variables },
      ),
      api.graphql<Record<string, Record<string, unknown> | null>>(
        `query ($id: ID!) { ${spec.parent} { ${spec.connection}(first: 100) { edges { node { id } } } } }`,
        { token: person.token, variables: spec.variables },
      ),
    ]);
    expect(codes(asConnection)).toEqual(codes(asList));
    expect(asConnection.data?.[root]?.[spec.connection] ?? null).toEqual(
      (asList.data?.[root]?.[spec.list] ?? null) === null ? null : expect.anything(),
    );
    refusals.push(codes(asList) ?? []);
  }
  // The comparison means something only if someone is refused.
  expect(refusals.some((found) => found.length > 0)).toBe(true);
}

describe('a person’s and a staff member’s lists page in the store', () => {
  let world: ReviewWorld;
  let others: Person[];
  beforeAll(async () => {
    world = await reviewWorld();
    const [volunteer, stranger, hr] = await Promise.all([
      addStaff(api, world.org, ['VOLUNTEER']),
      addStaff(api, world.org, ['SUPPORT_WORKER']),
      addStaff(api, world.org, ['HR_OFFICER']),
    ]);
    await allocate(api, world.manager, world.client, volunteer);
    others = [world.manager, world.worker, volunteer, stranger, hr, world.ig, world.guardian];
  });

  it('ServiceUser.consentsConnection and mediaConnection page what consents and media list', async () => {
    // Prepare
    for (let n = 0; n < 3; n += 1) {
      expectNoErrors(
        await api.graphql(
          'mutation ($id: ID!) { recordConsent(input: { serviceUserId: $id, scope: PUBLICITY_IMAGES, method: SIGNED_FORM, givenBy: CLIENT }) { id } }',
          { token: world.manager.token, variables: { id: world.client } },
        ),
      );
      expectNoErrors(
        await api.graphql('mutation ($input: RecordMediaInput!) { recordMedia(input: $input) { id } }', {
          token: world.worker.token,
          variables: {
            input: {
              serviceUserId: world.client,
              kind: 'PHOTO',
              purpose: 'PUBLICITY',
              caption: `Summer fair ${n}`,
              objectReference: `s3://confide-media/fair-${n}.jpg`,
            },
          },
        }),
      );
    }
    const parent = 'serviceUser(id: $id)';
    const variables = { id: world.client };

    // Act and assess
    await compareNested({
      parent,
      variables,
      list: 'consents',
      connection: 'consentsConnection',
      reader: world.manager,
      people: others,
      count: 3,
    });
    await compareNested({
      parent,
      variables,
      list: 'media',
      connection: 'mediaConnection',
      reader: world.manager,
      people: others,
      count: 3,
    });
  });

  it('ServiceUser.referralsConnection and disclosureRegisterConnection page what referrals and disclosureRegister list', async () => {
    // Prepare
    const clientId = `pa-${org8()}`;
    const registered = await api.graphql<{ registerPartnerAgency: { id: string } }>(
      'mutation ($c: String!) { registerPartnerAgency(name: "Community mental health team", clientId: $c) { id } }',
      { token: world.org.adminToken, variables: { c: clientId } },
    );
    expectNoErrors(registered);
    const note = await recordNote(api, world.worker, world.client, 'SAFEGUARDING_CONCERN', 'Said he would.');
    for (let n = 0; n < 3; n += 1) {
      expectNoErrors(
        await api.graphql(
          'mutation ($input: RecordReferralInput!) { recordReferral(input: $input) { id } }',
          {
            token: world.manager.token,
            variables: {
              input: {
                serviceUserId: world.client,
                partnerId: registered.data?.registerPartnerAgency.id,
                referrerReference: `CMHT/${n}/${org8()}`,
                receivedOn: new Date().toISOString().slice(0, 10),
              },
            },
          },
        ),
      );
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
    const parent = 'serviceUser(id: $id)';
    const variables = { id: world.client };

    // Act and assess
    await compareNested({
      parent,
      variables,
      list: 'referrals',
      connection: 'referralsConnection',
      reader: world.manager,
      people: others,
      count: 3,
    });
    const register = await api.graphql<{ serviceUser: { disclosureRegister: unknown[] } }>(
      'query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { requestId } } }',
      { token: world.manager.token, variables },
    );
    const walked = await walk(
      `query ($id: ID!, $first: Int, $after: String) { serviceUser(id: $id) { disclosureRegisterConnection(first: $first, after: $after) { edges { cursor node { id: requestId } } pageInfo { hasNextPage endCursor } } } }`,
      ['serviceUser', 'disclosureRegisterConnection'],
      world.manager.token,
      variables,
    );
    expect(walked.ids).toHaveLength(register.data?.serviceUser.disclosureRegister.length ?? -1);
    expect(walked.pages).toBeGreaterThan(1);
    for (const person of others) {
      const [asList, asConnection] = await Promise.all([
        api.graphql('query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { requestId } } }', {
          token: person.token,
          variables,
        }),
        api.graphql(
          'query ($id: ID!) { serviceUser(id: $id) { disclosureRegisterConnection(first: 100) { edges { cursor } } } }',
          { token: person.token, variables },
        ),
      ]);
      expect(codes(asConnection)).toEqual(codes(asList));
    }
  });

  it('PersonnelRecord.referencePermissionsConnection and releasedReferencesConnection page what their lists list', async () => {
    // Prepare
    const [subject, hr, colleague] = await Promise.all([
      addStaff(api, world.org, ['SUPPORT_WORKER']),
      addStaff(api, world.org, ['HR_OFFICER']),
      addStaff(api, world.org, ['SERVICE_MANAGER']),
    ]);
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    for (const recipient of ['Acme Lettings', 'Northern Bank', 'City Council']) {
      expectNoErrors(
        await api.graphql(
          'mutation ($id: ID!, $r: String!, $e: DateTime!) { recordReferencePermission(staffId: $id, recipient: $r, expiresAt: $e) { id } }',
          { token: subject.token, variables: { id: subject.globalId, r: recipient, e: expiresAt } },
        ),
      );
      expectNoErrors(
        await api.graphql(
          'mutation ($id: ID!, $r: String!, $s: String!) { releaseReference(staffId: $id, recipient: $r, summary: $s) { id } }',
          { token: hr.token, variables: { id: subject.globalId, r: recipient, s: 'Reliable and punctual.' } },
        ),
      );
    }
    const parent = 'personnelRecord(staffId: $id)';
    const variables = { id: subject.globalId };
    const people = [subject, hr, colleague, world.worker, world.ig];

    // Act and assess
    await compareNested({
      parent,
      variables,
      list: 'referencePermissions',
      connection: 'referencePermissionsConnection',
      reader: hr,
      people,
      count: 3,
    });
    await compareNested({
      parent,
      variables,
      list: 'releasedReferences',
      connection: 'releasedReferencesConnection',
      reader: hr,
      people,
      count: 3,
    });
  });
});

const org8 = () => Math.random().toString(36).slice(2, 10);

describe('a service’s members and the partner agencies page', () => {
  it('Service.membersConnection pages the member ids held in the service item, as members lists them', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const { serviceId, senior } = await createServiceWithManager(api, org);
    const staff = await Promise.all([0, 1, 2, 3, 4].map(() => addStaff(api, org, ['SUPPORT_WORKER'])));
    for (const member of staff) {
      expectNoErrors(
        await api.graphql(
          'mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }',
          {
            token: senior.token,
            variables: { s: serviceId, m: member.globalId },
          },
        ),
      );
    }

    // Act
    const walked = await walk(
      `query ($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Service { membersConnection(first: $first, after: $after) { ${PAGE} } } } }`,
      ['node', 'membersConnection'],
      senior.token,
      { id: serviceId },
    );
    const listed = await api.graphql<{ node: { members: { id: string }[] } }>(
      'query ($id: ID!) { node(id: $id) { ... on Service { members { id } } } }',
      { token: senior.token, variables: { id: serviceId } },
    );
    // A partner agency's app may not open services (policy `service.list`).
    const partnerClient = `pa-${org8()}`;
    expectNoErrors(
      await api.graphql(
        'mutation ($c: String!) { registerPartnerAgency(name: "Agency", clientId: $c) { id } }',
        {
          token: org.adminToken,
          variables: { c: partnerClient },
        },
      ),
    );
    const partner = await api.token({ sub: partnerClient, client_id: partnerClient, org_id: org.orgId });
    const byPartner = await api.graphql(
      'query ($id: ID!) { node(id: $id) { ... on Service { membersConnection(first: 2) { edges { cursor } } } } }',
      { token: partner, variables: { id: serviceId } },
    );
    const listedByPartner = await api.graphql(
      'query ($id: ID!) { node(id: $id) { ... on Service { members { id } } } }',
      { token: partner, variables: { id: serviceId } },
    );

    // Assess
    expectNoErrors(listed);
    expect(walked.ids).toHaveLength(5);
    expect(walked.pages).toBe(3);
    expect([...walked.ids].sort()).toEqual(listed.data?.node.members.map((member) => member.id).sort());
    expect(codes(byPartner)).toEqual(codes(listedByPartner));
    expect(codes(byPartner)?.length).toBeGreaterThan(0);
  });

  it('partnerAgenciesConnection and partnerAgencyDirectoryConnection page the partners, refusing whom the lists refuse', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const [manager, worker] = await Promise.all([
      addStaff(api, org, ['SERVICE_MANAGER']),
      addStaff(api, org, ['SUPPORT_WORKER']),
    ]);
    for (let n = 0; n < 5; n += 1) {
      expectNoErrors(
        await api.graphql(
          'mutation ($c: String!) { registerPartnerAgency(name: "Agency", clientId: $c) { id } }',
          {
            token: org.adminToken,
            variables: { c: `pa-${org8()}` },
          },
        ),
      );
    }
    const cases = [
      { list: 'partnerAgencies', connection: 'partnerAgenciesConnection', reader: org.adminToken },
      {
        list: 'partnerAgencyDirectory',
        connection: 'partnerAgencyDirectoryConnection',
        reader: manager.token,
      },
    ];

    for (const c of cases) {
      // Act
      const walked = await walk(
        `query ($first: Int, $after: String) { ${c.connection}(first: $first, after: $after) { ${PAGE} } }`,
        [c.connection],
        c.reader,
      );
      const listed = await api.graphql<Record<string, { id: string }[]>>(`{ ${c.list} { id } }`, {
        token: c.reader,
      });
      const byWorker = await api.graphql(`{ ${c.connection}(first: 2) { edges { cursor } } }`, {
        token: worker.token,
      });
      const listedByWorker = await api.graphql(`{ ${c.list} { id } }`, { token: worker.token });

      // Assess
      expect(walked.ids).toHaveLength(5);
      expect(walked.pages).toBe(3);
      expect([...walked.ids].sort()).toEqual(listed.data?.[c.list]?.map((partner) => partner.id).sort());
      expect(codes(listedByWorker)).toEqual(['FORBIDDEN']);
      expect(codes(byWorker)).toEqual(['FORBIDDEN']);
    }
  });
});

describe('subject access lists page in the store', () => {
  let world: ReviewWorld;
  beforeAll(async () => {
    world = await reviewWorld();
  });

  it('mySubjectAccessRequestsConnection pages the person’s own requests only, and refuses staff as the list does', async () => {
    // Prepare: requests stored directly (one open at a time through the API), of this person and of another.
    const scope = tenantScope(world.org.orgId);
    const other = localIdOf(await registerServiceUser(api, world.manager, world.serviceId));
    for (const [client, count] of [
      [localIdOf(world.client), 3],
      [other, 2],
    ] as const) {
      for (let n = 0; n < count; n += 1) {
        await api.services.subjectAccess.open(scope, {
          clientId: client,
          receivedOn: `2026-0${n + 1}-1${n}`,
          requestedBy: client,
          openedByPerson: true,
        });
      }
    }
    const self = await serviceUserToken(api, world.org.orgId, world.client);
    const query = `query ($first: Int, $after: String) { mySubjectAccessRequestsConnection(first: $first, after: $after) { ${PAGE} } }`;

    // Act
    const walked = await walk(query, ['mySubjectAccessRequestsConnection'], self);
    const listed = await api.graphql<{ mySubjectAccessRequests: { id: string }[] }>(
      '{ mySubjectAccessRequests { id } }',
      { token: self },
    );
    const byStaff = await api.graphql(
      '{ mySubjectAccessRequestsConnection(first: 2) { edges { cursor } } }',
      {
        token: world.manager.token,
      },
    );
    const listedByStaff = await api.graphql('{ mySubjectAccessRequests { id } }', {
      token: world.manager.token,
    });

    // Assess
    expectNoErrors(listed);
    expect(walked.ids).toHaveLength(3);
    expect(walked.pages).toBeGreaterThan(1);
    expect(walked.ids).toEqual(listed.data?.mySubjectAccessRequests.map((request) => request.id));
    expect(codes(listedByStaff)?.length).toBeGreaterThan(0);
    expect(codes(byStaff)).toEqual(codes(listedByStaff));
  });

  it('subjectAccessExportNoticesConnection pages the notices newest first, and refuses whom the list refuses', async () => {
    // Prepare
    const scope = tenantScope(world.org.orgId);
    for (let n = 0; n < 5; n += 1) {
      await api.services.subjectAccess.recordStaffExport(scope, {
        requestId: `sar_notice${n}`,
        clientId: localIdOf(world.client),
        readBy: world.manager.staffId,
        approvedBy: undefined,
        classifications: ['CARE'],
      });
    }
    const query = `query ($first: Int, $after: String) { subjectAccessExportNoticesConnection(first: $first, after: $after) { ${PAGE} } }`;

    // Act
    const walked = await walk(query, ['subjectAccessExportNoticesConnection'], world.guardian.token);
    const listed = await api.graphql<{ subjectAccessExportNotices: { id: string }[] }>(
      '{ subjectAccessExportNotices { id } }',
      { token: world.guardian.token },
    );
    const byWorker = await api.graphql(
      '{ subjectAccessExportNoticesConnection(first: 2) { edges { cursor } } }',
      {
        token: world.worker.token,
      },
    );

    // Assess
    expectNoErrors(listed);
    expect(walked.ids).toHaveLength(5);
    expect(walked.pages).toBe(3);
    expect(walked.ids).toEqual(listed.data?.subjectAccessExportNotices.map((notice) => notice.id));
    expect(codes(byWorker)).toEqual(['FORBIDDEN']);
  });
});

describe('the deployment’s organisations page in the store', () => {
  it('organisationsConnection pages what organisations lists, for operators only', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    await Promise.all([0, 1, 2].map(() => onboardTestOrganisation(api)));
    const operator = await api.operatorToken();
    const query = `query ($first: Int, $after: String) { organisationsConnection(first: $first, after: $after) { ${PAGE} } }`;

    // Act: the stack holds this run's organisations, at least four. Other test files onboard and offboard
    // organisations in the same stack meanwhile, so the list is read before and after the walk.
    const listAll = () =>
      api.graphql<{ organisations: { id: string }[] }>('{ organisations { id } }', { token: operator });
    const before = await listAll();
    // The stack holds every organisation the run's files onboarded so far (a hundred and more by the end of a run):
    // the walk may take a page per two of them, and one per two onboarded meanwhile.
    const held = before.data?.organisations.length ?? 0;
    const walked = await walk(query, ['organisationsConnection'], operator, {}, 2, held + 50);
    const listed = await listAll();
    const byStaff = await api.graphql('{ organisationsConnection(first: 2) { edges { cursor } } }', {
      token: org.adminToken,
    });
    const listedByStaff = await api.graphql('{ organisations { id } }', { token: org.adminToken });

    // Assess
    expectNoErrors(before);
    expectNoErrors(listed);
    expect(walked.pages).toBeGreaterThan(1);
    // The walk lists exactly what the list does: every organisation present before and after it, in the list's
    // order, none twice, and nothing the list never held (one onboarded or offboarded meanwhile may be either way).
    const earlier = before.data?.organisations.map((organisation) => organisation.id) ?? [];
    const later = listed.data?.organisations.map((organisation) => organisation.id) ?? [];
    const stable = earlier.filter((id) => later.includes(id));
    expect(walked.ids.filter((id) => stable.includes(id))).toEqual(stable);
    expect(walked.ids.filter((id) => !earlier.includes(id) && !later.includes(id))).toEqual([]);
    expect(new Set(walked.ids).size).toBe(walked.ids.length);
    expect(walked.ids).toContain(org.orgId);
    expect(codes(listedByStaff)).toEqual(['FORBIDDEN']);
    expect(codes(byStaff)).toEqual(['FORBIDDEN']);
  });
});

describe('a partner’s referrals page in the store', () => {
  it('myReferralsConnection pages what myReferrals lists, and refuses staff as the list does', async () => {
    // Prepare
    const world = await reviewWorld();
    const partnerClient = `pa-${org8()}`;
    const registered = await api.graphql<{ registerPartnerAgency: { id: string } }>(
      'mutation ($c: String!) { registerPartnerAgency(name: "Community mental health team", clientId: $c) { id } }',
      { token: world.org.adminToken, variables: { c: partnerClient } },
    );
    expectNoErrors(registered);
    for (let n = 0; n < 3; n += 1) {
      expectNoErrors(
        await api.graphql(
          'mutation ($input: RecordReferralInput!) { recordReferral(input: $input) { id } }',
          {
            token: world.manager.token,
            variables: {
              input: {
                serviceUserId: world.client,
                partnerId: registered.data?.registerPartnerAgency.id,
                referrerReference: `CMHT/${n}/${org8()}`,
                receivedOn: new Date().toISOString().slice(0, 10),
              },
            },
          },
        ),
      );
    }
    const partner = await api.token({
      sub: partnerClient,
      client_id: partnerClient,
      org_id: world.org.orgId,
    });
    const query = `query ($first: Int, $after: String) { myReferralsConnection(first: $first, after: $after) { edges { cursor node { id: reference } } pageInfo { hasNextPage endCursor } } }`;

    // Act
    const walked = await walk(query, ['myReferralsConnection'], partner);
    const listed = await api.graphql<{ myReferrals: { reference: string }[] }>(
      '{ myReferrals { reference } }',
      {
        token: partner,
      },
    );
    const byStaff = await api.graphql('{ myReferralsConnection(first: 2) { edges { cursor } } }', {
      token: world.manager.token,
    });
    const listedByStaff = await api.graphql('{ myReferrals { reference } }', { token: world.manager.token });

    // Assess
    expectNoErrors(listed);
    expect(walked.ids).toHaveLength(3);
    expect(walked.pages).toBeGreaterThan(1);
    expect([...walked.ids].sort()).toEqual(
      listed.data?.myReferrals.map((referral) => referral.reference).sort(),
    );
    expect(codes(listedByStaff)?.length).toBeGreaterThan(0);
    expect(codes(byStaff)).toEqual(codes(listedByStaff));
  });
});

describe('a case in supervision pages its notes in the store', () => {
  it('SupervisionCase.notesConnection pages the CARE notes notes lists, and refuses whom supervisionCase refuses', async () => {
    // Prepare
    const world = await reviewWorld();
    for (let n = 0; n < 3; n += 1) {
      await recordNote(api, world.worker, world.client, 'DAILY_SUPPORT', `Ordinary day ${n}.`);
    }
    await recordNote(api, world.worker, world.client, 'SAFEGUARDING_CONCERN', 'Not a CARE note.');
    const variables = { id: world.client };
    const query = `query ($id: ID!, $first: Int, $after: String) { supervisionCase(serviceUserId: $id) { notesConnection(first: $first, after: $after) { edges { cursor node { id: recordedAt } } pageInfo { hasNextPage endCursor } } } }`;

    // Act
    const walked = await walk(query, ['supervisionCase', 'notesConnection'], world.manager.token, variables);
    const listed = await api.graphql<{ supervisionCase: { notes: { recordedAt: string }[] } }>(
      'query ($id: ID!) { supervisionCase(serviceUserId: $id) { notes { recordedAt } } }',
      { token: world.manager.token, variables },
    );
    const byWorker = await api.graphql(
      'query ($id: ID!) { supervisionCase(serviceUserId: $id) { notesConnection(first: 2) { edges { cursor } } } }',
      { token: world.worker.token, variables },
    );
    const listedByWorker = await api.graphql(
      'query ($id: ID!) { supervisionCase(serviceUserId: $id) { notes { recordedAt } } }',
      { token: world.worker.token, variables },
    );

    // Assess
    expectNoErrors(listed);
    expect(walked.ids).toHaveLength(3);
    expect(walked.pages).toBeGreaterThan(1);
    expect([...walked.ids].sort()).toEqual(
      listed.data?.supervisionCase.notes.map((note) => note.recordedAt).sort(),
    );
    expect(codes(listedByWorker)?.length).toBeGreaterThan(0);
    expect(codes(byWorker)).toEqual(codes(listedByWorker));
  });
});
