import { newId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { allocatedPerson } from '../support/care-fixtures';
import { addStaff, globalIdOf, localIdOf } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * ACCESS-MODEL.md, Existence hiding: a person the caller has no relationship to answers exactly as one who does not
 * exist (DESIGN.md; Lets connect 4.3: the API must not confirm that a person uses a service), and the refusal is
 * recorded. A change reads what it acts on before the policy has admitted the caller: what it finds missing there
 * must not tell a stranger that the person exists.
 */
const AMEND = 'mutation ($input: AmendNoteInput!) { amendNote(input: $input) { id } }';

describe('existence hiding before the policy decides', () => {
  const api = testApi();

  it('amendNote of a made-up note answers a stranger alike for a hidden person and for nobody, and records it', async () => {
    // Prepare: a person allocated to a worker, and a support worker who has nothing to do with them
    const { org, client } = await allocatedPerson(api);
    const stranger = await addStaff(api, org, ['SUPPORT_WORKER']);
    const amend = async (clientId: string) => {
      const result = await api.graphql(AMEND, {
        token: stranger.token,
        variables: {
          input: {
            noteId: globalIdOf('CareNote', `${clientId}.${newId('note')}`),
            body: 'x',
            expectedVersion: 1,
          },
        },
      });
      return result.errors?.map((error) => ({ code: error.extensions?.code, message: error.message }));
    };

    // Act
    const hidden = await amend(localIdOf(client));
    const nobody = await amend(newId('serviceUser'));

    // Assess: the same answer, and the attempt on the person is in their audit as refused
    expect(hidden).toEqual(nobody);
    expect(hidden?.map((error) => error.code)).toEqual(['NOT_FOUND']);
    const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client), {
      limit: 100,
    });
    expect(
      events.filter((event) => event.operation === 'amendNote' && event.actor.id === stranger.staffId),
    ).toEqual([expect.objectContaining({ action: 'DENIED', outcome: 'NOT_FOUND' })]);
  });

  it('answers a stranger alike for a hidden person and for nobody, however many the request names', async () => {
    // Prepare: a person the stranger has no relationship with, and ids that name nobody (the first a decoy: it takes
    // the request's one recorded refusal of the operation).
    const { org, client } = await allocatedPerson(api);
    const stranger = await addStaff(api, org, ['SUPPORT_WORKER']);
    const nobody = () => globalIdOf('ServiceUser', newId('serviceUser'));
    const answer = async (second: string) => {
      const result = await api.graphql(
        'query ($x: ID!, $y: ID!) { a: node(id: $x) { id } b: node(id: $y) { id } }',
        { token: stranger.token, variables: { x: nobody(), y: second } },
      );
      return (result.errors ?? [])
        .filter((error) => error.path?.[0] === 'b')
        .map((error) => [error.extensions?.code, error.message]);
    };

    // Act
    const hidden = await answer(client);
    const missing = await answer(nobody());

    // Assess
    expect(hidden).toHaveLength(1);
    expect(hidden).toEqual(missing);
  });
});
