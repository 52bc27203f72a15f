import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { allocatedPerson, expectNoErrors, recordNote } from '../support/care-fixtures';
import { testApi } from '../support/test-api';

/**
 * A person's notes are read (every page, each note opened to prove it) once a request, however many times the
 * request asks for them: aliases of `notes`, or the same person reached again through a note's `serviceUser`, each
 * read and opened all of them again, so the work of one request grew with the number of asks times the notes held.
 */
describe('a person’s notes in one request', () => {
  const api = testApi();

  it('are read from the table once, whatever the request asks for them', async () => {
    // Prepare: a person with three notes, and an api whose client counts the queries of a note list.
    const { worker, client } = await allocatedPerson(api);
    for (const body of ['First visit.', 'Second visit.', 'Third visit.']) {
      await recordNote(api, worker, client, 'DAILY_SUPPORT', body);
    }
    const { config } = api.services;
    const dynamo = new DynamoDBClient({
      region: config.region,
      ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
    });
    let noteQueries = 0;
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand' && JSON.stringify(args.input).includes('"NOTE#"'))
          noteQueries++;
        return next(args);
      },
      { step: 'initialize', name: 'countNoteQueries' },
    );
    const counted = testApi({ dynamo });
    const ask = async (query: string) => {
      noteQueries = 0;
      const result = await counted.graphql(query, { token: worker.token, variables: { id: client } });
      expectNoErrors(result);
      return { result, queries: noteQueries };
    };
    const page = 'first: 1) { edges { node { id } } }';

    // Act
    const once = await ask(`query ($id: ID!) { serviceUser(id: $id) { notes(${page} } }`);
    const aliased = await ask(
      `query ($id: ID!) { serviceUser(id: $id) { a: notes(${page} b: notes(${page} c: notes(kinds: [DAILY_SUPPORT], ${page} } }`,
    );
    const nested = await ask(
      `query ($id: ID!) { serviceUser(id: $id) { notes(first: 2) { edges { node { serviceUser { notes(${page} } } } } } }`,
    );

    // A note written in the request: what the request reads after it holds it.
    const written = await counted.graphql<{
      b: { serviceUser: { notes: { edges: { node: { id: string } }[] } } };
    }>(
      `mutation ($id: ID!) {
        a: recordNote(input: { serviceUserId: $id, kind: DAILY_SUPPORT, body: "Fourth visit." }) {
          serviceUser { notes(first: 10) { edges { node { id } } } } }
        b: recordNote(input: { serviceUserId: $id, kind: DAILY_SUPPORT, body: "Fifth visit." }) {
          serviceUser { notes(first: 10) { edges { node { id } } } } } }`,
      { token: worker.token, variables: { id: client } },
    );

    // Assess
    expectNoErrors(written);
    expect(written.data?.b.serviceUser.notes.edges).toHaveLength(5);
    expect(once.queries).toBe(1);
    expect(aliased.queries).toBe(1);
    expect(nested.queries).toBe(1);
    const data = aliased.result.data as Record<string, Record<string, { edges: unknown[] }>>;
    expect(data.serviceUser?.a?.edges).toHaveLength(1);
    expect(data.serviceUser?.c?.edges).toHaveLength(1);
  });
});
