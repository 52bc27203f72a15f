import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { newId } from '@confide/domain';
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
import { type Connection, pagesOf, walk } from '../support/cursor-walk';
import { addStaff, expectTamperedState, onboardTestOrganisation } from '../support/fixtures';
import { localIdOf, organisationItems, serviceUserToken } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';
import { receiveRequest } from './disclosure-support';
import { approvedSubjectAccessRequest, today } from './subject-access-fixtures';

/**
 * An exceptional disclosure the person was not told of, because telling them would increase risk, is kept from their
 * own register and subject access export (decision 0016). The policies expect them to be told once that has passed
 * (DATA-PROTECTION.md: "the client is told unless that would increase risk"; Azure 7.3: "Individuals will be
 * informed"). `recordDisclosureToldToPerson` appends a CLIENT_INFORMED entry (the register is append-only): from then
 * on the person sees the disclosure, told of it, and still not why they were not told at first (decision 0145).
 */

const REASON_NOT_TOLD = 'Canary-untold: telling him would put the neighbour at risk';
const REASONING = 'Threats to a neighbour overheard during the visit';
const RECIPIENT = 'PC Smith, neighbourhood team';
const HOW = 'Told in person at his review meeting, with his advocate present.';

const RECORD = `mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }`;
const TELL = `mutation ($c: ID!, $r: String!, $on: String!, $how: String!) {
  recordDisclosureToldToPerson(serviceUserId: $c, requestId: $r, toldOn: $on, how: $how) {
    requestId sequence kind clientInformed toldOn reasoning
  }
}`;
const REGISTER = `query ($id: ID!) { serviceUser(id: $id) {
  disclosureRegister { requestId kind clientInformed reasonNotInformed recipient reasoning toldOn }
} }`;
const REGISTER_PAGE = `query ($id: ID!, $first: Int, $after: String) { serviceUser(id: $id) {
  disclosureRegisterConnection(first: $first, after: $after) {
    edges { cursor node { requestId kind } } pageInfo { hasNextPage endCursor }
  }
} }`;
const EXPORT = 'query ($c: ID!) { subjectAccessExport(serviceUserId: $c) { document } }';

interface Entry {
  requestId: string;
  kind: string;
  clientInformed: boolean | null;
  reasonNotInformed: string | null;
  recipient: string | null;
  reasoning: string | null;
  toldOn: string | null;
}

async function scene(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager, senior } = await createServiceWithManager(api, org);
  const [worker, stranger, guardian, ig] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
    addStaff(api, org, ['IG_LEAD']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(
    api,
    worker,
    client,
    'SAFEGUARDING_CONCERN',
    'Said he would hurt the neighbour.',
  );
  const person = await serviceUserToken(api, org.orgId, client);
  const disclose = async (
    clientInformed: boolean,
    change: Record<string, unknown> = {},
    about = client,
    notes = [note],
  ) => {
    const result = await api.graphql<{ recordExceptionalDisclosure: { requestId: string } }>(RECORD, {
      token: worker.token,
      variables: {
        input: {
          serviceUserId: about,
          recipient: RECIPIENT,
          legalBasis: 'SAFEGUARDING',
          reasoning: REASONING,
          itemIds: notes,
          clientInformed,
          ...(clientInformed ? {} : { reasonNotInformed: REASON_NOT_TOLD }),
          ...change,
        },
      },
    });
    expectNoErrors(result);
    return result.data?.recordExceptionalDisclosure.requestId ?? '';
  };
  const tell = (by: Person, requestId: string, change: { on?: string; how?: string; c?: string } = {}) =>
    api.graphql<{ recordDisclosureToldToPerson: Record<string, unknown> }>(TELL, {
      token: by.token,
      variables: { c: client, r: requestId, on: today(), how: HOW, ...change },
    });
  const ownRegister = async () => {
    const result = await api.graphql<{ serviceUser: { disclosureRegister: Entry[] } }>(REGISTER, {
      token: person,
      variables: { id: client },
    });
    expectNoErrors(result);
    return result;
  };
  const ownExport = async () => {
    const result = await api.graphql<{ subjectAccessExport: { document: string } }>(EXPORT, {
      token: person,
      variables: { c: client },
    });
    expectNoErrors(result);
    return result.data?.subjectAccessExport.document ?? '';
  };
  const events = async (operation: string) =>
    (
      await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client), { limit: 1000 })
    ).filter((event: StoredAuditEvent) => event.operation === operation);
  return {
    org,
    manager,
    senior,
    worker,
    stranger,
    guardian,
    ig,
    serviceId,
    client,
    note,
    person,
    disclose,
    tell,
    ownRegister,
    ownExport,
    events,
  };
}

type Scene = Awaited<ReturnType<typeof scene>>;

const exportedDisclosures = (document: string) =>
  (JSON.parse(document) as { disclosures: Record<string, unknown>[] }).disclosures;

describe('an exceptional disclosure the person was not told of, told later', () => {
  const api = testApi();

  it('is shown to the person in their own register and export once a manager records that they have been told', async () => {
    // Prepare: the disclosure, kept from the person
    const s = await scene(api);
    const requestId = await s.disclose(false);
    const before = await s.ownRegister();
    const exportedBefore = await s.ownExport();
    expect(before.data?.serviceUser.disclosureRegister).toEqual([]);
    expect(exportedDisclosures(exportedBefore)).toEqual([]);

    // Act: the risk has passed; the manager records that the person has now been told
    const told = await s.tell(s.manager, requestId);

    // Assess: a CLIENT_INFORMED entry follows the disclosure
    expectNoErrors(told);
    expect(told.data?.recordDisclosureToldToPerson).toEqual({
      requestId,
      sequence: 2,
      kind: 'CLIENT_INFORMED',
      clientInformed: true,
      toldOn: today(),
      reasoning: HOW,
    });

    // Assess: the person sees the disclosure and that they were told, never why they were not told at first
    const after = await s.ownRegister();
    expect(after.data?.serviceUser.disclosureRegister).toEqual([
      {
        requestId,
        kind: 'EXCEPTIONAL_DISCLOSURE',
        clientInformed: false,
        reasonNotInformed: null,
        recipient: RECIPIENT,
        reasoning: REASONING,
        toldOn: null,
      },
      {
        requestId,
        kind: 'CLIENT_INFORMED',
        clientInformed: true,
        reasonNotInformed: null,
        recipient: null,
        reasoning: HOW,
        toldOn: today(),
      },
    ]);
    expect(after.text).not.toContain('Canary-untold');
    const exported = await s.ownExport();
    expect(exportedDisclosures(exported)).toEqual([
      expect.objectContaining({
        requestId,
        kind: 'EXCEPTIONAL_DISCLOSURE',
        recipient: RECIPIENT,
        reasoning: REASONING,
        legalBasis: 'SAFEGUARDING',
      }),
      expect.objectContaining({ requestId, kind: 'CLIENT_INFORMED', toldOn: today(), reasoning: HOW }),
    ]);
    expect(exported).not.toContain('Canary-untold');

    // Assess: staff still read why the person was not told at first
    const forManager = await api.graphql<{ serviceUser: { disclosureRegister: Entry[] } }>(REGISTER, {
      token: s.manager.token,
      variables: { id: s.client },
    });
    expectNoErrors(forManager);
    expect(forManager.data?.serviceUser.disclosureRegister.map((e) => [e.kind, e.reasonNotInformed])).toEqual(
      [
        ['EXCEPTIONAL_DISCLOSURE', REASON_NOT_TOLD],
        ['CLIENT_INFORMED', null],
      ],
    );
  });

  it('is in the export staff compile for the person once they have been told, without why they were not at first', async () => {
    // Prepare
    const s = await scene(api);
    const requestId = await s.disclose(false);
    expectNoErrors(await s.tell(s.guardian, requestId));
    await approvedSubjectAccessRequest(api, s.ig, s.guardian, s.client);

    // Act
    const exported = await api.graphql<{ subjectAccessExport: { document: string } }>(EXPORT, {
      token: s.ig.token,
      variables: { c: s.client },
    });

    // Assess
    expectNoErrors(exported);
    const document = exported.data?.subjectAccessExport.document ?? '';
    expect(exportedDisclosures(document).map((row) => row.kind)).toEqual([
      'EXCEPTIONAL_DISCLOSURE',
      'CLIENT_INFORMED',
    ]);
    expect(document).not.toContain('Canary-untold');
  });

  it('pages into the person’s own connection whole: the disclosure on one page, their being told on the next', async () => {
    // Prepare: one disclosure told later, one still kept from the person
    const s = await scene(api);
    const toldLater = await s.disclose(false);
    const untold = await s.disclose(false);
    expectNoErrors(await s.tell(s.manager, toldLater));

    // Act
    const walked = await walk(
      api,
      REGISTER_PAGE,
      (data) =>
        (
          data as {
            serviceUser: { disclosureRegisterConnection: Connection<{ requestId: string; kind: string }> };
          }
        ).serviceUser.disclosureRegisterConnection,
      s.person,
      { id: s.client },
      1,
    );

    // Assess
    expect(
      pagesOf(walked, (entry) => `${entry.requestId === toldLater ? 'told' : entry.requestId}/${entry.kind}`),
    ).toEqual([['told/EXCEPTIONAL_DISCLOSURE'], ['told/CLIENT_INFORMED']]);
    expect(JSON.stringify(walked.pages)).not.toContain(untold);
  });

  it('is recorded by the service’s manager or the Caldicott Guardian, audited, and refused to anyone else', async () => {
    // Prepare: two disclosures the person was not told of, made by the worker
    const s = await scene(api);
    const first = await s.disclose(false);
    const second = await s.disclose(false);

    // Act
    const byMaker = await s.tell(s.worker, first);
    const byIgLead = await s.tell(s.ig, first);
    const bySenior = await s.tell(s.senior, first);
    const byStranger = await s.tell(s.stranger, first);
    const byManager = await s.tell(s.manager, first);
    const byGuardian = await s.tell(s.guardian, second);

    // Assess: the worker who made it, the IG lead and the senior manager may not; a stranger learns nothing
    expect(codes(byMaker)).toEqual(['FORBIDDEN']);
    expect(codes(byIgLead)).toEqual(['FORBIDDEN']);
    expect(codes(bySenior)).toEqual(['FORBIDDEN']);
    expect(codes(byStranger)).toEqual(['NOT_FOUND']);
    expectNoErrors(byManager);
    expectNoErrors(byGuardian);
    const allowed = (await s.events('recordDisclosureToldToPerson')).filter(
      (e) => e.outcome === 'ALLOWED' && e.action === 'WRITE',
    );
    expect(allowed.map((e) => [e.action, e.rule, e.classifications, e.actor.id]).sort()).toEqual(
      [
        ['WRITE', 'disclosure.client-informed.service-manager', ['CONSENT'], s.manager.staffId],
        ['WRITE', 'disclosure.client-informed.caldicott-guardian', ['CONSENT'], s.guardian.staffId],
      ].sort(),
    );
    const denied = (await s.events('recordDisclosureToldToPerson')).filter((e) => e.action === 'DENIED');
    expect(denied.map((e) => [e.actor.id, e.outcome]).sort()).toEqual(
      [
        [s.worker.staffId, 'FORBIDDEN'],
        [s.ig.staffId, 'FORBIDDEN'],
        [s.senior.staffId, 'FORBIDDEN'],
        [s.stranger.staffId, 'NOT_FOUND'],
      ].sort(),
    );
    // The events carry none of what was written.
    expect(JSON.stringify(await s.events('recordDisclosureToldToPerson'))).not.toContain('advocate');
    // Oldest first: both disclosures, then the person told of each.
    expect(
      (await s.ownRegister()).data?.serviceUser.disclosureRegister.map((e) => `${e.requestId}/${e.kind}`),
    ).toEqual([
      `${first}/EXCEPTIONAL_DISCLOSURE`,
      `${second}/EXCEPTIONAL_DISCLOSURE`,
      `${first}/CLIENT_INFORMED`,
      `${second}/CLIENT_INFORMED`,
    ]);
  });

  it('leaves a later acknowledgement of the disclosure in the person’s own views', async () => {
    // Prepare: a court-order disclosure the person was not told of, in the senior manager's queue; then told
    const s = await scene(api);
    const requestId = await s.disclose(false, { legalBasis: 'COURT_ORDER' });
    expectNoErrors(await s.tell(s.manager, requestId));

    // Act
    const acknowledged = await api.graphql(
      'mutation ($c: ID!, $r: String!) { acknowledgeDisclosureWork(serviceUserId: $c, requestId: $r) { kind } }',
      { token: s.senior.token, variables: { c: s.client, r: requestId } },
    );

    // Assess: acknowledged as any told disclosure is, not as work kept from the person
    expectNoErrors(acknowledged);
    expect(
      (await s.events('acknowledgeDisclosureWork')).filter((e) => e.outcome === 'ALLOWED').map((e) => e.rule),
    ).toEqual(['disclosure-queue.acknowledged.COURT_ORDER_DISCLOSURE']);
  });
});

describe('recordDisclosureToldToPerson refused for what it names or what was written', () => {
  const api = testApi();

  const CASES: {
    name: string;
    code: string;
    field?: string[];
    arrange: (s: Scene) => Promise<{ requestId: string; on?: string; how?: string; c?: string }>;
  }[] = [
    {
      name: 'an id of no request',
      code: 'NOT_FOUND',
      arrange: async () => ({ requestId: newId('disclosure') }),
    },
    { name: 'a malformed id', code: 'NOT_FOUND', arrange: async () => ({ requestId: 'not-an-id' }) },
    {
      name: 'another person’s disclosure',
      code: 'NOT_FOUND',
      arrange: async (s) => {
        const other = await registerServiceUser(api, s.manager, s.serviceId, { name: 'Other Person' });
        await allocate(api, s.manager, other, s.worker);
        const otherNote = await recordNote(api, s.worker, other, 'DAILY_SUPPORT', 'Went to the shops.');
        return { requestId: await s.disclose(false, {}, other, [otherNote]) };
      },
    },
    {
      name: 'a request received from a third party, not an exceptional disclosure',
      code: 'BAD_USER_INPUT',
      field: ['requestId'],
      arrange: async (s) => ({
        requestId: await receiveRequest(api, s.manager.token, s.client, {
          itemIds: [s.note],
          receivedOn: today(),
        }),
      }),
    },
    {
      name: 'a disclosure the person was told of when it was recorded',
      code: 'CONFLICT',
      arrange: async (s) => ({ requestId: await s.disclose(true) }),
    },
    {
      name: 'a disclosure the person has been told of since',
      code: 'CONFLICT',
      arrange: async (s) => {
        const requestId = await s.disclose(false);
        expectNoErrors(await s.tell(s.manager, requestId));
        return { requestId };
      },
    },
    {
      name: 'a date in the future',
      code: 'BAD_USER_INPUT',
      field: ['toldOn'],
      arrange: async (s) => ({ requestId: await s.disclose(false), on: '2999-01-01' }),
    },
    {
      name: 'a date before the disclosure was recorded',
      code: 'BAD_USER_INPUT',
      field: ['toldOn'],
      arrange: async (s) => ({
        requestId: await s.disclose(false),
        on: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10),
      }),
    },
    {
      name: 'a date that is not one',
      code: 'BAD_USER_INPUT',
      field: ['toldOn'],
      arrange: async (s) => ({ requestId: await s.disclose(false), on: 'yesterday' }),
    },
    {
      name: 'nothing said of how they were told',
      code: 'BAD_USER_INPUT',
      field: ['how'],
      arrange: async (s) => ({ requestId: await s.disclose(false), how: '   ' }),
    },
    {
      name: 'how they were told, over 2000 characters',
      code: 'BAD_USER_INPUT',
      field: ['how'],
      arrange: async (s) => ({ requestId: await s.disclose(false), how: 'x'.repeat(2001) }),
    },
  ];

  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s: refused with its code, writing nothing and no ALLOWED event',
    async (_name, testCase) => {
      // Prepare
      const s = await scene(api);
      const { requestId, ...change } = await testCase.arrange(s);
      const allowedBefore = (await s.events('recordDisclosureToldToPerson')).filter(
        (e) => e.outcome === 'ALLOWED',
      );
      const before = await organisationItems(api, s.org.orgId, {
        tables: [api.services.config.tables.data, api.services.config.tables.keys],
      });

      // Act
      const refused = await s.tell(s.manager, requestId, change);

      // Assess
      expect(codes(refused)).toEqual([testCase.code]);
      expect(refused.data?.recordDisclosureToldToPerson ?? null).toBeNull();
      if (testCase.field) expect(refused.errors?.[0]?.extensions?.field).toEqual(testCase.field);
      const after = await organisationItems(api, s.org.orgId, {
        tables: [api.services.config.tables.data, api.services.config.tables.keys],
      });
      expect(after).toEqual(before);
      expect((await s.events('recordDisclosureToldToPerson')).filter((e) => e.outcome === 'ALLOWED')).toEqual(
        allowedBefore,
      );
    },
  );
});

describe('a CLIENT_INFORMED entry rewritten or forged in the table', () => {
  const api = testApi();

  const entryKey = (s: Scene, requestId: string, sequence: number) => ({
    pk: { S: tenantScope(s.org.orgId).key('CLIENT', localIdOf(s.client)) },
    sk: { S: `DISCLOSURE#${requestId}#${String(sequence).padStart(4, '0')}` },
  });

  it('fails closed when the date the person was told is changed', async () => {
    // Prepare
    const s = await scene(api);
    const requestId = await s.disclose(false);
    expectNoErrors(await s.tell(s.manager, requestId));

    // Act
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.services.config.tables.data,
        Key: entryKey(s, requestId, 2),
        UpdateExpression: 'SET toldOn = :on',
        ExpressionAttributeValues: { ':on': { S: '2020-01-01' } },
      }),
    );
    const read = await api.graphql(REGISTER, { token: s.person, variables: { id: s.client } });

    // Assess
    expect(codes(read)).toEqual(['INTERNAL']);
    await expectTamperedState(api, s.org.orgId, 'DISCLOSURE', localIdOf(s.client));
  });

  it('tells the person nothing when an entry saying they were told is written straight to the table', async () => {
    // Prepare
    const s = await scene(api);
    const requestId = await s.disclose(false);

    // Act: a CLIENT_INFORMED entry nobody recorded, without a MAC
    await api.services.dynamo.send(
      new PutItemCommand({
        TableName: api.services.config.tables.data,
        Item: {
          ...entryKey(s, requestId, 2),
          requestId: { S: requestId },
          clientId: { S: localIdOf(s.client) },
          sequence: { N: '2' },
          kind: { S: 'CLIENT_INFORMED' },
          at: { S: new Date().toISOString() },
          by: { S: s.manager.staffId },
          flaggedForGuardian: { BOOL: false },
          clientInformed: { BOOL: true },
          toldOn: { S: today() },
        },
      }),
    );
    const read = await api.graphql(REGISTER, { token: s.person, variables: { id: s.client } });

    // Assess
    expect(codes(read)).toEqual(['INTERNAL']);
    expect(read.text).not.toContain(RECIPIENT);
    await expectTamperedState(api, s.org.orgId, 'DISCLOSURE', localIdOf(s.client));
  });
});
