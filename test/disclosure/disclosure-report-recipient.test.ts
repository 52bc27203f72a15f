import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { verifyAuditLog } from '@confide/api';
import { type AuditEvent, type StoredAuditEvent, tenantScope } from '@confide/store';
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
import { addStaff, approvalIdOf, localIdOf, onboardTestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';
import { receiveRequest } from './disclosure-support';
import { receiveAndApprove, registerPartner, releaseToPartner } from './partner-release-support';

/**
 * The disclosure register says to whom each disclosure went (decision 0150): a disclosure's audit event names the
 * disclosure (its id, never the recipient), and `AccessEvent.recipient` reads the recipient from the person's own
 * register at read time, under the CONSENT need-to-know of `DisclosureRegisterEntry.recipient` and audited as that
 * read is; null where the reader may not read it, for events that name no disclosure, and once the person is erased.
 */

const RECIPIENT = 'Canary-recipient: PC Okafor, neighbourhood policing team';
const REQUESTER = 'Canary-requester: Northshire Housing Trust';
const PARTNER_APP = 'Canary-app: Northshire reablement app';

const REPORT = `query { disclosureReport(first: 100) {
  edges { node { id operation serviceUserId rule recipient } }
} }`;
const RECORD = `mutation ($input: ExceptionalDisclosureInput!) {
  recordExceptionalDisclosure(input: $input) { requestId recipient }
}`;
const RELEASE = `mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }`;

interface Row {
  id: string;
  operation: string;
  serviceUserId: string | null;
  rule: string | null;
  recipient: string | null;
}

async function world(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const [worker, ig, guardian] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['IG_LEAD']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Said the neighbour threatened him.');
  const { partnerId } = await registerPartner(api, org, PARTNER_APP);
  return { api, org, serviceId, manager, worker, ig, guardian, client, note, partnerId };
}
type World = Awaited<ReturnType<typeof world>>;

/** An exceptional disclosure of the note to the police, recorded by the worker who made it; its request id. */
async function discloseToPolice(w: World): Promise<string> {
  const recorded = await w.api.graphql<{ recordExceptionalDisclosure: { requestId: string } }>(RECORD, {
    token: w.worker.token,
    variables: {
      input: {
        serviceUserId: w.client,
        recipient: RECIPIENT,
        legalBasis: 'PREVENTION_OF_SERIOUS_CRIME',
        reasoning: 'A threat of serious violence that could not wait for consent.',
        itemIds: [w.note],
        clientInformed: true,
      },
    },
  });
  expectNoErrors(recorded);
  return recorded.data?.recordExceptionalDisclosure.requestId ?? '';
}

/** The housing trust's safeguarding request for the note, approved and released by secure email; its id. */
async function releaseByEmail(w: World): Promise<string> {
  const requestId = await receiveRequest(w.api, w.manager.token, w.client, {
    requesterOrganisation: REQUESTER,
    itemIds: [w.note],
    receivedOn: new Date().toISOString().slice(0, 10),
  });
  expectNoErrors(
    await w.api.graphql(
      'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Risk to the person") { kind } }',
      { token: w.manager.token, variables: { c: w.client, r: requestId } },
    ),
  );
  expectNoErrors(
    await w.api.graphql(RELEASE, {
      token: w.manager.token,
      variables: {
        input: { serviceUserId: w.client, requestId, itemIds: [w.note], method: 'SECURE_EMAIL' },
      },
    }),
  );
  return requestId;
}

async function reportRows(w: World, reader: Person): Promise<Row[]> {
  const report = await w.api.graphql<{ disclosureReport: { edges: { node: Row }[] } }>(REPORT, {
    token: reader.token,
  });
  expectNoErrors(report);
  return report.data?.disclosureReport.edges.map((edge) => edge.node) ?? [];
}

/** The stored disclosure events about the client: the ALLOWED writes of the two disclosure operations. */
async function disclosureEvents(w: World): Promise<StoredAuditEvent[]> {
  const events = await w.api.services.auditLog.bySubject(tenantScope(w.org.orgId), localIdOf(w.client), {
    limit: 1000,
  });
  return events.filter(
    (event) =>
      ['recordExceptionalDisclosure', 'releaseDisclosure'].includes(event.operation) &&
      event.action !== 'READ' &&
      event.outcome === 'ALLOWED',
  );
}

/** Erases the person: their case closed, the IG lead proposes, the Caldicott Guardian approves. */
async function erase(w: World): Promise<void> {
  const current = await w.api.graphql<{ serviceUser: { version: number } }>(
    'query ($id: ID!) { serviceUser(id: $id) { version } }',
    { token: w.manager.token, variables: { id: w.client } },
  );
  expectNoErrors(current);
  expectNoErrors(
    await w.api.graphql('mutation ($input: CloseCaseInput!) { closeCase(input: $input) { caseStatus } }', {
      token: w.manager.token,
      variables: { input: { serviceUserId: w.client, expectedVersion: current.data?.serviceUser.version } },
    }),
  );
  const proposed = await w.api.graphql(
    'mutation ($id: ID!) { eraseServiceUser(serviceUserId: $id, reason: "Erasure request SAR-2026-051") { itemsRemoved } }',
    { token: w.ig.token, variables: { id: w.client } },
  );
  expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
  expectNoErrors(
    await w.api.graphql('mutation ($id: ID!) { approveChange(approvalId: $id) { status } }', {
      token: w.guardian.token,
      variables: { id: approvalIdOf(proposed) },
    }),
  );
}

describe('the disclosure register says to whom a disclosure went', () => {
  const api = testApi();

  it('to the IG lead and the service manager: an exceptional disclosure’s recipient, a release’s requester', async () => {
    // Prepare
    const w = await world(api);
    await discloseToPolice(w);
    await releaseByEmail(w);

    // Act
    const [asIg, asManager] = await Promise.all([reportRows(w, w.ig), reportRows(w, w.manager)]);

    // Assess
    for (const rows of [asIg, asManager]) {
      expect(
        rows.map(({ operation, serviceUserId, recipient }) => ({ operation, serviceUserId, recipient })),
      ).toEqual([
        { operation: 'releaseDisclosure', serviceUserId: w.client, recipient: REQUESTER },
        { operation: 'recordExceptionalDisclosure', serviceUserId: w.client, recipient: RECIPIENT },
      ]);
    }
  });

  it('names the partner agency’s app a release went to, whoever the request came from', async () => {
    // Prepare: the council's request for the app, released into it
    const w = await world(api);
    const requestId = await receiveAndApprove(w, [w.note]);
    expectNoErrors(await releaseToPartner(w, requestId, [w.note]));

    // Act
    const rows = await reportRows(w, w.ig);

    // Assess
    expect(rows.map((row) => row.recipient)).toEqual([PARTNER_APP]);
  });

  it('records each recipient read as a read of the person’s CONSENT data, and the recipient nowhere in the audit', async () => {
    // Prepare
    const w = await world(api);
    await discloseToPolice(w);

    // Act
    await reportRows(w, w.ig);

    // Assess
    const scope = tenantScope(w.org.orgId);
    const byIg = await api.services.auditLog.byActor(scope, w.ig.staffId, { limit: 100 });
    expect(byIg).toContainEqual(
      expect.objectContaining({
        action: 'READ',
        operation: 'disclosureReport',
        subjectId: localIdOf(w.client),
        fields: ['AccessEvent.recipient'],
        classifications: ['CONSENT'],
        outcome: 'ALLOWED',
      }),
    );
    const about = await api.services.auditLog.bySubject(scope, localIdOf(w.client), { limit: 1000 });
    expect(JSON.stringify([...about, ...byIg])).not.toContain('Canary-recipient');
  });

  it('gives null, with no error, where a conflict of interest keeps the person from the reader', async () => {
    // Prepare
    const w = await world(api);
    await discloseToPolice(w);
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $s: ID!) { declareConflict(serviceUserId: $c, staffId: $s, connection: NEIGHBOUR) }',
        { token: w.manager.token, variables: { c: w.client, s: w.ig.globalId } },
      ),
    );

    // Act
    const [asIg, asGuardian] = await Promise.all([reportRows(w, w.ig), reportRows(w, w.guardian)]);

    // Assess: the disclosure is listed to the conflicted IG lead, neither whom nor to whom
    expect(asIg).toEqual([
      expect.objectContaining({
        operation: 'recordExceptionalDisclosure',
        serviceUserId: null,
        recipient: null,
      }),
    ]);
    expect(asGuardian.map((row) => row.recipient)).toEqual([RECIPIENT]);
    // Nothing of the person was asked for: no read, and no refusal, of the recipient recorded against them
    const byIg = await api.services.auditLog.byActor(tenantScope(w.org.orgId), w.ig.staffId, { limit: 100 });
    expect(byIg.filter((event) => event.fields.includes('AccessEvent.recipient'))).toEqual([]);
  });

  it('gives null for a disclosure event that names no disclosure, and on every report of other events', async () => {
    // Prepare: a disclosure event written before events named their disclosure, beside a new one
    const w = await world(api);
    const old: AuditEvent = {
      orgId: w.org.orgId,
      requestId: `before-${Date.now()}`,
      at: new Date().toISOString(),
      actor: { kind: 'STAFF', id: w.manager.staffId, roles: ['SERVICE_MANAGER'] },
      action: 'WRITE',
      operation: 'releaseDisclosure',
      subjectId: localIdOf(w.client),
      fields: [],
      classifications: ['CONSENT'],
      relationship: 'MANAGES_SERVICE',
      purpose: undefined,
      emergency: false,
      outcome: 'ALLOWED',
      rule: 'disclosure.released.SAFEGUARDING',
    };
    await api.services.auditLog.write([old]);
    await discloseToPolice(w);

    // Act
    const rows = await reportRows(w, w.ig);
    const log = await api.graphql<{
      accessLog: { edges: { node: { operation: string; action: string; recipient: string | null } }[] };
    }>(
      'query ($c: ID!) { accessLog(serviceUserId: $c, first: 100) { edges { node { operation action recipient } } } }',
      {
        token: w.ig.token,
        variables: { c: w.client },
      },
    );
    const workerReport = await api.graphql<{
      staffAccessReport: { edges: { node: { operation: string; recipient: string | null } }[] };
    }>(
      'query ($s: ID!) { staffAccessReport(staffId: $s, first: 100) { edges { node { operation recipient } } } }',
      {
        token: w.manager.token,
        variables: { s: w.worker.globalId },
      },
    );
    const denied = await api.graphql<{
      deniedAccessReport: { edges: { node: { recipient: string | null } }[] };
    }>('{ deniedAccessReport(first: 100) { edges { node { recipient } } } }', { token: w.ig.token });

    // Assess: the recipient on the disclosure events that name it, null on every other event
    expect(rows.map(({ operation, recipient }) => ({ operation, recipient }))).toEqual([
      { operation: 'recordExceptionalDisclosure', recipient: RECIPIENT },
      { operation: 'releaseDisclosure', recipient: null },
    ]);
    for (const result of [log, workerReport, denied]) expectNoErrors(result);
    const logged = log.data?.accessLog.edges.map((edge) => edge.node) ?? [];
    expect(logged.filter((event) => event.recipient !== null)).toEqual([
      { operation: 'recordExceptionalDisclosure', action: 'WRITE', recipient: RECIPIENT },
    ]);
    expect(logged.length).toBeGreaterThan(3);
    const byWorker = workerReport.data?.staffAccessReport.edges.map((edge) => edge.node) ?? [];
    expect(byWorker.filter((event) => event.recipient !== null)).toEqual([
      { operation: 'recordExceptionalDisclosure', recipient: RECIPIENT },
    ]);
    expect(byWorker.length).toBeGreaterThan(1);
    expect(denied.data?.deniedAccessReport.edges.map((edge) => edge.node.recipient) ?? []).not.toContain(
      RECIPIENT,
    );
  });

  it('gives null once the person is erased (their key destroyed)', async () => {
    // Prepare
    const w = await world(api);
    await discloseToPolice(w);
    expect((await reportRows(w, w.ig)).map((row) => row.recipient)).toEqual([RECIPIENT]);

    // Act
    await erase(w);
    const report = await api.graphql<{ disclosureReport: { edges: { node: Row }[] } }>(REPORT, {
      token: w.ig.token,
    });

    // Assess: the disclosure is still listed; to whom is gone with the person
    expectNoErrors(report);
    const rows = report.data?.disclosureReport.edges.map((edge) => edge.node) ?? [];
    expect(rows.map(({ operation, recipient }) => ({ operation, recipient }))).toEqual([
      { operation: 'recordExceptionalDisclosure', recipient: null },
    ]);
    expect(report.text).not.toContain('Canary-recipient');
  });
});

describe('a disclosure’s audit event names the disclosure', () => {
  const api = testApi();

  it('by its id, the one its register entry has, and the log verifies with events written before beside it', async () => {
    // Prepare: an event written before events named their disclosure, then an exceptional disclosure and a release
    const w = await world(api);
    await api.services.auditLog.write([
      {
        orgId: w.org.orgId,
        requestId: `before-${Date.now()}`,
        at: new Date().toISOString(),
        actor: { kind: 'STAFF', id: w.worker.staffId, roles: ['SUPPORT_WORKER'] },
        action: 'WRITE',
        operation: 'recordExceptionalDisclosure',
        subjectId: localIdOf(w.client),
        fields: [],
        classifications: ['CONSENT'],
        relationship: 'ALLOCATED',
        purpose: undefined,
        emergency: false,
        outcome: 'ALLOWED',
        rule: 'disclosure.exceptional.SAFEGUARDING',
      },
    ]);
    const exceptional = await discloseToPolice(w);
    const released = await releaseByEmail(w);

    // Act
    const verified = await verifyAuditLog(api.services, tenantScope(w.org.orgId));

    // Assess
    const named = (await disclosureEvents(w)).map((event) => [event.operation, event.disclosureId ?? null]);
    expect(named).toHaveLength(3);
    expect(named).toEqual(
      expect.arrayContaining([
        ['recordExceptionalDisclosure', exceptional],
        ['recordExceptionalDisclosure', null],
        ['releaseDisclosure', released],
      ]),
    );
    expect(verified).toMatchObject({ ok: true, problems: 0 });
  });

  it('fails verification once the disclosure it names is rewritten in the table', async () => {
    // Prepare
    const w = await world(api);
    await discloseToPolice(w);
    const other = await releaseByEmail(w);
    const [event] = (await disclosureEvents(w)).filter((e) => e.operation === 'recordExceptionalDisclosure');
    if (!event?.disclosureId) throw new Error('Expected the exceptional disclosure’s event to name it');

    // Act: pointed at the other disclosure, with raw table access
    const scope = tenantScope(w.org.orgId);
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.services.config.tables.data,
        Key: {
          pk: { S: scope.key('AUDIT', 'SUBJECT', localIdOf(w.client)) },
          sk: { S: `${event.at}#${event.eventId}` },
        },
        UpdateExpression: 'SET disclosureId = :other',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':other': { S: other } },
      }),
    );
    const verified = await verifyAuditLog(api.services, scope);

    // Assess
    expect(verified).toMatchObject({ ok: false, firstBadEvent: event.eventId, problems: 1 });
    expect(verified.reason).toMatch(/^altered/);
  });
});
