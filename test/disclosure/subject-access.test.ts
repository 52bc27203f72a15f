import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type StoredAuditEvent, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { localIdOf, organisationItems, serviceUserToken } from '../support/records-fixtures';
import { ownTablesForFile, type TestApi, testApi } from '../support/test-api';
import {
  APPROVE,
  approveSubjectAccessExport,
  EXPORT,
  REQUEST,
  recordSubjectAccessRequest,
  today,
} from './subject-access-fixtures';

/**
 * Issue 14, side door 1 — subject access as a skeleton key. An IG lead who cannot read a person's health notes
 * must not read the whole record by opening a subject access request themself: staff record a request with how
 * the person's identity was checked; the export staff compile is readable to them only after a second person
 * (the Caldicott Guardian, or another IG lead) approved it; every item shown is audited with its classification,
 * appears in the person's own access log, and is listed for the Caldicott Guardian. The person's own export is
 * unchanged.
 */

const HEALTH_NOTE = 'Canary-health: insulin dose changed after the hospital stay.';
const SAFEGUARDING_NOTE = 'Canary-safeguarding: disclosed financial abuse by a relative.';
const CARE_NOTE = 'Canary-care: went to the day centre.';

interface World {
  api: TestApi;
  org: TestOrganisation;
  manager: Person;
  worker: Person;
  guardian: Person;
  ig: Person;
  secondIg: Person;
  client: string;
}

async function world(api: TestApi): Promise<World> {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const [worker, guardian, ig, secondIg] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
    addStaff(api, org, ['IG_LEAD']),
    addStaff(api, org, ['IG_LEAD']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  await recordNote(api, worker, client, 'MEDICAL', HEALTH_NOTE);
  await recordNote(api, worker, client, 'SAFEGUARDING_CONCERN', SAFEGUARDING_NOTE);
  await recordNote(api, worker, client, 'DAILY_SUPPORT', CARE_NOTE);
  return { api, org, manager, worker, guardian, ig, secondIg, client };
}

async function eventsAbout(w: World): Promise<StoredAuditEvent[]> {
  return w.api.services.auditLog.bySubject(tenantScope(w.org.orgId), localIdOf(w.client), { limit: 1000 });
}

async function eventsBy(w: World, who: Person): Promise<StoredAuditEvent[]> {
  return w.api.services.auditLog.byActor(tenantScope(w.org.orgId), who.staffId, { limit: 1000 });
}

const exportOf = (w: World, who: Person) =>
  w.api.graphql<{ subjectAccessExport: { requestId: string | null; document: string } }>(EXPORT, {
    token: who.token,
    variables: { c: w.client },
  });

describe('subject access compiled by staff', () => {
  const api = testApi({ tables: ownTablesForFile() });

  it('refuses an IG lead who opened the request themself and compiles it without a second person’s approval, and audits the refusal', async () => {
    // Prepare
    const w = await world(api);
    await recordSubjectAccessRequest(api, w.ig, w.client);

    // Act
    const exported = await exportOf(w, w.ig);

    // Assess
    expect(codes(exported)).toEqual(['FORBIDDEN']);
    expect(exported.data).toBeNull();
    expect(exported.text).not.toContain('Canary');
    const denied = (await eventsBy(w, w.ig)).filter(
      (e) => e.operation === 'subjectAccessExport' && e.action === 'DENIED',
    );
    expect(denied).toEqual([
      expect.objectContaining({
        outcome: 'FORBIDDEN',
        subjectId: localIdOf(w.client),
        rule: 'subject-access.export-not-approved',
      }),
    ]);
  });

  it('refuses an export whose approval was written straight to the table, not given (decision 0093)', async () => {
    // Prepare: the IG lead records a request that nobody has approved.
    const w = await world(api);
    await recordSubjectAccessRequest(api, w.ig, w.client);
    const table = api.services.config.tables.data;
    const { Items: requests = [] } = await api.services.dynamo.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: tenantScope(w.org.orgId).key('SUBJECT_ACCESS') } },
        ConsistentRead: true,
      }),
    );
    const request = requests.find((item) => item.clientId?.S === localIdOf(w.client));

    // Act: the Guardian's approval, as someone who can write the table would write it.
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: request?.pk ?? { S: '' }, sk: request?.sk ?? { S: '' } },
        UpdateExpression: 'SET exportApprovedBy = :guardian, exportApprovedAt = :now',
        ExpressionAttributeValues: {
          ':guardian': { S: w.guardian.staffId },
          ':now': { S: new Date().toISOString() },
        },
      }),
    );
    const exported = await exportOf(w, w.ig);

    // Assess
    expect(codes(exported)).toEqual(['INTERNAL']);
    expect(exported.text).not.toContain('Canary');
    expect(await api.services.integrityIncidents.list(tenantScope(w.org.orgId))).toEqual([
      expect.objectContaining({ kind: 'TAMPERED_STATE', itemKind: 'SUBJECT_ACCESS' }),
    ]);
  });

  it('needs staff to say how they checked the person’s identity, and records nothing without it', async () => {
    // Prepare
    const w = await world(api);
    const before = await organisationItems(api, w.org.orgId);

    // Act
    const byIgLead = await api.graphql(REQUEST, {
      token: w.ig.token,
      variables: { c: w.client, on: today() },
    });
    const byManager = await api.graphql(REQUEST, {
      token: w.manager.token,
      variables: { c: w.client, on: today() },
    });
    const withCheck = await api.graphql<{
      requestSubjectAccess: { openedByPerson: boolean; identityCheck: string; exportApproved: boolean };
    }>(REQUEST, {
      token: w.manager.token,
      variables: { c: w.client, on: today(), check: 'KNOWN_TO_STAFF' },
    });

    // Assess
    for (const result of [byIgLead, byManager]) {
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.extensions?.field).toEqual(['identityCheck']);
    }
    expectNoErrors(withCheck);
    expect(withCheck.data?.requestSubjectAccess).toMatchObject({
      openedByPerson: false,
      identityCheck: 'KNOWN_TO_STAFF',
      exportApproved: false,
    });
    const after = await organisationItems(api, w.org.orgId);
    expect(after.length).toBe(before.length + 1);
  });

  it('after the Guardian approves, lets the IG lead read it: audited with every classification shown, in the person’s access log, and listed for the Guardian', async () => {
    // Prepare
    const w = await world(api);
    const requestId = await recordSubjectAccessRequest(api, w.ig, w.client);
    await approveSubjectAccessExport(api, w.guardian, requestId);

    // Act
    const exported = await exportOf(w, w.ig);
    const ownLog = await api.graphql<{
      myAccessLog: { edges: { node: { who: string; did: string; what: string } }[] };
    }>('{ myAccessLog(first: 50) { edges { node { who did what } } } }', {
      token: await serviceUserToken(api, w.org.orgId, w.client),
    });
    const notices = await api.graphql<{
      subjectAccessExportNotices: {
        requestId: string;
        serviceUserId: string;
        readBy: string;
        approvedBy: string;
        classifications: string[];
      }[];
    }>('{ subjectAccessExportNotices { requestId serviceUserId readBy approvedBy classifications } }', {
      token: w.guardian.token,
    });

    // Assess: the export itself
    expectNoErrors(exported);
    expect(exported.data?.subjectAccessExport.requestId).toBe(requestId);
    const document = JSON.parse(exported.data?.subjectAccessExport.document ?? '{}') as {
      notes: { text: string }[];
    };
    expect(document.notes.map((n) => n.text).sort()).toEqual(
      [HEALTH_NOTE, SAFEGUARDING_NOTE, CARE_NOTE].sort(),
    );
    // One READ event naming every classification shown, without the content.
    const reads = (await eventsAbout(w)).filter(
      (e) => e.operation === 'subjectAccessExport' && e.action === 'READ',
    );
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      outcome: 'ALLOWED',
      actor: expect.objectContaining({ id: w.ig.staffId }),
      rule: 'subject-access.export-approved',
    });
    expect(reads[0]?.classifications).toEqual(
      expect.arrayContaining(['CARE', 'HEALTH', 'IDENTIFYING', 'SAFEGUARDING']),
    );
    expect(reads[0]?.fields).toEqual(
      expect.arrayContaining(['CaseNote.MEDICAL', 'CaseNote.SAFEGUARDING_CONCERN', 'ServiceUser.name']),
    );
    expect(JSON.stringify(reads)).not.toContain('Canary');
    // The person sees it in their own access log, in plain words.
    expectNoErrors(ownLog);
    const ownEntries = ownLog.data?.myAccessLog.edges.map((edge) => edge.node) ?? [];
    expect(ownEntries).toContainEqual(
      expect.objectContaining({
        who: 'The organisation’s information governance lead',
        did: 'looked at',
        what: expect.stringContaining('your health information'),
      }),
    );
    expect(ownEntries.some((entry) => entry.what.includes('safeguarding information about you'))).toBe(true);
    // The Caldicott Guardian is told.
    expectNoErrors(notices);
    expect(notices.data?.subjectAccessExportNotices).toEqual([
      {
        requestId,
        serviceUserId: w.client,
        readBy: w.ig.globalId,
        approvedBy: w.guardian.globalId,
        classifications: expect.arrayContaining(['HEALTH', 'SAFEGUARDING']),
      },
    ]);
  });

  it('is never approved by the one who recorded the request, nor read by the one who approved it', async () => {
    // Prepare
    const w = await world(api);
    const requestId = await recordSubjectAccessRequest(api, w.ig, w.client);

    // Act
    const byRecorder = await api.graphql(APPROVE, { token: w.ig.token, variables: { r: requestId } });
    const byWorker = await api.graphql(APPROVE, { token: w.worker.token, variables: { r: requestId } });
    const byManager = await api.graphql(APPROVE, { token: w.manager.token, variables: { r: requestId } });
    const stillRefused = await exportOf(w, w.ig);
    const bySecondIg = await api.graphql(APPROVE, { token: w.secondIg.token, variables: { r: requestId } });
    const again = await api.graphql(APPROVE, { token: w.guardian.token, variables: { r: requestId } });
    const byApprover = await exportOf(w, w.secondIg);
    const byRecorderNow = await exportOf(w, w.ig);
    const unknown = await api.graphql(APPROVE, { token: w.guardian.token, variables: { r: 'sar_nothing' } });

    // Assess
    expect(codes(byRecorder)).toEqual(['FORBIDDEN']);
    expect(codes(byWorker)).toEqual(['FORBIDDEN']);
    expect(codes(byManager)).toEqual(['FORBIDDEN']);
    expect(codes(stillRefused)).toEqual(['FORBIDDEN']);
    expectNoErrors(bySecondIg);
    expect(codes(again)).toEqual(['CONFLICT']);
    expect(codes(byApprover)).toEqual(['FORBIDDEN']);
    expectNoErrors(byRecorderNow);
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    const refusal = (await eventsBy(w, w.ig)).filter(
      (e) => e.operation === 'approveSubjectAccessExport' && e.action === 'DENIED',
    );
    expect(refusal).toEqual([
      expect.objectContaining({ outcome: 'FORBIDDEN', rule: 'subject-access.own-request' }),
    ]);
    expect(
      (await eventsBy(w, w.secondIg)).filter(
        (e) => e.operation === 'subjectAccessExport' && e.action === 'DENIED',
      ),
    ).toEqual([expect.objectContaining({ rule: 'subject-access.approver-compiles' })]);
  });
});

describe('subject access asked for by the person', () => {
  const api = testApi();

  it('gives the person their own export at once, with no approval and no identity check asked', async () => {
    // Prepare
    const w = await world(api);
    const token = await serviceUserToken(api, w.org.orgId, w.client);

    // Act
    const opened = await api.graphql<{
      requestSubjectAccess: { id: string; openedByPerson: boolean; identityCheck: string | null };
    }>(REQUEST, { token, variables: { c: w.client, on: today() } });
    const exported = await api.graphql<{
      subjectAccessExport: { requestId: string | null; document: string };
    }>(EXPORT, { token, variables: { c: w.client } });

    // Assess
    expectNoErrors(opened);
    expect(opened.data?.requestSubjectAccess).toMatchObject({ openedByPerson: true, identityCheck: null });
    expectNoErrors(exported);
    // It answers the person's request (issue 15, item 9: not `requestId: null`).
    expect(exported.data?.subjectAccessExport.requestId).toBe(opened.data?.requestSubjectAccess.id);
    const document = JSON.parse(exported.data?.subjectAccessExport.document ?? '{}') as {
      profile: { name: string };
      notes: { text: string }[];
    };
    expect(document.profile.name).toBeTruthy();
    expect(document.notes.map((n) => n.text).sort()).toEqual(
      [HEALTH_NOTE, SAFEGUARDING_NOTE, CARE_NOTE].sort(),
    );
    const reads = (await eventsAbout(w)).filter(
      (e) => e.operation === 'subjectAccessExport' && e.action === 'READ',
    );
    expect(reads).toEqual([
      expect.objectContaining({
        relationship: 'SELF',
        actor: expect.objectContaining({ kind: 'SERVICE_USER' }),
      }),
    ]);
  });
});
