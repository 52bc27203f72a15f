import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { addYears, toEpochSeconds } from '@confide/domain';
import { type StoredAuditEvent, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  codes,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  registerServiceUser,
} from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { organisationItems, serviceUserToken } from '../support/records-fixtures';
import { ownTablesForFile, type TestApi, testApi } from '../support/test-api';

/** The file's own tables: its checks read every item of their organisation (ownTablesForFile). */
const tables = ownTablesForFile();

/**
 * The breach register (Lets connect 6; DATA-PROTECTION.md): reported by any staff member, read and assessed by
 * the IG lead alone, with the 72-hour regulator deadline tracked on the test's clock, and each entry kept for
 * the organisation's breach retention (six years by default).
 */

const HOUR_MS = 3_600_000;

const REPORT = `mutation ($i: ReportBreachInput!) { reportBreach(input: $i) {
  id source discoveredAt nature categories approximateSubjects containment reportable
  regulatorDeadline regulatorNotifiedAt overdue recordedAt retainedUntil version
} }`;
const BREACHES = `query ($overdueOnly: Boolean) { breaches(overdueOnly: $overdueOnly) {
  id source discoveredAt nature categories approximateSubjects containment reportable
  regulatorDeadline regulatorNotifiedAt overdue recordedAt retainedUntil version
} }`;
const ASSESS = `mutation ($id: ID!, $reportable: Boolean!, $notified: DateTime, $v: Int!) {
  assessBreach(breachId: $id, reportable: $reportable, regulatorNotifiedAt: $notified, expectedVersion: $v) {
    id reportable regulatorNotifiedAt overdue version
  }
}`;

interface Breach {
  id: string;
  source: string;
  discoveredAt: string;
  nature: string;
  categories: string[];
  approximateSubjects: number;
  containment: string | null;
  reportable: boolean | null;
  regulatorDeadline: string;
  regulatorNotifiedAt: string | null;
  overdue: boolean;
  recordedAt: string;
  retainedUntil: string | null;
  version: number;
}

interface World {
  api: TestApi;
  clock: MovableClock;
  org: TestOrganisation;
  ig: Person;
  worker: Person;
  manager: Person;
  guardian: Person;
  senior: Person;
  client: string;
}

async function world(): Promise<World> {
  const clock = new MovableClock();
  const api = testApi({ clock, tables });
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager, senior } = await createServiceWithManager(api, org);
  const [ig, worker, guardian] = await Promise.all([
    addStaff(api, org, ['IG_LEAD']),
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  return { api, clock, org, ig, worker, manager, guardian, senior, client };
}

const breachInput = (w: World, change: Record<string, unknown> = {}) => ({
  discoveredAt: new Date(w.clock.now().getTime() - HOUR_MS).toISOString(),
  nature: 'Letter with a support plan sent to the wrong address',
  categories: ['CARE', 'CONTACT'],
  approximateSubjects: 3,
  containment: 'Recipient returned the letter unopened',
  ...change,
});

async function report(w: World, by: Person, change: Record<string, unknown> = {}): Promise<Breach> {
  const result = await w.api.graphql<{ reportBreach: Breach }>(REPORT, {
    token: by.token,
    variables: { i: breachInput(w, change) },
  });
  expectNoErrors(result);
  return result.data?.reportBreach as Breach;
}

async function register(w: World, overdueOnly?: boolean): Promise<Breach[]> {
  const result = await w.api.graphql<{ breaches: Breach[] }>(BREACHES, {
    token: w.ig.token,
    variables: { overdueOnly },
  });
  expectNoErrors(result);
  return result.data?.breaches ?? [];
}

async function eventsBy(w: World, staff: Person): Promise<StoredAuditEvent[]> {
  return w.api.services.auditLog.byActor(tenantScope(w.org.orgId), staff.staffId, { limit: 500 });
}

describe('the breach register', () => {
  it('records what any staff member reports, with its 72-hour regulator deadline, for the IG lead', async () => {
    // Prepare
    const w = await world();
    const discoveredAt = new Date(w.clock.now().getTime() - 5 * HOUR_MS).toISOString();

    // Act
    const reported = await report(w, w.worker, { discoveredAt });
    const listed = await register(w);

    // Assess
    expect(reported).toMatchObject({
      source: 'REPORTED',
      discoveredAt,
      nature: 'Letter with a support plan sent to the wrong address',
      categories: ['CARE', 'CONTACT'],
      approximateSubjects: 3,
      containment: 'Recipient returned the letter unopened',
      reportable: null,
      regulatorNotifiedAt: null,
      overdue: false,
      recordedAt: w.clock.now().toISOString(),
      version: 1,
    });
    expect(Date.parse(reported.regulatorDeadline) - Date.parse(discoveredAt)).toBe(72 * HOUR_MS);
    expect(listed).toEqual([reported]);
  });

  it('decides from the entry as stored, not from an index behind it: a notified breach is not put back as open', async () => {
    // Prepare: a breach, and a second assessment (no notification date, at the version the first will leave) whose
    // lookup of the entry is answered before the first assessment, which records the notification, is written.
    const w = await world();
    const breach = await report(w, w.ig);
    const notifiedAt = w.clock.now().toISOString();
    const lagging = interleavingDynamoClient(
      w.api,
      (call) =>
        call.commandName === 'QueryCommand' &&
        (call.input as { IndexName?: string }).IndexName === 'gsi1' &&
        JSON.stringify(call.input).includes('#BREACH#'),
      async () => {
        expectNoErrors(
          await w.api.graphql(ASSESS, {
            token: w.ig.token,
            variables: { id: breach.id, reportable: true, notified: notifiedAt, v: 1 },
          }),
        );
      },
      { afterRead: true },
    );

    // Act
    const second = await testApi({ clock: w.clock, tables, dynamo: lagging.client }).graphql<{
      assessBreach: Breach;
    }>(ASSESS, { token: w.ig.token, variables: { id: breach.id, reportable: true, v: 2 } });

    // Assess: the entry keeps its notification and is not among the open entries the IG lead works through.
    expect(lagging.interleaved()).toBe(true);
    expectNoErrors(second);
    expect(second.data?.assessBreach).toMatchObject({ regulatorNotifiedAt: notifiedAt, version: 3 });
    const open = await w.api.graphql<{
      informationGovernanceSummary: {
        breaches: { openEntriesConnection: { edges: { node: { breachId: string } }[] } };
      };
    }>(
      'query ($p: ReportPeriod!) { informationGovernanceSummary(period: $p) { breaches { openEntriesConnection(first: 50) { edges { node { breachId } } } } } }',
      {
        token: w.ig.token,
        variables: {
          p: { from: new Date(w.clock.now().getTime() - 86_400_000).toISOString(), to: notifiedAt },
        },
      },
    );
    expectNoErrors(open);
    expect(
      open.data?.informationGovernanceSummary.breaches.openEntriesConnection.edges.map(
        (edge) => edge.node.breachId,
      ),
    ).toEqual([]);
  });

  it('tracks the deadline on the clock: overdue when reportable or unassessed and not notified after 72 hours', async () => {
    // Prepare: three breaches discovered an hour ago
    const w = await world();
    const notified = await report(w, w.worker);
    const notReportable = await report(w, w.worker, { nature: 'Misfiled page found in the right office' });
    const forgotten = await report(w, w.manager, { nature: 'Laptop left on a train' });
    const overdueBefore = await register(w, true);

    // Act: 72 hours pass; one is notified late, one assessed as not reportable, one left alone
    w.clock.advanceMs(72 * HOUR_MS);
    const overdueAt72 = (await register(w, true)).map((b) => b.id).sort();
    const assessed = await w.api.graphql<{ assessBreach: Breach }>(ASSESS, {
      token: w.ig.token,
      variables: { id: notified.id, reportable: true, notified: w.clock.now().toISOString(), v: 1 },
    });
    const stale = await w.api.graphql(ASSESS, {
      token: w.ig.token,
      variables: { id: notified.id, reportable: false, v: 1 },
    });
    expectNoErrors(
      await w.api.graphql(ASSESS, {
        token: w.ig.token,
        variables: { id: notReportable.id, reportable: false, v: 1 },
      }),
    );
    const overdueAfter = await register(w, true);

    // Assess
    expect(overdueBefore).toEqual([]);
    expect(overdueAt72).toEqual([notified.id, notReportable.id, forgotten.id].sort());
    expectNoErrors(assessed);
    expect(assessed.data?.assessBreach).toMatchObject({ reportable: true, overdue: false, version: 2 });
    expect(codes(stale)).toEqual(['CONFLICT']);
    expect(overdueAfter.map((b) => [b.id, b.overdue])).toEqual([[forgotten.id, true]]);
    expect((await register(w)).map((b) => b.id).sort()).toEqual(
      [notified.id, notReportable.id, forgotten.id].sort(),
    );
  });

  it('is assessed by the IG lead only and read by the IG lead, the Caldicott Guardian and the managers (Community 7); every other caller is refused, and refusals are audited', async () => {
    // Prepare
    const w = await world();
    const breach = await report(w, w.worker);
    const partnerClientId = `pa-${randomBytes(4).toString('hex')}`;
    expectNoErrors(
      await w.api.graphql(
        'mutation ($c: String!) { registerPartnerAgency(name: "GP surgery", clientId: $c) { id } }',
        {
          token: w.org.adminToken,
          variables: { c: partnerClientId },
        },
      ),
    );
    const partner = await w.api.token({
      sub: partnerClientId,
      client_id: partnerClientId,
      org_id: w.org.orgId,
    });
    const self = await serviceUserToken(w.api, w.org.orgId, w.client);

    // Act
    const asOthers = await Promise.all(
      [w.worker.token, w.org.adminToken, self, partner].map((token) => w.api.graphql(BREACHES, { token })),
    );
    const asReaders = await Promise.all(
      [w.manager.token, w.guardian.token, w.senior.token].map((token) => w.api.graphql(BREACHES, { token })),
    );
    const anonymous = await w.api.graphql(BREACHES);
    const assessByGuardian = await w.api.graphql(ASSESS, {
      token: w.guardian.token,
      variables: { id: breach.id, reportable: true, v: 1 },
    });

    // Assess
    for (const result of asOthers) {
      expect(codes(result)).toEqual(['FORBIDDEN']);
      expect(result.data).toBeNull();
      expect(result.text).not.toContain('wrong address');
    }
    for (const result of asReaders) {
      expectNoErrors(result);
      expect(result.text).toContain('wrong address');
    }
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(codes(assessByGuardian)).toEqual(['FORBIDDEN']);
    expect((await register(w)).map((b) => [b.id, b.reportable, b.version])).toEqual([[breach.id, null, 1]]);
    expect((await eventsBy(w, w.guardian)).map((e) => [e.action, e.operation, e.outcome]).sort()).toEqual(
      [
        ['DENIED', 'assessBreach', 'FORBIDDEN'],
        ['READ', 'breaches', 'ALLOWED'],
      ].sort(),
    );
  });

  it('answers bad input with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    // Prepare
    const w = await world();
    const before = await organisationItems(w.api, w.org.orgId);
    const cases: { name: string; change: Record<string, unknown>; field?: string[] }[] = [
      {
        name: 'discovered in the future',
        change: { discoveredAt: new Date(w.clock.now().getTime() + HOUR_MS).toISOString() },
        field: ['input', 'discoveredAt'],
      },
      { name: 'discovered at no time zone', change: { discoveredAt: '2026-01-01T10:00:00' } },
      { name: 'blank nature', change: { nature: '  ' }, field: ['input', 'nature'] },
      { name: 'nature too long', change: { nature: 'x'.repeat(2001) }, field: ['input', 'nature'] },
      { name: 'no categories', change: { categories: [] }, field: ['input', 'categories'] },
      {
        name: 'a blank category',
        change: { categories: ['HEALTH', ' '] },
        field: ['input', 'categories', '1'],
      },
      {
        name: 'a negative number of people',
        change: { approximateSubjects: -1 },
        field: ['input', 'approximateSubjects'],
      },
      { name: 'no number of people', change: { approximateSubjects: undefined } },
      {
        name: 'control characters in the containment',
        change: { containment: 'Recalled\u0000' },
        field: ['input', 'containment'],
      },
    ];

    // Act
    const results = [];
    for (const testCase of cases) {
      results.push({
        testCase,
        result: await w.api.graphql(REPORT, {
          token: w.worker.token,
          variables: { i: breachInput(w, testCase.change) },
        }),
      });
    }

    // Assess
    for (const { testCase, result } of results) {
      expect(codes(result), testCase.name).toEqual(['BAD_USER_INPUT']);
      if (testCase.field)
        expect(result.errors?.[0]?.extensions?.field, testCase.name).toEqual(testCase.field);
      expect(result.data ?? null, testCase.name).toBeNull();
    }
    expect(await organisationItems(w.api, w.org.orgId)).toEqual(before);
    expect(await register(w)).toEqual([]);
  });

  it('refuses an assessment that notifies the regulator before discovery or in the future', async () => {
    // Prepare
    const w = await world();
    const breach = await report(w, w.worker);

    // Act
    const beforeDiscovery = await w.api.graphql(ASSESS, {
      token: w.ig.token,
      variables: {
        id: breach.id,
        reportable: true,
        notified: new Date(Date.parse(breach.discoveredAt) - HOUR_MS).toISOString(),
        v: 1,
      },
    });
    const inFuture = await w.api.graphql(ASSESS, {
      token: w.ig.token,
      variables: {
        id: breach.id,
        reportable: true,
        notified: new Date(w.clock.now().getTime() + HOUR_MS).toISOString(),
        v: 1,
      },
    });
    const unknown = await w.api.graphql(ASSESS, {
      token: w.ig.token,
      variables: { id: 'brc_notarealbreachidatall00', reportable: true, v: 1 },
    });

    // Assess
    expect(codes(beforeDiscovery)).toEqual(['BAD_USER_INPUT']);
    expect(beforeDiscovery.errors?.[0]?.extensions?.field).toEqual(['regulatorNotifiedAt']);
    expect(codes(inFuture)).toEqual(['BAD_USER_INPUT']);
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expect((await register(w)).map((b) => [b.reportable, b.regulatorNotifiedAt, b.version])).toEqual([
      [null, null, 1],
    ]);
  });

  it('leaves an audit event for each step, without the breach’s description', async () => {
    // Prepare
    const w = await world();
    const breach = await report(w, w.worker, { nature: 'Canary-nature: diary left at a client’s home' });

    // Act
    await register(w);
    expectNoErrors(
      await w.api.graphql(ASSESS, {
        token: w.ig.token,
        variables: { id: breach.id, reportable: true, notified: w.clock.now().toISOString(), v: 1 },
      }),
    );
    const events = [...(await eventsBy(w, w.worker)), ...(await eventsBy(w, w.ig))];

    // Assess
    const steps = events.map((e) => [e.actor.id, e.action, e.operation, e.outcome, e.rule]);
    expect(steps).toContainEqual([w.worker.staffId, 'ADMIN', 'reportBreach', 'ALLOWED', 'breach.reported']);
    expect(steps).toContainEqual([w.ig.staffId, 'READ', 'breaches', 'ALLOWED', 'breach']);
    expect(steps).toContainEqual([w.ig.staffId, 'ADMIN', 'assessBreach', 'ALLOWED', 'breach.reportable']);
    expect(JSON.stringify(events)).not.toContain('Canary');
  });
});

describe('breach register retention', () => {
  it('keeps an entry for the organisation’s breach retention after it was recorded, then no longer lists it', async () => {
    // Prepare: one entry under the default six years, one after the rule changes to ten
    const w = await world();
    const sixYears = await report(w, w.worker);
    const organisation = await w.api.graphql<{ organisation: { version: number } }>(
      '{ organisation { version } }',
      { token: w.org.adminToken },
    );
    expectNoErrors(
      await w.api.graphql(
        'mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) { organisation { version } } }',
        {
          token: w.org.adminToken,
          variables: { input: { breachYears: 10, expectedVersion: organisation.data?.organisation.version } },
        },
      ),
    );
    w.clock.advanceMs(1000);
    const tenYears = await report(w, w.worker, { nature: 'Email to the wrong partner agency' });
    const stored = await w.api.services.dynamo.send(
      new QueryCommand({
        TableName: w.api.services.config.tables.data,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: tenantScope(w.org.orgId).key('BREACHES') } },
        ConsistentRead: true,
      }),
    );

    // Act: six years and a day pass
    w.clock.advanceYears(6);
    w.clock.advanceMs(24 * HOUR_MS);
    const afterSix = await register(w);
    const assessExpired = await w.api.graphql(ASSESS, {
      token: w.ig.token,
      variables: { id: sixYears.id, reportable: false, v: 1 },
    });

    // Assess: recorded under six years, the first entry follows the rule now in force (ten years from when it was
    // recorded), as the entry recorded after the change does; both are still listed after six years
    expect(sixYears.retainedUntil).toBe(addYears(new Date(sixYears.recordedAt), 6).toISOString());
    expect(tenYears.retainedUntil).toBe(addYears(new Date(tenYears.recordedAt), 10).toISOString());
    const ttlOf = (id: string) => stored.Items?.find((item) => item.breachId?.S === id)?.expiresAt?.N;
    expect(ttlOf(sixYears.id)).toBe(String(toEpochSeconds(addYears(new Date(sixYears.recordedAt), 10))));
    expect(ttlOf(tenYears.id)).toBe(String(toEpochSeconds(addYears(new Date(tenYears.recordedAt), 10))));
    expect(afterSix.map((b) => b.id).sort()).toEqual([sixYears.id, tenYears.id].sort());
    expect(assessExpired.errors).toBeUndefined();
  });
});
