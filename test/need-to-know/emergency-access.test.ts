import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADA,
  allocate,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import {
  createService,
  errorsOf,
  localIdOf,
  type ServiceWorld,
  serviceUserToken,
  serviceWorld,
} from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Break-glass (ACCESS-MODEL.md, Rules): any staff role may open emergency access to one client, with a
 * reason, for at most one hour. J fields then need a stated purpose; every read is audited as emergency; a
 * review is raised for the service manager and the Caldicott Guardian; staff who already have a relationship
 * never break glass; sealed items open only for IMMINENT_DANGER or SAFEGUARDING.
 */

const OPEN = `mutation ($c: ID!, $r: EmergencyReason!, $d: String!) {
  openEmergencyAccess(serviceUserId: $c, reason: $r, detail: $d) {
    id staffId serviceUserId reason openedAt until status outcome
  }
}`;
const REVIEWS = '{ emergencyAccessReviews { id serviceUserId staffId reason status outcome } }';
const COMPLETE = `mutation ($id: ID!, $o: ReviewOutcome!) {
  completeEmergencyAccessReview(reviewId: $id, outcome: $o) { id status outcome }
}`;
const READ_NAME = 'query ($id: ID!) { serviceUser(id: $id) { reference name } }';
const READ_NOTE = 'query ($id: ID!) { caseNote(id: $id) { kind ... on CareNote { body } } }';

const SEALED_BODY = 'Told us in confidence about her brother.';
const PURPOSE = { 'x-access-purpose': 'Paramedics on site need medication history' };

interface Review {
  id: string;
  staffId: string;
  serviceUserId: string;
  reason: string;
  openedAt: string;
  until: string;
  status: string;
  outcome: string | null;
}

interface EmergencyWorld extends ServiceWorld {
  readonly client: string;
  readonly worker: Person;
  readonly named: Person;
  readonly unnamed: Person;
  readonly guardian: Person;
  readonly otherManager: Person;
  readonly sealedNote: string;
}

async function emergencyWorld(api: TestApi): Promise<EmergencyWorld> {
  const world = await serviceWorld(api);
  const [worker, named, unnamed, guardian, otherManager] = await Promise.all([
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
    addStaff(api, world.org, ['SERVICE_MANAGER']),
  ]);
  await createService(api, world, otherManager);
  const client = await registerServiceUser(api, world.manager, world.serviceId);
  for (const person of [worker, named, unnamed]) await allocate(api, world.manager, client, person);
  await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Ordinary day.');
  const sealedNote = await recordNote(api, worker, client, 'DAILY_SUPPORT', SEALED_BODY, {
    sealedFor: [named.globalId],
  });
  return { ...world, client, worker, named, unnamed, guardian, otherManager, sealedNote };
}

async function openEmergency(api: TestApi, world: EmergencyWorld, person: Person, reason: string) {
  return api.graphql<{ openEmergencyAccess: Review }>(OPEN, {
    token: person.token,
    variables: { c: world.client, r: reason, d: 'Found unresponsive at home' },
  });
}

describe('break-glass emergency access', () => {
  const api = testApi();
  let world: EmergencyWorld;
  beforeAll(async () => {
    world = await emergencyWorld(api);
  });

  it('turns NOT_FOUND into purpose-gated, emergency-audited reads for a Chief Executive, within one hour', async () => {
    // Prepare
    const chief = await addStaff(api, world.org, ['CHIEF_EXECUTIVE']);
    const asChief = { token: chief.token, variables: { id: world.client } };
    const hidden = await api.graphql(READ_NAME, asChief);

    // Act
    const opened = await openEmergency(api, world, chief, 'MEDICAL_EMERGENCY');
    const withoutPurpose = await api.graphql<{ serviceUser: { reference: string; name: string | null } }>(
      READ_NAME,
      asChief,
    );
    const withHeader = await api.graphql<{ serviceUser: { name: string } }>(READ_NAME, {
      ...asChief,
      headers: PURPOSE,
    });
    const withDirective = await api.graphql<{ serviceUser: { name: string } }>(
      'query ($id: ID!) @purpose(reason: "Ambulance crew asked for next of kin") { serviceUser(id: $id) { name } }',
      asChief,
    );

    // Assess
    expect(errorsOf(hidden)).toEqual([{ code: 'NOT_FOUND', path: ['serviceUser'] }]);
    expect(hidden.text).not.toContain(ADA.name);

    expectNoErrors(opened);
    const review = opened.data?.openEmergencyAccess as Review;
    expect(review).toMatchObject({
      staffId: chief.globalId,
      serviceUserId: world.client,
      reason: 'MEDICAL_EMERGENCY',
      status: 'PENDING',
      outcome: null,
    });
    const window = Date.parse(review.until) - Date.parse(review.openedAt);
    expect(window).toBeGreaterThan(0);
    expect(window).toBeLessThanOrEqual(60 * 60 * 1000);

    expect(withoutPurpose.data?.serviceUser.name).toBeNull();
    expect(withoutPurpose.data?.serviceUser.reference).toMatch(/^SU-/);
    expect(withoutPurpose.errors).toHaveLength(1);
    expect(withoutPurpose.errors?.[0]?.path).toEqual(['serviceUser', 'name']);
    expect(withoutPurpose.errors?.[0]?.extensions).toMatchObject({
      code: 'JUSTIFICATION_REQUIRED',
      fields: ['ServiceUser.name'],
    });
    expect(withoutPurpose.text).not.toContain(ADA.name);

    expectNoErrors(withHeader);
    expect(withHeader.data?.serviceUser.name).toBe(ADA.name);
    expectNoErrors(withDirective);
    expect(withDirective.data?.serviceUser.name).toBe(ADA.name);

    // Assess the audit: both allowed reads are EMERGENCY_ACCESS events with emergency=true and the purpose
    const events = (
      await api.services.auditLog.bySubject(tenantScope(world.org.orgId), localIdOf(world.client), {
        limit: 500,
      })
    ).filter((event) => event.actor.id === chief.staffId);
    const nameReads = events.filter((event) => event.fields.includes('ServiceUser.name'));
    expect(
      nameReads.map((event) => ({
        action: event.action,
        outcome: event.outcome,
        emergency: event.emergency,
        relationship: event.relationship,
        purpose: event.purpose,
      })),
    ).toEqual([
      {
        action: 'EMERGENCY_ACCESS',
        outcome: 'ALLOWED',
        emergency: true,
        relationship: 'EMERGENCY',
        purpose: 'Ambulance crew asked for next of kin',
      },
      {
        action: 'EMERGENCY_ACCESS',
        outcome: 'ALLOWED',
        emergency: true,
        relationship: 'EMERGENCY',
        purpose: PURPOSE['x-access-purpose'],
      },
      {
        action: 'DENIED',
        outcome: 'JUSTIFICATION_REQUIRED',
        emergency: true,
        relationship: 'EMERGENCY',
        purpose: undefined,
      },
    ]);
    expect(
      events.filter((event) => event.operation === 'openEmergencyAccess').map((event) => event.action),
    ).toEqual(['EMERGENCY_ACCESS']);
    expect(JSON.stringify(events)).not.toContain(ADA.name);
  });

  it('raises a review for the Caldicott Guardian and the service manager only; the guardian completes it', async () => {
    // Prepare
    const chief = await addStaff(api, world.org, ['CHIEF_EXECUTIVE']);
    const opened = await openEmergency(api, world, chief, 'OTHER');
    expectNoErrors(opened);
    const reviewId = opened.data?.openEmergencyAccess.id ?? '';
    const reviewsOf = async (person: Person) => {
      const result = await api.graphql<{ emergencyAccessReviews: Review[] }>(REVIEWS, {
        token: person.token,
      });
      expectNoErrors(result);
      return result.data?.emergencyAccessReviews.filter((review) => review.id === reviewId) ?? [];
    };

    // Act
    const [forGuardian, forManager, forOtherManager, forOpener] = await Promise.all([
      reviewsOf(world.guardian),
      reviewsOf(world.manager),
      reviewsOf(world.otherManager),
      reviewsOf(chief),
    ]);
    const ownReview = await api.graphql(COMPLETE, {
      token: chief.token,
      variables: { id: reviewId, o: 'JUSTIFIED' },
    });
    const beforeFinding = Date.now();
    const completed = await api.graphql<{ completeEmergencyAccessReview: Review }>(COMPLETE, {
      token: world.guardian.token,
      variables: { id: reviewId, o: 'JUSTIFIED' },
    });
    const afterwards = await reviewsOf(world.manager);
    const reviewed = await api.graphql<{
      emergencyAccessReviews: { id: string; reviewedAt: string | null; reviewedBy: string | null }[];
    }>('{ emergencyAccessReviews { id reviewedAt reviewedBy } }', { token: world.manager.token });

    // Assess
    const pending = { id: reviewId, serviceUserId: world.client, staffId: chief.globalId, status: 'PENDING' };
    expect(forGuardian).toEqual([expect.objectContaining({ ...pending, reason: 'OTHER', outcome: null })]);
    expect(forManager).toEqual([expect.objectContaining(pending)]);
    expect(forOtherManager).toEqual([]);
    expect(forOpener).toEqual([]);
    // The opener is no reviewer: their own review does not exist for them.
    expect(errorsOf(ownReview)).toEqual([{ code: 'NOT_FOUND', path: ['completeEmergencyAccessReview'] }]);
    expectNoErrors(completed);
    expect(completed.data?.completeEmergencyAccessReview).toEqual({
      id: reviewId,
      status: 'COMPLETED',
      outcome: 'JUSTIFIED',
    });
    expect(afterwards).toEqual([expect.objectContaining({ status: 'COMPLETED', outcome: 'JUSTIFIED' })]);
    // Who completed the review and when: the Guardian, at the time the finding was recorded.
    const finding = reviewed.data?.emergencyAccessReviews.filter((review) => review.id === reviewId);
    expect(finding).toEqual([
      { id: reviewId, reviewedAt: expect.any(String), reviewedBy: world.guardian.globalId },
    ]);
    const reviewedAt = Date.parse(finding?.[0]?.reviewedAt ?? '');
    expect(reviewedAt).toBeGreaterThanOrEqual(beforeFinding);
    expect(reviewedAt).toBeLessThanOrEqual(Date.now());
    const audit = await api.services.auditLog.bySubject(
      tenantScope(world.org.orgId),
      localIdOf(world.client),
      {
        limit: 500,
      },
    );
    expect(
      audit
        .filter((event) => event.operation === 'completeEmergencyAccessReview')
        .map((event) => [event.actor.id, event.action, event.rule]),
    ).toEqual([
      [world.guardian.staffId, 'ADMIN', 'review.JUSTIFIED'],
      // The opener's attempt on their own review is refused, and the refusal recorded.
      [chief.staffId, 'DENIED', 'review.reviewers'],
    ]);
  });

  it.each(['JUSTIFIED', 'UNJUSTIFIED'])(
    'ends the access it reviews when the review finds it %s: reads after it would never be reviewed',
    async (outcome) => {
      // Prepare: a Chief Executive, who reaches the person only through an emergency, breaks the glass and reads
      const chief = await addStaff(api, world.org, ['CHIEF_EXECUTIVE']);
      const opened = await openEmergency(api, world, chief, 'OTHER');
      expectNoErrors(opened);
      const read = () =>
        api.graphql<{ serviceUser: { name: string | null } | null }>(READ_NAME, {
          token: chief.token,
          variables: { id: world.client },
          headers: PURPOSE,
        });
      const during = await read();

      // Act: the Guardian records the finding within the hour
      const completed = await api.graphql(COMPLETE, {
        token: world.guardian.token,
        variables: { id: opened.data?.openEmergencyAccess.id, o: outcome },
      });
      const after = await read();

      // Assess: read during the access; after the finding, the person is again not theirs to know of
      expectNoErrors(during);
      expect(during.data?.serviceUser?.name).toBe(ADA.name);
      expectNoErrors(completed);
      expect(errorsOf(after)).toEqual([{ code: 'NOT_FOUND', path: ['serviceUser'] }]);
      expect(after.text).not.toContain(ADA.name);
    },
  );

  it('never lets someone review their own emergency access, not even a former manager still on the service’s list', async () => {
    // Prepare: a former manager, still on the service's manager list but without a management role, has no
    // relationship to the client (so may break glass). Their link counts for nothing without the role: they are no
    // reviewer of the service (countedLinks), so the review is not theirs to know of.
    const former = await addStaff(api, world.org, ['SERVICE_MANAGER', 'SUPPORT_WORKER']);
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
        {
          token: world.senior.token,
          variables: { s: world.serviceId, m: former.globalId },
        },
      ),
    );
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!) { removeRoles(input: { staffId: $s, roles: [SERVICE_MANAGER] }) { id } }',
        {
          token: world.org.adminToken,
          variables: { s: former.globalId },
        },
      ),
    );
    const opened = await openEmergency(api, world, former, 'MEDICAL_EMERGENCY');
    expectNoErrors(opened);
    const reviewId = opened.data?.openEmergencyAccess.id ?? '';

    // Act
    const own = await api.graphql(COMPLETE, {
      token: former.token,
      variables: { id: reviewId, o: 'JUSTIFIED' },
    });
    const listed = await api.graphql<{ emergencyAccessReviews: Review[] }>(REVIEWS, {
      token: world.guardian.token,
    });

    // Assess
    expect(own.data).toBeNull();
    expect(errorsOf(own)).toEqual([{ code: 'NOT_FOUND', path: ['completeEmergencyAccessReview'] }]);
    expect(listed.data?.emergencyAccessReviews.find((review) => review.id === reviewId)).toMatchObject({
      status: 'PENDING',
      outcome: null,
    });
    // Listing reviews reads about the person: recorded against them.
    const events = await api.services.auditLog.bySubject(
      tenantScope(world.org.orgId),
      localIdOf(world.client),
    );
    expect(
      events.filter(
        (event) => event.operation === 'emergencyAccessReviews' && event.actor.id === world.guardian.staffId,
      ),
    ).not.toEqual([]);
  });

  it('is refused with CONFLICT to staff who already have a relationship to the client', async () => {
    // Act
    const refused = await openEmergency(api, world, world.worker, 'IMMINENT_DANGER');
    const asManager = await openEmergency(api, world, world.manager, 'IMMINENT_DANGER');

    // Assess
    expect(refused.data).toBeNull();
    expect(errorsOf(refused)).toEqual([{ code: 'CONFLICT', path: ['openEmergencyAccess'] }]);
    expect(errorsOf(asManager)).toEqual([{ code: 'CONFLICT', path: ['openEmergencyAccess'] }]);
  });

  it('opens a sealed note only for IMMINENT_DANGER or SAFEGUARDING, never for MEDICAL_EMERGENCY', async () => {
    // Prepare
    const [medical, danger, safeguarding] = await Promise.all([
      addStaff(api, world.org, ['SUPPORT_WORKER']),
      addStaff(api, world.org, ['TEAM_LEADER']),
      addStaff(api, world.org, ['ADMINISTRATOR']),
    ]);
    for (const [person, reason] of [
      [medical, 'MEDICAL_EMERGENCY'],
      [danger, 'IMMINENT_DANGER'],
      [safeguarding, 'SAFEGUARDING'],
    ] as const) {
      expectNoErrors(await openEmergency(api, world, person, reason));
    }
    const readSealed = (person: Person) =>
      api.graphql<{ caseNote: { kind: string; body: string | null } }>(READ_NOTE, {
        token: person.token,
        variables: { id: world.sealedNote },
        headers: PURPOSE,
      });
    const listBodies = (person: Person) =>
      api.graphql<{ serviceUser: { notes: { edges: { node: { body: string | null } }[] } } }>(
        'query ($id: ID!) { serviceUser(id: $id) { notes { edges { node { ... on CareNote { body } } } } } }',
        { token: person.token, variables: { id: world.client }, headers: PURPOSE },
      );

    // Act
    const [asMedical, asDanger, asSafeguarding, medicalList, dangerList] = await Promise.all([
      readSealed(medical),
      readSealed(danger),
      readSealed(safeguarding),
      listBodies(medical),
      listBodies(danger),
    ]);

    // Assess
    expect(asMedical.data).toEqual({ caseNote: { kind: 'DAILY_SUPPORT', body: null } });
    expect(errorsOf(asMedical)).toEqual([{ code: 'FORBIDDEN', path: ['caseNote', 'body'] }]);
    expect(asMedical.text).not.toContain(SEALED_BODY);
    expectNoErrors(medicalList);
    expect(medicalList.data?.serviceUser.notes.edges.map((edge) => edge.node.body)).toEqual([
      'Ordinary day.',
    ]);
    for (const opened of [asDanger, asSafeguarding]) {
      expectNoErrors(opened);
      expect(opened.data).toEqual({ caseNote: { kind: 'DAILY_SUPPORT', body: SEALED_BODY } });
    }
    expect(dangerList.data?.serviceUser.notes.edges.map((edge) => edge.node.body)).toEqual([
      SEALED_BODY,
      'Ordinary day.',
    ]);
  });

  it('lets the staff the client named, and the client themself, read a sealed note; not other allocated staff', async () => {
    // Prepare
    const self = await serviceUserToken(api, world.org.orgId, world.client);
    const read = (token: string) =>
      api.graphql<{ caseNote: { kind: string; body: string | null } }>(READ_NOTE, {
        token,
        variables: { id: world.sealedNote },
      });

    // Act
    const [asNamed, asSelf, asUnnamed, asManager] = await Promise.all([
      read(world.named.token),
      read(self),
      read(world.unnamed.token),
      read(world.manager.token),
    ]);

    // Assess
    expectNoErrors(asNamed);
    expect(asNamed.data).toEqual({ caseNote: { kind: 'DAILY_SUPPORT', body: SEALED_BODY } });
    expectNoErrors(asSelf);
    expect(asSelf.data).toEqual({ caseNote: { kind: 'DAILY_SUPPORT', body: SEALED_BODY } });
    for (const refused of [asUnnamed, asManager]) {
      expect(refused.data).toEqual({ caseNote: { kind: 'DAILY_SUPPORT', body: null } });
      expect(errorsOf(refused)).toEqual([{ code: 'FORBIDDEN', path: ['caseNote', 'body'] }]);
      expect(refused.text).not.toContain(SEALED_BODY);
    }
  });
});
