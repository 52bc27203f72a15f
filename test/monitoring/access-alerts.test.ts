import { beforeAll, describe, expect, it } from 'vitest';
import { approvalIdOf, closeCase, proposeErasure } from '../retention/retention-support';
import { ADA, allocate, expectNoErrors, type Person, recordNote } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { errorsOf, type ServiceWorld, seedClients, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Unusual access (issue 8; Lets connect 4.3 "access to client information will be monitored"): each rule of
 * accessAlerts fires on a scenario built for it — many clients outside a caseload in a short window, access out
 * of the configured hours, repeated refusals, an emergency access still unreviewed after N days — with the audit
 * events as evidence and no personal data, and stays silent on ordinary work.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const ALERTS = `query ($from: DateTime) { accessAlerts(from: $from, first: 100) { edges { node {
  id rule staffId from to count evidence reviewId description
} } } }`;
const SETTINGS = `mutation ($input: AccessMonitoringSettingsInput!, $v: Int!) {
  setAccessMonitoringSettings(input: $input, expectedVersion: $v) { version workingHoursStart workingHoursEnd timeZone }
}`;
const DENIED = `query ($from: DateTime) { deniedAccessReport(from: $from, first: 100) { edges { node { id actorId } } } }`;

interface Alert {
  id: string;
  rule: string;
  staffId: string;
  count: number;
  evidence: string[];
  reviewId: string | null;
  description: string;
}

/** HH:MM in UTC, `hours` from now. */
function utcTime(hours: number): string {
  const at = new Date(Date.now() + hours * 3_600_000);
  return `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
}

interface AlertWorld extends ServiceWorld {
  readonly ig: Person;
  readonly worker: Person;
  readonly volunteer: Person;
  readonly clients: { clientId: string; globalId: string }[];
  settingsVersion: number;
}

/** Twelve clients allocated to a worker and a volunteer; working hours set to cover the present (UTC). */
async function alertWorld(api: TestApi): Promise<AlertWorld> {
  const world = await serviceWorld(api);
  const [ig, worker, volunteer] = await Promise.all([
    addStaff(api, world.org, ['IG_LEAD']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['VOLUNTEER']),
  ]);
  const clients = await seedClients(api, world.org.orgId, world.serviceId, 12, {
    allocateTo: worker.staffId,
  });
  const first = clients[0]?.globalId ?? '';
  await allocate(api, world.manager, first, volunteer);
  const settings = await api.graphql<{ setAccessMonitoringSettings: { version: number } }>(SETTINGS, {
    token: ig.token,
    variables: {
      input: { workingHoursStart: utcTime(-3), workingHoursEnd: utcTime(3), timeZone: 'UTC' },
      v: 0,
    },
  });
  expectNoErrors(settings);
  return { ...world, ig, worker, volunteer, clients, settingsVersion: 1 };
}

/** Ordinary work: the worker reads each of their twelve clients, the manager lists the service, the volunteer
 * once tries a health note they may not read, a note is written. */
async function ordinaryWork(api: TestApi, world: AlertWorld): Promise<void> {
  const ids = world.clients.map((client) => client.globalId);
  const aliases = ids.map((_, index) => `c${index}: serviceUser(id: $c${index}) { name phone }`).join(' ');
  const params = ids.map((_, index) => `$c${index}: ID!`).join(', ');
  expectNoErrors(
    await api.graphql(`query (${params}) { ${aliases} }`, {
      token: world.worker.token,
      variables: Object.fromEntries(ids.map((id, index) => [`c${index}`, id])),
      headers: { 'x-access-purpose': 'Daily rota' },
    }),
  );
  expectNoErrors(
    await api.graphql(
      'query ($s: ID!) { serviceUsers(serviceId: $s, first: 50) { edges { node { name } } } }',
      {
        token: world.manager.token,
        variables: { s: world.serviceId },
      },
    ),
  );
  const note = await recordNote(api, world.worker, ids[0] ?? '', 'MEDICAL', 'New inhaler.');
  const refused = await api.graphql('query ($id: ID!) { caseNote(id: $id) { ... on HealthNote { body } } }', {
    token: world.volunteer.token,
    variables: { id: note },
  });
  expect(errorsOf(refused).map((error) => error.code)).toEqual(['FORBIDDEN']);
}

async function alerts(api: TestApi, world: AlertWorld): Promise<Alert[]> {
  const result = await api.graphql<{ accessAlerts: { edges: { node: Alert }[] } }>(ALERTS, {
    token: world.ig.token,
    variables: { from: new Date(Date.now() - 2 * DAY_MS).toISOString() },
  });
  expectNoErrors(result);
  expect(result.text).not.toContain(ADA.name);
  return result.data?.accessAlerts.edges.map((edge) => edge.node) ?? [];
}

describe('accessAlerts on ordinary work', () => {
  const api = testApi();

  it('is empty', async () => {
    // Prepare
    const world = await alertWorld(api);

    // Act
    await ordinaryWork(api, world);
    const found = await alerts(api, world);

    // Assess
    expect(found).toEqual([]);
  });
});

describe('accessMonitoringSettings', () => {
  const api = testApi();

  it('starts from the defaults, and refuses a bad time zone, a bad time, a stale version and a support worker', async () => {
    // Prepare
    const world = await serviceWorld(api);
    const [ig, worker] = await Promise.all([
      addStaff(api, world.org, ['IG_LEAD']),
      addStaff(api, world.org, ['SUPPORT_WORKER']),
    ]);
    const change = (person: Person, input: Record<string, unknown>, v: number) =>
      api.graphql(SETTINGS, { token: person.token, variables: { input, v } });

    // Act
    const defaults = await api.graphql(
      '{ accessMonitoringSettings { workingHoursStart workingHoursEnd timeZone workingDays manyClientsThreshold emergencyReviewDays version } }',
      { token: ig.token },
    );
    const badZone = await change(ig, { timeZone: 'Mars/Olympus' }, 0);
    const badTime = await change(ig, { workingHoursStart: '25:00' }, 0);
    const noDays = await change(ig, { workingDays: [] }, 0);
    const badDay = await change(ig, { workingDays: [1, 8] }, 0);
    const first = await change(ig, { emergencyReviewDays: 3 }, 0);
    const stale = await change(ig, { emergencyReviewDays: 4 }, 0);
    const byWorker = await change(worker, { emergencyReviewDays: 4 }, 1);

    // Assess
    expect(defaults.data).toEqual({
      accessMonitoringSettings: {
        workingHoursStart: '07:00',
        workingHoursEnd: '22:00',
        timeZone: 'Europe/London',
        workingDays: [1, 2, 3, 4, 5, 6, 7],
        manyClientsThreshold: 10,
        emergencyReviewDays: 7,
        version: 0,
      },
    });
    expect(errorsOf(badZone)).toEqual([
      { code: 'BAD_USER_INPUT', path: ['setAccessMonitoringSettings'], field: ['input', 'timeZone'] },
    ]);
    expect(errorsOf(badTime)[0]?.code).toBe('BAD_USER_INPUT');
    // An empty list is told what is missing, not how days are numbered.
    expect(noDays.errors?.[0]?.message).toBe('Choose at least one working day.');
    expect(badDay.errors?.[0]?.message).toBe('Days are 1 (Monday) to 7 (Sunday).');
    expect([...errorsOf(noDays), ...errorsOf(badDay)].map((error) => error.field)).toEqual([
      ['input', 'workingDays'],
      ['input', 'workingDays'],
    ]);
    expectNoErrors(first);
    expect(errorsOf(stale)).toEqual([{ code: 'CONFLICT', path: ['setAccessMonitoringSettings'] }]);
    expect(errorsOf(byWorker)).toEqual([{ code: 'FORBIDDEN', path: ['setAccessMonitoringSettings'] }]);
  });
});

describe('accessAlerts rules', () => {
  const api = testApi();
  let world: AlertWorld;
  beforeAll(async () => {
    world = await alertWorld(api);
    await ordinaryWork(api, world);
  });

  const ofRule = (found: Alert[], rule: string) => found.filter((alert) => alert.rule === rule);

  it('MANY_CLIENTS_OUTSIDE_CASELOAD: a senior manager reads twelve clients they do not support within minutes', async () => {
    // Act
    const listed = await api.graphql(
      'query ($s: ID!) { serviceUsers(serviceId: $s, first: 50) { edges { node { name } } } }',
      { token: world.senior.token, variables: { s: world.serviceId } },
    );
    const found = await alerts(api, world);

    // Assess
    expectNoErrors(listed);
    const hits = ofRule(found, 'MANY_CLIENTS_OUTSIDE_CASELOAD');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ staffId: world.senior.globalId, count: 12, reviewId: null });
    expect(hits[0]?.evidence).toHaveLength(12);
    expect(hits[0]?.description).toMatch(/12 clients outside their caseload within 60 minutes/);
    // Nobody doing ordinary work is flagged by it.
    expect(hits.filter((alert) => alert.staffId !== world.senior.globalId)).toEqual([]);
  });

  it('REPEATED_DENIALS: a support worker tries six records they have no business with', async () => {
    // Prepare
    const snooper = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const ids = world.clients.slice(0, 6).map((client) => client.globalId);

    // Act: one request after another, as someone trying records one by one would
    const attempts = [];
    for (const id of ids) {
      attempts.push(
        await api.graphql('query ($id: ID!) { serviceUser(id: $id) { name } }', {
          token: snooper.token,
          variables: { id },
        }),
      );
    }
    const found = await alerts(api, world);
    const denied = await api.graphql<{
      deniedAccessReport: { edges: { node: { id: string; actorId: string } }[] };
    }>(DENIED, {
      token: world.ig.token,
      variables: { from: new Date(Date.now() - 3_600_000).toISOString() },
    });

    // Assess
    expect(attempts.flatMap((attempt) => errorsOf(attempt).map((error) => error.code))).toEqual(
      Array(6).fill('NOT_FOUND'),
    );
    const hits = ofRule(found, 'REPEATED_DENIALS');
    expect(hits.map((alert) => [alert.staffId, alert.count])).toEqual([[snooper.globalId, 6]]);
    // The evidence is the snooper's refused attempts, as the denied-access report lists them.
    const deniedIds = denied.data?.deniedAccessReport.edges
      .filter((edge) => edge.node.actorId === snooper.staffId)
      .map((edge) => edge.node.id)
      .sort();
    expect([...(hits[0]?.evidence ?? [])].sort()).toEqual(deniedIds);
    // The volunteer's single refusal during ordinary work is not flagged.
    expect(hits.some((alert) => alert.staffId === world.volunteer.globalId)).toBe(false);
  });

  it('OUT_OF_HOURS: access is flagged when the configured hours exclude it, and not when they include it', async () => {
    // Prepare: working hours that end before now
    const set = async (start: string, end: string) => {
      const result = await api.graphql<{ setAccessMonitoringSettings: { version: number } }>(SETTINGS, {
        token: world.ig.token,
        variables: { input: { workingHoursStart: start, workingHoursEnd: end }, v: world.settingsVersion },
      });
      expectNoErrors(result);
      world.settingsVersion = result.data?.setAccessMonitoringSettings.version ?? 0;
    };
    await set(utcTime(2), utcTime(3));

    // Act
    const outside = await alerts(api, world);
    await set(utcTime(-3), utcTime(3));
    const inside = await alerts(api, world);

    // Assess
    const hits = ofRule(outside, 'OUT_OF_HOURS');
    expect(hits.map((alert) => alert.staffId)).toContain(world.worker.globalId);
    const workers = hits.find((alert) => alert.staffId === world.worker.globalId);
    expect(workers?.count).toBeGreaterThanOrEqual(12);
    expect(workers?.description).toMatch(/outside working hours/);
    expect(ofRule(inside, 'OUT_OF_HOURS')).toEqual([]);
  });

  it('EMERGENCY_REVIEW_OVERDUE: an emergency access still unreviewed after 7 days, with the access as evidence', async () => {
    // Prepare: emergency accesses opened eight days ago (one then reviewed) and one opened now
    const eightDaysAgo = testApi({ clock: { now: () => new Date(Date.now() - 8 * DAY_MS) } });
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const [late, reviewed, fresh] = await Promise.all([
      addStaff(api, world.org, ['CHIEF_EXECUTIVE']),
      addStaff(api, world.org, ['CHIEF_EXECUTIVE']),
      addStaff(api, world.org, ['CHIEF_EXECUTIVE']),
    ]);
    const open = async (via: TestApi, person: Person) => {
      const result = await via.graphql<{ openEmergencyAccess: { id: string } }>(
        'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: SAFEGUARDING, detail: "Neighbour called") { id } }',
        { token: person.token, variables: { c: world.clients[1]?.globalId } },
      );
      expectNoErrors(result);
      return result.data?.openEmergencyAccess.id ?? '';
    };
    const lateReview = await open(eightDaysAgo, late);
    const reviewedReview = await open(eightDaysAgo, reviewed);
    await open(api, fresh);
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!) { completeEmergencyAccessReview(reviewId: $id, outcome: JUSTIFIED) { status } }',
        { token: guardian.token, variables: { id: reviewedReview } },
      ),
    );

    // Act
    const found = await alerts(api, world);

    // Assess
    const hits = ofRule(found, 'EMERGENCY_REVIEW_OVERDUE');
    expect(hits.map((alert) => [alert.staffId, alert.reviewId, alert.count])).toEqual([
      [late.globalId, lateReview, 8],
    ]);
    expect(hits[0]?.evidence.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(found)).not.toContain('Neighbour called');
  });
});

describe('accessAlerts and the work of reviewing', () => {
  const api = testApi();

  it('does not count the governance lists a reviewer works through, nor what they say of each person, as reads of records outside a caseload', async () => {
    // Prepare: three emergency accesses to review and three legal holds, and a threshold of two clients outside a
    // caseload
    const world = await alertWorld(api);
    const chief = await addStaff(api, world.org, ['CHIEF_EXECUTIVE']);
    for (const client of world.clients.slice(0, 3)) {
      expectNoErrors(
        await api.graphql(
          'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: SAFEGUARDING, detail: "Neighbour called") { id } }',
          { token: chief.token, variables: { c: client.globalId } },
        ),
      );
      expectNoErrors(
        await api.graphql(
          'mutation ($c: ID!) { placeLegalHold(serviceUserId: $c, reason: "Claim 24-0117") { placedAt } }',
          { token: world.manager.token, variables: { c: client.globalId } },
        ),
      );
    }
    expectNoErrors(
      await api.graphql(SETTINGS, {
        token: world.ig.token,
        variables: { input: { manyClientsThreshold: 2 }, v: world.settingsVersion },
      }),
    );
    // Each review's detail and each hold's reason is the person's, and its reading recorded (decision 0152).
    const reviews = `{ emergencyAccessReviewsConnection(first: 50) { edges { node { id detail } } } }`;

    // Act: the IG lead and the service's manager each work through the reviews, and the IG lead through the holds
    const byIg = await api.graphql<{ emergencyAccessReviewsConnection: { edges: unknown[] } }>(reviews, {
      token: world.ig.token,
    });
    const holdsByIg = await api.graphql<{ legalHolds: { edges: unknown[] } }>(
      '{ legalHolds(first: 50) { edges { node { reason } } } }',
      { token: world.ig.token },
    );
    const byManager = await api.graphql<{ emergencyAccessReviewsConnection: { edges: unknown[] } }>(reviews, {
      token: world.manager.token,
    });
    // A control: a senior manager reading three clients' names is still reading records outside a caseload.
    const bySenior = await api.graphql(
      'query ($s: ID!) { serviceUsers(serviceId: $s, first: 3) { edges { node { name } } } }',
      { token: world.senior.token, variables: { s: world.serviceId } },
    );
    const found = await alerts(api, world);

    // Assess
    expect(byIg.data?.emergencyAccessReviewsConnection.edges).toHaveLength(3);
    expect(byManager.data?.emergencyAccessReviewsConnection.edges).toHaveLength(3);
    expectNoErrors(byIg);
    expect(holdsByIg.data?.legalHolds.edges).toHaveLength(3);
    expectNoErrors(holdsByIg);
    expectNoErrors(bySenior);
    const outside = found.filter((alert) => alert.rule === 'MANY_CLIENTS_OUTSIDE_CASELOAD');
    // Opening emergency access to three people is itself counted (the chief's, as before); reviewing it is not.
    expect(outside.map((alert) => alert.staffId).sort()).toEqual(
      [world.senior.globalId, chief.globalId].sort(),
    );
  });
  it('does not count reading why changes about people were proposed, which a Guardian must read to decide them', async () => {
    // Prepare: three erasures proposed by the IG lead, each with its reason, and a threshold of two clients outside a
    // caseload
    const world = await alertWorld(api);
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    for (const client of world.clients.slice(0, 3)) {
      expectNoErrors(await closeCase(api, world.manager, client.globalId));
      approvalIdOf(await proposeErasure(api, world.ig.token, client.globalId, 'Erasure request by letter'));
    }
    expectNoErrors(
      await api.graphql(SETTINGS, {
        token: world.ig.token,
        variables: { input: { manyClientsThreshold: 2 }, v: world.settingsVersion },
      }),
    );

    // Act: the Guardian reads the changes waiting for them, with why each was proposed (decision 0149)
    const listed = await api.graphql<{ pendingChangesConnection: { edges: { node: { reason: string } }[] } }>(
      '{ pendingChangesConnection(first: 50) { edges { node { reason } } } }',
      { token: guardian.token },
    );
    const found = await alerts(api, world);

    // Assess
    expectNoErrors(listed);
    expect(listed.data?.pendingChangesConnection.edges.map(({ node }) => node.reason)).toEqual([
      'Erasure request by letter',
      'Erasure request by letter',
      'Erasure request by letter',
    ]);
    const outside = found.filter((alert) => alert.rule === 'MANY_CLIENTS_OUTSIDE_CASELOAD');
    expect(outside.map((alert) => alert.staffId)).not.toContain(guardian.globalId);
  });
});
