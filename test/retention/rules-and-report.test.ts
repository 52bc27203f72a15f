import { addYears, toEpochSeconds } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { interleavingDynamoClient, updatesWith } from '../support/failing-dynamo';
import { addStaff, type TestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';
import {
  clientWithRecords,
  closeCase,
  DAY_MS,
  expectCode,
  listingAfterTheRules,
  partitionItems,
  readClient,
  retentionApi,
  retentionWorld,
  untilRescheduled,
} from './retention-support';

const SET_RULES = `mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) {
  organisation { version retention { clientYearsAfterClosure childUntilAge staffYearsAfterEmployment auditYears breachYears } }
  rescheduledCases complete continueAfter
} }`;

const SCHEDULE = `query ($first: Int, $after: String) { retentionSchedule(first: $first, after: $after) {
  edges { cursor node { serviceUserId reference closedAt expiresAt expiresAtPrecision basis } }
  pageInfo { hasNextPage endCursor }
} }`;

interface ScheduleResult {
  retentionSchedule: {
    edges: { cursor: string; node: { serviceUserId: string; expiresAt: string; basis: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

async function organisationVersion(api: TestApi, org: TestOrganisation): Promise<number> {
  const result = await api.graphql<{ organisation: { version: number } }>('{ organisation { version } }', {
    token: org.adminToken,
  });
  expectNoErrors(result);
  return result.data?.organisation.version ?? 0;
}

describe('retention rules and the schedule report', () => {
  const { api, clock } = retentionApi();

  it('lets ORG_ADMIN change the rules within bounds, audited, and reschedules closed cases', async () => {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world, { dateOfBirth: '1970-01-01' });
    const closedAt = clock.now();
    expectNoErrors(await closeCase(api, world.manager, id));
    const version = await organisationVersion(api, world.org);

    expectCode(
      await api.graphql(SET_RULES, {
        token: world.manager.token,
        variables: { input: { clientYearsAfterClosure: 10, expectedVersion: version } },
      }),
      'FORBIDDEN',
    );
    const outOfBounds = await api.graphql(SET_RULES, {
      token: world.org.adminToken,
      variables: { input: { clientYearsAfterClosure: 5, expectedVersion: version } },
    });
    expectCode(outOfBounds, 'BAD_USER_INPUT');
    expect(outOfBounds.errors?.[0]?.extensions?.field).toEqual(['input', 'clientYearsAfterClosure']);
    expectCode(
      await api.graphql(SET_RULES, {
        token: world.org.adminToken,
        variables: { input: { childUntilAge: 31, expectedVersion: version } },
      }),
      'BAD_USER_INPUT',
    );
    expectCode(
      await api.graphql(SET_RULES, {
        token: world.org.adminToken,
        variables: { input: { clientYearsAfterClosure: 10, expectedVersion: version - 1 } },
      }),
      'CONFLICT',
    );

    const changed = await api.graphql<{
      setRetentionRules: {
        organisation: { retention: Record<string, number> };
        rescheduledCases: number;
        complete: boolean;
        continueAfter: string | null;
      };
    }>(SET_RULES, {
      token: world.org.adminToken,
      variables: { input: { clientYearsAfterClosure: 10, auditYears: 12, expectedVersion: version } },
    });
    expectNoErrors(changed);
    if (!changed.data) throw new Error('setRetentionRules answered no data');
    expect(await untilRescheduled(api, world.org.adminToken, changed.data.setRetentionRules)).toMatchObject({
      organisation: {
        retention: {
          clientYearsAfterClosure: 10,
          childUntilAge: 25,
          staffYearsAfterEmployment: 6,
          auditYears: 12,
          breachYears: 6,
        },
      },
      rescheduledCases: 1,
      complete: true,
    });
    const expiresAt = addYears(closedAt, 10);
    const view = await readClient(api, world.manager.token, id);
    expect(view.data?.serviceUser.retention?.expiresAt).toBe(expiresAt.toISOString());
    for (const item of await partitionItems(api, world.org.orgId, clientId)) {
      expect(item.expiresAt?.N).toBe(String(toEpochSeconds(expiresAt)));
    }
    const events = await api.services.auditLog.byActor(tenantScope(world.org.orgId), world.org.adminStaffId);
    expect(events.find((event) => event.operation === 'setRetentionRules')).toMatchObject({
      action: 'ADMIN',
      outcome: 'ALLOWED',
    });

    // Shortening the period below the time already passed would expire the case at once: an erasure in
    // effect, refused on this routine path (issue 14); the rules and the record stay as they were.
    clock.advanceYears(7);
    const shortened = await api.graphql(SET_RULES, {
      token: world.org.adminToken,
      variables: { input: { clientYearsAfterClosure: 6, expectedVersion: version + 1 } },
    });
    expectCode(shortened, 'FORBIDDEN');
    expect(await organisationVersion(api, world.org)).toBe(version + 1);
    const kept = await readClient(api, world.manager.token, id);
    expectNoErrors(kept);
    expect(kept.data?.serviceUser.retention?.expiresAt).toBe(expiresAt.toISOString());
    const refusals = await api.services.auditLog.byActor(
      tenantScope(world.org.orgId),
      world.org.adminStaffId,
    );
    expect(refusals).toContainEqual(
      expect.objectContaining({
        operation: 'setRetentionRules',
        action: 'DENIED',
        rule: 'retention.immediate-expiry-is-erasure',
      }),
    );
  });

  /**
   * A closed case, and a change of clientYearsAfterClosure to 10 held at `hold` while a second admin's change to 12
   * years runs to its end; the case must be left on 12.
   */
  async function twoRuleChanges(hold: 'before-its-write' | 'after-its-listing') {
    const world = await retentionWorld(api);
    const { id } = await clientWithRecords(api, world, { dateOfBirth: '1970-01-01' });
    const closedAt = clock.now();
    expectNoErrors(await closeCase(api, world.manager, id));
    const setYears = async (years: number, through: TestApi) =>
      through.graphql<{ setRetentionRules: { complete: boolean; continueAfter: string | null } }>(SET_RULES, {
        token: world.org.adminToken,
        variables: {
          input: {
            clientYearsAfterClosure: years,
            expectedVersion: await organisationVersion(api, world.org),
          },
        },
      });
    const later = async () => {
      const changed = await setYears(12, api);
      expectNoErrors(changed);
      if (changed.data) await untilRescheduled(api, world.org.adminToken, changed.data.setRetentionRules);
    };
    const slow =
      hold === 'before-its-write'
        ? interleavingDynamoClient(
            api,
            (call) => updatesWith(call, 'SET expiresAt = :expiresAt, gsi2pk'),
            later,
          )
        : interleavingDynamoClient(api, listingAfterTheRules(), later, { afterRead: true });

    // Act
    const earlier = await setYears(10, testApi({ clock, tables: api.stack.tables, dynamo: slow.client }));

    // Assess: the rules say 12 years, and so does the case.
    expect(slow.interleaved()).toBe(true);
    expectNoErrors(earlier);
    const view = await readClient(api, world.manager.token, id);
    expect(view.data?.serviceUser.retention?.expiresAt).toBe(addYears(closedAt, 12).toISOString());
  }

  it('two rule changes at once leave a case on the later rules: a date computed before the other was written loses', async () => {
    // A change whose write of the case's new date is held, after it read the case.
    await twoRuleChanges('before-its-write');
  });

  it('two rule changes at once leave a case on the later rules: a case read after the other was written too', async () => {
    // A change that lists the cases to reschedule and then waits, before it reads any of them.
    await twoRuleChanges('after-its-listing');
  });

  it('reports what expires when to the IG lead, in expiry order, one page at a time', async () => {
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const year = clock.now().getUTCFullYear();
    const child = await clientWithRecords(api, world, { dateOfBirth: `${year - 10}-06-01` });
    const adult = await clientWithRecords(api, world, { dateOfBirth: '1960-06-01' });
    const older = await clientWithRecords(api, world, { dateOfBirth: '1950-06-01' });
    const open = await clientWithRecords(api, world, { dateOfBirth: '1990-06-01' });
    expectNoErrors(await closeCase(api, world.manager, child.id));
    expectNoErrors(await closeCase(api, world.manager, adult.id));
    expectNoErrors(
      await closeCase(api, world.manager, older.id, new Date(clock.now().getTime() - 29 * DAY_MS)),
    );

    expectCode(await api.graphql(SCHEDULE, { token: world.manager.token }), 'FORBIDDEN');
    const first = await api.graphql<ScheduleResult>(SCHEDULE, {
      token: world.ig.token,
      variables: { first: 2 },
    });
    expectNoErrors(first);
    const page1 = first.data?.retentionSchedule;
    expect(page1?.edges.map((edge) => [edge.node.serviceUserId, edge.node.basis])).toEqual([
      [older.id, 'AFTER_CLOSURE'],
      [adult.id, 'AFTER_CLOSURE'],
    ]);
    expect(page1?.pageInfo.hasNextPage).toBe(true);
    const second = await api.graphql<ScheduleResult>(SCHEDULE, {
      token: world.ig.token,
      variables: { first: 2, after: page1?.pageInfo.endCursor },
    });
    expectNoErrors(second);
    expect(
      second.data?.retentionSchedule.edges.map((edge) => [edge.node.serviceUserId, edge.node.basis]),
    ).toEqual([[child.id, 'CHILD_AGE']]);
    // The child's records expire on their 25th birthday: the IG lead, who may not read a date of birth, is told the
    // year only, so the date of birth cannot be worked back from it and the organisation's child age.
    expect(second.data?.retentionSchedule.edges[0]?.node).toMatchObject({
      expiresAt: `${year + 15}-01-01T00:00:00.000Z`,
      expiresAtPrecision: 'YEAR',
    });
    expect(JSON.stringify(second.data)).not.toContain('-06-01');
    // Nor from its cursors, which are opaque: decoded, they hold no date.
    const cursors = [
      ...(second.data?.retentionSchedule.edges ?? []).map((edge) => edge.cursor),
      second.data?.retentionSchedule.pageInfo.endCursor ?? '',
    ];
    for (const cursor of cursors) {
      expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    }
    const exact = await api.graphql<{
      serviceUser: { retention: { expiresAt: string; expiresAtPrecision: string } };
    }>('query ($id: ID!) { serviceUser(id: $id) { retention { expiresAt expiresAtPrecision } } }', {
      token: world.manager.token,
      variables: { id: child.id },
    });
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const byReference = await api.graphql<{
      serviceUser: { retention: { expiresAt: string; expiresAtPrecision: string } };
    }>('query ($id: ID!) { serviceUser(id: $id) { retention { expiresAt expiresAtPrecision } } }', {
      token: guardian.token,
      variables: { id: child.id },
    });
    // The start of the birthday in London (the organisation's time zone, BST in June), not UTC midnight.
    expect(exact.data?.serviceUser.retention).toEqual({
      expiresAt: `${year + 15}-05-31T23:00:00.000Z`,
      expiresAtPrecision: 'DAY',
    });
    expect(byReference.data?.serviceUser.retention).toEqual({
      expiresAt: `${year + 15}-01-01T00:00:00.000Z`,
      expiresAtPrecision: 'YEAR',
    });
    expect(second.data?.retentionSchedule.pageInfo.hasNextPage).toBe(false);
    expect(JSON.stringify([first.data, second.data])).not.toContain(open.id);

    // Past the first date (the case closed 29 days earlier), the expired case drops out of the report.
    clock.set(addYears(clock.now(), 8));
    clock.advanceMs(-10 * DAY_MS);
    const later = await api.graphql<ScheduleResult>(SCHEDULE, {
      token: world.ig.token,
      variables: { first: 10 },
    });
    expect(later.data?.retentionSchedule.edges.map((edge) => edge.node.serviceUserId)).toEqual([
      adult.id,
      child.id,
    ]);
  });
});
