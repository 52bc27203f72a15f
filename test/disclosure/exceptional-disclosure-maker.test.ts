import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { newId } from '@confide/domain';
import { type StoredAuditEvent, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
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
  expectTamperedState,
  globalIdOf,
  localIdOf,
  onboardTestOrganisation,
  type TestOrganisation,
} from '../support/fixtures';
import { organisationItems } from '../support/records-fixtures';
import { ownTablesForFile, type TestApi, testApi } from '../support/test-api';

/**
 * Who made an exceptional disclosure (JRH “Exceptional Breaches”), when it is not who recorded it: the Caldicott
 * Guardian records a disclosure a service manager made, naming them (`madeBy`). The review it raises is then
 * completed by neither the one who made the disclosure nor the one who recorded it — separation of duties
 * (decision 0142). Bad input naming the maker is refused before anything is written or recorded.
 */

const RECORD = `mutation ($input: ExceptionalDisclosureInput!) {
  recordExceptionalDisclosure(input: $input) { requestId kind }
}`;
const REVIEWS = `{
  disclosureReviews(status: PENDING) {
    id requestId recordedBy madeBy madeByActor { staffId roles } recordedByActor { staffId }
  }
}`;
const COMPLETE = `mutation ($id: ID!, $outcome: DisclosureReviewOutcome!) {
  completeDisclosureReview(reviewId: $id, outcome: $outcome, notes: "Necessary and proportionate.") {
    id status outcome reviewedBy madeBy recordedBy
  }
}`;
const REGISTER = `query ($id: ID!) {
  serviceUser(id: $id) { disclosureRegister { requestId kind madeBy } }
}`;

interface Review {
  id: string;
  requestId: string;
  recordedBy: string;
  madeBy: string;
  madeByActor: { staffId: string; roles: string[] };
  recordedByActor: { staffId: string };
}

interface World {
  org: TestOrganisation;
  /** The service's manager who made the disclosure. */
  manager: Person;
  /** Another manager of the same service. */
  otherManager: Person;
  worker: Person;
  guardian: Person;
  client: string;
  note: string;
}

async function world(api: TestApi): Promise<World> {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const [otherManager, worker, guardian] = await Promise.all([
    addStaff(api, org, ['SERVICE_MANAGER']),
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
  ]);
  await api.services.careServices.addStaff(
    tenantScope(org.orgId),
    localIdOf(serviceId),
    otherManager.staffId,
    'managers',
  );
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(
    api,
    worker,
    client,
    'SAFEGUARDING_CONCERN',
    'Said he would hurt the neighbour.',
  );
  return { org, manager, otherManager, worker, guardian, client, note };
}

const input = (w: World, change: Record<string, unknown> = {}) => ({
  serviceUserId: w.client,
  recipient: 'PC Smith, neighbourhood team',
  legalBasis: 'SAFEGUARDING',
  reasoning: 'Threats to a neighbour overheard during the visit.',
  itemIds: [w.note],
  clientInformed: true,
  ...change,
});

const record = (api: TestApi, w: World, by: Person, change: Record<string, unknown> = {}) =>
  api.graphql<{ recordExceptionalDisclosure: { requestId: string } }>(RECORD, {
    token: by.token,
    variables: { input: input(w, change) },
  });

async function pendingReviews(api: TestApi, who: Person): Promise<Review[]> {
  const result = await api.graphql<{ disclosureReviews: Review[] }>(REVIEWS, { token: who.token });
  expectNoErrors(result);
  return result.data?.disclosureReviews ?? [];
}

const complete = (api: TestApi, who: Person, reviewId: string | undefined, outcome = 'JUSTIFIED') =>
  api.graphql<{ completeDisclosureReview: Record<string, unknown> }>(COMPLETE, {
    token: who.token,
    variables: { id: reviewId, outcome },
  });

async function registerOf(api: TestApi, w: World, reader: Person) {
  const result = await api.graphql<{
    serviceUser: { disclosureRegister: { requestId: string; kind: string; madeBy: string | null }[] };
  }>(REGISTER, { token: reader.token, variables: { id: w.client } });
  expectNoErrors(result);
  return result.data?.serviceUser.disclosureRegister ?? [];
}

/** The person's events of `operations`, by outcome. */
async function eventsOf(api: TestApi, w: World, operations: readonly string[]): Promise<StoredAuditEvent[]> {
  return (
    await api.services.auditLog.bySubject(tenantScope(w.org.orgId), localIdOf(w.client), { limit: 1000 })
  ).filter((event) => operations.includes(event.operation));
}

describe('an exceptional disclosure recorded for the staff member who made it', () => {
  const api = testApi();

  it('is reviewed by neither its maker nor its recorder: another manager of the service completes it', async () => {
    // Prepare: the Guardian records a disclosure the service's manager made, naming the manager.
    const w = await world(api);
    const recorded = await record(api, w, w.guardian, { madeBy: w.manager.globalId });
    expectNoErrors(recorded);
    const [review] = await pendingReviews(api, w.otherManager);

    // Act
    const byMaker = await complete(api, w.manager, review?.id);
    const byRecorder = await complete(api, w.guardian, review?.id);
    const byOtherManager = await complete(api, w.otherManager, review?.id);

    // Assess: the review names both; the maker and the recorder are refused, the other manager completes it.
    expect(review).toMatchObject({
      requestId: recorded.data?.recordExceptionalDisclosure.requestId,
      recordedBy: w.guardian.globalId,
      madeBy: w.manager.globalId,
      madeByActor: { staffId: w.manager.globalId, roles: ['SERVICE_MANAGER'] },
      recordedByActor: { staffId: w.guardian.globalId },
    });
    expect(codes(byMaker)).toEqual(['FORBIDDEN']);
    expect(codes(byRecorder)).toEqual(['FORBIDDEN']);
    expectNoErrors(byOtherManager);
    expect(byOtherManager.data?.completeDisclosureReview).toMatchObject({
      status: 'COMPLETED',
      outcome: 'JUSTIFIED',
      reviewedBy: w.otherManager.globalId,
      madeBy: w.manager.globalId,
      recordedBy: w.guardian.globalId,
    });
    const denied = (await eventsOf(api, w, ['completeDisclosureReview'])).filter(
      (event) => event.action === 'DENIED',
    );
    expect(denied.map((event) => [event.actor.id, event.outcome, event.rule]).sort()).toEqual(
      [
        [w.manager.staffId, 'FORBIDDEN', 'review.maker'],
        [w.guardian.staffId, 'FORBIDDEN', 'review.own'],
      ].sort(),
    );
  });

  it('names its maker in the register, and on the event that records it', async () => {
    // Prepare
    const w = await world(api);

    // Act
    const recorded = await record(api, w, w.guardian, { madeBy: w.manager.globalId });

    // Assess
    expectNoErrors(recorded);
    expect(await registerOf(api, w, w.otherManager)).toEqual([
      {
        requestId: recorded.data?.recordExceptionalDisclosure.requestId,
        kind: 'EXCEPTIONAL_DISCLOSURE',
        madeBy: w.manager.globalId,
      },
    ]);
    const written = (await eventsOf(api, w, ['recordExceptionalDisclosure'])).filter(
      (event) => event.outcome === 'ALLOWED' && event.action === 'WRITE',
    );
    expect(written.map((event) => event.actor.id)).toEqual([w.guardian.staffId]);
    expect(
      written.flatMap((event) => event.fields.filter((field) => field.startsWith('StaffMember:'))),
    ).toEqual([`StaffMember:${w.manager.staffId}`]);
  });

  it('is made by whoever records it when nobody else is named', async () => {
    // Prepare
    const w = await world(api);

    // Act: the worker records their own, once without naming anyone and once naming themself.
    expectNoErrors(await record(api, w, w.worker));
    expectNoErrors(await record(api, w, w.worker, { madeBy: w.worker.globalId }));
    const reviews = await pendingReviews(api, w.manager);
    const byWorker = await complete(api, w.worker, reviews[0]?.id);

    // Assess
    expect(reviews.map((review) => [review.recordedBy, review.madeBy])).toEqual([
      [w.worker.globalId, w.worker.globalId],
      [w.worker.globalId, w.worker.globalId],
    ]);
    expect((await registerOf(api, w, w.manager)).map((entry) => entry.madeBy)).toEqual([
      w.worker.globalId,
      w.worker.globalId,
    ]);
    expect(codes(byWorker)).toEqual(['NOT_FOUND']);
    expectNoErrors(await complete(api, w.manager, reviews[0]?.id));
  });

  it('is recorded for someone else by the Caldicott Guardian only', async () => {
    // Prepare
    const w = await world(api);

    // Act: the manager records a disclosure naming the worker as its maker.
    const byManager = await record(api, w, w.manager, { madeBy: w.worker.globalId });

    // Assess: refused, recorded as DENIED, nothing raised.
    expect(codes(byManager)).toEqual(['FORBIDDEN']);
    expect(
      (await eventsOf(api, w, ['recordExceptionalDisclosure', 'openDisclosureReview'])).map((event) => [
        event.outcome,
        event.rule,
      ]),
    ).toEqual([['FORBIDDEN', 'disclosure.exceptional.for-another']]);
    expect(await pendingReviews(api, w.guardian)).toEqual([]);
  });
});

describe('an exceptional disclosure naming a maker who cannot have made it', () => {
  const api = testApi({ tables: ownTablesForFile() });

  it('answers BAD_USER_INPUT on input.madeBy, writes nothing and records no ALLOWED event', async () => {
    // Prepare: staff who are not active members of the organisation, and ids that name none.
    const w = await world(api);
    const elsewhere = await addStaff(api, await onboardTestOrganisation(api), ['SERVICE_MANAGER']);
    const leaver = await addStaff(api, w.org, ['SERVICE_MANAGER']);
    expectNoErrors(
      await api.graphql('mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }', {
        token: w.org.adminToken,
        variables: { id: leaver.globalId },
      }),
    );
    const cases: [string, string][] = [
      ['a staff member of another organisation', elsewhere.globalId],
      ['a staff member who has left', leaver.globalId],
      ['a well-formed id of nobody', globalIdOf('StaffMember', newId('staff'))],
      ['the id of a service user', w.client],
      ['something that is not an id', 'not-an-id'],
    ];
    const before = await organisationItems(api, w.org.orgId, {
      tables: [api.services.config.tables.data, api.services.config.tables.keys],
    });

    // Act
    const results = [];
    for (const [name, madeBy] of cases) {
      results.push({ name, result: await record(api, w, w.guardian, { madeBy }) });
    }

    // Assess
    for (const { name, result } of results) {
      expect(codes(result), name).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.extensions?.field, name).toEqual(['input', 'madeBy']);
      expect(result.data ?? null, name).toBeNull();
    }
    const after = await organisationItems(api, w.org.orgId, {
      tables: [api.services.config.tables.data, api.services.config.tables.keys],
    });
    expect(after).toEqual(before);
    expect(
      (await eventsOf(api, w, ['recordExceptionalDisclosure', 'openDisclosureReview'])).filter(
        (event) => event.outcome === 'ALLOWED',
      ),
    ).toEqual([]);
    // The same disclosure, naming an active manager, is recorded (the check can see one).
    expectNoErrors(await record(api, w, w.guardian, { madeBy: w.manager.globalId }));
  });
});

describe('who made an exceptional disclosure, rewritten in the table', () => {
  const api = testApi();

  async function recordedForManager(w: World) {
    expectNoErrors(await record(api, w, w.guardian, { madeBy: w.manager.globalId }));
    const [review] = await pendingReviews(api, w.otherManager);
    return review;
  }

  it('a review whose maker is removed fails closed: its maker does not complete it', async () => {
    // Prepare
    const w = await world(api);
    const review = await recordedForManager(w);
    const scope = tenantScope(w.org.orgId);
    const { Items: items = [] } = await api.services.dynamo.send(
      new QueryCommand({
        TableName: api.services.config.tables.data,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: scope.key('DISCLOSURE_REVIEWS') } },
        ConsistentRead: true,
      }),
    );
    const item = items.find((candidate) => candidate.reviewId?.S === review?.id);
    expect(item?.madeBy).toEqual({ S: w.manager.staffId });

    // Act: one raw write takes the maker off, leaving the Guardian as the one who made it.
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.services.config.tables.data,
        Key: { pk: item?.pk ?? { S: '' }, sk: item?.sk ?? { S: '' } },
        UpdateExpression: 'REMOVE madeBy',
      }),
    );
    const byMaker = await complete(api, w.manager, review?.id);

    // Assess
    expect(codes(byMaker)).toEqual(['INTERNAL']);
    await expectTamperedState(api, scope.orgId, 'DISCLOSURE_REVIEW');
  });

  it('a register entry whose maker is rewritten fails closed', async () => {
    // Prepare
    const w = await world(api);
    const review = await recordedForManager(w);
    const pk = tenantScope(w.org.orgId).key('CLIENT', localIdOf(w.client));

    // Act: one raw write names the worker as the maker of the disclosure.
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.services.config.tables.data,
        Key: { pk: { S: pk }, sk: { S: `DISCLOSURE#${review?.requestId}#0001` } },
        UpdateExpression: 'SET madeBy = :worker',
        ConditionExpression: 'madeBy = :manager',
        ExpressionAttributeValues: {
          ':worker': { S: w.worker.staffId },
          ':manager': { S: w.manager.staffId },
        },
      }),
    );
    const read = await api.graphql(REGISTER, { token: w.otherManager.token, variables: { id: w.client } });

    // Assess
    expect(codes(read)).toEqual(['INTERNAL']);
    await expectTamperedState(api, w.org.orgId, 'DISCLOSURE');
  });
});
