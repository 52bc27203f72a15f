import { createApiLogger, createConfideYoga } from '@confide/api';
import { ItemLoader, tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from '../support/capture-output';
import {
  ADA,
  allocate,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { carriesAudit, failingDynamoClient } from '../support/failing-dynamo';
import { addStaff } from '../support/fixtures';
import {
  countedRequests,
  DYNAMO_WRITES,
  errorsOf,
  loaderOf,
  localIdOf,
  type ServiceWorld,
  seedClients,
  serviceWorld,
  sumOf,
} from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Audit budget and fail-closed (DATA-PROTECTION.md "Access audit"; DESIGN.md budgets): a request touching many
 * fields of many records makes at most 2 DynamoDB write calls for its audit, and if the audit write fails the
 * response is withheld — no data leaves unaudited.
 */

const AUDIT_WRITE_CALLS = ['TransactWriteItems', 'BatchWriteItem', 'PutItem', 'UpdateItem'] as const;

describe('the audit write budget', () => {
  const api = testApi();

  it('is at most 2 transactional write calls, the people’s entries beside them, for a manager listing 30 clients with name, phone and note bodies', async () => {
    // Prepare
    const world = await serviceWorld(api);
    const seeded = await seedClients(api, world.org.orgId, world.serviceId, 30, {
      notes: [
        { kind: 'DAILY_SUPPORT', body: (i) => `Daily note ${i}`, authorId: world.manager.staffId },
        { kind: 'MEDICAL', body: (i) => `Medical note ${i}`, authorId: world.manager.staffId },
      ],
    });
    const query = `query ($s: ID!) { serviceUsers(serviceId: $s, first: 30) { edges { node {
      name phone notes(first: 2) { edges { node { kind ... on CareNote { body } ... on HealthNote { body } } } }
    } } } }`;

    // Act
    const { result, counts } = await countedRequests(api, () =>
      api.graphql<{
        serviceUsers: { edges: { node: { name: string; phone: string; notes: { edges: unknown[] } } }[] };
      }>(query, { token: world.manager.token, variables: { s: world.serviceId } }),
    );

    // Assess
    expectNoErrors(result);
    const nodes = result.data?.serviceUsers.edges.map((edge) => edge.node) ?? [];
    expect(nodes).toHaveLength(30);
    expect(nodes.every((node) => node.phone === ADA.phone && node.notes.edges.length === 2)).toBe(true);
    // Decision 0042: a read of many people is one chained list event (transactional) and an entry per person, 25 to a
    // BatchWriteItem sent beside the transaction.
    const writes = sumOf(counts, AUDIT_WRITE_CALLS);
    const transactional = counts['DynamoDB.TransactWriteItems'] ?? 0;
    expect(transactional, `write calls: ${JSON.stringify(counts)}`).toBeGreaterThanOrEqual(1);
    expect(transactional, `write calls: ${JSON.stringify(counts)}`).toBeLessThanOrEqual(2);
    expect(counts['DynamoDB.BatchWriteItem'], `write calls: ${JSON.stringify(counts)}`).toBe(
      Math.ceil(30 / 25),
    );
    expect(sumOf(counts, DYNAMO_WRITES)).toBe(writes);

    // …and those calls did record every client's reads
    for (const client of [seeded[0], seeded[29]]) {
      const events = await api.services.auditLog.bySubject(
        tenantScope(world.org.orgId),
        client?.clientId ?? '',
      );
      const read = events.find(
        (event) => event.actor.id === world.manager.staffId && event.action === 'READ',
      );
      expect(read?.fields).toEqual([
        'CareNote.body',
        'HealthNote.body',
        'ServiceUser.name',
        'ServiceUser.phone',
      ]);
    }
  });
});

/** A DynamoDB client that fails every TransactWriteItems carrying an audit item, at the SDK layer. */
const failingAuditClient = (api: TestApi) =>
  failingDynamoClient(api, (call) => call.commandName === 'TransactWriteItemsCommand' && carriesAudit(call));

describe('when the audit write fails', () => {
  const healthy = testApi();
  let world: ServiceWorld & { client: string; worker: Person; note: string };
  beforeAll(async () => {
    const base = await serviceWorld(healthy);
    const worker = await addStaff(healthy, base.org, ['SUPPORT_WORKER']);
    const client = await registerServiceUser(healthy, base.manager, base.serviceId);
    await allocate(healthy, base.manager, client, worker);
    const note = await recordNote(healthy, worker, client, 'DAILY_SUPPORT', 'Visited the GP together.');
    world = { ...base, client, worker, note };
  });

  it('withholds the response: data null, one INTERNAL error, no personal data', async () => {
    // Prepare
    const { client, failures } = failingAuditClient(healthy);
    const broken = testApi({ dynamo: client });

    // Act
    const result = await broken.graphql(
      'query ($id: ID!) { serviceUser(id: $id) { name phone nhsNumber notes { edges { node { ... on CareNote { body } } } } } }',
      { token: world.worker.token, variables: { id: world.client } },
    );

    // Assess
    expect(failures()).toBe(1);
    expect(result.data).toBeNull();
    expect(errorsOf(result)).toEqual([{ code: 'INTERNAL', path: undefined }]);
    for (const value of [
      ADA.name,
      ADA.phone,
      ADA.nhsNumber,
      'Visited the GP',
      'ORG#',
      'Injected',
      'secret',
    ]) {
      expect(result.text).not.toContain(value);
    }
  });

  it('reports INTERNAL for a write too', async () => {
    // Prepare
    const { client, failures } = failingAuditClient(healthy);
    const broken = testApi({ dynamo: client });

    // Act
    const result = await broken.graphql(
      'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id ... on CareNote { body } } }',
      {
        token: world.worker.token,
        variables: {
          input: { serviceUserId: world.client, kind: 'DAILY_SUPPORT', body: 'Unaudited note text' },
        },
      },
    );

    // Assess
    expect(failures()).toBe(1);
    expect(result.data).toBeNull();
    expect(errorsOf(result)).toEqual([{ code: 'INTERNAL', path: undefined }]);
    expect(result.text).not.toContain('Unaudited note text');
    expect(result.text).not.toContain(ADA.name);
  });

  it('logs the withheld response by its error’s name and code, never its message or personal data', async () => {
    // Prepare: the api with a logger that prints, its output captured
    const { client, failures } = failingAuditClient(healthy);
    const services = testApi({ dynamo: client }).services;
    const yoga = createConfideYoga(services, { logger: createApiLogger('test', 'DEBUG') });

    // Act
    const capture = captureOutput();
    let text: string;
    try {
      const response = await yoga.fetch('http://confide.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${world.worker.token}` },
        body: JSON.stringify({
          query: 'query ($id: ID!) { serviceUser(id: $id) { name phone } }',
          variables: { id: world.client },
        }),
      });
      text = await response.text();
    } finally {
      capture.stop();
    }

    // Assess
    expect(failures()).toBe(1);
    expect(text).toContain('The access could not be recorded');
    const logged = capture.lines.join('');
    const line = capture.lines.find((entry) => entry.includes('audit write failed: response withheld'));
    expect(line, logged).toBeDefined();
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'ERROR', errorName: 'Error', code: 'INTERNAL' });
    for (const value of ['Injected failure', 'ORG#secret', ADA.name, ADA.phone]) {
      expect(logged).not.toContain(value);
    }
  });

  it('leaves no unaudited write behind: the note whose WRITE event could not be recorded does not exist', async () => {
    // Prepare
    const { client } = failingAuditClient(healthy);
    const broken = testApi({ dynamo: client });
    const before = await healthy.services.caseNotes.list(
      tenantScope(world.org.orgId),
      localIdOf(world.client),
      loaderOf(healthy),
    );

    // Act
    const result = await broken.graphql(
      'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }',
      {
        token: world.worker.token,
        variables: { input: { serviceUserId: world.client, kind: 'DAILY_SUPPORT', body: 'Never audited' } },
      },
    );

    // Assess
    expect(errorsOf(result)).toEqual([{ code: 'INTERNAL', path: undefined }]);
    const after = await healthy.services.caseNotes.list(
      tenantScope(world.org.orgId),
      localIdOf(world.client),
      loaderOf(healthy),
    );
    expect(after.map((note) => note.noteId)).toEqual(before.map((note) => note.noteId));
  });

  it('leaves the disclosure register as it was when the request’s WRITE event cannot be recorded', async () => {
    // Prepare
    const { client } = failingAuditClient(healthy);
    const broken = testApi({ dynamo: client });
    const scope = tenantScope(world.org.orgId);
    const before = await healthy.services.disclosures.register(scope, localIdOf(world.client));

    // Act
    const result = await broken.graphql(
      'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }',
      {
        token: world.manager.token,
        variables: {
          input: {
            serviceUserId: world.client,
            requesterOrganisation: 'County Council',
            requesterContact: 'Duty social worker, 01234 567890',
            purpose: 'Care needs assessment',
            legalBasis: 'COURT_ORDER',
            itemIds: [world.note],
            receivedOn: new Date().toISOString().slice(0, 10),
            identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
          },
        },
      },
    );

    // Assess
    expect(errorsOf(result)).toEqual([{ code: 'INTERNAL', path: undefined }]);
    expect(await healthy.services.disclosures.register(scope, localIdOf(world.client))).toEqual(before);
  });

  it('erases nothing when the erasure’s event cannot be recorded: the data key and the profile stay', async () => {
    // Prepare: a closed case and the IG lead who may erase it
    const { client } = failingAuditClient(healthy);
    const broken = testApi({ dynamo: client });
    const closing = await registerServiceUser(healthy, world.manager, world.serviceId);
    expectNoErrors(
      await healthy.graphql('mutation ($input: CloseCaseInput!) { closeCase(input: $input) { id } }', {
        token: world.manager.token,
        variables: { input: { serviceUserId: closing, expectedVersion: 1 } },
      }),
    );
    const ig = await addStaff(healthy, world.org, ['IG_LEAD']);

    // Act
    const result = await broken.graphql(
      'mutation ($id: ID!, $reason: String!) { eraseServiceUser(serviceUserId: $id, reason: $reason) { serviceUserId } }',
      { token: ig.token, variables: { id: closing, reason: 'Asked to be forgotten' } },
    );

    // Assess
    expect(errorsOf(result)).toEqual([{ code: 'INTERNAL', path: undefined }]);
    expect(await healthy.services.keys.subjectKey(world.org.orgId, localIdOf(closing))).toBeDefined();
    const profile = await healthy.services.serviceUsers.get(
      tenantScope(world.org.orgId),
      localIdOf(closing),
      new ItemLoader(healthy.services.dynamo, healthy.services.keys),
    );
    expect(profile?.caseStatus).toBe('CLOSED');
  });
});
