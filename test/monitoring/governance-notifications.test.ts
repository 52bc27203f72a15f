import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { notifyDueDeadlines } from '@confide/api';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { startKmsGate } from '../support/aws-stand-ins';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { failingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { organisationItems } from '../support/records-fixtures';
import { ownTablesForFile, type TestApi, testApi } from '../support/test-api';

/** The file's own tables: its checks read every item of their organisation (ownTablesForFile). */
const tables = ownTablesForFile();

/**
 * Issue 20, "Charities are told nothing" (decision 0035): a break-glass opening, an escalated disclosure request,
 * a breach past its 72-hour clock and a subject access request near its deadline each put one notification in
 * the organisation's outbox — a kind and a reference, never personal data — which the IG lead and the Caldicott
 * Guardian read (in AWS each item also goes to the stage's governance topic).
 */

const DAY = 86_400_000;
/** Every KMS operation Confide calls: all refused to a role that may use no key. */
const KMS_OPERATIONS = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey', 'GenerateMac', 'VerifyMac'];
const NOTIFICATIONS =
  '{ governanceNotifications(first: 50) { edges { node { kind reference createdAt } } } }';
const CANARY = 'Canary-7Q4-fell-on-the-stairs';

interface Notice {
  kind: string;
  reference: string;
}

async function world(api = testApi({ tables })) {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const [worker, guardian, ig, chief] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
    addStaff(api, org, ['IG_LEAD']),
    addStaff(api, org, ['CHIEF_EXECUTIVE']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
  return { api, org, serviceId, manager, worker, guardian, ig, chief, client, note };
}
type World = Awaited<ReturnType<typeof world>>;

async function notices(w: World, token = w.ig.token): Promise<Notice[]> {
  const result = await w.api.graphql<{
    governanceNotifications: { edges: { node: Notice & { createdAt: string } }[] };
  }>(NOTIFICATIONS, { token });
  expectNoErrors(result);
  return (result.data?.governanceNotifications.edges ?? []).map(({ node }) => ({
    kind: node.kind,
    reference: node.reference,
  }));
}

/** A disclosure request received for the world's client; its id. */
async function receivedRequest(w: World): Promise<string> {
  const received = await w.api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(
    `mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }`,
    {
      token: w.manager.token,
      variables: {
        input: {
          serviceUserId: w.client,
          requesterOrganisation: 'County council',
          requesterContact: 'Duty officer',
          purpose: 'An enquiry',
          legalBasis: 'SAFEGUARDING',
          itemIds: [w.note],
          receivedOn: new Date().toISOString().slice(0, 10),
          identityCheck: 'DOCUMENT_CHECKED',
        },
      },
    },
  );
  expectNoErrors(received);
  return received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
}

/** Escalates the request to the Caldicott Guardian, as the service's manager. */
function escalate(w: World, requestId: string, through: TestApi = w.api) {
  return through.graphql(
    'mutation ($c: ID!, $r: String!, $why: String!) { escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: $why) { kind } }',
    { token: w.manager.token, variables: { c: w.client, r: requestId, why: CANARY } },
  );
}

describe('governance notifications', () => {
  it('tells the governance contacts of a break-glass opening, by the review’s reference only', async () => {
    const w = await world();

    const opened = await w.api.graphql<{ openEmergencyAccess: { id: string } }>(
      'mutation ($c: ID!, $d: String!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: $d) { id } }',
      { token: w.chief.token, variables: { c: w.client, d: CANARY } },
    );

    expectNoErrors(opened);
    const expected = [{ kind: 'EMERGENCY_ACCESS_OPENED', reference: opened.data?.openEmergencyAccess.id }];
    expect(await notices(w)).toEqual(expected);
    expect(await notices(w, w.guardian.token)).toEqual(expected);
  });

  it('writes a break-glass opening’s notice with its review: a fault on the notice grants nothing, and a retry tells them once', async () => {
    // Prepare: an API whose DynamoDB client fails the write carrying the notice.
    const w = await world();
    const failing = failingDynamoClient(w.api, (call) => JSON.stringify(call.input).includes('#NOTIFY"'));
    const faulty = testApi({ tables, dynamo: failing.client });
    const open = (through: TestApi) =>
      through.graphql<{ openEmergencyAccess: { id: string } }>(
        'mutation ($c: ID!, $d: String!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: $d) { id } }',
        { token: w.chief.token, variables: { c: w.client, d: CANARY } },
      );
    const readByChief = () =>
      w.api.graphql<{ serviceUser: { id: string } | null }>(
        'query ($c: ID!) { serviceUser(id: $c) { id } }',
        {
          token: w.chief.token,
          variables: { c: w.client },
          headers: { 'x-access-purpose': 'Paramedics asked for the care plan' },
        },
      );

    // Act
    const failed = await open(faulty);

    // Assess: a fault; no notice, and no access granted.
    expect(failing.failures()).toBe(1);
    expect(codes(failed)).toEqual(['INTERNAL']);
    expect(await notices(w)).toEqual([]);
    expect((await readByChief()).data?.serviceUser ?? null).toBeNull();

    // Act: the chief executive breaks the glass again, with nothing failing.
    const opened = await open(w.api);

    // Assess: access, and one notice naming this opening's review.
    expectNoErrors(opened);
    expect((await readByChief()).data?.serviceUser?.id).toBe(w.client);
    expect(await notices(w)).toEqual([
      { kind: 'EMERGENCY_ACCESS_OPENED', reference: opened.data?.openEmergencyAccess.id },
    ]);
  });

  it('tells them when a disclosure request is escalated to the Caldicott Guardian', async () => {
    const w = await world();
    const requestId = await receivedRequest(w);
    expect(await notices(w)).toEqual([]);

    expectNoErrors(await escalate(w, requestId));

    expect(await notices(w, w.guardian.token)).toEqual([
      { kind: 'DISCLOSURE_ESCALATED', reference: requestId },
    ]);
  });

  it('writes an escalation’s notice with its register entry: a fault changes nothing, and a retry tells them once', async () => {
    // Prepare: a request received, and an API whose DynamoDB client fails the write carrying the notice.
    const w = await world();
    const requestId = await receivedRequest(w);
    const failing = failingDynamoClient(w.api, (call) => JSON.stringify(call.input).includes('#NOTIFY"'));
    const faulty = testApi({ tables, dynamo: failing.client });

    // Act
    const failed = await escalate(w, requestId, faulty);

    // Assess: a fault, and no notice.
    expect(failing.failures()).toBe(1);
    expect(codes(failed)).toEqual(['INTERNAL']);
    expect(await notices(w)).toEqual([]);

    // Act: escalated again, with nothing failing.
    const escalated = await escalate(w, requestId);

    // Assess: escalated, with one notice.
    expectNoErrors(escalated);
    expect(await notices(w)).toEqual([{ kind: 'DISCLOSURE_ESCALATED', reference: requestId }]);
  });

  it('tells them once of a breach past its 72-hour clock and of a subject access deadline within a week', async () => {
    const w = await world();
    const report = (discoveredAt: Date) =>
      w.api.graphql<{ reportBreach: { id: string } }>(
        'mutation ($i: ReportBreachInput!) { reportBreach(input: $i) { id } }',
        {
          token: w.ig.token,
          variables: {
            i: {
              discoveredAt: discoveredAt.toISOString(),
              nature: CANARY,
              categories: ['CONTACT'],
              approximateSubjects: 1,
            },
          },
        },
      );
    const overdue = await report(new Date(Date.now() - 4 * DAY));
    const recent = await report(new Date(Date.now() - 3_600_000));
    expectNoErrors(overdue);
    expectNoErrors(recent);
    const other = await registerServiceUser(w.api, w.manager, w.serviceId);
    const sar = (clientId: string, daysAgo: number) =>
      w.api.graphql(
        'mutation ($c: ID!, $r: String!) { requestSubjectAccess(serviceUserId: $c, receivedOn: $r, identityCheck: PHOTO_ID) { deadline } }',
        {
          token: w.ig.token,
          variables: { c: clientId, r: new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10) },
        },
      );
    const dueSoon = await sar(w.client, 25);
    const fresh = await sar(other, 1);
    expectNoErrors(dueSoon);
    expectNoErrors(fresh);
    const scope = tenantScope(w.org.orgId);

    const first = await notifyDueDeadlines(w.api.services, scope);
    const again = await notifyDueDeadlines(w.api.services, scope);

    expect(first).toEqual({ breachesOverdue: 1, subjectAccessDueSoon: 1 });
    expect(again).toEqual({ breachesOverdue: 0, subjectAccessDueSoon: 0 });
    const listed = await notices(w);
    expect(listed.map((n) => n.kind).sort()).toEqual(['BREACH_OVERDUE', 'SUBJECT_ACCESS_DUE_SOON']);
    // The references are the overdue breach's and the near request's own ids, not the others'.
    const requests = await w.api.services.subjectAccess.list(scope);
    const breaches = await w.api.services.breaches.list(scope);
    const oldest = <T>(items: T[], at: (item: T) => string) =>
      [...items].sort((a, b) => at(a).localeCompare(at(b)))[0];
    expect(listed).toContainEqual({
      kind: 'SUBJECT_ACCESS_DUE_SOON',
      reference: oldest(requests, (r) => r.receivedOn)?.requestId,
    });
    expect(listed).toContainEqual({
      kind: 'BREACH_OVERDUE',
      reference: oldest(breaches, (b) => b.discoveredAt)?.breachId,
    });
  });

  it('warns of a subject access deadline from seven days before it in the organisation’s calendar, not UTC’s', async () => {
    // Prepare: at 23:30 UTC on 14 July 2026, 00:30 on 15 July in London, requests due on 22 and 23 July.
    const clock = new MovableClock();
    clock.set(new Date('2026-07-14T23:30:00Z'));
    const w = await world(testApi({ clock, tables }));
    const other = await registerServiceUser(w.api, w.manager, w.serviceId);
    const request = async (clientId: string, receivedOn: string) => {
      const opened = await w.api.graphql<{ requestSubjectAccess: { id: string; deadline: string } }>(
        'mutation ($c: ID!, $r: String!) { requestSubjectAccess(serviceUserId: $c, receivedOn: $r, identityCheck: PHOTO_ID) { id deadline } }',
        { token: w.ig.token, variables: { c: clientId, r: receivedOn } },
      );
      expectNoErrors(opened);
      return opened.data?.requestSubjectAccess;
    };
    const dueIn7Days = await request(w.client, '2026-06-22');
    const dueIn8Days = await request(other, '2026-06-23');
    expect([dueIn7Days?.deadline, dueIn8Days?.deadline]).toEqual(['2026-07-22', '2026-07-23']);
    const scope = tenantScope(w.org.orgId);

    // Act
    const checked = await notifyDueDeadlines(w.api.services, scope);

    // Assess: London's 15 July is 7 days before the 22nd (UTC's 14 July is 8), and 8 days before the 23rd.
    expect(checked).toEqual({ breachesOverdue: 0, subjectAccessDueSoon: 1 });
    const [reference] = (await w.api.services.subjectAccess.list(scope))
      .filter((r) => r.deadline === '2026-07-22')
      .map((r) => r.requestId);
    expect(await notices(w)).toEqual([{ kind: 'SUBJECT_ACCESS_DUE_SOON', reference }]);
  });

  it('warns by the organisation’s own time zone: in New York 02:00 UTC on 15 July is still 14 July', async () => {
    // Prepare: an organisation in New York, and a request due on 22 July.
    const clock = new MovableClock();
    clock.set(new Date('2026-07-15T02:00:00Z'));
    const w = await world(testApi({ clock, tables }));
    expectNoErrors(
      await w.api.graphql(
        'mutation ($i: AccessMonitoringSettingsInput!) { setAccessMonitoringSettings(input: $i, expectedVersion: 0) { timeZone } }',
        { token: w.ig.token, variables: { i: { timeZone: 'America/New_York' } } },
      ),
    );
    expectNoErrors(
      await w.api.graphql(
        'mutation ($c: ID!, $r: String!) { requestSubjectAccess(serviceUserId: $c, receivedOn: $r, identityCheck: PHOTO_ID) { deadline } }',
        { token: w.ig.token, variables: { c: w.client, r: '2026-06-22' } },
      ),
    );
    const scope = tenantScope(w.org.orgId);

    // Act: on 14 July in New York (8 days before), then at 00:00 there on 15 July (7 days before).
    const on14th = await notifyDueDeadlines(w.api.services, scope);
    clock.set(new Date('2026-07-15T04:00:00Z'));
    const on15th = await notifyDueDeadlines(w.api.services, scope);

    // Assess
    expect(on14th).toEqual({ breachesOverdue: 0, subjectAccessDueSoon: 0 });
    expect(on15th).toEqual({ breachesOverdue: 0, subjectAccessDueSoon: 1 });
  });

  it('warns of the other requests when one stored deadline is not a date (the deadlines are read unverified)', async () => {
    // Prepare: two requests due in 7 days, then one's stored deadline overwritten with something that is no date.
    const clock = new MovableClock();
    clock.set(new Date('2026-07-15T09:00:00Z'));
    const w = await world(testApi({ clock, tables }));
    const other = await registerServiceUser(w.api, w.manager, w.serviceId);
    for (const client of [w.client, other]) {
      expectNoErrors(
        await w.api.graphql(
          'mutation ($c: ID!) { requestSubjectAccess(serviceUserId: $c, receivedOn: "2026-06-22", identityCheck: PHOTO_ID) { id } }',
          { token: w.ig.token, variables: { c: client } },
        ),
      );
    }
    const stored = (await organisationItems(w.api, w.org.orgId))
      .map(({ item }) => item)
      .filter((item) => item.deadline?.S === '2026-07-22');
    expect(stored).toHaveLength(2);
    const [broken, intact] = stored;
    await w.api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: w.api.services.config.tables.data,
        Key: { pk: { S: broken?.pk?.S ?? '' }, sk: { S: broken?.sk?.S ?? '' } },
        UpdateExpression: 'SET deadline = :d',
        ExpressionAttributeValues: { ':d': { S: 'not a date' } },
      }),
    );

    // Act
    const checked = await notifyDueDeadlines(w.api.services, tenantScope(w.org.orgId));

    // Assess: the intact request is warned of; the broken one is passed over, not the whole organisation's check.
    expect(checked).toEqual({ breachesOverdue: 0, subjectAccessDueSoon: 1 });
    expect((await notices(w)).map((notice) => notice.reference)).toEqual([intact?.requestId?.S]);
  });

  it('checks the deadlines without the organisation’s key, which the deadlines function’s role does not have', async () => {
    // Prepare: a subject access request near its deadline, and an api whose every KMS call is refused, as IAM refuses
    // them to the deadlines role (it may read and write the data table, nothing else; decision 0035).
    const w = await world();
    expectNoErrors(
      await w.api.graphql(
        'mutation ($c: ID!, $r: String!) { requestSubjectAccess(serviceUserId: $c, receivedOn: $r, identityCheck: PHOTO_ID) { deadline } }',
        {
          token: w.ig.token,
          variables: { c: w.client, r: new Date(Date.now() - 25 * DAY).toISOString().slice(0, 10) },
        },
      ),
    );
    const gate = await startKmsGate({ target: w.api.stack.kmsEndpoint, deny: KMS_OPERATIONS });
    try {
      const keyless = testApi({ tables, env: { CONFIDE_KMS_ENDPOINT: gate.endpoint } });

      // Act
      const checked = await notifyDueDeadlines(keyless.services, tenantScope(w.org.orgId));

      // Assess: the reminder is raised, and KMS was never asked.
      expect(checked).toEqual({ breachesOverdue: 0, subjectAccessDueSoon: 1 });
      expect(gate.operations).toEqual([]);
      expect((await notices(w)).map((n) => n.kind)).toEqual(['SUBJECT_ACCESS_DUE_SOON']);
    } finally {
      await gate.stop();
    }
  });

  it('keeps the outbox from staff without a governance role, and holds no personal data', async () => {
    const w = await world();
    expectNoErrors(
      await w.api.graphql(
        'mutation ($c: ID!, $d: String!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: $d) { id } }',
        { token: w.chief.token, variables: { c: w.client, d: CANARY } },
      ),
    );

    const asWorker = await w.api.graphql(NOTIFICATIONS, { token: w.worker.token });
    const asManager = await w.api.graphql(NOTIFICATIONS, { token: w.manager.token });

    expect(codes(asWorker)).toEqual(['FORBIDDEN']);
    expect(codes(asManager)).toEqual(['FORBIDDEN']);
    const outbox = (await organisationItems(w.api, w.org.orgId))
      .map(({ item }) => item)
      .filter((item) => String(item.sk?.S).startsWith('NOTIFY#'));
    expect(outbox).toHaveLength(1);
    expect(Object.keys(outbox[0] ?? {}).sort()).toEqual(
      ['createdAt', 'expiresAt', 'kind', 'orgId', 'pk', 'reference', 'sk'].sort(),
    );
    expect(JSON.stringify(outbox)).not.toContain('Canary');
  });
});
