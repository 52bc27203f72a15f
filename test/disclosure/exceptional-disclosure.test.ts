import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type StoredAuditEvent, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  ADA,
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { failingDynamoClient } from '../support/failing-dynamo';
import {
  addStaff,
  expectTamperedState,
  onboardTestOrganisation,
  type TestOrganisation,
} from '../support/fixtures';
import { localIdOf, organisationItems, serviceUserToken } from '../support/records-fixtures';
import type { TestApi } from '../support/test-api';
import { ownTablesForFile, testApi } from '../support/test-api';
import { approvedSubjectAccessRequest } from './subject-access-fixtures';

/**
 * Exceptional disclosure without consent (JRH “Exceptional Breaches”; DATA-PROTECTION.md, Consent and
 * disclosure): recorded with reasoning and legal basis, the manager informed through a review item, the person
 * told unless that would increase risk — and every step audited without the personal data itself.
 */

const REASONING = 'Canary-reasoning: threats to a neighbour overheard during the visit';
const RECIPIENT = 'Canary-recipient: PC Smith, neighbourhood team';
const NOT_INFORMED = 'Canary-untold: telling him would put the neighbour at risk';
const NOTE_BODY = 'Canary-note: said he would hurt the neighbour tonight.';
const REVIEW_NOTES = 'Canary-review: sharing was necessary and proportionate';

const RECORD = `mutation ($input: ExceptionalDisclosureInput!) {
  recordExceptionalDisclosure(input: $input) {
    requestId kind legalBasis reasoning recipient clientInformed reasonNotInformed flaggedForGuardian itemIds
  }
}`;
const REVIEWS = `query ($status: DisclosureReviewStatus) {
  disclosureReviews(status: $status) {
    id serviceUserId requestId legalBasis clientInformed recordedBy status outcome reviewedBy reviewedAt notes
  }
}`;
const COMPLETE = `mutation ($id: ID!, $outcome: DisclosureReviewOutcome!, $notes: String!) {
  completeDisclosureReview(reviewId: $id, outcome: $outcome, notes: $notes) {
    id status outcome reviewedBy reviewedAt notes
  }
}`;
const REGISTER = `query ($id: ID!) {
  serviceUser(id: $id) { disclosureRegister { requestId kind legalBasis reasoning recipient clientInformed reasonNotInformed } }
}`;

interface Review {
  id: string;
  serviceUserId: string;
  requestId: string;
  legalBasis: string;
  clientInformed: boolean;
  recordedBy: string;
  status: string;
  outcome: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  notes: string | null;
}

interface World {
  api: TestApi;
  org: TestOrganisation;
  manager: Person;
  worker: Person;
  otherWorker: Person;
  guardian: Person;
  ig: Person;
  client: string;
  note: string;
}

async function world(api: TestApi): Promise<World> {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const [worker, otherWorker, guardian, ig] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
    addStaff(api, org, ['IG_LEAD']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(api, worker, client, 'SAFEGUARDING_CONCERN', NOTE_BODY);
  return { api, org, manager, worker, otherWorker, guardian, ig, client, note };
}

const input = (w: World, change: Record<string, unknown> = {}) => ({
  serviceUserId: w.client,
  recipient: RECIPIENT,
  legalBasis: 'SAFEGUARDING',
  reasoning: REASONING,
  itemIds: [w.note],
  clientInformed: true,
  ...change,
});

async function record(w: World, by: Person, change: Record<string, unknown> = {}) {
  const result = await w.api.graphql<{
    recordExceptionalDisclosure: { requestId: string; kind: string; clientInformed: boolean };
  }>(RECORD, { token: by.token, variables: { input: input(w, change) } });
  expectNoErrors(result);
  return result.data?.recordExceptionalDisclosure.requestId ?? '';
}

async function reviewsOf(w: World, who: Person, status?: 'PENDING' | 'COMPLETED') {
  const result = await w.api.graphql<{ disclosureReviews: Review[] }>(REVIEWS, {
    token: who.token,
    variables: { status },
  });
  expectNoErrors(result);
  return result.data?.disclosureReviews ?? [];
}

/** Every audit event about the client and by the people involved, de-duplicated. */
async function eventsOf(w: World, actors: readonly Person[]): Promise<StoredAuditEvent[]> {
  const scope = tenantScope(w.org.orgId);
  const all = [
    ...(await w.api.services.auditLog.bySubject(scope, localIdOf(w.client), { limit: 1000 })),
    ...(
      await Promise.all(actors.map((a) => w.api.services.auditLog.byActor(scope, a.staffId, { limit: 1000 })))
    ).flat(),
  ];
  return [...new Map(all.map((event) => [event.eventId, event])).values()];
}

describe('an exceptional disclosure', () => {
  const api = testApi();

  it('is recorded by the worker who made it, with reasoning and legal basis, and raises a review for the manager only', async () => {
    // Prepare
    const w = await world(api);

    // Act
    const recorded = await api.graphql<{
      recordExceptionalDisclosure: Record<string, unknown> & { requestId: string };
    }>(RECORD, { token: w.worker.token, variables: { input: input(w) } });

    // Assess: the register entry, read by the manager
    expectNoErrors(recorded);
    expect(recorded.data?.recordExceptionalDisclosure).toMatchObject({
      kind: 'EXCEPTIONAL_DISCLOSURE',
      legalBasis: 'SAFEGUARDING',
      clientInformed: true,
      reasonNotInformed: null,
      flaggedForGuardian: true,
      // The worker may write a safeguarding concern, not read one: the entry does not name it to them (lists filter).
      itemIds: [],
    });
    const requestId = recorded.data?.recordExceptionalDisclosure.requestId;
    const register = await api.graphql<{
      serviceUser: { disclosureRegister: Record<string, unknown>[] };
    }>(REGISTER, { token: w.manager.token, variables: { id: w.client } });
    expectNoErrors(register);
    expect(register.data?.serviceUser.disclosureRegister).toEqual([
      {
        requestId,
        kind: 'EXCEPTIONAL_DISCLOSURE',
        legalBasis: 'SAFEGUARDING',
        reasoning: REASONING,
        recipient: RECIPIENT,
        clientInformed: true,
        reasonNotInformed: null,
      },
    ]);
    const named = await api.graphql<{ serviceUser: { disclosureRegister: { itemIds: string[] }[] } }>(
      'query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { itemIds } } }',
      { token: w.manager.token, variables: { id: w.client } },
    );
    expect(named.data?.serviceUser.disclosureRegister).toEqual([
      { itemIds: [localIdOf(w.note).split('.')[1]] },
    ]);

    // Assess: a review item for the manager and the Guardian, none for the care workers
    const forManager = await reviewsOf(w, w.manager, 'PENDING');
    expect(forManager).toEqual([
      expect.objectContaining({
        serviceUserId: w.client,
        requestId,
        legalBasis: 'SAFEGUARDING',
        clientInformed: true,
        recordedBy: w.worker.globalId,
        status: 'PENDING',
        outcome: null,
        reviewedBy: null,
        notes: null,
      }),
    ]);
    expect((await reviewsOf(w, w.guardian)).map((r) => r.id)).toEqual([forManager[0]?.id]);
    expect(await reviewsOf(w, w.worker)).toEqual([]);
    expect(await reviewsOf(w, w.otherWorker)).toEqual([]);
    expect(await reviewsOf(w, w.ig)).toEqual([]);
  });

  it('is closed by the manager with a finding, once, and never by the worker who recorded it', async () => {
    // Prepare
    const w = await world(api);
    await record(w, w.worker);
    const [review] = await reviewsOf(w, w.manager, 'PENDING');

    // Act
    const byWorker = await api.graphql(COMPLETE, {
      token: w.worker.token,
      variables: { id: review?.id, outcome: 'JUSTIFIED', notes: REVIEW_NOTES },
    });
    const byManager = await api.graphql<{ completeDisclosureReview: Review }>(COMPLETE, {
      token: w.manager.token,
      variables: { id: review?.id, outcome: 'JUSTIFIED', notes: REVIEW_NOTES },
    });
    const again = await api.graphql(COMPLETE, {
      token: w.guardian.token,
      variables: { id: review?.id, outcome: 'UNJUSTIFIED', notes: 'Second opinion' },
    });

    // Assess
    expect(codes(byWorker)).toEqual(['NOT_FOUND']);
    expectNoErrors(byManager);
    expect(byManager.data?.completeDisclosureReview).toMatchObject({
      id: review?.id,
      status: 'COMPLETED',
      outcome: 'JUSTIFIED',
      reviewedBy: w.manager.globalId,
      notes: REVIEW_NOTES,
    });
    expect(codes(again)).toEqual(['CONFLICT']);
    expect(await reviewsOf(w, w.manager, 'PENDING')).toEqual([]);
    expect(await reviewsOf(w, w.guardian, 'COMPLETED')).toEqual([
      expect.objectContaining({ id: review?.id, outcome: 'JUSTIFIED', reviewedBy: w.manager.globalId }),
    ]);
  });

  it('recorded by the manager is reviewed by the Guardian; an unjustified finding opens a breach entry', async () => {
    // Prepare
    const w = await world(api);
    await record(w, w.manager, { legalBasis: 'VITAL_INTERESTS' });
    const [review] = await reviewsOf(w, w.guardian, 'PENDING');

    // Act
    const own = await api.graphql(COMPLETE, {
      token: w.manager.token,
      variables: { id: review?.id, outcome: 'JUSTIFIED', notes: 'Fine by me' },
    });
    const byGuardian = await api.graphql<{ completeDisclosureReview: Review }>(COMPLETE, {
      token: w.guardian.token,
      variables: { id: review?.id, outcome: 'UNJUSTIFIED', notes: REVIEW_NOTES },
    });
    const breaches = await api.graphql<{ breaches: { source: string; reference: string }[] }>(
      '{ breaches { source reference } }',
      { token: w.ig.token },
    );

    // Assess
    expect(codes(own)).toEqual(['FORBIDDEN']);
    expectNoErrors(byGuardian);
    expect(byGuardian.data?.completeDisclosureReview.outcome).toBe('UNJUSTIFIED');
    expectNoErrors(breaches);
    expect(breaches.data?.breaches).toEqual([
      { source: 'DISCLOSURE_REVIEW_UNJUSTIFIED', reference: review?.id },
    ]);
  });

  it('is not closed by the manager who recorded it, once a raw write names someone else (decision 0099)', async () => {
    // Prepare: the manager's own exceptional disclosure, which the manager may not review.
    const w = await world(api);
    await record(w, w.manager);
    const [review] = await reviewsOf(w, w.guardian, 'PENDING');
    const own = await api.graphql(COMPLETE, {
      token: w.manager.token,
      variables: { id: review?.id, outcome: 'JUSTIFIED', notes: REVIEW_NOTES },
    });
    expect(codes(own)).toEqual(['FORBIDDEN']);
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

    // Act: one raw write says the worker recorded it; the manager reviews it.
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.services.config.tables.data,
        Key: { pk: item?.pk ?? { S: '' }, sk: item?.sk ?? { S: '' } },
        UpdateExpression: 'SET recordedBy = :worker',
        ExpressionAttributeValues: { ':worker': { S: w.worker.staffId } },
      }),
    );
    const completed = await api.graphql(COMPLETE, {
      token: w.manager.token,
      variables: { id: review?.id, outcome: 'JUSTIFIED', notes: REVIEW_NOTES },
    });

    // Assess
    expect(codes(completed)).toEqual(['INTERNAL']);
    await expectTamperedState(api, scope.orgId, 'DISCLOSURE_REVIEW');
  });

  it('writes an unjustified finding and its breach entry together: a fault leaves the review pending, to retry', async () => {
    // Prepare: a pending review, and an API whose DynamoDB client fails the write carrying the breach entry.
    const w = await world(api);
    await record(w, w.manager, { legalBasis: 'VITAL_INTERESTS' });
    const [review] = await reviewsOf(w, w.guardian, 'PENDING');
    const failing = failingDynamoClient(api, (call) => JSON.stringify(call.input).includes('#BREACHES"'));
    const faulty = testApi({ dynamo: failing.client });
    const complete = (through: TestApi) =>
      through.graphql<{ completeDisclosureReview: Review }>(COMPLETE, {
        token: w.guardian.token,
        variables: { id: review?.id, outcome: 'UNJUSTIFIED', notes: REVIEW_NOTES },
      });
    const breaches = async () => {
      const result = await api.graphql<{ breaches: { reference: string }[] }>('{ breaches { reference } }', {
        token: w.ig.token,
      });
      expectNoErrors(result);
      return result.data?.breaches ?? [];
    };

    // Act
    const failed = await complete(faulty);

    // Assess: a fault, no entry, and the review still pending.
    expect(failing.failures()).toBe(1);
    expect(codes(failed)).toEqual(['INTERNAL']);
    expect(await breaches()).toEqual([]);
    expect((await reviewsOf(w, w.guardian, 'PENDING')).map((pending) => pending.id)).toEqual([review?.id]);

    // Act: the finding again, with nothing failing.
    const retried = await complete(api);

    // Assess: completed, with exactly one entry.
    expectNoErrors(retried);
    expect(retried.data?.completeDisclosureReview.outcome).toBe('UNJUSTIFIED');
    expect(await breaches()).toEqual([{ reference: review?.id }]);
  });

  it('records why the person was not told, and then keeps it out of what the person sees', async () => {
    // Prepare: one disclosure the person was told of, one they were not (telling would increase risk)
    const w = await world(api);
    const told = await record(w, w.worker, { legalBasis: 'VITAL_INTERESTS' });
    const untold = await record(w, w.worker, { clientInformed: false, reasonNotInformed: NOT_INFORMED });
    await approvedSubjectAccessRequest(api, w.ig, w.guardian, w.client);

    // Act
    const forManager = await api.graphql<{
      serviceUser: { disclosureRegister: { requestId: string; reasonNotInformed: string | null }[] };
    }>(REGISTER, { token: w.manager.token, variables: { id: w.client } });
    const forPerson = await api.graphql<{
      serviceUser: { disclosureRegister: { requestId: string }[] };
    }>(REGISTER, {
      token: await serviceUserToken(api, w.org.orgId, w.client),
      variables: { id: w.client },
    });
    const exported = await api.graphql<{ subjectAccessExport: { document: string } }>(
      'query ($c: ID!) { subjectAccessExport(serviceUserId: $c) { document } }',
      { token: w.ig.token, variables: { c: w.client } },
    );

    // Assess
    expectNoErrors(forManager);
    expect(forManager.data?.serviceUser.disclosureRegister).toEqual([
      expect.objectContaining({ requestId: told, reasonNotInformed: null }),
      expect.objectContaining({ requestId: untold, reasonNotInformed: NOT_INFORMED }),
    ]);
    expect((await reviewsOf(w, w.manager)).map((r) => [r.requestId, r.clientInformed]).sort()).toEqual(
      [
        [told, true],
        [untold, false],
      ].sort(),
    );
    expectNoErrors(forPerson);
    expect(forPerson.data?.serviceUser.disclosureRegister.map((e) => e.requestId)).toEqual([told]);
    expectNoErrors(exported);
    const document = JSON.parse(exported.data?.subjectAccessExport.document ?? '{}') as {
      disclosures: { kind: string; legalBasis: string }[];
    };
    expect(document.disclosures).toEqual([
      expect.objectContaining({ kind: 'EXCEPTIONAL_DISCLOSURE', legalBasis: 'VITAL_INTERESTS' }),
    ]);
  });

  it('leaves audit events for every step, none carrying the personal data', async () => {
    // Prepare
    const w = await world(api);
    const requestId = await record(w, w.worker);
    const [review] = await reviewsOf(w, w.manager);
    await api.graphql(COMPLETE, {
      token: w.worker.token,
      variables: { id: review?.id, outcome: 'JUSTIFIED', notes: REVIEW_NOTES },
    });
    expectNoErrors(
      await api.graphql(COMPLETE, {
        token: w.manager.token,
        variables: { id: review?.id, outcome: 'JUSTIFIED', notes: REVIEW_NOTES },
      }),
    );
    const period = {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    };

    // Act
    const events = await eventsOf(w, [w.worker, w.manager]);
    const summary = await api.graphql<{
      informationGovernanceSummary: { disclosures: { made: number; exceptional: number } };
    }>(
      'query ($p: ReportPeriod!) { informationGovernanceSummary(period: $p) { disclosures { made exceptional } } }',
      { token: w.ig.token, variables: { p: period } },
    );

    // Assess
    const subject = localIdOf(w.client);
    const find = (operation: string, action: string) =>
      events.filter((e) => e.operation === operation && e.action === action);
    expect(find('recordExceptionalDisclosure', 'WRITE')).toEqual([
      expect.objectContaining({
        subjectId: subject,
        outcome: 'ALLOWED',
        relationship: 'ALLOCATED',
        rule: 'disclosure.exceptional.SAFEGUARDING',
        classifications: ['CONSENT'],
        actor: expect.objectContaining({ id: w.worker.staffId }),
      }),
    ]);
    expect(find('openDisclosureReview', 'ADMIN')).toEqual([
      expect.objectContaining({ subjectId: subject, rule: 'review.client-informed' }),
    ]);
    expect(find('disclosureReviews', 'READ').map((e) => e.actor.id)).toContain(w.manager.staffId);
    // The listing is recorded against the person each review is about.
    expect(
      find('disclosureReviews', 'READ').filter(
        (e) => e.subjectId === subject && e.actor.id === w.manager.staffId,
      ),
    ).not.toEqual([]);
    expect(find('completeDisclosureReview', 'DENIED')).toEqual([
      expect.objectContaining({
        outcome: 'NOT_FOUND',
        actor: expect.objectContaining({ id: w.worker.staffId }),
      }),
    ]);
    expect(find('completeDisclosureReview', 'ADMIN')).toEqual([
      expect.objectContaining({
        subjectId: subject,
        outcome: 'ALLOWED',
        rule: 'review.JUSTIFIED',
        actor: expect.objectContaining({ id: w.manager.staffId }),
      }),
    ]);
    // One disclosure is counted once in the IG lead's summary.
    expectNoErrors(summary);
    expect(summary.data?.informationGovernanceSummary.disclosures).toMatchObject({ made: 1, exceptional: 1 });
    const text = JSON.stringify(events);
    for (const secret of [REASONING, RECIPIENT, NOTE_BODY, REVIEW_NOTES, ADA.name, ADA.nhsNumber]) {
      expect(text).not.toContain(secret);
    }
    // The disclosure's id is on its own event only, the reference its register entry is read by (decision 0150).
    expect(events.filter((e) => e.disclosureId === requestId).map((e) => [e.operation, e.action])).toEqual([
      ['recordExceptionalDisclosure', 'WRITE'],
    ]);
    expect(JSON.stringify(events.map(({ disclosureId: _, ...event }) => event))).not.toContain(requestId);
  });
});

describe('an exceptional disclosure refused', () => {
  const api = testApi({ tables: ownTablesForFile() });

  const CASES: {
    name: string;
    change: (w: World) => Record<string, unknown>;
    field?: string[];
  }[] = [
    {
      name: 'consent given as the legal basis',
      change: () => ({ legalBasis: 'CONSENT' }),
      field: ['input', 'legalBasis'],
    },
    { name: 'no legal basis', change: () => ({ legalBasis: undefined }) },
    { name: 'blank reasoning', change: () => ({ reasoning: '   ' }), field: ['input', 'reasoning'] },
    { name: 'no reasoning', change: () => ({ reasoning: undefined }) },
    { name: 'blank recipient', change: () => ({ recipient: '' }), field: ['input', 'recipient'] },
    {
      name: 'the person not told, with no reason why',
      change: () => ({ clientInformed: false }),
      field: ['input', 'reasonNotInformed'],
    },
    {
      name: 'the person not told, with a blank reason',
      change: () => ({ clientInformed: false, reasonNotInformed: ' ' }),
      field: ['input', 'reasonNotInformed'],
    },
    { name: 'nothing shared', change: () => ({ itemIds: [] }), field: ['input', 'itemIds'] },
    {
      name: 'a reasoning too long',
      change: () => ({ reasoning: 'x'.repeat(2001) }),
      field: ['input', 'reasoning'],
    },
  ];

  it('answers bad input with BAD_USER_INPUT and writes nothing; refuses those who did not support the person', async () => {
    // Prepare
    const w = await world(api);
    const before = await organisationItems(api, w.org.orgId, {
      tables: [api.services.config.tables.data, api.services.config.tables.keys],
    });

    // Act
    const results = [];
    for (const testCase of CASES) {
      results.push({
        testCase,
        result: await api.graphql(RECORD, {
          token: w.worker.token,
          variables: { input: input(w, testCase.change(w)) },
        }),
      });
    }
    const byIgLead = await api.graphql(RECORD, { token: w.ig.token, variables: { input: input(w) } });
    const byStranger = await api.graphql(RECORD, {
      token: w.otherWorker.token,
      variables: { input: input(w) },
    });

    // Assess
    for (const { testCase, result } of results) {
      expect(codes(result), testCase.name).toEqual(['BAD_USER_INPUT']);
      expect(result.data ?? null, testCase.name).toBeNull();
      // A refusal of ours names the field and repeats nothing the caller sent (graphql-js's own coercion
      // errors, for a missing field, quote the caller's input back to the caller).
      if (testCase.field) {
        expect(result.errors?.[0]?.extensions?.field, testCase.name).toEqual(testCase.field);
        expect(result.text, testCase.name).not.toContain('Canary');
      }
    }
    expect(codes(byIgLead)).toEqual(['FORBIDDEN']);
    expect(codes(byStranger)).toEqual(['NOT_FOUND']);
    const after = await organisationItems(api, w.org.orgId, {
      tables: [api.services.config.tables.data, api.services.config.tables.keys],
    });
    expect(after).toEqual(before);
    expect(await reviewsOf(w, w.manager)).toEqual([]);
  });
});
