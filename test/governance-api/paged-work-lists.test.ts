import {
  DeleteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ItemLoader, MAX_RELEASED_ITEMS, tenantScope } from '@confide/store';
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
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { type GraphqlResult, type TestApi, testApi } from '../support/test-api';

/**
 * Issue 19: the four growing lists left unpaged by the first round (test/governance-api/paged-lists.test.ts) get
 * cursor connections. Each is walked a page of two at a time through more items than one page holds, must list
 * exactly what its deprecated list lists (same order), and must refuse (or show nothing to) whoever the deprecated
 * list refuses. Kept apart from paged-connections.test.ts so that file does not grow.
 */

const api: TestApi = testApi();

interface Connection<N> {
  edges: { cursor: string; node: N }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';

/**
 * Every node of a connection, read `first` at a time; `pick` finds the connection in a result, `query` takes
 * `$first` and `$after` (and any `variables`).
 */
async function walk<N>(
  query: string,
  pick: (data: unknown) => Connection<N>,
  token: string,
  variables: Record<string, unknown> = {},
  first = 2,
): Promise<{ nodes: N[]; pages: number; cursors: string[] }> {
  const nodes: N[] = [];
  const cursors: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const result: GraphqlResult = await api.graphql(query, {
      token,
      variables: { ...variables, first, after },
    });
    expectNoErrors(result);
    const connection = pick(result.data);
    pages += 1;
    expect(connection.edges.length).toBeLessThanOrEqual(first);
    nodes.push(...connection.edges.map((edge) => edge.node));
    cursors.push(...connection.edges.map((edge) => edge.cursor));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
    expect(pages).toBeLessThan(50);
  }
  return { nodes, pages, cursors };
}

/**
 * Takes out what a backfill must rebuild, straight from the table (as data written before the index was): each item
 * of `pk` whose sort key starts with `prefix` is deleted, or, with `unindex`, only its `gsi2` keys are removed.
 */
async function forgetIndexed(pk: string, prefix: string, unindex = false): Promise<number> {
  const dynamo: DynamoDBClient = api.services.dynamo;
  const TableName = api.services.config.tables.data;
  const { Items = [] } = await dynamo.send(
    new QueryCommand({
      TableName,
      KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk }, ...(prefix ? { ':prefix': { S: prefix } } : {}) },
      ConsistentRead: true,
    }),
  );
  for (const item of Items) {
    const Key = { pk: item.pk as { S: string }, sk: item.sk as { S: string } };
    await dynamo.send(
      unindex
        ? new UpdateItemCommand({ TableName, Key, UpdateExpression: 'REMOVE gsi2pk, gsi2sk' })
        : new DeleteItemCommand({ TableName, Key }),
    );
  }
  return Items.length;
}

/** The local id inside a global id (base64 of `<Type>:<id>`). */
const localIdOf = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1] ?? '';

// ── The disclosure work queue ─────────────────────────────────────────────────────────────────────────────

const RECEIVE =
  'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }';
const ESCALATE =
  'mutation ($c: ID!, $r: String!) { escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: "Scope is broad") { kind } }';
const DECIDE =
  'mutation ($c: ID!, $r: String!, $a: Boolean!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: $a, reasoning: "Considered") { kind } }';
const URGENCY =
  'mutation ($c: ID!, $r: String!, $u: Boolean!) { setDisclosureRequestUrgency(serviceUserId: $c, requestId: $r, urgent: $u) { kind } }';
const ACK =
  'mutation ($c: ID!, $r: String!) { acknowledgeDisclosureWork(serviceUserId: $c, requestId: $r) { kind } }';
const QUEUE_ITEM = 'kind requestId serviceUserId legalBasis since urgent';
const QUEUE_LIST = `{ disclosureWorkQueue { ${QUEUE_ITEM} } }`;
const QUEUE_CONNECTION = `query ($first: Int, $after: String) { disclosureWorkQueueConnection(first: $first, after: $after) { edges { cursor node { ${QUEUE_ITEM} } } ${PAGE_INFO} } }`;

interface QueueItem {
  kind: string;
  requestId: string;
  serviceUserId: string;
  legalBasis: string | null;
  since: string;
  urgent: boolean;
}

/** Receives a disclosure request about one of a person's notes, as `who`; returns its id. */
async function receive(
  who: Person,
  about: { client: string; note: string },
  legalBasis: string,
  urgent = false,
): Promise<string> {
  const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
    token: who.token,
    variables: {
      input: {
        serviceUserId: about.client,
        requesterOrganisation: 'Housing association',
        requesterContact: 'Duty officer',
        purpose: 'An enquiry',
        purposeCategory: 'OTHER',
        legalBasis,
        itemIds: [about.note],
        receivedOn: new Date().toISOString().slice(0, 10),
        identityCheck: 'DOCUMENT_CHECKED',
        urgent,
      },
    },
  });
  expectNoErrors(received);
  return received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
}

const queueConnection = (data: unknown) =>
  (data as { disclosureWorkQueueConnection: Connection<QueueItem> }).disclosureWorkQueueConnection;

describe('disclosureWorkQueueConnection pages the kept queue', () => {
  let org: TestOrganisation;
  let manager: Person;
  let otherManager: Person;
  let guardian: Person;
  let seniorManager: Person;
  let worker: Person;
  let mine: { client: string; note: string };
  let theirs: { client: string; note: string };

  const act = async (mutation: string, who: Person, variables: Record<string, unknown>) =>
    expectNoErrors(await api.graphql(mutation, { token: who.token, variables }));

  beforeAll(async () => {
    org = await onboardTestOrganisation(api);
    const a = await createServiceWithManager(api, org);
    const b = await createServiceWithManager(api, org);
    manager = a.manager;
    otherManager = b.manager;
    [guardian, seniorManager, worker] = await Promise.all([
      addStaff(api, org, ['CALDICOTT_GUARDIAN']),
      addStaff(api, org, ['SENIOR_MANAGER']),
      addStaff(api, org, ['SUPPORT_WORKER']),
    ]);
    const person = async (serviceId: string, owner: Person) => {
      const client = await registerServiceUser(api, owner, serviceId);
      await allocate(api, owner, client, worker);
      return {
        client,
        note: await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.'),
      };
    };
    mine = await person(a.serviceId, manager);
    theirs = await person(b.serviceId, otherManager);
    // Awaiting a decision: three of the first service (one marked urgent later, one urgent from receipt, one
    // marked urgent and then not), one of the other.
    const waiting = [
      await receive(manager, mine, 'CONSENT'),
      await receive(manager, mine, 'SAFEGUARDING', true),
      await receive(manager, mine, 'CONSENT'),
    ];
    await act(URGENCY, manager, { c: mine.client, r: waiting[0], u: true });
    await act(URGENCY, manager, { c: mine.client, r: waiting[2], u: true });
    await act(URGENCY, manager, { c: mine.client, r: waiting[2], u: false });
    await receive(otherManager, theirs, 'CONSENT');
    // The Guardian's: two escalated, one flagged decision; a court-order approval for the Guardian and the Senior
    // Manager, which the Senior Manager acknowledges; a refused request and an approved consent one (no work).
    for (const about of [mine, theirs]) {
      const owner = about === mine ? manager : otherManager;
      const escalated = await receive(owner, about, 'CONSENT');
      await act(ESCALATE, owner, { c: about.client, r: escalated });
    }
    const flagged = await receive(manager, mine, 'VITAL_INTERESTS');
    await act(DECIDE, manager, { c: mine.client, r: flagged, a: true });
    const courtOrders = [
      await receive(manager, mine, 'COURT_ORDER'),
      await receive(manager, mine, 'COURT_ORDER'),
    ];
    for (const r of courtOrders) await act(DECIDE, manager, { c: mine.client, r, a: true });
    await act(ACK, seniorManager, { c: mine.client, r: courtOrders[0] });
    const refused = await receive(manager, mine, 'CONSENT');
    await act(DECIDE, manager, { c: mine.client, r: refused, a: false });
  });

  it.each([
    ['the service manager', () => manager, 3],
    ['the other service’s manager', () => otherManager, 1],
    ['the Caldicott Guardian', () => guardian, 5],
    ['the Senior Manager', () => seniorManager, 1],
  ])(
    'walks %s’s queue a page of two at a time: the deprecated list’s items, in its order',
    async (_who, caller, count) => {
      // Prepare
      const list = await api.graphql<{ disclosureWorkQueue: QueueItem[] }>(QUEUE_LIST, {
        token: caller().token,
      });
      expectNoErrors(list);

      // Act
      const walked = await walk(QUEUE_CONNECTION, queueConnection, caller().token);

      // Assess
      expect(walked.nodes).toHaveLength(count);
      expect(walked.nodes).toEqual(list.data?.disclosureWorkQueue);
      expect(walked.pages).toBeGreaterThanOrEqual(Math.ceil(count / 2));
    },
  );

  it('puts urgent work first, then the longest waiting', async () => {
    // Act
    const walked = await walk(QUEUE_CONNECTION, queueConnection, manager.token);

    // Assess
    expect(walked.nodes.map((item) => item.urgent)).toEqual([true, true, false]);
    expect(walked.nodes.filter((item) => item.urgent).map((item) => item.since)).toEqual(
      walked.nodes
        .filter((item) => item.urgent)
        .map((item) => item.since)
        .sort(),
    );
  });

  it('refuses whom the deprecated list refuses, and a cursor of another caller’s queue', async () => {
    // Prepare
    const first = await api.graphql<{ disclosureWorkQueueConnection: Connection<QueueItem> }>(
      QUEUE_CONNECTION,
      { token: guardian.token, variables: { first: 1 } },
    );
    expectNoErrors(first);
    const cursor = first.data?.disclosureWorkQueueConnection.pageInfo.endCursor;

    // Act
    const byWorkerList = await api.graphql(QUEUE_LIST, { token: worker.token });
    const byWorker = await api.graphql(QUEUE_CONNECTION, { token: worker.token, variables: { first: 2 } });
    const anonymous = await api.graphql(QUEUE_CONNECTION, { variables: { first: 2 } });
    const foreign = await api.graphql(QUEUE_CONNECTION, {
      token: manager.token,
      variables: { first: 2, after: cursor },
    });

    // Assess
    expect(codes(byWorkerList)).toEqual(['FORBIDDEN']);
    expect(codes(byWorker)).toEqual(['FORBIDDEN']);
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(codes(foreign)).toEqual(['BAD_USER_INPUT']);
  });

  it('is rebuilt for work recorded before the queue was kept (keepExisting), acknowledgements included', async () => {
    // Prepare
    const scope = tenantScope(org.orgId);
    const before = await walk(QUEUE_CONNECTION, queueConnection, guardian.token);
    const seniorBefore = await walk(QUEUE_CONNECTION, queueConnection, seniorManager.token);
    expect(await forgetIndexed(scope.key('DISCLOSURE_QUEUE'), 'REQUEST#')).toBeGreaterThan(5);
    const emptied = await walk(QUEUE_CONNECTION, queueConnection, guardian.token);

    // Act
    const kept = await api.services.disclosureQueue.keepExisting(scope);
    const again = await api.services.disclosureQueue.keepExisting(scope);

    // Assess
    expect(emptied.nodes).toEqual([]);
    expect(kept).toBeGreaterThan(5);
    expect(again).toBe(0);
    expect((await walk(QUEUE_CONNECTION, queueConnection, guardian.token)).nodes).toEqual(before.nodes);
    expect((await walk(QUEUE_CONNECTION, queueConnection, seniorManager.token)).nodes).toEqual(
      seniorBefore.nodes,
    );
  });
});

describe('disclosureWorkQueueConnection and the deprecated list decide an item alike', () => {
  it('keeps a Guardian’s escalated request whose person is no longer held, as the list does: only a request awaiting a decision needs the person’s service', async () => {
    // Prepare: an escalated request, then the person's record taken out of the table (as an expired one reads)
    const org = await onboardTestOrganisation(api);
    const { manager, serviceId } = await createServiceWithManager(api, org);
    const [guardian, worker] = await Promise.all([
      addStaff(api, org, ['CALDICOTT_GUARDIAN']),
      addStaff(api, org, ['SUPPORT_WORKER']),
    ]);
    const client = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, client, worker);
    const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
    const requestId = await receive(manager, { client, note }, 'CONSENT');
    expectNoErrors(
      await api.graphql(ESCALATE, { token: manager.token, variables: { c: client, r: requestId } }),
    );
    const profile = `${tenantScope(org.orgId).key('CLIENT', localIdOf(client))}`;
    await api.services.dynamo.send(
      new DeleteItemCommand({
        TableName: api.services.config.tables.data,
        Key: { pk: { S: profile }, sk: { S: 'PROFILE' } },
      }),
    );

    // Act
    const list = await api.graphql<{ disclosureWorkQueue: QueueItem[] }>(QUEUE_LIST, {
      token: guardian.token,
    });
    const walked = await walk(QUEUE_CONNECTION, queueConnection, guardian.token);

    // Assess
    expectNoErrors(list);
    expect(list.data?.disclosureWorkQueue.map((item) => item.requestId)).toEqual([requestId]);
    expect(walked.nodes).toEqual(list.data?.disclosureWorkQueue);
  });
});

// ── Open breaches ───────────────────────────────────────────────────────────────────────────────────────────

const SUMMARY_BREACHES = `query ($p: ReportPeriod!) { informationGovernanceSummary(period: $p) { breaches { open openEntries { breachId regulatorDeadline source reportable } } } }`;
const OPEN_CONNECTION = `query ($p: ReportPeriod!, $first: Int, $after: String) { informationGovernanceSummary(period: $p) { breaches { openEntriesConnection(first: $first, after: $after) { edges { cursor node { breachId regulatorDeadline source reportable } } ${PAGE_INFO} } } } }`;

interface OpenEntry {
  breachId: string;
  regulatorDeadline: string;
  source: string;
  reportable: boolean | null;
}

const openEntries = (data: unknown) =>
  (data as { informationGovernanceSummary: { breaches: { openEntriesConnection: Connection<OpenEntry> } } })
    .informationGovernanceSummary.breaches.openEntriesConnection;

describe('IgBreaches.openEntriesConnection pages the open entries’ index', () => {
  let org: TestOrganisation;
  let ig: Person;
  let manager: Person;
  const period = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() };

  beforeAll(async () => {
    org = await onboardTestOrganisation(api);
    ig = await addStaff(api, org, ['IG_LEAD']);
    ({ manager } = await createServiceWithManager(api, org));
    const now = Date.now();
    // Six entries, two discovered at the same moment (ties by id); then one found not reportable and one notified.
    const discovered = [5, 3, 3, 8, 1, 6].map((hours) => new Date(now - hours * 3_600_000).toISOString());
    const ids: { id: string; version: number }[] = [];
    for (const discoveredAt of discovered) {
      const reported = await api.graphql<{ reportBreach: { id: string; version: number } }>(
        'mutation ($input: ReportBreachInput!) { reportBreach(input: $input) { id version } }',
        {
          token: ig.token,
          variables: {
            input: {
              discoveredAt,
              nature: 'Letter sent to the wrong address',
              categories: ['CONTACT'],
              approximateSubjects: 1,
            },
          },
        },
      );
      expectNoErrors(reported);
      ids.push(reported.data?.reportBreach as { id: string; version: number });
    }
    const assess = (breach: { id: string; version: number }, reportable: boolean, notified?: string) =>
      api.graphql(
        'mutation ($b: ID!, $r: Boolean!, $n: DateTime, $v: Int!) { assessBreach(breachId: $b, reportable: $r, regulatorNotifiedAt: $n, expectedVersion: $v) { id } }',
        { token: ig.token, variables: { b: breach.id, r: reportable, n: notified, v: breach.version } },
      );
    expectNoErrors(await assess(ids[0] as { id: string; version: number }, false));
    expectNoErrors(
      await assess(ids[3] as { id: string; version: number }, true, new Date(now).toISOString()),
    );
    expectNoErrors(await assess(ids[5] as { id: string; version: number }, true));
  });

  it('walks the open entries a page of two at a time: the deprecated list’s entries, in its order', async () => {
    // Prepare
    const list = await api.graphql<{
      informationGovernanceSummary: { breaches: { open: number; openEntries: OpenEntry[] } };
    }>(SUMMARY_BREACHES, { token: ig.token, variables: { p: period } });
    expectNoErrors(list);

    // Act
    const walked = await walk(
      OPEN_CONNECTION,
      (data) =>
        (
          data as {
            informationGovernanceSummary: { breaches: { openEntriesConnection: Connection<OpenEntry> } };
          }
        ).informationGovernanceSummary.breaches.openEntriesConnection,
      ig.token,
      { p: period },
    );

    // Assess
    const open = list.data?.informationGovernanceSummary.breaches;
    expect(open?.open).toBe(4);
    expect(walked.nodes).toHaveLength(4);
    expect(walked.pages).toBeGreaterThan(1);
    expect(walked.nodes).toEqual(open?.openEntries);
    expect(walked.nodes.map((entry) => entry.regulatorDeadline)).toEqual(
      walked.nodes.map((entry) => entry.regulatorDeadline).sort(),
    );
  });

  it('refuses whom the deprecated list refuses', async () => {
    // Act
    const listByManager = await api.graphql(SUMMARY_BREACHES, {
      token: manager.token,
      variables: { p: period },
    });
    const byManager = await api.graphql(OPEN_CONNECTION, {
      token: manager.token,
      variables: { p: period, first: 2 },
    });

    // Assess
    expect(codes(listByManager)).toEqual(['FORBIDDEN']);
    expect(codes(byManager)).toEqual(['FORBIDDEN']);
  });

  it('indexes entries recorded before the open entries were indexed (indexOpenEntries)', async () => {
    // Prepare
    const scope = tenantScope(org.orgId);
    const before = await walk(OPEN_CONNECTION, openEntries, ig.token, { p: period });
    await forgetIndexed(scope.key('BREACHES'), '', true);
    const emptied = await walk(OPEN_CONNECTION, openEntries, ig.token, { p: period });

    // Act
    const indexed = await api.services.breaches.indexOpenEntries(scope);

    // Assess
    expect(emptied.nodes).toEqual([]);
    expect(indexed).toBe(4);
    expect((await walk(OPEN_CONNECTION, openEntries, ig.token, { p: period })).nodes).toEqual(before.nodes);
  });
});

// ── Search ──────────────────────────────────────────────────────────────────────────────────────────────────

const SEARCH_LIST = 'query ($name: String) { searchServiceUsers(name: $name) { id } }';
const SEARCH_CONNECTION = `query ($name: String, $postcode: String, $first: Int, $after: String) { searchServiceUsersConnection(name: $name, postcode: $postcode, first: $first, after: $after) { edges { cursor node { id } } ${PAGE_INFO} } }`;

const searchConnection = (data: unknown) =>
  (data as { searchServiceUsersConnection: Connection<{ id: string }> }).searchServiceUsersConnection;

describe('searchServiceUsersConnection pages a fixed-work search', () => {
  let manager: Person;
  let stranger: Person;
  const surname = `Quillfeather${Array.from({ length: 6 }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)]).join('')}`;

  beforeAll(async () => {
    const org = await onboardTestOrganisation(api);
    const service = await createServiceWithManager(api, org);
    manager = service.manager;
    stranger = await addStaff(api, org, ['SUPPORT_WORKER']);
    for (const first of ['Ada', 'Bea', 'Cal', 'Dot', 'Eve']) {
      await registerServiceUser(api, manager, service.serviceId, { name: `${first} ${surname}` });
    }
  });

  it('walks the found people a page of two at a time: the deprecated list’s people, in its order', async () => {
    // Prepare
    const list = await api.graphql<{ searchServiceUsers: { id: string }[] }>(SEARCH_LIST, {
      token: manager.token,
      variables: { name: surname },
    });
    expectNoErrors(list);

    // Act
    const walked = await walk(SEARCH_CONNECTION, searchConnection, manager.token, { name: surname });

    // Assess
    expect(walked.nodes).toHaveLength(5);
    expect(walked.pages).toBe(3);
    expect(walked.nodes).toEqual(list.data?.searchServiceUsers);
  });

  it('shows nothing to whom the deprecated list shows nothing, and refuses the unauthenticated', async () => {
    // Act
    const listByStranger = await api.graphql<{ searchServiceUsers: unknown[] }>(SEARCH_LIST, {
      token: stranger.token,
      variables: { name: surname },
    });
    const byStranger = await walk(SEARCH_CONNECTION, searchConnection, stranger.token, { name: surname });
    const anonymous = await api.graphql(SEARCH_CONNECTION, { variables: { name: surname, first: 2 } });

    // Assess
    expect(listByStranger.data?.searchServiceUsers).toEqual([]);
    expect(byStranger.nodes).toEqual([]);
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a cursor of another search and of another list, and carries nothing of the criteria', async () => {
    // Prepare
    const first = await api.graphql<{ searchServiceUsersConnection: Connection<{ id: string }> }>(
      SEARCH_CONNECTION,
      { token: manager.token, variables: { name: surname, first: 1 } },
    );
    expectNoErrors(first);
    const cursor = first.data?.searchServiceUsersConnection.pageInfo.endCursor ?? '';
    const queue = await api.graphql<{ servicesConnection: Connection<unknown> }>(
      `{ servicesConnection(first: 1) { edges { cursor } ${PAGE_INFO} } }`,
      { token: manager.token },
    );

    // Act
    const otherSearch = await api.graphql(SEARCH_CONNECTION, {
      token: manager.token,
      variables: { name: `${surname} Ada`, first: 2, after: cursor },
    });
    const otherList = await api.graphql(SEARCH_CONNECTION, {
      token: manager.token,
      variables: { name: surname, first: 2, after: queue.data?.servicesConnection.edges[0]?.cursor },
    });

    // Assess
    expect(codes(otherSearch)).toEqual(['BAD_USER_INPUT']);
    expect(codes(otherList)).toEqual(['BAD_USER_INPUT']);
    expect(Buffer.from(cursor, 'base64url').toString('utf8').toLowerCase()).not.toContain(
      surname.toLowerCase(),
    );
  });
});

// ── What a partner agency was released ──────────────────────────────────────────────────────────────────────

const RELEASED_ITEM = 'id kind recordedAt version ... on CareNote { body }';
const RELEASED_LIST = `{ releasedToMe { ${RELEASED_ITEM} } }`;
const RELEASED_CONNECTION = `query ($first: Int, $after: String) { releasedToMeConnection(first: $first, after: $after) { edges { cursor node { ${RELEASED_ITEM} } } ${PAGE_INFO} } }`;

interface ReleasedNote {
  id: string;
  kind: string;
  recordedAt: string;
  version: number;
  body?: string | null;
}

const releasedConnection = (data: unknown) =>
  (data as { releasedToMeConnection: Connection<ReleasedNote> }).releasedToMeConnection;

describe('releasedToMeConnection pages the partner’s released notes', () => {
  let manager: Person;
  let partner: { id: string; token: string };
  let otherPartner: { id: string; token: string };
  let orgId: TestOrganisation['orgId'];
  let people: string[];
  let worker: Person;

  async function registerPartner(org: TestOrganisation): Promise<{ id: string; token: string }> {
    const clientId = `la-${Math.random().toString(16).slice(2, 10)}`;
    const registered = await api.graphql<{ registerPartnerAgency: { id: string } }>(
      'mutation ($c: String!) { registerPartnerAgency(name: "County Council adult social care", clientId: $c) { id } }',
      { token: org.adminToken, variables: { c: clientId } },
    );
    expectNoErrors(registered);
    return {
      id: registered.data?.registerPartnerAgency.id ?? '',
      token: await api.token({ sub: clientId, client_id: clientId, org_id: org.orgId }),
    };
  }

  async function release(to: { id: string }, client: string, itemIds: string[]): Promise<void> {
    const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
      token: manager.token,
      variables: {
        input: {
          serviceUserId: client,
          requesterOrganisation: 'County Council',
          requesterContact: 'Safeguarding team',
          purpose: 'Section 42 enquiry',
          legalBasis: 'SAFEGUARDING',
          itemIds,
          receivedOn: new Date().toISOString().slice(0, 10),
          identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
          partnerId: to.id,
        },
      },
    });
    expectNoErrors(received);
    const requestId = received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
    expectNoErrors(
      await api.graphql(DECIDE, { token: manager.token, variables: { c: client, r: requestId, a: true } }),
    );
    expectNoErrors(
      await api.graphql(
        'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }',
        {
          token: manager.token,
          variables: {
            input: {
              serviceUserId: client,
              requestId,
              itemIds,
              method: 'PARTNER_APP',
              grantExpiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
            },
          },
        },
      ),
    );
  }

  beforeAll(async () => {
    const org = await onboardTestOrganisation(api);
    const service = await createServiceWithManager(api, org);
    manager = service.manager;
    worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    orgId = org.orgId;
    [partner, otherPartner] = [await registerPartner(org), await registerPartner(org)];
    people = [
      await registerServiceUser(api, manager, service.serviceId),
      await registerServiceUser(api, manager, service.serviceId),
    ];
    const notes: string[][] = [];
    for (const person of people) {
      await allocate(api, manager, person, worker);
      const written: string[] = [];
      for (const body of ['Went to the day centre.', 'Cooked lunch.', 'Paid the rent.']) {
        written.push(await recordNote(api, worker, person, 'DAILY_SUPPORT', body));
      }
      notes.push(written);
    }
    const [first = [], second = []] = notes;
    // The first person's second note is released twice; the other partner gets one note of each person.
    await release(partner, people[0] ?? '', [first[0] ?? '', first[1] ?? '']);
    await release(partner, people[0] ?? '', [first[1] ?? '', first[2] ?? '']);
    await release(partner, people[1] ?? '', [second[0] ?? '', second[2] ?? '']);
    await release(otherPartner, people[0] ?? '', [first[0] ?? '']);
    await release(otherPartner, people[1] ?? '', [second[1] ?? '']);
    // Amended after its release: the partner still reads it as released.
    expectNoErrors(
      await api.graphql('mutation ($input: AmendNoteInput!) { amendNote(input: $input) { id } }', {
        token: worker.token,
        variables: { input: { noteId: first[2], body: 'Paid the rent and the gas.', expectedVersion: 1 } },
      }),
    );
  });

  it.each([
    ['the partner', () => partner, 5],
    ['the other partner', () => otherPartner, 2],
  ])(
    'walks what %s was released a page of two at a time: the deprecated list’s notes, in its order',
    async (_who, who, count) => {
      // Prepare
      const list = await api.graphql<{ releasedToMe: ReleasedNote[] }>(RELEASED_LIST, { token: who().token });
      expectNoErrors(list);

      // Act
      const walked = await walk(RELEASED_CONNECTION, releasedConnection, who().token);

      // Assess
      expect(walked.nodes).toHaveLength(count);
      expect(new Set(walked.nodes.map((note) => note.id)).size).toBe(count);
      expect(walked.pages).toBeGreaterThanOrEqual(Math.ceil(count / 2));
      expect(walked.nodes).toEqual(list.data?.releasedToMe);
      expect(walked.nodes.every((note) => note.version === 1)).toBe(true);
    },
  );

  it('refuses whom the deprecated list refuses, and another partner’s cursor', async () => {
    // Prepare
    const first = await api.graphql<{ releasedToMeConnection: Connection<ReleasedNote> }>(
      RELEASED_CONNECTION,
      {
        token: partner.token,
        variables: { first: 1 },
      },
    );
    expectNoErrors(first);

    // Act
    const listByStaff = await api.graphql(RELEASED_LIST, { token: manager.token });
    const byStaff = await api.graphql(RELEASED_CONNECTION, { token: manager.token, variables: { first: 2 } });
    const anonymous = await api.graphql(RELEASED_CONNECTION, { variables: { first: 2 } });
    const foreign = await api.graphql(RELEASED_CONNECTION, {
      token: otherPartner.token,
      variables: { first: 2, after: first.data?.releasedToMeConnection.pageInfo.endCursor },
    });

    // Assess
    expect(codes(listByStaff)).toEqual(['FORBIDDEN']);
    expect(codes(byStaff)).toEqual(['FORBIDDEN']);
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(codes(foreign)).toEqual(['BAD_USER_INPUT']);
  });

  it('indexes releases made before releases were indexed (indexExistingReleases)', async () => {
    // Prepare
    const scope = tenantScope(orgId);
    const before = await walk(RELEASED_CONNECTION, releasedConnection, partner.token);
    for (const person of people) {
      await forgetIndexed(scope.key('CLIENT', localIdOf(person)), 'RELEASED_TO#');
    }
    const emptied = await walk(RELEASED_CONNECTION, releasedConnection, partner.token);
    const loader = new ItemLoader(api.services.dynamo, api.services.keys);

    // Act
    const indexed = await api.services.disclosures.indexExistingReleases(
      scope,
      [partner.id, otherPartner.id],
      (clientId) => loader.subjectKey(orgId, clientId),
    );

    // Assess
    expect(emptied.nodes).toEqual([]);
    expect(indexed).toBe(8);
    expect((await walk(RELEASED_CONNECTION, releasedConnection, partner.token)).nodes).toEqual(before.nodes);
  });

  it(`takes a release of ${MAX_RELEASED_ITEMS} notes, the most a request names, in one transaction with its index; one more is refused`, async () => {
    // Prepare
    const person = people[0] ?? '';
    const notes: string[] = [];
    const count = MAX_RELEASED_ITEMS + 1;
    for (let start = 0; start < count; start += 10) {
      notes.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(10, count - start) }, (_, n) =>
            recordNote(api, worker, person, 'DAILY_SUPPORT', `Visit ${start + n}.`),
          ),
        )),
      );
    }
    const tooMany = await api.graphql(RECEIVE, {
      token: manager.token,
      variables: {
        input: {
          serviceUserId: person,
          requesterOrganisation: 'County Council',
          requesterContact: 'Safeguarding team',
          purpose: 'Section 42 enquiry',
          legalBasis: 'SAFEGUARDING',
          itemIds: notes,
          receivedOn: new Date().toISOString().slice(0, 10),
          identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
          partnerId: otherPartner.id,
        },
      },
    });
    const before = (await walk(RELEASED_CONNECTION, releasedConnection, otherPartner.token, {}, 100)).nodes;

    // Act
    await release(otherPartner, person, notes.slice(0, MAX_RELEASED_ITEMS));

    // Assess
    expect(notes).toHaveLength(MAX_RELEASED_ITEMS + 1);
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
    const after = await walk(RELEASED_CONNECTION, releasedConnection, otherPartner.token, {}, 100);
    expect(after.nodes).toHaveLength(before.length + MAX_RELEASED_ITEMS);
  });
});
