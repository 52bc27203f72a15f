import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocate, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { localIdOf, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Decision 0152, `AccessEvent.purpose`: a purpose someone stated to read a person's records is free text about that
 * person, their CONSENT data, in every report that serves audit events as in their own access log. The matrix decides
 * each read for the event's person and records it against them; a reader a conflict of interest keeps from the person
 * gets null, and nothing is decided or recorded.
 */

const PURPOSE_A = 'Checking her address after the complaint from her sister';
const PURPOSE_B = 'Calling his son about the missed visit on Tuesday';
const REFUSED_PURPOSE = 'Her neighbour says she moved in with a new partner';
const SEARCH_PURPOSE = 'Looking for the man from the allotment complaint';

const READ = 'query ($id: ID!) { serviceUser(id: $id) { name } }';
const STAFF_REPORT = `query ($s: ID!) { staffAccessReport(staffId: $s, first: 100) { edges { node {
  operation serviceUserId purpose
} } } }`;
const DENIED_REPORT = `query ($s: ID!) { deniedAccessReport(staffId: $s, first: 100) { edges { node {
  operation serviceUserId purpose
} } } }`;
const ACCESS_LOG = `query ($id: ID!) { accessLog(serviceUserId: $id, first: 100) { edges { node {
  action operation fields classifications relationship outcome actor { staffId }
} } } }`;

interface ReportedEvent {
  operation: string;
  serviceUserId: string | null;
  purpose: string | null;
}
type Report<K extends string> = Record<K, { edges: { node: ReportedEvent }[] }>;

interface PurposesWorld extends ServiceWorld {
  readonly ig: Person;
  readonly guardian: Person;
  readonly worker: Person;
  readonly stranger: Person;
  /** The IG lead is declared the former partner of A. */
  readonly personA: string;
  readonly personB: string;
}

/**
 * The worker reads A and B, each with a purpose, and searches with one; a stranger tries A with one. The IG lead has
 * a declared conflict of interest with A.
 */
async function purposesWorld(api: TestApi): Promise<PurposesWorld> {
  const world = await serviceWorld(api);
  const [ig, guardian, worker, stranger] = await Promise.all([
    addStaff(api, world.org, ['IG_LEAD']),
    addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
  ]);
  const personA = await registerServiceUser(api, world.manager, world.serviceId, { name: 'Ann Conflicted' });
  const personB = await registerServiceUser(api, world.manager, world.serviceId, { name: 'Ben Other' });
  await allocate(api, world.manager, personA, worker);
  await allocate(api, world.manager, personB, worker);
  expectNoErrors(
    await api.graphql(
      'mutation ($c: ID!, $s: ID!) { declareConflict(serviceUserId: $c, staffId: $s, connection: FORMER_PARTNER) }',
      { token: world.manager.token, variables: { c: personA, s: ig.globalId } },
    ),
  );
  const read = (person: Person, id: string, purpose: string) =>
    api.graphql(READ, { token: person.token, variables: { id }, headers: { 'x-access-purpose': purpose } });
  expectNoErrors(await read(worker, personA, PURPOSE_A));
  expectNoErrors(await read(worker, personB, PURPOSE_B));
  expect((await read(stranger, personA, REFUSED_PURPOSE)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const search = await api.graphql('query { searchServiceUsers(name: "Nobody Here") { id } }', {
    token: worker.token,
    headers: { 'x-access-purpose': SEARCH_PURPOSE },
  });
  expectNoErrors(search);
  return { ...world, ig, guardian, worker, stranger, personA, personB };
}

const nodesOf = <K extends string>(result: { data?: Report<K> | null }, key: K) =>
  result.data?.[key].edges.map(({ node }) => node) ?? [];

describe('a stated purpose in the reports', () => {
  const api = testApi();
  let world: PurposesWorld;
  beforeAll(async () => {
    world = await purposesWorld(api);
  });

  it('is null to a reader a conflict of interest keeps from the person, and nothing of it is decided or recorded', async () => {
    // Act: the IG lead reads what the worker accessed, and what the stranger was refused
    const reads = await api.graphql<Report<'staffAccessReport'>>(STAFF_REPORT, {
      token: world.ig.token,
      variables: { s: world.worker.globalId },
    });
    const refusals = await api.graphql<Report<'deniedAccessReport'>>(DENIED_REPORT, {
      token: world.ig.token,
      variables: { s: world.stranger.globalId },
    });

    // Assess: the accesses to A are listed, neither whom nor why; B's purpose is there
    expectNoErrors(reads);
    const byWorker = nodesOf(reads, 'staffAccessReport').filter((event) => event.operation === 'serviceUser');
    expect(byWorker.map(({ serviceUserId, purpose }) => ({ serviceUserId, purpose }))).toEqual(
      expect.arrayContaining([
        { serviceUserId: null, purpose: null },
        { serviceUserId: world.personB, purpose: PURPOSE_B },
      ]),
    );
    expect(byWorker).toHaveLength(2);
    expect(reads.text).not.toContain(PURPOSE_A);
    expectNoErrors(refusals);
    expect(nodesOf(refusals, 'deniedAccessReport')).toEqual([
      { operation: 'serviceUser', serviceUserId: null, purpose: null },
    ]);
    expect(refusals.text).not.toContain(REFUSED_PURPOSE);
    const recorded = await api.services.auditLog.byActor(tenantScope(world.org.orgId), world.ig.staffId, {
      limit: 100,
    });
    expect(recorded.filter((event) => event.subjectId === localIdOf(world.personA))).toEqual([]);
  });

  it('goes to a reader the matrix lets read the person’s CONSENT data, each read recorded against the person', async () => {
    // Act
    const reads = await api.graphql<Report<'staffAccessReport'>>(STAFF_REPORT, {
      token: world.guardian.token,
      variables: { s: world.worker.globalId },
    });
    const refusals = await api.graphql<Report<'deniedAccessReport'>>(DENIED_REPORT, {
      token: world.guardian.token,
      variables: { s: world.stranger.globalId },
    });

    // Assess: the purposes, and in A's access log the Guardian's reads of them, by field, never the text
    expectNoErrors(reads);
    const purposes = nodesOf(reads, 'staffAccessReport')
      .filter((event) => event.operation === 'serviceUser')
      .map(({ serviceUserId, purpose }) => ({ serviceUserId, purpose }));
    expect(purposes).toEqual(
      expect.arrayContaining([
        { serviceUserId: world.personA, purpose: PURPOSE_A },
        { serviceUserId: world.personB, purpose: PURPOSE_B },
      ]),
    );
    expectNoErrors(refusals);
    expect(nodesOf(refusals, 'deniedAccessReport').map((event) => event.purpose)).toEqual([REFUSED_PURPOSE]);
    const log = await api.graphql<{
      accessLog: { edges: { node: { operation: string; actor: { staffId: string | null } } }[] };
    }>(ACCESS_LOG, { token: world.manager.token, variables: { id: world.personA } });
    expectNoErrors(log);
    const byGuardian = (log.data?.accessLog.edges ?? [])
      .map(({ node }) => node)
      .filter((event) => event.actor.staffId === world.guardian.globalId);
    expect(byGuardian).toEqual(
      ['deniedAccessReport', 'staffAccessReport'].map((operation) => ({
        action: 'READ',
        operation,
        fields: ['AccessEvent.purpose'],
        classifications: ['CONSENT'],
        relationship: 'NONE',
        outcome: 'ALLOWED',
        actor: { staffId: world.guardian.globalId },
      })),
    );
  });

  it('is read in the person’s own log with one recorded read, the field’s, beside the log’s own event', async () => {
    // Act: the Guardian reads A's log with its purposes; the service's manager then reads it
    const byGuardian = await api.graphql<{ accessLog: { edges: { node: { purpose: string | null } }[] } }>(
      'query ($id: ID!) { accessLog(serviceUserId: $id, first: 100) { edges { node { purpose } } } }',
      { token: world.guardian.token, variables: { id: world.personA } },
    );
    const log = await api.graphql<{
      accessLog: { edges: { node: { operation: string; actor: { staffId: string | null } } }[] };
    }>(ACCESS_LOG, { token: world.manager.token, variables: { id: world.personA } });

    // Assess: the log was read, and its purposes were read, each recorded once
    expectNoErrors(byGuardian);
    expect(byGuardian.data?.accessLog.edges.map(({ node }) => node.purpose)).toContain(PURPOSE_A);
    expectNoErrors(log);
    const readings = (log.data?.accessLog.edges ?? [])
      .map(({ node }) => node)
      .filter((event) => event.actor.staffId === world.guardian.globalId && event.operation === 'accessLog');
    const reading = {
      action: 'READ',
      operation: 'accessLog',
      outcome: 'ALLOWED',
      actor: { staffId: world.guardian.globalId },
    };
    expect(readings).toHaveLength(2);
    expect(readings).toEqual(
      expect.arrayContaining([
        { ...reading, fields: [], classifications: [], relationship: null },
        { ...reading, fields: ['AccessEvent.purpose'], classifications: ['CONSENT'], relationship: 'NONE' },
      ]),
    );
  });

  it('is null on an event about no one', async () => {
    // Act
    const reads = await api.graphql<Report<'staffAccessReport'>>(STAFF_REPORT, {
      token: world.guardian.token,
      variables: { s: world.worker.globalId },
    });

    // Assess: the search stated a purpose, but it was about nobody
    expectNoErrors(reads);
    expect(
      nodesOf(reads, 'staffAccessReport').filter((event) => event.operation === 'searchServiceUsers'),
    ).toEqual([expect.objectContaining({ serviceUserId: null, purpose: null })]);
  });
});

describe('reading the stated purposes in a report', () => {
  const api = testApi();

  it('is not a read of records outside a caseload, though each read is in the person’s access log', async () => {
    // Prepare: the worker reads three people with a purpose; two clients outside a caseload raise the alert
    const world = await serviceWorld(api);
    const [ig, worker] = await Promise.all([
      addStaff(api, world.org, ['IG_LEAD']),
      addStaff(api, world.org, ['SUPPORT_WORKER']),
    ]);
    const people: string[] = [];
    for (const name of ['Cal One', 'Dee Two', 'Eve Three']) {
      const person = await registerServiceUser(api, world.manager, world.serviceId, { name });
      await allocate(api, world.manager, person, worker);
      expectNoErrors(
        await api.graphql(READ, {
          token: worker.token,
          variables: { id: person },
          headers: { 'x-access-purpose': `Weekly visit to ${name}` },
        }),
      );
      people.push(person);
    }
    expectNoErrors(
      await api.graphql(
        'mutation ($input: AccessMonitoringSettingsInput!) { setAccessMonitoringSettings(input: $input, expectedVersion: 0) { version } }',
        { token: ig.token, variables: { input: { manyClientsThreshold: 2 } } },
      ),
    );

    // Act: the IG lead reads the worker's accesses with their purposes; a control: a senior manager reads three
    // people's names, which is reading records outside a caseload
    const report = await api.graphql<Report<'staffAccessReport'>>(STAFF_REPORT, {
      token: ig.token,
      variables: { s: worker.globalId },
    });
    expectNoErrors(
      await api.graphql(
        'query ($s: ID!) { serviceUsers(serviceId: $s, first: 3) { edges { node { name } } } }',
        {
          token: world.senior.token,
          variables: { s: world.serviceId },
        },
      ),
    );
    const alerts = await api.graphql<{
      accessAlerts: { edges: { node: { rule: string; staffId: string } }[] };
    }>('{ accessAlerts(first: 100) { edges { node { rule staffId } } } }', { token: ig.token });

    // Assess
    expectNoErrors(report);
    expect(nodesOf(report, 'staffAccessReport').filter((event) => event.purpose !== null)).toHaveLength(3);
    expectNoErrors(alerts);
    const outside = (alerts.data?.accessAlerts.edges ?? [])
      .map(({ node }) => node)
      .filter((alert) => alert.rule === 'MANY_CLIENTS_OUTSIDE_CASELOAD');
    expect(outside.map((alert) => alert.staffId)).toEqual([world.senior.globalId]);
    const scope = tenantScope(world.org.orgId);
    for (const person of people) {
      const events = await api.services.auditLog.bySubject(scope, localIdOf(person));
      expect(
        events.filter(
          (event) => event.actor.id === ig.staffId && event.fields.includes('AccessEvent.purpose'),
        ),
      ).toEqual([
        expect.objectContaining({
          action: 'READ',
          operation: 'staffAccessReport',
          classifications: ['CONSENT'],
          outcome: 'ALLOWED',
        }),
      ]);
    }
  });
});
