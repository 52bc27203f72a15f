import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { allocate, allocatedPerson, codes, expectNoErrors, recordNote } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { errorsOf, localIdOf, serviceUserToken } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * ACCESS-MODEL.md, Principals: the person sees what is held about them "except items withheld under a recorded
 * exemption". A note is withheld only with the exemption it is withheld under (DPA 2018, Schedules 2 and 3), which
 * is kept with the note, bound to its text, shown to the staff who may read it and named by the audit; and only by
 * staff whose role carries that judgement, never on a volunteer's write alone.
 */

const RECORD = 'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }';
const READ_NOTE = `query ($id: ID!) { caseNote(id: $id) {
  ... on CareNote { body withheldFromSubject withholdingExemption }
  ... on HealthNote { body withheldFromSubject withholdingExemption }
} }`;
const NOTES = `query ($id: ID!) { serviceUser(id: $id) { notes(first: 10) { edges { node { id } } } } }`;

async function noteIds(api: TestApi, token: string, client: string): Promise<string[]> {
  const result = await api.graphql<{ serviceUser: { notes: { edges: { node: { id: string } }[] } } }>(NOTES, {
    token,
    variables: { id: client },
  });
  expectNoErrors(result);
  return result.data?.serviceUser.notes.edges.map((edge) => edge.node.id) ?? [];
}

describe('withholding a note from the person', () => {
  const api = testApi();

  it('needs the exemption it is withheld under, and an exemption only with withholding: BAD_USER_INPUT, nothing written', async () => {
    // Prepare
    const { manager, worker, client } = await allocatedPerson(api);
    const input = { serviceUserId: client, kind: 'DAILY_SUPPORT', body: 'Her brother’s address is on file.' };

    // Act
    const unstated = await api.graphql(RECORD, {
      token: worker.token,
      variables: { input: { ...input, withheldFromSubject: true } },
    });
    const stray = await api.graphql(RECORD, {
      token: worker.token,
      variables: { input: { ...input, withholdingExemption: 'THIRD_PARTY' } },
    });
    const unknown = await api.graphql(RECORD, {
      token: worker.token,
      variables: { input: { ...input, withheldFromSubject: true, withholdingExemption: 'BECAUSE' } },
    });

    // Assess
    const field = ['input', 'withholdingExemption'];
    expect(errorsOf(unstated)).toEqual([{ code: 'BAD_USER_INPUT', path: ['recordNote'], field }]);
    expect(errorsOf(stray)).toEqual([{ code: 'BAD_USER_INPUT', path: ['recordNote'], field }]);
    expect(codes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(await noteIds(api, manager.token, client)).toEqual([]);
  });

  it('keeps the exemption with the note, shows it to staff who read the note, names it in the audit, and hides the note from the person', async () => {
    // Prepare
    const { org, manager, worker, client } = await allocatedPerson(api);

    // Act
    const withheld = await recordNote(
      api,
      worker,
      client,
      'MEDICAL',
      'Prognosis poor; family asked us to wait.',
      {
        withheldFromSubject: true,
        withholdingExemption: 'SERIOUS_HARM',
      },
    );
    const shown = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the library.');
    const read = (token: string, id: string) => api.graphql(READ_NOTE, { token, variables: { id } });
    const asManager = await read(manager.token, withheld);
    const shownAsManager = await read(manager.token, shown);
    const person = await serviceUserToken(api, org.orgId, client);
    const asPerson = await read(person, withheld);

    // Assess
    expectNoErrors(asManager);
    expect(asManager.data).toEqual({
      caseNote: {
        body: 'Prognosis poor; family asked us to wait.',
        withheldFromSubject: true,
        withholdingExemption: 'SERIOUS_HARM',
      },
    });
    expect(shownAsManager.data).toEqual({
      caseNote: { body: 'Went to the library.', withheldFromSubject: false, withholdingExemption: null },
    });
    expect(codes(asPerson)).toEqual(['NOT_FOUND']);
    expect(asPerson.text).not.toContain('SERIOUS_HARM');
    expect(await noteIds(api, person, client)).toEqual([shown]);
    const events = await api.services.auditLog.byActor(tenantScope(org.orgId), worker.staffId);
    expect(
      events
        .filter((event) => event.operation === 'recordNote' && event.action !== 'READ')
        .map((event) => [event.outcome, event.rule]),
    ).toEqual(
      expect.arrayContaining([
        ['ALLOWED', 'note.withhold.SERIOUS_HARM'],
        ['ALLOWED', expect.not.stringContaining('withhold')],
      ]),
    );
  });

  it('is refused on a volunteer’s write: FORBIDDEN, recorded, nothing written; the same note without withholding is theirs to write', async () => {
    // Prepare
    const { org, manager, client } = await allocatedPerson(api);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    await allocate(api, manager, client, volunteer);
    const input = { serviceUserId: client, kind: 'DAILY_SUPPORT', body: 'Said her neighbour shouts at her.' };

    // Act
    const refused = await api.graphql(RECORD, {
      token: volunteer.token,
      variables: { input: { ...input, withheldFromSubject: true, withholdingExemption: 'THIRD_PARTY' } },
    });
    const notesAfterRefusal = await noteIds(api, manager.token, client);
    const written = await api.graphql(RECORD, { token: volunteer.token, variables: { input } });

    // Assess
    expect(errorsOf(refused)).toEqual([{ code: 'FORBIDDEN', path: ['recordNote'] }]);
    expect(notesAfterRefusal).toEqual([]);
    expectNoErrors(written);
    const events = await api.services.auditLog.byActor(tenantScope(org.orgId), volunteer.staffId);
    expect(
      events.filter((event) => event.operation === 'recordNote').map((event) => [event.outcome, event.rule]),
    ).toContainEqual(['FORBIDDEN', 'note.withhold.professional-roles']);
  });

  it('binds the exemption to the note: one changed in the table fails the read closed', async () => {
    // Prepare
    const { org, manager, worker, client } = await allocatedPerson(api);
    const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Named the person who hurt him.', {
      withheldFromSubject: true,
      withholdingExemption: 'CRIME_PREVENTION',
    });
    const pk = tenantScope(org.orgId).key('CLIENT', localIdOf(client));
    const items = await api.services.dynamo.send(
      new QueryCommand({
        TableName: api.stack.tables.data,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
        ExpressionAttributeValues: { ':pk': { S: pk }, ':note': { S: 'NOTE#' } },
        ConsistentRead: true,
      }),
    );
    const sk = items.Items?.[0]?.sk?.S ?? '';

    // Act: someone who can write the table (not the API) makes the exemption look like another
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: pk }, sk: { S: sk } },
        UpdateExpression: 'SET withheldUnder = :other',
        ExpressionAttributeValues: { ':other': { S: 'THIRD_PARTY' } },
      }),
    );
    const result = await api.graphql(READ_NOTE, { token: manager.token, variables: { id: note } });

    // Assess
    expect(errorsOf(result)).toEqual([{ code: 'INTERNAL', path: ['caseNote'] }]);
    expect(result.text).not.toContain('Named the person');
  });
});
