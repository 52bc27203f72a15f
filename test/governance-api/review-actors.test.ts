import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
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
import { serviceUserToken } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Issue 19, "actors everywhere": disclosure and break-glass reviews, legal holds and pending changes name the staff
 * behind them in words — display name, handle, role, through the `AccessActor` type access events use — beside the
 * global ids (`recordedBy`, `placedBy`, `proposedBy`, …) that open them, for whoever may read the review, hold or
 * change.
 */

const ACTOR = 'actor: staffId displayName handle roles';
const actorOf = (field: string) => `${field}Actor { ${ACTOR.replace('actor: ', '')} }`;

interface Actor {
  staffId: string | null;
  displayName: string | null;
  handle: string | null;
  roles: string[];
}

const api: TestApi = testApi();
let org: TestOrganisation;
let worker: Person;
let guardian: Person;
let ig: Person;
let manager: Person;
let client: string;
const HANDLES = {
  worker: `worker-${Date.now().toString(36)}`,
  guardian: `guardian-${Date.now().toString(36)}`,
};

beforeAll(async () => {
  org = await onboardTestOrganisation(api);
  const created = await createServiceWithManager(api, org);
  const { serviceId } = created;
  manager = created.manager;
  [worker, guardian, ig] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER'], HANDLES.worker),
    addStaff(api, org, ['CALDICOTT_GUARDIAN'], HANDLES.guardian),
    addStaff(api, org, ['IG_LEAD']),
  ]);
  client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
});

const expectActor = (actor: Actor | null | undefined, person: Person, handle: string, role: string) =>
  expect(actor).toEqual({
    staffId: person.globalId,
    displayName: `Staff ${handle}`,
    handle,
    roles: [role],
  });

describe('actors on reviews, holds and pending changes', () => {
  it('a disclosure review names who recorded the disclosure and, once reviewed, who reviewed it', async () => {
    // Prepare: an exceptional disclosure by the allocated worker
    const note = await recordNote(api, worker, client, 'SAFEGUARDING_CONCERN', 'Bruise on the left arm.');
    expectNoErrors(
      await api.graphql(
        'mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }',
        {
          token: worker.token,
          variables: {
            input: {
              serviceUserId: client,
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
    const REVIEWS = `{ disclosureReviews { id recordedBy ${actorOf('recordedBy')} reviewedBy ${actorOf('reviewedBy')} } }`;
    type Reviews = {
      disclosureReviews: {
        id: string;
        recordedBy: string;
        recordedByActor: Actor;
        reviewedByActor: Actor | null;
      }[];
    };

    // Act
    const pending = await api.graphql<Reviews>(REVIEWS, { token: guardian.token });
    const review = pending.data?.disclosureReviews[0];
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!) { completeDisclosureReview(reviewId: $id, outcome: JUSTIFIED, notes: "Proportionate.") { id } }',
        { token: guardian.token, variables: { id: review?.id } },
      ),
    );
    const completed = await api.graphql<Reviews>(REVIEWS, { token: guardian.token });

    // Assess
    expectNoErrors(pending);
    expect(review?.recordedBy).toBe(worker.globalId);
    expectActor(review?.recordedByActor, worker, HANDLES.worker, 'SUPPORT_WORKER');
    expect(review?.reviewedByActor).toBeNull();
    expectNoErrors(completed);
    const done = completed.data?.disclosureReviews.find((entry) => entry.id === review?.id);
    expectActor(done?.reviewedByActor, guardian, HANDLES.guardian, 'CALDICOTT_GUARDIAN');
  });

  it('a break-glass review names, once completed, who completed it', async () => {
    // Prepare: a support worker with no relationship to the person breaks the glass
    const opener = await addStaff(api, org, ['SUPPORT_WORKER']);
    const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(
      'mutation ($id: ID!) { openEmergencyAccess(serviceUserId: $id, reason: MEDICAL_EMERGENCY, detail: "Collapsed at home") { id } }',
      { token: opener.token, variables: { id: client } },
    );
    expectNoErrors(opened);
    const reviewId = opened.data?.openEmergencyAccess.id;
    const FIELDS = `id reviewedBy ${actorOf('reviewedBy')}`;
    type Review = { id: string; reviewedBy: string | null; reviewedByActor: Actor | null };
    const REVIEWS = `{ emergencyAccessReviewsConnection(first: 50) { edges { node { ${FIELDS} } } } }`;
    type Reviews = { emergencyAccessReviewsConnection: { edges: { node: Review }[] } };
    const reviewIn = (result: { data?: Reviews | null }) =>
      result.data?.emergencyAccessReviewsConnection.edges.find(({ node }) => node.id === reviewId)?.node;

    // Act: read while pending, completed by the Caldicott Guardian, read again by the service's manager
    const pending = await api.graphql<Reviews>(REVIEWS, { token: guardian.token });
    const completed = await api.graphql<{ completeEmergencyAccessReview: Review }>(
      `mutation ($id: ID!) { completeEmergencyAccessReview(reviewId: $id, outcome: JUSTIFIED) { ${FIELDS} } }`,
      { token: guardian.token, variables: { id: reviewId } },
    );
    const managersRead = await api.graphql<Reviews>(REVIEWS, { token: manager.token });

    // Assess
    expectNoErrors(pending);
    expect(reviewIn(pending)).toEqual({ id: reviewId, reviewedBy: null, reviewedByActor: null });
    expectNoErrors(completed);
    expectActor(
      completed.data?.completeEmergencyAccessReview.reviewedByActor,
      guardian,
      HANDLES.guardian,
      'CALDICOTT_GUARDIAN',
    );
    expectNoErrors(managersRead);
    const done = reviewIn(managersRead);
    expect(done?.reviewedBy).toBe(guardian.globalId);
    expectActor(done?.reviewedByActor, guardian, HANDLES.guardian, 'CALDICOTT_GUARDIAN');
  });

  it('a legal hold names who placed it and who lifted it', async () => {
    // Prepare
    const igHandle = (
      await api.graphql<{ staffMember: { handle: string } }>(
        'query ($id: ID!) { staffMember(id: $id) { handle } }',
        {
          token: ig.token,
          variables: { id: ig.globalId },
        },
      )
    ).data?.staffMember.handle as string;
    const HOLD_FIELDS = `placedBy ${actorOf('placedBy')} liftedBy ${actorOf('liftedBy')}`;
    type Hold = { placedByActor: Actor; liftedByActor: Actor | null };

    // Act
    const placed = await api.graphql<{ placeLegalHold: Hold }>(
      `mutation ($id: ID!) { placeLegalHold(serviceUserId: $id, reason: "Material to a coroner's inquest") { ${HOLD_FIELDS} } }`,
      { token: ig.token, variables: { id: client } },
    );
    const lifted = await api.graphql<{ liftLegalHold: Hold }>(
      `mutation ($id: ID!) { liftLegalHold(serviceUserId: $id, reason: "The inquest has closed") { ${HOLD_FIELDS} } }`,
      { token: ig.token, variables: { id: client } },
    );

    // Assess
    expectNoErrors(placed);
    expectActor(placed.data?.placeLegalHold.placedByActor, ig, igHandle, 'IG_LEAD');
    expect(placed.data?.placeLegalHold.liftedByActor).toBeNull();
    expectNoErrors(lifted);
    expectActor(lifted.data?.liftLegalHold.liftedByActor, ig, igHandle, 'IG_LEAD');
  });

  it('a pending change names who proposed it, for the person who may approve it', async () => {
    // Prepare: the organisation's admin proposes an account that opens client records
    const proposed = await api.graphql(
      'mutation ($input: AddStaffMemberInput!) { addStaffMember(input: $input) { id } }',
      {
        token: org.adminToken,
        variables: {
          input: {
            handle: `pending-${Date.now().toString(36)}`,
            displayName: 'Pending Worker',
            roles: ['SUPPORT_WORKER'],
          },
        },
      },
    );
    const approvalId = approvalIdOf(proposed);
    expect(approvalId).toBeDefined();

    // Act
    const listed = await api.graphql<{
      pendingChanges: { id: string; proposedBy: string; proposedByActor: Actor }[];
    }>(`{ pendingChanges { id proposedBy ${actorOf('proposedBy')} } }`, {
      token: (await secondAdmin(api, org)).token,
    });

    // Assess
    expectNoErrors(listed);
    const change = listed.data?.pendingChanges.find((entry) => entry.id === approvalId);
    expect(change?.proposedByActor.staffId).toBe(change?.proposedBy);
    expect(change?.proposedByActor.roles).toContain('ORG_ADMIN');
    expect(change?.proposedByActor.handle).toEqual(expect.any(String));
    expect(change?.proposedByActor.displayName).toEqual(expect.any(String));
  });

  it('a subject access request names the staff member who recorded it, to staff only', async () => {
    // Prepare: the service's manager records the person's request
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $r: String!) { requestSubjectAccess(serviceUserId: $c, receivedOn: $r, identityCheck: PHOTO_ID) { id } }',
        { token: manager.token, variables: { c: client, r: new Date().toISOString().slice(0, 10) } },
      ),
    );
    const FIELDS = `recordedBy ${actorOf('recordedBy')}`;
    type Request = { recordedBy: string | null; recordedByActor: Actor | null };

    // Act
    const [register, own] = await Promise.all([
      api.graphql<{ subjectAccessRequestsConnection: { edges: { node: Request }[] } }>(
        `{ subjectAccessRequestsConnection(first: 10) { edges { node { ${FIELDS} } } } }`,
        { token: guardian.token },
      ),
      api.graphql<{ mySubjectAccessRequests: Request[] }>(`{ mySubjectAccessRequests { ${FIELDS} } }`, {
        token: await serviceUserToken(api, org.orgId, client),
      }),
    ]);

    // Assess: staff see who recorded it; the person sees no staff name (that follows the organisation's setting)
    expectNoErrors(register);
    const [entry] = register.data?.subjectAccessRequestsConnection.edges.map(({ node }) => node) ?? [];
    expect(entry?.recordedBy).toBe(manager.globalId);
    expect(entry?.recordedByActor).toMatchObject({ staffId: manager.globalId, roles: ['SERVICE_MANAGER'] });
    expectNoErrors(own);
    expect(own.data?.mySubjectAccessRequests).toEqual([{ recordedBy: null, recordedByActor: null }]);
  });
});
