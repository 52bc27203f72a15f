import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { rawUpdate } from '../support/raw-table';
import { errorsOf, localIdOf, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Issue 16, capability 1: what decides who may read a note is bound to the note's ciphertext. Someone who can
 * write the table (not the API) changes a sealed medical note's kind and sealing, or puts an older body back
 * after an amendment: the read fails closed with INTERNAL, nothing of the note is served, and the failure is an
 * integrity incident and an audit event.
 */

const READ_NOTE = `query ($id: ID!) { caseNote(id: $id) {
  __typename ... on CareNote { body version } ... on HealthNote { body version }
} }`;

/** The note's item key: the only note in the client's partition. */
async function noteKey(api: TestApi, orgId: string, client: string): Promise<{ pk: string; sk: string }> {
  const pk = tenantScope(orgId).key('CLIENT', localIdOf(client));
  const result = await api.services.dynamo.send(
    new QueryCommand({
      TableName: api.stack.tables.data,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
      ExpressionAttributeValues: { ':pk': { S: pk }, ':note': { S: 'NOTE#' } },
      ConsistentRead: true,
    }),
  );
  const [only, ...others] = result.Items ?? [];
  if (!only?.sk?.S || others.length > 0) throw new Error('expected exactly one note');
  return { pk, sk: only.sk.S };
}

/** The item as stored now (a copy to put back later). */
function storedItem(api: TestApi, key: { pk: string; sk: string }) {
  return api.services.dynamo.send(
    new GetItemCommand({
      TableName: api.stack.tables.data,
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      ConsistentRead: true,
    }),
  );
}

describe('tampered note metadata (issue 16, capability 1)', () => {
  const api = testApi();
  let world: ServiceWorld;
  let worker: Person;
  let volunteer: Person;
  let ig: Person;

  beforeAll(async () => {
    world = await serviceWorld(api);
    [worker, volunteer, ig] = await Promise.all([
      addStaff(api, world.org, ['SUPPORT_WORKER']),
      addStaff(api, world.org, ['VOLUNTEER']),
      addStaff(api, world.org, ['IG_LEAD']),
    ]);
  });

  it('a sealed medical note relabelled DAILY_SUPPORT and unsealed is not served to a volunteer: INTERNAL, incident, audit', async () => {
    // Prepare
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    await allocate(api, world.manager, client, worker);
    await allocate(api, world.manager, client, volunteer);
    const note = await recordNote(api, worker, client, 'MEDICAL', 'HIV positive; started treatment.', {
      sealedFor: [worker.globalId],
    });
    const scope = tenantScope(world.org.orgId);
    const key = await noteKey(api, world.org.orgId, client);
    const refused = await api.graphql(READ_NOTE, { token: volunteer.token, variables: { id: note } });
    expect(refused.text).not.toContain('HIV');

    // Act: a raw write makes it look like an ordinary daily note
    await rawUpdate(api, key, 'SET kind = :kind, classification = :care, sealed = :open REMOVE sealedFor', {
      ':kind': { S: 'DAILY_SUPPORT' },
      ':care': { S: 'CARE' },
      ':open': { BOOL: false },
    });
    const result = await api.graphql(READ_NOTE, { token: volunteer.token, variables: { id: note } });

    // Assess
    expect(errorsOf(result)).toEqual([{ code: 'INTERNAL', path: ['caseNote'] }]);
    expect(result.text).not.toContain('HIV');
    expect(await api.services.integrityIncidents.list(scope)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'TAMPERED_STATE', itemKind: 'NOTE', subjectId: localIdOf(client) }),
      ]),
    );
    const events = await api.services.auditLog.bySubject(scope, localIdOf(client));
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: expect.objectContaining({ id: volunteer.staffId }),
          outcome: 'INTEGRITY_FAILURE',
          rule: 'integrity.note',
        }),
      ]),
    );
    // The IG lead sees the incident; a support worker may not list incidents.
    const INCIDENTS = '{ integrityIncidents { edges { node { kind itemKind serviceUserId restored } } } }';
    const listed = await api.graphql<{
      integrityIncidents: { edges: { node: { kind: string; itemKind: string; serviceUserId: string } }[] };
    }>(INCIDENTS, { token: ig.token });
    expectNoErrors(listed);
    expect(listed.data?.integrityIncidents.edges.map((edge) => edge.node)).toEqual(
      expect.arrayContaining([
        { kind: 'TAMPERED_STATE', itemKind: 'NOTE', serviceUserId: client, restored: false },
      ]),
    );
    expect(errorsOf(await api.graphql(INCIDENTS, { token: worker.token }))).toEqual([
      { code: 'FORBIDDEN', path: ['integrityIncidents'] },
    ]);
    // No read of the note was recorded as allowed for the volunteer after the tampering.
    expect(
      events.filter((event) => event.actor.id === volunteer.staffId && event.outcome === 'ALLOWED'),
    ).toEqual([]);
  });

  it('an older body put back after an amendment is not served as the current version', async () => {
    // Prepare
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    await allocate(api, world.manager, client, worker);
    const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Original text, later corrected.');
    const key = await noteKey(api, world.org.orgId, client);
    const original = await storedItem(api, key);
    const amended = await api.graphql(
      'mutation ($input: AmendNoteInput!) { amendNote(input: $input) { version } }',
      {
        token: worker.token,
        variables: { input: { noteId: note, body: 'Corrected text.', expectedVersion: 1 } },
      },
    );
    expectNoErrors(amended);

    // Act: the version-1 ciphertext goes back on the current item
    const body = original.Item?.enc_body?.B;
    if (!body) throw new Error('no sealed body');
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        UpdateExpression: 'SET enc_body = :body',
        ExpressionAttributeValues: { ':body': { B: body } },
      }),
    );
    const result = await api.graphql(READ_NOTE, { token: worker.token, variables: { id: note } });

    // Assess
    expect(errorsOf(result)).toEqual([{ code: 'INTERNAL', path: ['caseNote'] }]);
    expect(result.text).not.toContain('Original text');
  });

  it('an untouched note still reads, amended or not', async () => {
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    await allocate(api, world.manager, client, worker);
    const note = await recordNote(api, worker, client, 'MEDICAL', 'Inhaler technique reviewed.', {
      sealedFor: [worker.globalId],
    });
    expectNoErrors(
      await api.graphql('mutation ($input: AmendNoteInput!) { amendNote(input: $input) { version } }', {
        token: worker.token,
        variables: { input: { noteId: note, body: 'Inhaler technique reviewed twice.', expectedVersion: 1 } },
      }),
    );
    const result = await api.graphql<{ caseNote: { body: string; version: number } }>(READ_NOTE, {
      token: worker.token,
      variables: { id: note },
    });
    expectNoErrors(result);
    expect(result.data?.caseNote).toMatchObject({ body: 'Inhaler technique reviewed twice.', version: 2 });
  });

  it('a note tampered with again after it was put right counts again on its incident, with the latest detection', async () => {
    // Prepare
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    await allocate(api, world.manager, client, worker);
    const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Walked to the shop.');
    const key = await noteKey(api, world.org.orgId, client);
    const original = await storedItem(api, key);
    const read = () => api.graphql(READ_NOTE, { token: worker.token, variables: { id: note } });
    const relabel = () => rawUpdate(api, key, 'SET kind = :kind', { ':kind': { S: 'ASSESSMENT' } });

    // Act: tampered, put right, tampered again
    await relabel();
    const first = await read();
    await api.services.dynamo.send(
      new PutItemCommand({ TableName: api.stack.tables.data, Item: original.Item }),
    );
    const putRight = await read();
    await relabel();
    const second = await read();
    const listed = await api.graphql<{
      integrityIncidents: {
        edges: {
          node: { serviceUserId: string; detections: number; detectedAt: string; lastDetectedAt: string };
        }[];
      };
    }>('{ integrityIncidents { edges { node { serviceUserId detections detectedAt lastDetectedAt } } } }', {
      token: ig.token,
    });

    // Assess
    expect(errorsOf(first)).toEqual([{ code: 'INTERNAL', path: ['caseNote'] }]);
    expectNoErrors(putRight);
    expect(errorsOf(second)).toEqual([{ code: 'INTERNAL', path: ['caseNote'] }]);
    expectNoErrors(listed);
    const incidents = listed.data?.integrityIncidents.edges
      .map((edge) => edge.node)
      .filter((incident) => incident.serviceUserId === client);
    expect(incidents?.map((incident) => incident.detections)).toEqual([2]);
    const [incident] = incidents ?? [];
    expect(Date.parse(incident?.lastDetectedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(incident?.detectedAt ?? ''),
    );
  });
});
