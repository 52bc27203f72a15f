import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { allocatedPerson, codes, expectNoErrors, recordNote } from '../support/care-fixtures';
import { expectTamperedState, localIdOf, localNoteIdOf } from '../support/fixtures';
import { testApi } from '../support/test-api';
import { receiveRequest } from './disclosure-support';

/**
 * The disclosure register decides what may leave: a release needs the request's APPROVED entry, and goes only with
 * what the RECEIVED entry asked for, on its legal basis. Someone who can write the table but holds no key (decision
 * 0030's threat) must not be able to write a decision nobody took or widen what was asked. Each entry carries a MAC
 * (decision 0091); a forged or rewritten one fails closed and releases nothing.
 */

const api = testApi();

async function world() {
  const { org, manager, worker, client } = await allocatedPerson(api);
  const care = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Viewed a flat on Mill Lane.');
  const other = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Talked about the rent arrears.');
  return { org, manager, client, care, other, pk: tenantScope(org.orgId).key('CLIENT', localIdOf(client)) };
}
type World = Awaited<ReturnType<typeof world>>;

/** A council's safeguarding request for the one note `care`, received and not decided. */
function receive(w: World): Promise<string> {
  return receiveRequest(api, w.manager.token, w.client, { itemIds: [w.care], receivedOn: '2026-11-30' });
}

const entryKey = (w: World, requestId: string, sequence: number) => ({
  pk: { S: w.pk },
  sk: { S: `DISCLOSURE#${requestId}#${String(sequence).padStart(4, '0')}` },
});

const release = (w: World, requestId: string, itemIds: string[]) =>
  api.graphql('mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }', {
    token: w.manager.token,
    variables: { input: { serviceUserId: w.client, requestId, itemIds, method: 'SECURE_EMAIL' } },
  });

async function kinds(w: World, requestId: string): Promise<string[]> {
  const { Items = [] } = await api.services.dynamo.send(
    new QueryCommand({
      TableName: api.stack.tables.data,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :request)',
      ExpressionAttributeValues: { ':pk': { S: w.pk }, ':request': { S: `DISCLOSURE#${requestId}#` } },
    }),
  );
  return Items.map((item) => item.kind?.S ?? '');
}

describe('a disclosure register rewritten in the table releases nothing', () => {
  it('an approval nobody gave, written straight to the register, lets nothing be released', async () => {
    // Prepare
    const w = await world();
    const requestId = await receive(w);
    expect(codes(await release(w, requestId, [w.care]))).toEqual(['FORBIDDEN']);

    // Act: an APPROVED entry after the request's opening entry.
    await api.services.dynamo.send(
      new PutItemCommand({
        TableName: api.stack.tables.data,
        Item: {
          ...entryKey(w, requestId, 2),
          requestId: { S: requestId },
          clientId: { S: localIdOf(w.client) },
          sequence: { N: '2' },
          kind: { S: 'APPROVED' },
          at: { S: new Date().toISOString() },
          by: { S: 'staff_nobody' },
          flaggedForGuardian: { BOOL: false },
        },
      }),
    );
    const released = await release(w, requestId, [w.care]);

    // Assess
    expect(codes(released)).toEqual(['INTERNAL']);
    expect(await kinds(w, requestId)).not.toContain('RELEASED');
    await expectTamperedState(api, w.org.orgId, 'DISCLOSURE');
  });

  it('a note added to what was requested, by a raw write, is not released', async () => {
    // Prepare: the request for one note is approved.
    const w = await world();
    const requestId = await receive(w);
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Risk to the person") { kind } }',
        { token: w.manager.token, variables: { c: w.client, r: requestId } },
      ),
    );
    const opening = await api.services.dynamo.send(
      new GetItemCommand({ TableName: api.stack.tables.data, Key: entryKey(w, requestId, 1) }),
    );
    expect(opening.Item?.itemIds?.SS).toEqual([localNoteIdOf(w.care)]);

    // Act: the opening entry now asks for the other note too.
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.stack.tables.data,
        Key: entryKey(w, requestId, 1),
        UpdateExpression: 'ADD itemIds :other',
        ExpressionAttributeValues: { ':other': { SS: [localNoteIdOf(w.other)] } },
      }),
    );
    const released = await release(w, requestId, [w.care, w.other]);

    // Assess
    expect(codes(released)).toEqual(['INTERNAL']);
    expect(await kinds(w, requestId)).not.toContain('RELEASED');
    await expectTamperedState(api, w.org.orgId, 'DISCLOSURE');
  });
});
