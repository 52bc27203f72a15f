import { describe, expect, it } from 'vitest';
import { allocatedPerson, expectNoErrors, recordNote } from '../support/care-fixtures';
import { carriesAudit, interleavingDynamoClient } from '../support/failing-dynamo';
import { testApi } from '../support/test-api';
import { receiveRequest } from './disclosure-support';

/**
 * An escalated request is decided by the Caldicott Guardian alone. A manager's decision whose policy read the
 * request before another manager escalated it must not land after the escalation.
 */

const DECIDE =
  'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Risk to the person") { kind } }';
const ESCALATE =
  'mutation ($c: ID!, $r: String!) { escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: "Scope is broad") { kind } }';
const HISTORY = 'query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { requestId kind } } }';

describe('a disclosure decision racing an escalation', () => {
  it('is refused when the request was escalated after its policy was decided', async () => {
    // Prepare: a received request; an api whose first audit write (the decision's, after its policy) lets an
    // escalation of the same request run first.
    const api = testApi();
    const { manager, worker, client } = await allocatedPerson(api);
    const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Visited at home.');
    const requestId = await receiveRequest(api, manager.token, client, {
      itemIds: [note],
      receivedOn: new Date().toISOString().slice(0, 10),
    });
    const racing = interleavingDynamoClient(
      api,
      (call) => carriesAudit(call),
      async () => {
        expectNoErrors(
          await api.graphql(ESCALATE, { token: manager.token, variables: { c: client, r: requestId } }),
        );
      },
    );

    // Act
    const decided = await testApi({ dynamo: racing.client }).graphql(DECIDE, {
      token: manager.token,
      variables: { c: client, r: requestId },
    });

    // Assess: the escalation ran in between; the decision is refused and the request stays the Guardian's.
    expect(racing.interleaved()).toBe(true);
    expect(decided.errors?.map((error) => error.extensions?.code)).toEqual(['CONFLICT']);
    const history = await api.graphql<{
      serviceUser: { disclosureRegister: { requestId: string; kind: string }[] };
    }>(HISTORY, { token: manager.token, variables: { id: client } });
    expect(
      history.data?.serviceUser.disclosureRegister
        .filter((entry) => entry.requestId === requestId)
        .map((entry) => entry.kind),
    ).not.toContain('APPROVED');
  });
});
