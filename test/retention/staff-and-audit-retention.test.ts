import {
  type AttributeValue,
  DeleteItemCommand,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { verifyAuditLog } from '@confide/api';
import { addYears, localDate, newId, type OrgId, toEpochSeconds } from '@confide/domain';
import { type Item, tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { codes, expectNoErrors, type Person } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { globalId, loaderOf, localIdOf } from '../support/records-fixtures';
import type { TestApi } from '../support/test-api';
import {
  closeLocalRetentions,
  keyQuarantine,
  localRetention,
  type RescheduleAnswer,
  retentionApi,
  retentionWorld,
  sweepPastQuarantine,
  tombstones,
  untilRescheduled,
} from './retention-support';

/**
 * Retention of staff records (6 years after employment ends) and of access audit events (8 years), and the
 * idempotency results of registrations (DATA-PROTECTION.md, Retention; docs/decisions/0017). Through the GraphQL
 * API on the local stack, with the records' clock moved by the test (tokens stay real-time).
 */

const DAY_MS = 24 * 60 * 60 * 1000;

const PERSONNEL = {
  homeAddress: '4 Willow Close, Harrogate HG1 2AB',
  personalPhone: '07700 900456',
  emergencyContact: 'Sam Rivers (partner) 07700 900789',
  personnelNotes: 'Return-to-work interview held; phased return agreed.',
};

const ENDED = `mutation ($input: RecordEmploymentEndedInput!) {
  recordEmploymentEnded(input: $input) { staffMemberId endedOn expiresAt expired }
}`;

const REEMPLOYED = `mutation ($input: RecordReemploymentInput!) {
  recordReemployment(input: $input) { id status employment { endedOn } }
}`;

const PERSONNEL_RECORD = `query ($id: ID!) { personnelRecord(staffId: $id) {
  homeAddress personnelNotes referencePermissions { recipient }
} }`;

const STAFF_SCHEDULE = `{ staffRetentionSchedule(first: 50) {
  edges { node { staffMemberId endedOn expiresAt expired } }
} }`;

const SET_RULES = `mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) {
  rescheduledCases rescheduledStaff complete continueAfter
} }`;

interface StaffWorld {
  readonly admin: Person;
  readonly hr: Person;
  readonly ig: Person;
  readonly leaver: Person & { handle: string };
}

/** An organisation with an HR officer, an IG lead, and a staff member whose personnel record HR keeps. */
async function staffWorld(api: TestApi) {
  const world = await retentionWorld(api);
  const handle = `leaver-${Math.random().toString(16).slice(2, 8)}`;
  const [hr, leaver] = await Promise.all([
    addStaff(api, world.org, ['HR_OFFICER']),
    addStaff(api, world.org, ['SUPPORT_WORKER'], handle),
  ]);
  const written = await api.graphql(
    'mutation ($input: UpdatePersonnelRecordInput!) { updatePersonnelRecord(input: $input) { version } }',
    { token: hr.token, variables: { input: { staffId: leaver.globalId, ...PERSONNEL } } },
  );
  expectNoErrors(written);
  const permitted = await api.graphql(
    `mutation ($id: ID!, $e: DateTime!) {
      recordReferencePermission(staffId: $id, recipient: "Acme Lettings", expiresAt: $e) { id }
    }`,
    {
      token: leaver.token,
      // A month on the records' clock, which the tests set.
      variables: {
        id: leaver.globalId,
        e: new Date(api.services.clock.now().getTime() + 30 * DAY_MS).toISOString(),
      },
    },
  );
  expectNoErrors(permitted);
  const admin = { staffId: world.org.adminStaffId, globalId: '', token: world.org.adminToken };
  return { ...world, staff: { admin, hr, ig: world.ig, leaver: { ...leaver, handle } } satisfies StaffWorld };
}

/** The last day of employment as YYYY-MM-DD. */
const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * A fixed midday for the records' clock, so that each schedule's date is known: 31 July 2036, in summer time. Ahead of
 * the machine's date, so that DynamoDB Local's TTL sweep, which runs on the machine's clock, deletes none of what the
 * tests write (a 30-day correction window from a date in the past was swept mid-test).
 */
const LAST_DAY = new Date('2036-07-31T12:00:00Z');

async function recordEnded(api: TestApi, token: string, staffId: string, endedOn: string) {
  return api.graphql<{
    recordEmploymentEnded: { staffMemberId: string; endedOn: string; expiresAt: string; expired: boolean };
  }>(ENDED, { token, variables: { input: { staffId, endedOn } } });
}

/** Every item of a staff member, raw: their partition, handle entry and identity link, and their data key. */
async function staffItems(api: TestApi, orgId: OrgId, staffId: string) {
  const scope = tenantScope(orgId);
  const table = api.stack.tables.data;
  const partition = await api.services.dynamo.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: scope.key('STAFF', staffId) } },
      ConsistentRead: true,
    }),
  );
  const profile = (partition.Items ?? []).find((item) => item.sk?.S === 'PROFILE');
  const get = async (pk: string, sk: string, tableName = table) =>
    (
      await api.services.dynamo.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: pk }, sk: { S: sk } },
          ConsistentRead: true,
        }),
      )
    ).Item;
  const location = api.services.keys.subjectKeyLocation(orgId, staffId);
  return {
    partition: partition.Items ?? [],
    profile,
    key: await get(location.key.pk.S, location.key.sk.S, location.table),
    get,
  };
}

describe('retention: staff records expire 6 years after employment ends', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('schedules every item of a leaver, keeps them readable until the date, then nothing; the sweep leaves only non-identifying tombstones', async () => {
    // Prepare
    clock.set(LAST_DAY);
    const { org, staff } = await staffWorld(api);
    const { admin, hr, ig, leaver } = staff;
    const scope = tenantScope(org.orgId);
    const before = await staffItems(api, org.orgId, leaver.staffId);
    const handleItem = await api.services.directory.staffHandleItem(scope, leaver.handle);
    const identityPk = scope.key(
      'IDENTITY',
      Buffer.from(before.profile?.externalSubject?.S ?? '').toString('hex'),
    );
    const endedOn = day(clock.now());
    // Six years from midnight in London (the organisation's time zone) after the last day: 1 August 2042, in BST.
    const expiresAt = new Date('2042-07-31T23:00:00Z');

    // Act: the admin records that employment ended today
    const ended = await recordEnded(api, admin.token, leaver.globalId, endedOn);

    // Assess: the schedule, on every item of the staff member
    expectNoErrors(ended);
    expect(ended.data?.recordEmploymentEnded).toEqual({
      staffMemberId: leaver.globalId,
      endedOn,
      expiresAt: expiresAt.toISOString(),
      expired: false,
    });
    const scheduled = await staffItems(api, org.orgId, leaver.staffId);
    expect(new Set(scheduled.partition.map((item) => item.sk?.S?.split('#')[0]))).toEqual(
      new Set(['PROFILE', 'PERSONNEL', 'REFPERM', 'EMPLOYMENT']),
    );
    const epoch = String(toEpochSeconds(expiresAt));
    for (const item of scheduled.partition) expect(item.expiresAt?.N, item.sk?.S).toBe(epoch);
    expect((await scheduled.get(handleItem.pk, handleItem.sk))?.expiresAt?.N).toBe(epoch);
    expect((await scheduled.get(identityPk, 'IDENTITY'))?.expiresAt?.N).toBe(epoch);
    // The key expires later: kept in quarantine for the grace period after the records go.
    // 30 days' quarantine and 3 days' margin after the records.
    expect(scheduled.key?.expiresAt?.N).toBe(String(Number(epoch) + 33 * 86_400));
    expect(scheduled.profile?.status?.S).toBe('DEACTIVATED');

    // The leaver can no longer sign in; HR still gives a reference (recorded after the schedule was set, so it
    // goes with the account); the IG lead sees the schedule.
    expect(codes(await api.graphql('{ me { kind } }', { token: leaver.token }))).toEqual(['UNAUTHENTICATED']);
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!) { releaseReference(staffId: $id, recipient: "Acme Lettings", summary: "Reliable.") { id } }',
        { token: hr.token, variables: { id: leaver.globalId } },
      ),
    );
    const report = await api.graphql<{ staffRetentionSchedule: { edges: { node: unknown }[] } }>(
      STAFF_SCHEDULE,
      {
        token: ig.token,
      },
    );
    expectNoErrors(report);
    expect(report.data?.staffRetentionSchedule.edges.map((edge) => edge.node)).toEqual([
      { staffMemberId: leaver.globalId, endedOn, expiresAt: expiresAt.toISOString(), expired: false },
    ]);
    expect(report.text).not.toContain(leaver.handle);
    expect(codes(await api.graphql(STAFF_SCHEDULE, { token: hr.token }))).toEqual(['FORBIDDEN']);

    // A day before the date: everything reads normally.
    clock.set(new Date(expiresAt.getTime() - DAY_MS));
    const dayBefore = await api.graphql<{ personnelRecord: { homeAddress: string } }>(PERSONNEL_RECORD, {
      token: hr.token,
      variables: { id: leaver.globalId },
    });
    expectNoErrors(dayBefore);
    expect(dayBefore.data?.personnelRecord).toEqual({
      homeAddress: PERSONNEL.homeAddress,
      personnelNotes: PERSONNEL.personnelNotes,
      referencePermissions: [{ recipient: 'Acme Lettings' }],
    });

    // At the date: nothing of the leaver is returned, although nothing has been deleted yet.
    clock.set(expiresAt);
    const atDate = await api.graphql(PERSONNEL_RECORD, {
      token: hr.token,
      variables: { id: leaver.globalId },
    });
    expect(codes(atDate)).toEqual(['NOT_FOUND']);
    expect(atDate.text).not.toContain('Willow');
    const list = await api.graphql<{ staffMembers: { edges: { node: { id: string } }[] } }>(
      '{ staffMembers(first: 100) { edges { node { id } } } }',
      { token: admin.token },
    );
    expectNoErrors(list);
    expect(list.data?.staffMembers.edges.map((edge) => edge.node.id)).not.toContain(leaver.globalId);
    expect(await api.services.directory.staffByHandle(scope, leaver.handle)).toBeUndefined();
    expect(await api.services.personnelRecords.get(scope, leaver.staffId, loaderOf(api))).toBeUndefined();
    expect(await api.services.referencePermissions.list(scope, leaver.staffId)).toEqual([]);
    const afterReport = await api.graphql<{ staffRetentionSchedule: { edges: unknown[] } }>(STAFF_SCHEDULE, {
      token: ig.token,
    });
    expect(afterReport.data?.staffRetentionSchedule.edges).toEqual([]);
    expect((await staffItems(api, org.orgId, leaver.staffId)).partition.length).toBe(5);

    // The sweep: every item gone, each leaving a tombstone with nothing identifying; the key kept in quarantine.
    const retention = localRetention(api, org.orgId);
    let left: Awaited<ReturnType<typeof tombstones>> = [];
    for (let attempt = 0; attempt < 20 && left.length < 7; attempt++) {
      await retention.runOnce();
      left = await tombstones(api, org.orgId, leaver.staffId);
    }
    expect(new Set(left.map((tombstone) => tombstone.kind))).toEqual(
      new Set([
        'STAFF_ACCOUNT',
        'PERSONNEL',
        'REFERENCE_PERMISSION',
        'REFERENCE_RELEASE',
        'EMPLOYMENT',
        'HANDLE',
        'IDENTITY',
      ]),
    );
    expect(
      left.every((tombstone) => tombstone.reason === 'EXPIRED' && tombstone.subjectId === leaver.staffId),
    ).toBe(true);
    const text = JSON.stringify(left);
    for (const personal of [leaver.handle, 'Willow', 'Acme', 'Reliable', `Staff ${leaver.handle}`]) {
      expect(text).not.toContain(personal);
    }
    const swept = await staffItems(api, org.orgId, leaver.staffId);
    expect(swept.partition).toEqual([]);
    expect(swept.key).toBeDefined();
    expect(await keyQuarantine(api, org.orgId, leaver.staffId)).toMatchObject({ subjectId: leaver.staffId });
    expect(await swept.get(handleItem.pk, handleItem.sk)).toBeUndefined();
    await sweepPastQuarantine(api, clock, org.orgId, leaver.staffId);
    expect((await staffItems(api, org.orgId, leaver.staffId)).key).toBeUndefined();

    // The audit trail still attributes what the leaver did to their (pseudonymous) id and roles.
    const byLeaver = await api.services.auditLog.byActor(scope, leaver.staffId);
    expect(byLeaver).toContainEqual(
      expect.objectContaining({
        operation: 'recordReferencePermission',
        actor: expect.objectContaining({ id: leaver.staffId, roles: ['SUPPORT_WORKER'] }),
      }),
    );
  });

  it('refuses bad input and the wrong callers, changing nothing; clears the schedule on re-employment', async () => {
    // Prepare
    clock.set(LAST_DAY);
    const { org, staff } = await staffWorld(api);
    const { admin, hr, leaver } = staff;
    const scope = tenantScope(org.orgId);
    // The organisation's tomorrow (Europe/London): UTC's is London's today from 23:00 UTC in summer.
    const tomorrow = localDate(new Date(clock.now().getTime() + DAY_MS), 'Europe/London');

    // Act / Assess: refusals
    for (const [endedOn, message] of [
      ['2026-02-30', /not a real date/],
      ['31/07/2026', /date like/],
      [tomorrow, /future/],
    ] as const) {
      const refused = await recordEnded(api, admin.token, leaver.globalId, endedOn);
      expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors?.[0]?.extensions?.field).toEqual(['input', 'endedOn']);
      expect(refused.errors?.[0]?.message).toMatch(message);
    }
    expect(codes(await recordEnded(api, hr.token, leaver.globalId, day(clock.now())))).toEqual(['FORBIDDEN']);
    const nobody = globalId('StaffMember', newId('staff'));
    expect(codes(await recordEnded(api, admin.token, nobody, day(clock.now())))).toEqual(['NOT_FOUND']);
    const reemployedTooSoon = await api.graphql(REEMPLOYED, {
      token: admin.token,
      variables: { input: { staffId: leaver.globalId } },
    });
    expect(codes(reemployedTooSoon)).toEqual(['CONFLICT']);
    const untouched = await staffItems(api, org.orgId, leaver.staffId);
    expect(untouched.partition.some((item) => item.sk?.S === 'EMPLOYMENT')).toBe(false);
    expect(untouched.partition.every((item) => item.expiresAt === undefined)).toBe(true);
    expect(untouched.profile?.status?.S).toBe('ACTIVE');

    // An admin cannot record the end of their own employment.
    const otherAdmin = await addStaff(api, org, ['ORG_ADMIN']);
    expect(codes(await recordEnded(api, otherAdmin.token, otherAdmin.globalId, day(clock.now())))).toEqual([
      'FORBIDDEN',
    ]);

    // Ended, then the staff rule changes: the schedule is recomputed.
    const endedOn = day(clock.now());
    expectNoErrors(await recordEnded(api, admin.token, leaver.globalId, endedOn));
    const version = (
      await api.graphql<{ organisation: { version: number } }>('{ organisation { version } }', {
        token: admin.token,
      })
    ).data?.organisation.version;
    const changed = await api.graphql<{ setRetentionRules: RescheduleAnswer }>(SET_RULES, {
      token: admin.token,
      variables: { input: { staffYearsAfterEmployment: 10, expectedVersion: version } },
    });
    expectNoErrors(changed);
    if (!changed.data) throw new Error('setRetentionRules answered no data');
    expect(await untilRescheduled(api, admin.token, changed.data.setRetentionRules)).toEqual({
      rescheduledCases: 0,
      rescheduledStaff: 1,
      complete: true,
    });
    const tenYears = String(toEpochSeconds(new Date('2046-07-31T23:00:00Z')));
    const rescheduled = await staffItems(api, org.orgId, leaver.staffId);
    for (const item of rescheduled.partition) expect(item.expiresAt?.N, item.sk?.S).toBe(tenYears);
    expect(rescheduled.key?.expiresAt?.N).toBe(String(Number(tenYears) + 33 * 86_400));

    // Re-employed (a support worker's role opens client content: another admin approves): no schedule anywhere, the
    // account active again, off the report.
    const proposed = await api.graphql(REEMPLOYED, {
      token: admin.token,
      variables: { input: { staffId: leaver.globalId } },
    });
    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    expectNoErrors(
      await api.graphql('mutation ($id: ID!) { approveChange(approvalId: $id) { status } }', {
        token: otherAdmin.token,
        variables: { id: proposed.errors?.[0]?.extensions?.approvalId },
      }),
    );
    const reemployed = await api.graphql<{ staffMember: Record<string, unknown> }>(
      'query ($id: ID!) { staffMember(id: $id) { id status employment { endedOn } } }',
      { token: admin.token, variables: { id: leaver.globalId } },
    );
    expectNoErrors(reemployed);
    expect(reemployed.data?.staffMember).toEqual({
      id: leaver.globalId,
      status: 'ACTIVE',
      employment: null,
    });
    const cleared = await staffItems(api, org.orgId, leaver.staffId);
    for (const item of cleared.partition) expect(item.expiresAt, item.sk?.S).toBeUndefined();
    expect(cleared.key?.expiresAt).toBeUndefined();
    expectNoErrors(await api.graphql('{ me { kind } }', { token: leaver.token }));
    const report = await api.graphql<{ staffRetentionSchedule: { edges: unknown[] } }>(STAFF_SCHEDULE, {
      token: staff.ig.token,
    });
    expect(report.data?.staffRetentionSchedule.edges).toEqual([]);

    // Both changes are audited with the staff member as subject, and nothing personal.
    const events = await api.services.auditLog.bySubject(scope, leaver.staffId);
    expect(events.map((event) => event.operation)).toEqual(
      expect.arrayContaining(['recordEmploymentEnded', 'recordReemployment']),
    );
    expect(JSON.stringify(events)).not.toContain(leaver.handle);
  });

  it('keeps for a 30-day correction window, not deleting at once, the records of a leaver whose schedule has passed', async () => {
    // Prepare
    clock.set(LAST_DAY);
    const { org, staff } = await staffWorld(api);
    const endedOn = day(addYears(clock.now(), -7));
    const window = new Date(clock.now().getTime() + 30 * DAY_MS);

    // Act: one admin records a date so long ago that the six years after it have passed (a slip of the year, say).
    const ended = await recordEnded(api, staff.admin.token, staff.leaver.globalId, endedOn);

    // Assess: nothing is deleted yet; the records expire 30 days on, and until then can still be read.
    expectNoErrors(ended);
    expect(ended.data?.recordEmploymentEnded).toMatchObject({
      endedOn,
      expiresAt: window.toISOString(),
      expired: false,
    });
    const personnel = () =>
      api.graphql(PERSONNEL_RECORD, { token: staff.hr.token, variables: { id: staff.leaver.globalId } });
    expectNoErrors(await personnel());

    // Recording again corrects the date within the window: the rule's own date applies.
    const correctedOn = day(addYears(clock.now(), -1));
    const corrected = await recordEnded(api, staff.admin.token, staff.leaver.globalId, correctedOn);
    expectNoErrors(corrected);
    expect(corrected.data?.recordEmploymentEnded.expiresAt).toBe('2041-07-31T23:00:00.000Z');

    // Had it not been corrected, the records expire when the window ends: a change of the rules meanwhile, which
    // recomputes every schedule (a shorter one, which is refused if it would expire anything at once), neither deletes
    // them at once nor postpones them.
    expectNoErrors(await recordEnded(api, staff.admin.token, staff.leaver.globalId, endedOn));
    const version = (
      await api.graphql<{ organisation: { version: number } }>('{ organisation { version } }', {
        token: staff.admin.token,
      })
    ).data?.organisation.version;
    const changed = await api.graphql<{ setRetentionRules: RescheduleAnswer }>(SET_RULES, {
      token: staff.admin.token,
      variables: { input: { clientYearsAfterClosure: 7, expectedVersion: version } },
    });
    expectNoErrors(changed);
    if (!changed.data) throw new Error('setRetentionRules answered no data');
    await untilRescheduled(api, staff.admin.token, changed.data.setRetentionRules);
    const schedule = await api.graphql<{
      staffRetentionSchedule: { edges: { node: { expiresAt: string } }[] };
    }>(STAFF_SCHEDULE, { token: staff.ig.token });
    expectNoErrors(schedule);
    expect(schedule.data?.staffRetentionSchedule.edges.map((edge) => edge.node.expiresAt)).toEqual([
      window.toISOString(),
    ]);
    expectNoErrors(await personnel());
    clock.set(window);
    expect(codes(await personnel())).toEqual(['NOT_FOUND']);
    expect(await api.services.directory.staff(tenantScope(org.orgId), staff.leaver.staffId)).toBeUndefined();
  });
});

// ── Audit events ───────────────────────────────────────────────────────────────────────────────────────────

/** Every audit event item of the organisation, raw (through the chains' day index is verify's job). */
async function auditEvents(api: TestApi, orgId: OrgId, subjects: readonly string[]): Promise<Item[]> {
  const scope = tenantScope(orgId);
  const items: Item[] = [];
  for (const pk of [...subjects.map((id) => scope.key('AUDIT', 'SUBJECT', id)), scope.key('AUDIT', 'ORG')]) {
    const result = await api.services.dynamo.send(
      new QueryCommand({
        TableName: api.stack.tables.data,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ConsistentRead: true,
      }),
    );
    items.push(...(result.Items ?? []));
  }
  return items;
}

/** The events of the chain holding the most of `items`, in chain order. */
function longestChain(items: readonly Item[]): Item[] {
  const byChain = new Map<string, Item[]>();
  for (const item of items) {
    const chain = item.chainShard?.N ?? '';
    byChain.set(chain, [...(byChain.get(chain) ?? []), item]);
  }
  const longest = [...byChain.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  return longest.sort((a, b) => Number(a.chainSeq?.N) - Number(b.chainSeq?.N));
}

const keyOf = (item: Item) => ({ pk: item.pk ?? { S: '' }, sk: item.sk ?? { S: '' } });

async function readClient(api: TestApi, person: Person, id: string) {
  expectNoErrors(
    await api.graphql('query ($id: ID!) { serviceUser(id: $id) { name } }', {
      token: person.token,
      variables: { id },
    }),
  );
}

describe('retention: access audit events expire 8 years on, and the chains still verify', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('expires events after 8 years (reads skip them at once); verify passes before and after the sweep, and still reports an event deleted early', async () => {
    // Prepare: a worker reads two clients in several requests
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const registered = await Promise.all(
      ['Client A', 'Client B'].map((name) =>
        api.graphql<{ registerServiceUser: { id: string } }>(
          'mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id } }',
          {
            token: world.manager.token,
            variables: { input: { serviceId: world.serviceId, name, dateOfBirth: '1970-01-01' } },
          },
        ),
      ),
    );
    const clients = registered.map((result) => result.data?.registerServiceUser.id ?? '');
    for (const client of clients) {
      expectNoErrors(
        await api.graphql(
          'mutation ($input: AllocateWorkerInput!) { allocateWorker(input: $input) { id } }',
          {
            token: world.manager.token,
            variables: { input: { serviceUserId: client, staffId: world.worker.globalId, kind: 'PRIMARY' } },
          },
        ),
      );
    }
    for (let request = 0; request < 4; request++) {
      for (const client of clients) await readClient(api, world.worker, client);
    }
    const clientIds = clients.map(localIdOf);
    const scope = tenantScope(world.org.orgId);
    const old = await auditEvents(api, world.org.orgId, clientIds);

    // Assess: each event carries its expiry, 8 years after it happened
    expect(old.length).toBeGreaterThanOrEqual(10);
    for (const item of old) {
      expect(item.expiresAt?.N).toBe(String(toEpochSeconds(addYears(new Date(item.at?.S ?? ''), 8))));
    }
    expect(await verifyAuditLog(api.services, scope)).toEqual({
      ok: true,
      checked: expect.any(Number),
      problems: 0,
    });

    // Act: 8 years and a day later, the worker reads the clients again (the new events extend the same chains)
    clock.set(new Date(addYears(clock.now(), 8).getTime() + DAY_MS));
    for (let request = 0; request < 3; request++) {
      for (const client of clients) await readClient(api, world.worker, client);
    }

    // Assess: expired events are no longer reported, although not yet deleted; verify still passes
    const accessLog = await api.services.auditLog.bySubject(scope, clientIds[0] ?? '');
    expect(accessLog.length).toBeGreaterThan(0);
    expect(
      accessLog.every((event) => Date.parse(event.at) > Date.parse(addYears(clock.now(), -8).toISOString())),
    ).toBe(true);
    const unswept = await verifyAuditLog(api.services, scope);
    expect(unswept).toMatchObject({ ok: true, problems: 0 });

    // The sweep deletes the expired events (no tombstones: they hold no personal data); verify still passes.
    const retention = localRetention(api, world.org.orgId);
    await retention.runOnce();
    await retention.runOnce();
    const remaining = await auditEvents(api, world.org.orgId, clientIds);
    const oldIds = new Set(old.map((item) => item.eventId?.S));
    expect(remaining.some((item) => oldIds.has(item.eventId?.S))).toBe(false);
    expect(remaining.length).toBeGreaterThan(0);
    const swept = await verifyAuditLog(api.services, scope);
    expect(swept).toMatchObject({ ok: true, problems: 0 });
    expect(swept.checked).toBeLessThan(unswept.checked);
    for (const client of clientIds) expect(await tombstones(api, world.org.orgId, client)).toEqual([]);

    // An event deleted before its time is still a deletion: one from the middle of the recent events' chain...
    const recent = longestChain(remaining);
    const [young, last] = [recent[2], recent.at(-1)];
    if (!young || !last || recent.length < 5)
      throw new Error('Expected a chain of at least five recent events');
    await api.services.dynamo.send(
      new DeleteItemCommand({ TableName: api.stack.tables.data, Key: keyOf(young) }),
    );
    const deleted = await verifyAuditLog(api.services, scope);
    expect(deleted).toMatchObject({ ok: false, firstBadEvent: young.eventId?.S, problems: 1 });
    expect(deleted.reason).toMatch(/^deleted/);

    // ...and the last one, its expiry brought forward so that TTL takes it: altered while there, deleted after.
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.stack.tables.data,
        Key: keyOf(last),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': { N: String(toEpochSeconds(clock.now()) - 1) } },
      }),
    );
    const altered = await verifyAuditLog(api.services, scope);
    expect(altered.problems).toBe(2);
    await retention.runOnce();
    const afterSweep = await auditEvents(api, world.org.orgId, clientIds);
    expect(afterSweep.some((item) => item.eventId?.S === last.eventId?.S)).toBe(false);
    const takenEarly = await verifyAuditLog(api.services, scope);
    expect(takenEarly).toMatchObject({ ok: false, problems: 2 });
  });

  it('keeps events for the period in force when they were written: a longer rule applies to new events only', async () => {
    // Prepare: events under the default 8 years, then the rule is raised to 10 and more events are written
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const registered = await api.graphql<{ registerServiceUser: { id: string } }>(
      'mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id } }',
      {
        token: world.manager.token,
        variables: { input: { serviceId: world.serviceId, name: 'Client C', dateOfBirth: '1970-01-01' } },
      },
    );
    const client = registered.data?.registerServiceUser.id ?? '';
    expectNoErrors(
      await api.graphql('mutation ($input: AllocateWorkerInput!) { allocateWorker(input: $input) { id } }', {
        token: world.manager.token,
        variables: { input: { serviceUserId: client, staffId: world.worker.globalId, kind: 'PRIMARY' } },
      }),
    );
    for (let request = 0; request < 3; request++) await readClient(api, world.worker, client);
    const clientId = localIdOf(client);
    const clientEvents = async () =>
      (await auditEvents(api, world.org.orgId, [clientId])).filter((item) => item.subjectId?.S === clientId);
    const underEight = await clientEvents();
    const version = (
      await api.graphql<{ organisation: { version: number } }>('{ organisation { version } }', {
        token: world.org.adminToken,
      })
    ).data?.organisation.version;
    expectNoErrors(
      await api.graphql(SET_RULES, {
        token: world.org.adminToken,
        variables: { input: { auditYears: 10, expectedVersion: version } },
      }),
    );
    clock.advanceMs(60_000);
    for (let request = 0; request < 3; request++) await readClient(api, world.worker, client);
    const scope = tenantScope(world.org.orgId);
    const all = await clientEvents();
    const eightIds = new Set(underEight.map((item) => item.eventId?.S));
    const underTen = all.filter((item) => !eightIds.has(item.eventId?.S));

    // Assess: old events keep 8 years, new ones get 10
    expect(underTen.length).toBeGreaterThanOrEqual(3);
    for (const item of underTen) {
      expect(item.expiresAt?.N).toBe(String(toEpochSeconds(addYears(new Date(item.at?.S ?? ''), 10))));
    }
    for (const item of underEight) {
      expect(item.expiresAt?.N).toBe(String(toEpochSeconds(addYears(new Date(item.at?.S ?? ''), 8))));
    }

    expect(await verifyAuditLog(api.services, scope)).toMatchObject({ ok: true, problems: 0 });
    // (That verify counts a gap as expiry only where the chain vouches the events were due, whatever the rule is
    // now, is shown with both periods in one chain in packages/store/src/audit-chain.test.ts.)
  });
});

// ── Idempotency results ────────────────────────────────────────────────────────────────────────────────────

describe('retention: idempotency results do not outlive their window', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('keeps a registration’s idempotency result 24 hours, holding only pseudonymous facts, then lets it expire without a tombstone', async () => {
    // Prepare
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const register = () =>
      api.graphql<{ registerServiceUser: { id: string } }>(
        'mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id } }',
        {
          token: world.manager.token,
          variables: {
            input: {
              serviceId: world.serviceId,
              name: 'Grace Idempotent',
              dateOfBirth: '1970-01-01',
              idempotencyKey: 'registration-7f3a',
            },
          },
        },
      );

    // Act
    const first = await register();
    const retried = await register();
    const scope = tenantScope(world.org.orgId);
    // The result's item key is a keyed HMAC of the caller's key (decision 0028): found by its prefix, the
    // organisation's only registration result.
    // The table is shared by every test file: a Scan reads it a page (1 MB) at a time, so read every page.
    const items: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await api.services.dynamo.send(
        new ScanCommand({
          TableName: api.stack.tables.data,
          FilterExpression: 'begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': { S: scope.key('IDEMPOTENCY', 'REGISTER') } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items)).not.toContain('registration-7f3a');
    const result = items[0];

    // Assess: one registration; the result item holds the pseudonymous id and expires in 24 hours
    expectNoErrors(first);
    expect(retried.data?.registerServiceUser.id).toBe(first.data?.registerServiceUser.id);
    expect(result?.clientId?.S).toBe(localIdOf(first.data?.registerServiceUser.id ?? ''));
    expect(result?.expiresAt?.N).toBe(String(toEpochSeconds(clock.now()) + 24 * 60 * 60));
    expect(JSON.stringify(result)).not.toContain('Grace');

    // A day later the window has passed: a retry with the key is a new registration, and the sweep deletes the
    // result without a tombstone.
    clock.advanceMs(DAY_MS);
    const late = await register();
    expectNoErrors(late);
    expect(late.data?.registerServiceUser.id).not.toBe(first.data?.registerServiceUser.id);
    clock.advanceMs(DAY_MS);
    await localRetention(api, world.org.orgId).runOnce();
    const gone = await api.services.dynamo.send(
      new GetItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: result?.pk ?? { S: '' }, sk: { S: 'RESULT' } },
        ConsistentRead: true,
      }),
    );
    expect(gone.Item).toBeUndefined();
    expect(
      await tombstones(api, world.org.orgId, localIdOf(first.data?.registerServiceUser.id ?? '')),
    ).toEqual([]);
  });
});
