import type { AuditEvent } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADA,
  allocate,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { failingDynamoClient, interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff } from '../support/fixtures';
import {
  countedRequests,
  createService,
  errorsOf,
  localIdOf,
  type ServiceWorld,
  serviceWorld,
} from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Access reports (issue 8; Lets connect 4.3, 5.2): what a staff member accessed, refused attempts, disclosures made
 * and emergency accesses with their review status — Relay connections filtered by time, for IG_LEAD and
 * CALDICOTT_GUARDIAN, and for a SERVICE_MANAGER only about their services' clients. And the loop the reviews close:
 * an emergency access found UNJUSTIFIED opens a breach with its 72-hour clock running.
 */

const EVENT_FIELDS =
  'id at actorId action operation fields classifications relationship purpose emergency outcome';
const STAFF_REPORT = `query ($s: ID!, $from: DateTime, $to: DateTime, $first: Int) {
  staffAccessReport(staffId: $s, from: $from, to: $to, first: $first) {
    edges { node { ${EVENT_FIELDS} } } pageInfo { hasNextPage }
  }
}`;
const DENIED_REPORT = `query ($s: ID, $from: DateTime) {
  deniedAccessReport(staffId: $s, from: $from, first: 100) { edges { node { ${EVENT_FIELDS} } } }
}`;
const DISCLOSURE_REPORT = `query ($from: DateTime) {
  disclosureReport(from: $from, first: 100) { edges { node { ${EVENT_FIELDS} } } }
}`;
const anHourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const EMERGENCY_REPORT = `query ($status: String) { emergencyAccessReport(status: $status, first: 100) { edges { node {
  reviewId staffId serviceUserId serviceId reason status outcome daysOpen overdue accessCount evidence
} } } }`;

interface Event {
  id: string;
  actorId: string;
  action: string;
  operation: string;
  fields: string[];
  relationship: string | null;
  purpose: string | null;
  outcome: string;
}
type Connection<T> = { edges: { node: T }[]; pageInfo?: { hasNextPage: boolean } };

interface ReportWorld extends ServiceWorld {
  readonly otherManager: Person;
  readonly worker: Person;
  readonly otherWorker: Person;
  readonly stranger: Person;
  readonly ig: Person;
  readonly guardian: Person;
  readonly clientA: string;
  readonly clientB: string;
}

async function reportWorld(api: TestApi): Promise<ReportWorld> {
  const world = await serviceWorld(api);
  const [otherManager, worker, otherWorker, stranger, ig, guardian] = await Promise.all([
    addStaff(api, world.org, ['SERVICE_MANAGER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['IG_LEAD']),
    addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
  ]);
  const otherService = await createService(api, world, otherManager);
  const clientA = await registerServiceUser(api, world.manager, world.serviceId);
  const clientB = await registerServiceUser(api, otherManager, otherService, { name: 'Bea Other' });
  await allocate(api, world.manager, clientA, worker);
  await allocate(api, otherManager, clientB, otherWorker);
  await recordNote(api, worker, clientA, 'DAILY_SUPPORT', 'Went to the allotment.');
  // The accesses the reports must show
  const read = (person: Person, client: string, purpose?: string) =>
    api.graphql('query ($id: ID!) { serviceUser(id: $id) { name phone } }', {
      token: person.token,
      variables: { id: client },
      ...(purpose ? { headers: { 'x-access-purpose': purpose } } : {}),
    });
  expectNoErrors(await read(worker, clientA, 'Weekly visit'));
  expectNoErrors(await read(otherWorker, clientB));
  expect(errorsOf(await read(stranger, clientA))).toEqual([{ code: 'NOT_FOUND', path: ['serviceUser'] }]);
  return { ...world, otherManager, worker, otherWorker, stranger, ig, guardian, clientA, clientB };
}

const nodes = <T>(connection: Connection<T> | undefined) => connection?.edges.map((edge) => edge.node) ?? [];

describe('access reports', () => {
  const api = testApi();
  let world: ReportWorld;
  beforeAll(async () => {
    world = await reportWorld(api);
  });

  it('staffAccessReport shows the IG lead and the Caldicott Guardian what a staff member accessed, by time', async () => {
    // Act
    const [asIg, asGuardian, future] = await Promise.all([
      api.graphql<{ staffAccessReport: Connection<Event> }>(STAFF_REPORT, {
        token: world.ig.token,
        variables: { s: world.worker.globalId },
      }),
      api.graphql<{ staffAccessReport: Connection<Event> }>(STAFF_REPORT, {
        token: world.guardian.token,
        variables: { s: world.worker.globalId },
      }),
      api.graphql<{ staffAccessReport: Connection<Event> }>(STAFF_REPORT, {
        token: world.ig.token,
        variables: {
          s: world.worker.globalId,
          from: new Date(Date.now() - 3 * 86_400_000).toISOString(),
          to: new Date(Date.now() - 86_400_000).toISOString(),
        },
      }),
    ]);

    // Assess
    for (const result of [asIg, asGuardian]) {
      expectNoErrors(result);
      const events = nodes(result.data?.staffAccessReport);
      expect(events.every((event) => event.actorId === world.worker.staffId)).toBe(true);
      expect(events.find((event) => event.operation === 'serviceUser')).toMatchObject({
        action: 'READ',
        fields: ['ServiceUser.name', 'ServiceUser.phone'],
        relationship: 'ALLOCATED',
        purpose: 'Weekly visit',
        outcome: 'ALLOWED',
      });
      expect(events.some((event) => event.operation === 'recordNote')).toBe(true);
      expect(result.text).not.toContain(ADA.name);
      expect(result.text).not.toContain('allotment');
    }
    expectNoErrors(future);
    expect(nodes(future.data?.staffAccessReport)).toEqual([]);
  });

  it('pages as a Relay connection', async () => {
    const result = await api.graphql<{ staffAccessReport: Connection<Event> }>(STAFF_REPORT, {
      token: world.ig.token,
      variables: { s: world.worker.globalId, first: 1 },
    });

    expectNoErrors(result);
    expect(result.data?.staffAccessReport.edges).toHaveLength(1);
    expect(result.data?.staffAccessReport.pageInfo?.hasNextPage).toBe(true);
  });

  it('limits a service manager to accesses to their own services’ clients, and refuses a support worker', async () => {
    // Act
    const [ownService, otherService, asWorker] = await Promise.all([
      api.graphql<{ staffAccessReport: Connection<Event> }>(STAFF_REPORT, {
        token: world.manager.token,
        variables: { s: world.worker.globalId },
      }),
      api.graphql<{ staffAccessReport: Connection<Event> }>(STAFF_REPORT, {
        token: world.otherManager.token,
        variables: { s: world.worker.globalId },
      }),
      api.graphql(STAFF_REPORT, { token: world.worker.token, variables: { s: world.worker.globalId } }),
    ]);

    // Assess
    expectNoErrors(ownService);
    expect(nodes(ownService.data?.staffAccessReport).some((event) => event.operation === 'serviceUser')).toBe(
      true,
    );
    expectNoErrors(otherService);
    expect(nodes(otherService.data?.staffAccessReport)).toEqual([]);
    expect(errorsOf(asWorker)).toEqual([{ code: 'FORBIDDEN', path: ['staffAccessReport'] }]);
  });

  it('deniedAccessReport lists refused attempts, for the IG lead and the client’s own service manager only', async () => {
    // Prepare
    const denied = async (person: Person, staffId?: string) => {
      const result = await api.graphql<{ deniedAccessReport: Connection<Event> }>(DENIED_REPORT, {
        token: person.token,
        variables: { s: staffId, from: anHourAgo() },
      });
      expectNoErrors(result);
      return nodes(result.data?.deniedAccessReport);
    };
    const byStranger = (events: Event[]) =>
      events.filter((event) => event.actorId === world.stranger.staffId);

    // Act
    const [asIg, onlyStranger, asManager, asOtherManager] = await Promise.all([
      denied(world.ig),
      denied(world.ig, world.stranger.globalId),
      denied(world.manager),
      denied(world.otherManager),
    ]);

    // Assess
    expect(byStranger(asIg).map((event) => [event.action, event.operation, event.outcome])).toEqual([
      ['DENIED', 'serviceUser', 'NOT_FOUND'],
    ]);
    expect(onlyStranger.map((event) => event.actorId)).toEqual([world.stranger.staffId]);
    expect(byStranger(asManager)).toHaveLength(1);
    expect(byStranger(asOtherManager)).toEqual([]);
  });

  it('reads only the days between the organisation’s first and last audit events, not the whole period', async () => {
    // Act: the longest period a report takes (92 days), for an organisation whose events are all from today
    const from = new Date(Date.now() - 91 * 24 * 3_600_000).toISOString();
    const { result, counts } = await countedRequests(api, () =>
      api.graphql<{ deniedAccessReport: Connection<Event> }>(DENIED_REPORT, {
        token: world.ig.token,
        variables: { s: world.stranger.globalId, from },
      }),
    );

    // Assess: the refusal is there, read from the day partitions of at most two days (eight shards each, the day
    // turning while the file ran), not from all 92 days' 736
    expectNoErrors(result);
    expect(nodes(result.data?.deniedAccessReport).map((event) => event.actorId)).toEqual([
      world.stranger.staffId,
    ]);
    expect(counts['DynamoDB.Query'] ?? 0).toBeLessThanOrEqual(16);
  });

  it('disclosureReport lists disclosures made (by the operation and rule the disclosure log records)', async () => {
    // Prepare: the events a release and an exceptional disclosure record, and a refusal that is not a disclosure
    const base: Omit<AuditEvent, 'operation' | 'rule' | 'requestId'> = {
      orgId: world.org.orgId,
      at: new Date().toISOString(),
      actor: { kind: 'STAFF', id: world.manager.staffId, roles: ['SERVICE_MANAGER'] },
      action: 'WRITE',
      subjectId: localIdOf(world.clientA),
      fields: [],
      classifications: ['CONSENT'],
      relationship: 'MANAGES_SERVICE',
      purpose: undefined,
      emergency: false,
      outcome: 'ALLOWED',
    };
    await api.services.auditLog.write([
      {
        ...base,
        requestId: 'disclosure-1',
        operation: 'releaseDisclosure',
        rule: 'disclosure.released.CONSENT',
      },
    ]);
    await api.services.auditLog.write([
      {
        ...base,
        requestId: 'disclosure-2',
        operation: 'recordExceptionalDisclosure',
        rule: 'disclosure.exceptional.SAFEGUARDING',
      },
    ]);
    await api.services.auditLog.write([
      {
        ...base,
        requestId: 'disclosure-3',
        operation: 'decideDisclosureRequest',
        rule: 'disclosure.refused',
      },
    ]);

    // Act
    const [asIg, asOtherManager, whoAndWhy] = await Promise.all([
      api.graphql<{ disclosureReport: Connection<Event> }>(DISCLOSURE_REPORT, { token: world.ig.token }),
      api.graphql<{ disclosureReport: Connection<Event> }>(DISCLOSURE_REPORT, {
        token: world.otherManager.token,
      }),
      // Which person each was about, and the rule (the basis) it was made under: a register that says to whom it
      // relates and why, the details one step away on the person's register.
      api.graphql<{
        disclosureReport: Connection<{
          operation: string;
          serviceUserId: string | null;
          rule: string | null;
        }>;
      }>(
        'query ($from: DateTime) { disclosureReport(from: $from, first: 100) { edges { node { operation serviceUserId rule } } } }',
        { token: world.ig.token },
      ),
    ]);

    // Assess
    expectNoErrors(asIg);
    expect(
      nodes(asIg.data?.disclosureReport)
        .map((event) => event.operation)
        .sort(),
    ).toEqual(['recordExceptionalDisclosure', 'releaseDisclosure']);
    expectNoErrors(asOtherManager);
    expect(nodes(asOtherManager.data?.disclosureReport)).toEqual([]);
    expectNoErrors(whoAndWhy);
    expect(
      nodes(whoAndWhy.data?.disclosureReport).sort((a, b) => a.operation.localeCompare(b.operation)),
    ).toEqual([
      {
        operation: 'recordExceptionalDisclosure',
        serviceUserId: world.clientA,
        rule: 'disclosure.exceptional.SAFEGUARDING',
      },
      { operation: 'releaseDisclosure', serviceUserId: world.clientA, rule: 'disclosure.released.CONSENT' },
    ]);
  });

  it('emergencyAccessReport shows each break-glass access, its review status and the audited reads under it', async () => {
    // Prepare
    const chief = await addStaff(api, world.org, ['CHIEF_EXECUTIVE']);
    const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(
      'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: "Collapsed") { id } }',
      { token: chief.token, variables: { c: world.clientA } },
    );
    expectNoErrors(opened);
    expectNoErrors(
      await api.graphql('query ($id: ID!) { serviceUser(id: $id) { name } }', {
        token: chief.token,
        variables: { id: world.clientA },
        headers: { 'x-access-purpose': 'Paramedics asked for next of kin' },
      }),
    );
    const reviewId = opened.data?.openEmergencyAccess.id;

    // Act
    const [asGuardian, asOtherManager] = await Promise.all([
      api.graphql<{ emergencyAccessReport: Connection<Record<string, unknown>> }>(EMERGENCY_REPORT, {
        token: world.guardian.token,
        variables: { status: 'PENDING' },
      }),
      api.graphql<{ emergencyAccessReport: Connection<Record<string, unknown>> }>(EMERGENCY_REPORT, {
        token: world.otherManager.token,
      }),
    ]);

    // Assess
    expectNoErrors(asGuardian);
    const entry = nodes(asGuardian.data?.emergencyAccessReport).find((node) => node.reviewId === reviewId);
    expect(entry).toMatchObject({
      staffId: chief.globalId,
      serviceUserId: world.clientA,
      serviceId: world.serviceId,
      reason: 'MEDICAL_EMERGENCY',
      status: 'PENDING',
      outcome: null,
      daysOpen: 0,
      overdue: false,
    });
    expect(entry?.accessCount).toBeGreaterThanOrEqual(2);
    expect(((entry?.evidence as string[] | undefined) ?? []).length).toBe(entry?.accessCount);
    expect(asGuardian.text).not.toContain('Collapsed');
    expectNoErrors(asOtherManager);
    expect(nodes(asOtherManager.data?.emergencyAccessReport)).toEqual([]);
  });
});

describe('the person an audited access was about, and its rule', () => {
  const api = testApi();

  it('are not named to a reader whom a conflict of interest keeps from the person, and a rule is given only for a disclosure', async () => {
    // Prepare: the IG lead is declared the former partner of client A, whom the worker then reads
    const world = await reportWorld(api);
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $s: ID!) { declareConflict(serviceUserId: $c, staffId: $s, connection: FORMER_PARTNER) }',
        { token: world.manager.token, variables: { c: world.clientA, s: world.ig.globalId } },
      ),
    );
    expectNoErrors(
      await api.graphql('query ($id: ID!) { serviceUser(id: $id) { name } }', {
        token: world.worker.token,
        variables: { id: world.clientA },
      }),
    );
    const report = (person: Person, staffId: string) =>
      api.graphql<{
        staffAccessReport: Connection<{
          operation: string;
          serviceUserId: string | null;
          rule: string | null;
        }>;
      }>(
        `query ($s: ID!, $from: DateTime) { staffAccessReport(staffId: $s, from: $from, first: 100) {
          edges { node { operation serviceUserId rule } } } }`,
        { token: person.token, variables: { s: staffId, from: anHourAgo() } },
      );

    // Act
    const [byIg, byGuardian, managerByGuardian] = await Promise.all([
      report(world.ig, world.worker.globalId),
      report(world.guardian, world.worker.globalId),
      report(world.guardian, world.manager.globalId),
    ]);

    // Assess: the conflicted IG lead sees the worker's reads, but not whom they were of; the Guardian does
    expectNoErrors(byIg);
    const igReads = nodes(byIg.data?.staffAccessReport).filter((event) => event.operation === 'serviceUser');
    expect(igReads.length).toBeGreaterThan(0);
    expect(igReads.map((event) => event.serviceUserId)).toEqual(igReads.map(() => null));
    expectNoErrors(byGuardian);
    expect(
      nodes(byGuardian.data?.staffAccessReport)
        .filter((event) => event.operation === 'serviceUser')
        .map((event) => event.serviceUserId),
    ).toContain(world.clientA);
    // The declaration's rule names the kind of connection: it is not served (only a disclosure's rule is).
    expectNoErrors(managerByGuardian);
    const declared = nodes(managerByGuardian.data?.staffAccessReport).filter(
      (event) => event.operation === 'declareConflict',
    );
    expect(declared.length).toBeGreaterThan(0);
    expect(declared.map((event) => event.rule)).toEqual(declared.map(() => null));
  });
});

describe('an emergency access reviewed UNJUSTIFIED', () => {
  const api = testApi();

  /** A report world whose chief executive broke the glass on client A; the review's id. */
  async function openedByTheChief() {
    const world = await reportWorld(api);
    const chief = await addStaff(api, world.org, ['CHIEF_EXECUTIVE']);
    const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(
      'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: OTHER, detail: "Curious") { id } }',
      { token: chief.token, variables: { c: world.clientA } },
    );
    expectNoErrors(opened);
    return { world, reviewId: opened.data?.openEmergencyAccess.id };
  }

  it('grants nothing when the review is completed before the grant is written', async () => {
    // Prepare: a break-glass whose grant is held just before it is written while the Guardian completes its review.
    const world = await reportWorld(api);
    const chief = await addStaff(api, world.org, ['CHIEF_EXECUTIVE']);
    const slow = interleavingDynamoClient(
      api,
      (call) => JSON.stringify(call.input).includes('emergencyGrants.#client'),
      async () => {
        const pending = await api.graphql<{ emergencyAccessReviews: { id: string }[] }>(
          '{ emergencyAccessReviews(status: "PENDING") { id } }',
          { token: world.guardian.token },
        );
        expectNoErrors(pending);
        expectNoErrors(
          await api.graphql(
            'mutation ($id: ID!) { completeEmergencyAccessReview(reviewId: $id, outcome: JUSTIFIED) { status } }',
            { token: world.guardian.token, variables: { id: pending.data?.emergencyAccessReviews[0]?.id } },
          ),
        );
      },
    );

    // Act
    const opened = await testApi({ dynamo: slow.client }).graphql(
      'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: OTHER, detail: "Curious") { id } }',
      { token: chief.token, variables: { c: world.clientA } },
    );

    // Assess: refused, and the chief executive cannot read the record under a review already closed.
    expect(slow.interleaved()).toBe(true);
    expect(opened.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const read = await api.graphql<{ serviceUser: { id: string } | null }>(
      'query ($c: ID!) { serviceUser(id: $c) { id } }',
      {
        token: chief.token,
        variables: { c: world.clientA },
        headers: { 'x-access-purpose': 'Checking the plan' },
      },
    );
    expect(read.data?.serviceUser ?? null).toBeNull();
  });

  it('opens a breach register entry referring to the review, with its 72-hour clock already running', async () => {
    // Prepare
    const { world, reviewId } = await openedByTheChief();
    const before = Date.now();

    // Act
    const completed = await api.graphql(
      'mutation ($id: ID!) { completeEmergencyAccessReview(reviewId: $id, outcome: UNJUSTIFIED) { status outcome } }',
      { token: world.guardian.token, variables: { id: reviewId } },
    );
    const register = await api.graphql<{
      breaches: { source: string; reference: string; discoveredAt: string; regulatorDeadline: string }[];
    }>('{ breaches { source reference discoveredAt regulatorDeadline reportable overdue } }', {
      token: world.ig.token,
    });

    // Assess
    expectNoErrors(completed);
    expectNoErrors(register);
    const entries = register.data?.breaches.filter((breach) => breach.reference === reviewId) ?? [];
    expect(entries).toHaveLength(1);
    const entry = entries[0];
    expect(entry).toMatchObject({ source: 'EMERGENCY_REVIEW_UNJUSTIFIED', reportable: null, overdue: false });
    const discovered = Date.parse(entry?.discoveredAt ?? '');
    expect(discovered).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(entry?.regulatorDeadline ?? '') - discovered).toBe(72 * 60 * 60 * 1000);
  });

  it('writes the finding and its breach entry together: a fault on the entry leaves the review pending, to retry', async () => {
    // Prepare: an emergency access awaiting review, and an API whose DynamoDB client fails the write carrying the
    // breach entry.
    const { world, reviewId } = await openedByTheChief();
    const failing = failingDynamoClient(api, (call) => JSON.stringify(call.input).includes('#BREACHES"'));
    const faulty = testApi({ dynamo: failing.client });
    const complete = (through: TestApi) =>
      through.graphql<{ completeEmergencyAccessReview: { status: string } }>(
        'mutation ($id: ID!) { completeEmergencyAccessReview(reviewId: $id, outcome: UNJUSTIFIED) { status } }',
        { token: world.guardian.token, variables: { id: reviewId } },
      );
    const entriesOfTheReview = async () => {
      const register = await api.graphql<{ breaches: { reference: string | null }[] }>(
        '{ breaches { reference } }',
        { token: world.ig.token },
      );
      expectNoErrors(register);
      return register.data?.breaches.filter((breach) => breach.reference === reviewId) ?? [];
    };

    // Act
    const failed = await complete(faulty);

    // Assess: refused as a fault; no entry, and the review is still pending, so the finding can be made again.
    expect(failing.failures()).toBe(1);
    expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL');
    expect(await entriesOfTheReview()).toHaveLength(0);
    const pending = await api.graphql<{ emergencyAccessReviews: { id: string }[] }>(
      '{ emergencyAccessReviews(status: "PENDING") { id } }',
      { token: world.guardian.token },
    );
    expectNoErrors(pending);
    expect(pending.data?.emergencyAccessReviews.map((review) => review.id)).toContain(reviewId);

    // Act: the finding again, with nothing failing.
    const retried = await complete(api);

    // Assess: completed, with exactly one entry.
    expectNoErrors(retried);
    expect(retried.data?.completeEmergencyAccessReview.status).toBe('COMPLETED');
    expect(await entriesOfTheReview()).toHaveLength(1);
  });
});
