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
import { errorsOf, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Explain and the access log (ACCESS-MODEL.md "Explain"; DATA-PROTECTION.md "Access audit"): any staff member
 * can ask why they can or cannot read a client's classifications, without learning anything more; IG leads,
 * Caldicott Guardians and the service's managers read who accessed a client — references and field names
 * only, never the personal data.
 */

const EXPLAIN =
  'query ($id: ID!) { accessExplanation(serviceUserId: $id) { classification effect relationship rule reason } }';
const ACCESS_LOG = `query ($id: ID!) { accessLog(serviceUserId: $id, first: 100) { edges { node {
  id at actorKind actorId actorRoles action operation fields classifications relationship purpose emergency outcome
} } } }`;

const CARE_BODY = 'Cooked a meal together and talked about the allotment.';
const HEALTH_BODY = 'Reports dizziness since the new tablets.';
const PURPOSE = 'Weekly support visit';
const PERSONAL_DATA = [
  ADA.name,
  ADA.address,
  ADA.postcode,
  ADA.nhsNumber,
  ADA.phone,
  ADA.email,
  ADA.dateOfBirth,
  ADA.preferredContact,
  CARE_BODY,
  HEALTH_BODY,
];

interface Explanation {
  classification: string;
  effect: string;
  relationship: string | null;
  rule: string;
  reason: string;
}

interface AccessEvent {
  actorId: string;
  actorKind: string;
  action: string;
  operation: string;
  fields: string[];
  classifications: string[];
  relationship: string | null;
  purpose: string | null;
  emergency: boolean;
  outcome: string;
}

interface LogWorld extends ServiceWorld {
  readonly client: string;
  readonly worker: Person;
  readonly volunteer: Person;
  readonly stranger: Person;
}

async function logWorld(api: TestApi): Promise<LogWorld> {
  const world = await serviceWorld(api);
  const [worker, volunteer, stranger] = await Promise.all([
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['VOLUNTEER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
  ]);
  const client = await registerServiceUser(api, world.manager, world.serviceId);
  await allocate(api, world.manager, client, worker);
  await allocate(api, world.manager, client, volunteer);
  await recordNote(api, worker, client, 'DAILY_SUPPORT', CARE_BODY);
  await recordNote(api, worker, client, 'MEDICAL', HEALTH_BODY);
  return { ...world, client, worker, volunteer, stranger };
}

// One organisation for the file: the explanations are read before the access-log reads are made.
const api = testApi();
let world: LogWorld;
beforeAll(async () => {
  world = await logWorld(api);
});

describe('accessExplanation', () => {
  it('tells a volunteer, in plain words, that CARE rests on their allocation and HEALTH is forbidden', async () => {
    // Act
    const result = await api.graphql<{ accessExplanation: Explanation[] }>(EXPLAIN, {
      token: world.volunteer.token,
      variables: { id: world.client },
    });

    // Assess
    expectNoErrors(result);
    const byClassification = new Map(
      result.data?.accessExplanation.map((entry) => [entry.classification, entry]),
    );
    expect([...byClassification.keys()].sort()).toEqual(
      [
        'CARE',
        'CONSENT',
        'CONTACT',
        'FINANCE',
        'HEALTH',
        'IDENTIFYING',
        'PSEUDONYMOUS',
        'SAFEGUARDING',
      ].sort(),
    );
    expect(byClassification.get('CARE')).toEqual({
      classification: 'CARE',
      effect: 'ALLOW',
      relationship: 'ALLOCATED',
      rule: 'matrix.allocated-volunteer',
      reason: expect.stringMatching(
        /^You can read care data: you are allocated to this client as a volunteer\b.*\.$/,
      ),
    });
    expect(byClassification.get('HEALTH')).toEqual({
      classification: 'HEALTH',
      effect: 'FORBIDDEN',
      relationship: 'ALLOCATED',
      rule: 'matrix.allocated-volunteer',
      reason: expect.stringMatching(
        /^You cannot read health data: .*, which does not include health data\.$/,
      ),
    });
    expect(byClassification.get('FINANCE')?.effect).toBe('FORBIDDEN');
    for (const value of PERSONAL_DATA) expect(result.text).not.toContain(value);
  });

  it('is NOT_FOUND for a staff member with no relationship to the client', async () => {
    // Act
    const result = await api.graphql(EXPLAIN, {
      token: world.stranger.token,
      variables: { id: world.client },
    });

    // Assess
    expect(result.data).toBeNull();
    expect(errorsOf(result)).toEqual([{ code: 'NOT_FOUND', path: ['accessExplanation'] }]);
  });
});

describe('accessLog', () => {
  let governance: { ig: Person; guardian: Person };
  beforeAll(async () => {
    const [ig, guardian] = await Promise.all([
      addStaff(api, world.org, ['IG_LEAD']),
      addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
    ]);
    governance = { ig, guardian };
    // The reads the log must show: the worker reads identifying and contact data with a purpose, the
    // volunteer reads the notes.
    expectNoErrors(
      await api.graphql('query ($id: ID!) { serviceUser(id: $id) { name phone } }', {
        token: world.worker.token,
        variables: { id: world.client },
        headers: { 'x-access-purpose': PURPOSE },
      }),
    );
    expectNoErrors(
      await api.graphql(
        'query ($id: ID!) { serviceUser(id: $id) { notes { edges { node { ... on CareNote { body } } } } } }',
        { token: world.volunteer.token, variables: { id: world.client } },
      ),
    );
  });

  it.each([
    ['the IG lead', () => governance.ig],
    ['the Caldicott Guardian', () => governance.guardian],
    ['the service manager', () => world.manager],
  ])(
    'shows %s who read what, under which relationship and purpose, and no personal data',
    async (_who, reader) => {
      // Act
      const result = await api.graphql<{ accessLog: { edges: { node: AccessEvent }[] } }>(ACCESS_LOG, {
        token: reader().token,
        variables: { id: world.client },
      });

      // Assess
      expectNoErrors(result);
      const events = result.data?.accessLog.edges.map((edge) => edge.node) ?? [];
      expect(
        events.filter((event) => event.actorId === world.worker.staffId && event.operation === 'serviceUser'),
      ).toEqual([
        expect.objectContaining({
          actorKind: 'STAFF',
          action: 'READ',
          fields: ['ServiceUser.name', 'ServiceUser.phone'],
          classifications: ['CONTACT', 'IDENTIFYING'],
          relationship: 'ALLOCATED',
          purpose: PURPOSE,
          emergency: false,
          outcome: 'ALLOWED',
        }),
      ]);
      expect(
        events.filter(
          (event) => event.actorId === world.volunteer.staffId && event.operation === 'serviceUser',
        ),
      ).toEqual([
        expect.objectContaining({
          action: 'READ',
          fields: ['CareNote.body'],
          classifications: ['CARE'],
          relationship: 'ALLOCATED',
          purpose: null,
          outcome: 'ALLOWED',
        }),
      ]);
      for (const value of PERSONAL_DATA) expect(result.text).not.toContain(value);
    },
  );

  it('records each reading of the log against the person: it opens the purposes stated, which are theirs', async () => {
    // Act: the IG lead reads the log, which holds the worker's stated purpose
    const read = await api.graphql<{ accessLog: { edges: { node: AccessEvent }[] } }>(ACCESS_LOG, {
      token: governance.ig.token,
      variables: { id: world.client },
    });

    // Assess: the Guardian's reading of the log shows the IG lead's, as a read of the person's record
    expectNoErrors(read);
    expect(read.data?.accessLog.edges.map((edge) => edge.node.purpose)).toContain(PURPOSE);
    const later = await api.graphql<{ accessLog: { edges: { node: AccessEvent }[] } }>(ACCESS_LOG, {
      token: governance.guardian.token,
      variables: { id: world.client },
    });
    expectNoErrors(later);
    const readings = (later.data?.accessLog.edges ?? [])
      .map((edge) => edge.node)
      .filter((event) => event.actorId === governance.ig.staffId && event.operation === 'accessLog');
    expect(readings).toContainEqual(
      expect.objectContaining({ action: 'READ', fields: ['AccessEvent.purpose'], outcome: 'ALLOWED' }),
    );
  });

  it('is FORBIDDEN to an allocated support worker and NOT_FOUND to a stranger', async () => {
    // Act
    const [asWorker, asStranger] = await Promise.all([
      api.graphql(ACCESS_LOG, { token: world.worker.token, variables: { id: world.client } }),
      api.graphql(ACCESS_LOG, { token: world.stranger.token, variables: { id: world.client } }),
    ]);

    // Assess
    expect(asWorker.data).toBeNull();
    expect(errorsOf(asWorker)).toEqual([{ code: 'FORBIDDEN', path: ['accessLog'] }]);
    expect(asStranger.data).toBeNull();
    expect(errorsOf(asStranger)).toEqual([{ code: 'NOT_FOUND', path: ['accessLog'] }]);
  });
});
