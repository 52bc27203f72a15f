import { type AttributeValue, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { allocatedPerson, codes, expectNoErrors, recordNote } from '../support/care-fixtures';
import { expectTamperedState, localIdOf } from '../support/fixtures';
import { testApi } from '../support/test-api';
import { receiveRequest, recordConsent } from './disclosure-support';

/**
 * A consent decides whether a disclosure may go on the CONSENT basis (decision 0025), so someone who can write the
 * table but holds no key (decision 0030's threat) must not be able to make one say more than the person agreed: a
 * withdrawal undone, a purpose added. Each consent carries a MAC over what it authorises and whether it was
 * withdrawn (decision 0089); a rewritten one fails closed and approves nothing.
 */

const api = testApi();

async function world() {
  const { org, manager, worker, client } = await allocatedPerson(api);
  const care = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Viewed a flat on Mill Lane.');
  return { org, manager, client, care };
}
type World = Awaited<ReturnType<typeof world>>;

function consent(w: World, purposes: string[]): Promise<string> {
  return recordConsent(api, w.manager.token, w.client, {
    scope: 'NAMED_AGENCY',
    agencyName: 'County Council',
    purposes,
  });
}

async function rawUpdate(
  w: World,
  consentId: string,
  expression: string,
  values?: Record<string, AttributeValue>,
) {
  await api.services.dynamo.send(
    new UpdateItemCommand({
      TableName: api.stack.tables.data,
      Key: {
        pk: { S: tenantScope(w.org.orgId).key('CLIENT', localIdOf(w.client)) },
        sk: { S: `CONSENT#${consentId}` },
      },
      UpdateExpression: expression,
      ...(values ? { ExpressionAttributeValues: values } : {}),
    }),
  );
}

/** A council request on the CONSENT basis for the given purpose, then its approval: the approval's result. */
async function requestAndApprove(w: World, purposeCategory: string) {
  const requestId = await receiveRequest(api, w.manager.token, w.client, {
    requesterContact: 'Duty desk',
    purpose: 'Tenancy sustainment review',
    purposeCategory,
    legalBasis: 'CONSENT',
    itemIds: [w.care],
    receivedOn: '2026-11-30',
  });
  const decided = await api.graphql(
    'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Consent given") { kind } }',
    { token: w.manager.token, variables: { c: w.client, r: requestId } },
  );
  const register = await api.graphql<{
    serviceUser: { disclosureRegister: { requestId: string; kind: string }[] };
  }>('query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { requestId kind } } }', {
    token: w.manager.token,
    variables: { id: w.client },
  });
  expectNoErrors(register);
  const kinds = (register.data?.serviceUser.disclosureRegister ?? [])
    .filter((entry) => entry.requestId === requestId)
    .map((entry) => entry.kind);
  return { codes: codes(decided), kinds };
}

describe('a consent rewritten in the table authorises nothing', () => {
  it('a withdrawal undone by a raw write approves no disclosure', async () => {
    // Prepare
    const w = await world();
    const consentId = await consent(w, ['HOUSING']);
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $k: String!) { withdrawConsent(serviceUserId: $c, consentId: $k) { withdrawnAt } }',
        { token: w.manager.token, variables: { c: w.client, k: consentId } },
      ),
    );

    // Act
    await rawUpdate(w, consentId, 'REMOVE withdrawnAt, withdrawnBy');
    const approval = await requestAndApprove(w, 'HOUSING');

    // Assess
    expect(approval.codes).toEqual(['INTERNAL']);
    expect(approval.kinds).toEqual(['RECEIVED']);
    await expectTamperedState(api, w.org.orgId, 'CONSENT');
  });

  it('a purpose added by a raw write approves no disclosure for it; an untouched consent still does', async () => {
    // Prepare
    const w = await world();
    const consentId = await consent(w, ['HOUSING']);
    expect((await requestAndApprove(w, 'HOUSING')).kinds).toEqual(['RECEIVED', 'APPROVED']);

    // Act
    await rawUpdate(w, consentId, 'ADD purposes :benefits', { ':benefits': { SS: ['BENEFITS'] } });
    const approval = await requestAndApprove(w, 'BENEFITS');

    // Assess
    expect(approval.codes).toEqual(['INTERNAL']);
    expect(approval.kinds).toEqual(['RECEIVED']);
    await expectTamperedState(api, w.org.orgId, 'CONSENT');
  });
});
