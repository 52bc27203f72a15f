import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { type GraphqlResult, type TestApi, testApi } from '../support/test-api';

/**
 * Decision 0152: free text people type about a person — a legal hold's reasons, the detail of a break-glass, a
 * disclosure reviewer's notes — is that person's CONSENT data, as a disclosure's reasoning and an erasure's reason are.
 * The matrix decides each read, and each read is recorded against the person by field, never with the text.
 */

const HOLD_REASON = 'Material to county court claim HC-7731';
const LIFT_REASON = 'Claim HC-7731 settled on 4 May';
const DETAIL = 'Found on the floor by the stairs, GP-9902 asked for her medication';
const NOTES = 'Proportionate: the referral DR-5510 was urgent';

interface LoggedEvent {
  action: string;
  operation: string;
  fields: string[];
  classifications: string[];
  relationship: string | null;
  outcome: string;
  purpose: string | null;
  actor: { staffId: string | null };
}

const ACCESS_LOG = `query ($id: ID!) { accessLog(serviceUserId: $id, first: 100) { edges { node {
  action operation fields classifications relationship outcome purpose actor { staffId }
} } } }`;

const api: TestApi = testApi();
let org: TestOrganisation;
let manager: Person;
let senior: Person;
let ig: Person;
let guardian: Person;
let worker: Person;
let serviceId = '';

beforeAll(async () => {
  org = await onboardTestOrganisation(api, { name: 'Free text about a person charity' });
  const own = await createServiceWithManager(api, org);
  ({ manager, senior, serviceId } = own);
  [ig, guardian, worker] = await Promise.all([
    addStaff(api, org, ['IG_LEAD']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
    addStaff(api, org, ['SUPPORT_WORKER']),
  ]);
});

/** Someone newly registered in the service, with the worker allocated. */
async function newPerson(name: string): Promise<string> {
  const person = await registerServiceUser(api, manager, serviceId, { name });
  await allocate(api, manager, person, worker);
  return person;
}

/** The person's access log, read by the IG lead: the events that touched `field`. */
async function readsOf(person: string, field: string): Promise<LoggedEvent[]> {
  const log = await api.graphql<{ accessLog: { edges: { node: LoggedEvent }[] } }>(ACCESS_LOG, {
    token: ig.token,
    variables: { id: person },
  });
  expectNoErrors(log);
  return (log.data?.accessLog.edges ?? [])
    .map(({ node }) => node)
    .filter((event) => event.fields.includes(field));
}

/** A recorded read of the person's CONSENT data; the Guardian's and IG lead's own row records relationship NONE. */
const read = (operation: string, field: string, reader: Person, relationship: string, purpose = null) => ({
  action: 'READ',
  operation,
  fields: [field],
  classifications: ['CONSENT'],
  relationship,
  outcome: 'ALLOWED',
  purpose,
  actor: { staffId: reader.globalId },
});

const codesAt = (result: GraphqlResult<unknown>, path: string) =>
  (result.errors ?? [])
    .filter((error) => (error.path ?? []).join('.') === path)
    .map((error) => error.extensions?.code);

describe('a legal hold’s reasons', () => {
  const PLACE = `mutation ($id: ID!, $r: String!) { placeLegalHold(serviceUserId: $id, reason: $r) { reason liftReason } }`;
  const LIFT = `mutation ($id: ID!, $r: String!) { liftLegalHold(serviceUserId: $id, reason: $r) { liftReason } }`;
  const HOLDS = '{ legalHolds(first: 100) { edges { node { serviceUserId reason liftReason } } } }';

  it('go to those who may read the person’s CONSENT data, each read recorded against them by field', async () => {
    // Prepare
    const person = await newPerson('Held Person');

    // Act: the service's manager places the hold, the Caldicott Guardian lists it, the IG lead lifts it
    const placed = await api.graphql<{
      placeLegalHold: { reason: string | null; liftReason: string | null };
    }>(PLACE, { token: manager.token, variables: { id: person, r: HOLD_REASON } });
    const listed = await api.graphql<{
      legalHolds: { edges: { node: { serviceUserId: string; reason: string | null; liftReason: null } }[] };
    }>(HOLDS, { token: guardian.token });
    const lifted = await api.graphql<{ liftLegalHold: { liftReason: string | null } }>(LIFT, {
      token: ig.token,
      variables: { id: person, r: LIFT_REASON },
    });

    // Assess: each reads the text, and each read is in the person's access log by field and classification
    expectNoErrors(placed);
    expect(placed.data?.placeLegalHold).toEqual({ reason: HOLD_REASON, liftReason: null });
    expectNoErrors(listed);
    expect(listed.data?.legalHolds.edges.map(({ node }) => node)).toContainEqual({
      serviceUserId: person,
      reason: HOLD_REASON,
      liftReason: null,
    });
    expectNoErrors(lifted);
    expect(lifted.data?.liftLegalHold.liftReason).toBe(LIFT_REASON);
    const reasonReads = await readsOf(person, 'LegalHold.reason');
    // Placing and lifting state the reason as their purpose, sealed (decision 0028): the list states none.
    expect(reasonReads).toContainEqual(read('legalHolds', 'LegalHold.reason', guardian, 'NONE'));
    expect(reasonReads.map(({ operation, relationship }) => [operation, relationship])).toEqual([
      ['legalHolds', 'NONE'],
      ['placeLegalHold', 'MANAGES_SERVICE'],
    ]);
    const liftReads = await readsOf(person, 'LegalHold.liftReason');
    // Only the lift had a lift reason to read: a hold in place has none, and nothing is decided or recorded for it.
    expect(liftReads).toEqual([
      { ...read('liftLegalHold', 'LegalHold.liftReason', ig, 'NONE'), purpose: LIFT_REASON },
    ]);
  });
});

describe('the detail of a break-glass', () => {
  const OPEN = `mutation ($id: ID!, $d: String!) { openEmergencyAccess(serviceUserId: $id, reason: MEDICAL_EMERGENCY,
    detail: $d) { id detail } }`;
  const REVIEWS = '{ emergencyAccessReviewsConnection(first: 100) { edges { node { id detail } } } }';
  type Reviews = {
    emergencyAccessReviewsConnection: { edges: { node: { id: string; detail: string | null } }[] };
  };
  const reviewIn = (result: GraphqlResult<Reviews>, id: string) =>
    result.data?.emergencyAccessReviewsConnection.edges.find(({ node }) => node.id === id)?.node;

  it('is read by the reviewers, each read recorded against the person by field', async () => {
    // Prepare: a support worker with no relationship to the person breaks the glass
    const person = await newPerson('Person Behind The Glass');
    const opener = await addStaff(api, org, ['SUPPORT_WORKER']);
    const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(
      'mutation ($id: ID!, $d: String!) { openEmergencyAccess(serviceUserId: $id, reason: MEDICAL_EMERGENCY, detail: $d) { id } }',
      { token: opener.token, variables: { id: person, d: DETAIL } },
    );
    expectNoErrors(opened);
    const reviewId = opened.data?.openEmergencyAccess.id ?? '';

    // Act
    const byGuardian = await api.graphql<Reviews>(REVIEWS, { token: guardian.token });
    const byManager = await api.graphql<Reviews>(REVIEWS, { token: manager.token });

    // Assess
    expectNoErrors(byGuardian);
    expect(reviewIn(byGuardian, reviewId)).toEqual({ id: reviewId, detail: DETAIL });
    expectNoErrors(byManager);
    expect(reviewIn(byManager, reviewId)).toEqual({ id: reviewId, detail: DETAIL });
    const reads = await readsOf(person, 'EmergencyAccessReview.detail');
    expect(reads).toEqual([
      read('emergencyAccessReviewsConnection', 'EmergencyAccessReview.detail', manager, 'MANAGES_SERVICE'),
      read('emergencyAccessReviewsConnection', 'EmergencyAccessReview.detail', guardian, 'NONE'),
    ]);
  });

  it('is not given back to whoever broke the glass: it is for the reviewers, and they had no relationship', async () => {
    // Prepare
    const person = await newPerson('Another Person Behind The Glass');
    const opener = await addStaff(api, org, ['SUPPORT_WORKER']);

    // Act
    const opened = await api.graphql<{ openEmergencyAccess: { id: string; detail: string | null } }>(OPEN, {
      token: opener.token,
      variables: { id: person, d: DETAIL },
    });

    // Assess: the access is open, its review raised; the detail is refused on its path only, as the matrix refuses a
    // caller with no relationship (the grant counts from the next request)
    expect(opened.data?.openEmergencyAccess.id).toEqual(expect.any(String));
    expect(opened.data?.openEmergencyAccess.detail).toBeNull();
    expect(codesAt(opened, 'openEmergencyAccess.detail')).toEqual(['NOT_FOUND']);
    expect(opened.text).not.toContain('GP-9902');
  });
});

describe('a disclosure reviewer’s notes', () => {
  it('are read by the reviewers, each read recorded against the person by field', async () => {
    // Prepare: an exceptional disclosure by the allocated worker, reviewed by the Caldicott Guardian
    const person = await newPerson('Disclosed About');
    const note = await recordNote(api, worker, person, 'SAFEGUARDING_CONCERN', 'Bruise on the left arm.');
    expectNoErrors(
      await api.graphql(
        'mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }',
        {
          token: worker.token,
          variables: {
            input: {
              serviceUserId: person,
              recipient: 'Local authority safeguarding team',
              legalBasis: 'SAFEGUARDING',
              reasoning: 'Risk of serious harm; consent would put the person at risk.',
              itemIds: [note],
              clientInformed: true,
            },
          },
        },
      ),
    );
    type Reviews = { disclosureReviews: { id: string; serviceUserId: string; notes: string | null }[] };
    const REVIEWS = '{ disclosureReviews { id serviceUserId notes } }';
    const pending = await api.graphql<Reviews>(REVIEWS, { token: guardian.token });
    const review = pending.data?.disclosureReviews.find((entry) => entry.serviceUserId === person);
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!, $n: String!) { completeDisclosureReview(reviewId: $id, outcome: JUSTIFIED, notes: $n) { id } }',
        { token: guardian.token, variables: { id: review?.id, n: NOTES } },
      ),
    );

    // Act
    const byManager = await api.graphql<Reviews>(REVIEWS, { token: manager.token });

    // Assess: a pending review has no notes to read; the completed one's are the manager's to read, and recorded
    expectNoErrors(pending);
    expect(review?.notes).toBeNull();
    expectNoErrors(byManager);
    expect(byManager.data?.disclosureReviews).toContainEqual({
      id: review?.id,
      serviceUserId: person,
      notes: NOTES,
    });
    expect(await readsOf(person, 'DisclosureReview.notes')).toEqual([
      read('disclosureReviews', 'DisclosureReview.notes', manager, 'MANAGES_SERVICE'),
    ]);
  });
});

describe('who keeps reading it', () => {
  it('the senior manager reads the holds’ reasons org-wide', async () => {
    // Prepare
    const person = await newPerson('Held For The Senior');
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!) { placeLegalHold(serviceUserId: $id, reason: "Inquest IQ-4410") { placedAt } }',
        {
          token: ig.token,
          variables: { id: person },
        },
      ),
    );

    // Act
    const listed = await api.graphql<{
      legalHolds: { edges: { node: { serviceUserId: string; reason: string } }[] };
    }>('{ legalHolds(first: 100) { edges { node { serviceUserId reason } } } }', { token: senior.token });

    // Assess
    expectNoErrors(listed);
    expect(listed.data?.legalHolds.edges.map(({ node }) => node)).toContainEqual({
      serviceUserId: person,
      reason: 'Inquest IQ-4410',
    });
    expect(
      (await readsOf(person, 'LegalHold.reason')).map(({ actor, relationship }) => [
        actor.staffId,
        relationship,
      ]),
    ).toContainEqual([senior.globalId, 'ORG_WIDE']);
  });
});
