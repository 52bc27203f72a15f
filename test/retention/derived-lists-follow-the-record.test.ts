import { DeleteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import {
  approvedSubjectAccessRequest,
  EXPORT,
  recordSubjectAccessRequest,
} from '../disclosure/subject-access-fixtures';
import { allocate, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';
import type { TestApi } from '../support/test-api';
import {
  ACKNOWLEDGE,
  acknowledgedDecision,
  DECIDE,
  escalatedRequest,
  exceptionalDisclosure,
  receivedRequest,
} from './person-work-fixtures';
import {
  closeCase,
  closeLocalRetentions,
  eraseWithApproval,
  expectCode,
  outlive,
  partitionItems,
  type RetentionWorld,
  readClient,
  retentionApi,
  retentionWorld,
  sweepUntilGone,
} from './retention-support';

/**
 * The disclosure work queue, the subject access requests and the Guardian's notices of exports staff read are kept as its own items (decision 0044), outside the person's partition (an
 * organisation's lists). When the person is erased, or their records expire, the work about them goes with them: no decider's queue keeps listing a
 * request about someone who is no longer held (it could never be decided nor acknowledged: the person is NOT_FOUND),
 * and no open subject access request about them stays open, and overdue, for ever.
 */

const QUEUE =
  '{ disclosureWorkQueueConnection(first: 50) { edges { node { kind requestId serviceUserId legalBasis } } } }';

interface QueueNode {
  kind: string;
  requestId: string;
  serviceUserId: string;
}

/** The capacities in which the request's queue item was acknowledged, as the table holds them (never shown). */
async function acknowledgementsHeld(
  api: TestApi,
  world: RetentionWorld,
  requestId: string,
): Promise<string[]> {
  return (
    (await api.services.disclosureQueue.acknowledgements(tenantScope(world.org.orgId))).get(requestId) ?? []
  );
}

async function queueOf(api: TestApi, token: string): Promise<QueueNode[]> {
  const result = await api.graphql<{ disclosureWorkQueueConnection: { edges: { node: QueueNode }[] } }>(
    QUEUE,
    { token },
  );
  expectNoErrors(result);
  return result.data?.disclosureWorkQueueConnection.edges.map((edge) => edge.node) ?? [];
}

async function allocatedClient(api: TestApi, world: RetentionWorld): Promise<string> {
  const id = await registerServiceUser(api, world.manager, world.serviceId);
  await allocate(api, world.manager, id, world.worker);
  return id;
}

/** An organisation with its Caldicott Guardian and an allocated client, the clock on a whole second. */
async function guardianWithClient(api: TestApi, clock: ReturnType<typeof retentionApi>['clock']) {
  clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
  const world = await retentionWorld(api);
  const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
  return { world, guardian, id: await allocatedClient(api, world) };
}

describe('retention: the kept disclosure work queue follows the person', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  const guardianAndClient = () => guardianWithClient(api, clock);

  it('an erased person’s escalated request leaves the Caldicott Guardian’s queue', async () => {
    // Prepare: an escalated request, in the Guardian's queue.
    const { world, guardian, id } = await guardianAndClient();
    const requestId = await escalatedRequest(api, world, id);
    expect((await queueOf(api, guardian.token)).map((item) => item.requestId)).toContain(requestId);

    // Act: the case closes and the person is erased (two people).
    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(await eraseWithApproval(api, world.ig, guardian, id));
    expectCode(await readClient(api, world.manager.token, id), 'NOT_FOUND');

    // Assess: nothing of the erased person is left in the Guardian's work.
    const after = await queueOf(api, guardian.token);
    expect(after.filter((item) => item.serviceUserId === id)).toEqual([]);
  });

  it('a person whose records expired leaves the Caldicott Guardian’s queue', async () => {
    const { world, guardian, id } = await guardianAndClient();
    const requestId = await escalatedRequest(api, world, id);
    expect((await queueOf(api, guardian.token)).map((item) => item.requestId)).toContain(requestId);

    // Act: closed, and eight years and a day later the records have expired and been swept.
    expectNoErrors(await closeCase(api, world.manager, id));
    outlive(clock);
    await sweepUntilGone(api, world.org.orgId, localIdOf(id));
    expectCode(await readClient(api, world.manager.token, id), 'NOT_FOUND');

    // Assess
    const after = await queueOf(api, guardian.token);
    expect(after.filter((item) => item.serviceUserId === id)).toEqual([]);
  });

  it('an erased person’s acknowledged work leaves no acknowledgement behind', async () => {
    const { world, guardian, id } = await guardianAndClient();
    const requestId = await acknowledgedDecision(api, world, guardian, id);
    expect(await acknowledgementsHeld(api, world, requestId)).toEqual(['CALDICOTT_GUARDIAN']);

    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(await eraseWithApproval(api, world.ig, guardian, id));

    expect(await acknowledgementsHeld(api, world, requestId)).toEqual([]);
  });

  it('acknowledgements of work about a person whose records expired are swept with them', async () => {
    const { world, guardian, id } = await guardianAndClient();
    const requestId = await acknowledgedDecision(api, world, guardian, id);
    expectNoErrors(await closeCase(api, world.manager, id));

    outlive(clock);
    await sweepUntilGone(api, world.org.orgId, localIdOf(id));

    expect(await acknowledgementsHeld(api, world, requestId)).toEqual([]);
  });

  it('an acknowledgement given after the case closed is swept with the person’s records', async () => {
    const { world, guardian, id } = await guardianAndClient();
    const requestId = await receivedRequest(api, world, id);
    expectNoErrors(
      await api.graphql(DECIDE, { token: world.manager.token, variables: { c: id, r: requestId } }),
    );
    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(
      await api.graphql(ACKNOWLEDGE, { token: guardian.token, variables: { c: id, r: requestId } }),
    );
    expect(await acknowledgementsHeld(api, world, requestId)).toEqual(['CALDICOTT_GUARDIAN']);

    outlive(clock);
    await sweepUntilGone(api, world.org.orgId, localIdOf(id));

    expect(await acknowledgementsHeld(api, world, requestId)).toEqual([]);
  });

  it('a reopened case keeps its work in the queue past the date its closure had set', async () => {
    const { world, guardian, id } = await guardianAndClient();
    const requestId = await escalatedRequest(api, world, id);
    expectNoErrors(await closeCase(api, world.manager, id));
    const current = await readClient(api, world.manager.token, id);
    expectNoErrors(
      await api.graphql('mutation ($input: ReopenCaseInput!) { reopenCase(input: $input) { id } }', {
        token: world.manager.token,
        variables: { input: { serviceUserId: id, expectedVersion: current.data?.serviceUser.version } },
      }),
    );
    outlive(clock);
    expect((await queueOf(api, guardian.token)).map((item) => item.requestId)).toContain(requestId);
  });

  it('a request received after the case closed expires with the person, and leaves the queue', async () => {
    const { world, guardian, id } = await guardianAndClient();
    expectNoErrors(await closeCase(api, world.manager, id));
    const requestId = await escalatedRequest(api, world, id);
    expect((await queueOf(api, guardian.token)).map((item) => item.requestId)).toContain(requestId);

    outlive(clock);
    await sweepUntilGone(api, world.org.orgId, localIdOf(id));

    const after = await queueOf(api, guardian.token);
    expect(after.filter((item) => item.serviceUserId === id)).toEqual([]);
  });

  it('a request received after the case closed: its register entries take the person’s date, and the older queue list drops it once they expire', async () => {
    // Prepare: a closed case, then an escalated request about the person.
    const { world, guardian, id } = await guardianAndClient();
    expectNoErrors(await closeCase(api, world.manager, id));
    const requestId = await escalatedRequest(api, world, id);
    const OLD_QUEUE = '{ disclosureWorkQueue { requestId } }';
    const listed = await api.graphql<{ disclosureWorkQueue: { requestId: string }[] }>(OLD_QUEUE, {
      token: guardian.token,
    });
    expectNoErrors(listed);
    expect(listed.data?.disclosureWorkQueue.map((item) => item.requestId)).toContain(requestId);

    // Act: eight years and a day later, before any sweep (DynamoDB's TTL deletes days late).
    outlive(clock);
    const after = await api.graphql<{ disclosureWorkQueue: { requestId: string }[] }>(OLD_QUEUE, {
      token: guardian.token,
    });

    // Assess: the request's register entries carry the profile's date (they were undated: the entries are listed from
    // an index, not through the person's profile), and the deprecated list, read from that index, no longer names it.
    const items = await partitionItems(api, world.org.orgId, localIdOf(id));
    const profileDate = items.find((item) => item.sk?.S === 'PROFILE')?.expiresAt?.N;
    const entries = items.filter((item) => item.sk?.S?.startsWith(`DISCLOSURE#${requestId}#`));
    expect(profileDate).toBeDefined();
    expect(entries.length).toBeGreaterThan(1);
    expect(entries.map((item) => item.expiresAt?.N)).toEqual(entries.map(() => profileDate));
    expectNoErrors(after);
    expect(after.data?.disclosureWorkQueue.map((item) => item.requestId)).not.toContain(requestId);
  });

  it('a queue item written by the backfill for a closed case takes the person’s date, and leaves with them', async () => {
    // Prepare: an escalated request about a person whose case then closed, its queue item as work recorded before
    // the queue was kept (decision 0044)
    const { world, guardian, id } = await guardianAndClient();
    const requestId = await escalatedRequest(api, world, id);
    expectNoErrors(await closeCase(api, world.manager, id));
    const scope = tenantScope(world.org.orgId);
    const TableName = api.services.config.tables.data;
    const Key = { pk: { S: scope.key('DISCLOSURE_QUEUE') }, sk: { S: `REQUEST#${requestId}` } };
    const kept = () => api.services.dynamo.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
    const dated = await kept();
    expect(dated.Item?.expiresAt?.N).toBeDefined();
    await api.services.dynamo.send(new DeleteItemCommand({ TableName, Key }));

    // Act: the backfill, then eight years and a day
    expect(await api.services.disclosureQueue.keepExisting(scope)).toBe(1);
    const rebuilt = await kept();
    outlive(clock);
    await sweepUntilGone(api, world.org.orgId, localIdOf(id));

    // Assess: rebuilt with the person's date, and gone with them, from the table and from the queue
    expect(rebuilt.Item?.expiresAt?.N).toBe(dated.Item?.expiresAt?.N);
    expect((await kept()).Item).toBeUndefined();
    const after = await queueOf(api, guardian.token);
    expect(after.filter((item) => item.serviceUserId === id)).toEqual([]);
  });
});

const SUBJECT_ACCESS =
  '{ subjectAccessRequestsConnection(first: 50) { edges { node { id serviceUserId } } } }';
const EXPORT_NOTICES =
  '{ subjectAccessExportNoticesConnection(first: 50) { edges { node { requestId serviceUserId } } } }';

/** The ids of the people named by the requests, or the export notices, the query lists. */
async function peopleListed(api: TestApi, query: string, token: string): Promise<string[]> {
  const result = await api.graphql<Record<string, { edges: { node: { serviceUserId: string } }[] }>>(query, {
    token,
  });
  expectNoErrors(result);
  return Object.values(result.data ?? {}).flatMap((list) =>
    list.edges.map((edge) => edge.node.serviceUserId),
  );
}

describe('retention: subject access requests and export notices follow the person', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  const guardianAndClient = () => guardianWithClient(api, clock);

  it('an erased person’s open request, and the notice that staff read their export, leave the lists', async () => {
    // Prepare: an open request whose export the IG lead compiled (the Guardian is told).
    const { world, guardian, id } = await guardianAndClient();
    await approvedSubjectAccessRequest(api, world.ig, guardian, id);
    expectNoErrors(await api.graphql(EXPORT, { token: world.ig.token, variables: { c: id } }));
    expect(await peopleListed(api, SUBJECT_ACCESS, world.ig.token)).toEqual([id]);
    expect(await peopleListed(api, EXPORT_NOTICES, guardian.token)).toEqual([id]);

    // Act: the case closes and the person is erased (two people).
    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(await eraseWithApproval(api, world.ig, guardian, id));
    expectCode(await readClient(api, world.manager.token, id), 'NOT_FOUND');

    // Assess
    expect(await peopleListed(api, SUBJECT_ACCESS, world.ig.token)).toEqual([]);
    expect(await peopleListed(api, EXPORT_NOTICES, guardian.token)).toEqual([]);
  });

  it('a request made after the case closed expires with the person’s records', async () => {
    const { world, id } = await guardianAndClient();
    expectNoErrors(await closeCase(api, world.manager, id));
    await recordSubjectAccessRequest(api, world.ig, id);
    expect(await peopleListed(api, SUBJECT_ACCESS, world.ig.token)).toEqual([id]);

    outlive(clock);
    await sweepUntilGone(api, world.org.orgId, localIdOf(id));

    expect(await peopleListed(api, SUBJECT_ACCESS, world.ig.token)).toEqual([]);
  });

  it('a request made while the case was open expires with the records after it closes', async () => {
    const { world, id } = await guardianAndClient();
    await recordSubjectAccessRequest(api, world.ig, id);
    expectNoErrors(await closeCase(api, world.manager, id));

    outlive(clock);
    await sweepUntilGone(api, world.org.orgId, localIdOf(id));

    expect(await peopleListed(api, SUBJECT_ACCESS, world.ig.token)).toEqual([]);
  });
});

const REVIEWS = '{ disclosureReviewsConnection(first: 50) { edges { node { requestId serviceUserId } } } }';

describe('retention: reviews of exceptional disclosures follow the person', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);
  const guardianAndClient = () => guardianWithClient(api, clock);

  it('an erased person’s pending review leaves the Caldicott Guardian’s reviews', async () => {
    const { world, guardian, id } = await guardianAndClient();
    await exceptionalDisclosure(api, world, id);
    expect(await peopleListed(api, REVIEWS, guardian.token)).toEqual([id]);

    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(await eraseWithApproval(api, world.ig, guardian, id));

    expect(await peopleListed(api, REVIEWS, guardian.token)).toEqual([]);
  });

  it('a review raised after the case closed expires with the person’s records', async () => {
    const { world, guardian, id } = await guardianAndClient();
    expectNoErrors(await closeCase(api, world.manager, id));
    await exceptionalDisclosure(api, world, id);
    expect(await peopleListed(api, REVIEWS, guardian.token)).toEqual([id]);

    // Expired: no longer listed, even before the sweep deletes it.
    outlive(clock);
    expect(await peopleListed(api, REVIEWS, guardian.token)).toEqual([]);
    await sweepUntilGone(api, world.org.orgId, localIdOf(id));

    expect(await peopleListed(api, REVIEWS, guardian.token)).toEqual([]);
  });
});
