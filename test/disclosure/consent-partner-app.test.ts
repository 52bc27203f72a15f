import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { MAX_RELEASED_ITEMS, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors, recordNote } from '../support/care-fixtures';
import { localIdOf } from '../support/fixtures';
import { receiveRequest, recordConsent } from './disclosure-support';
import { partnerWorld, registerPartner } from './partner-release-support';

/**
 * Issue 15, item 1: a consent authorises exactly the recipients it names (Lets connect 4.3; Carers Trust 3.2; JRH
 * "only with the agreement of the service user"). A release to a partner app goes to the agency that app belongs
 * to, so a consent naming one agency must not authorise a release to another agency's app because the request
 * typed the consented agency's name as the requester.
 */

/** A client allocated to a worker, a note of theirs, and two agencies' apps: the surgery's and the police's. */
async function world() {
  const w = await partnerWorld('Riverside GP Surgery');
  const note = await recordNote(w.api, w.worker, w.client, 'DAILY_SUPPORT', 'Attended the day centre.');
  const police = await registerPartner(w.api, w.org, 'County Police');
  const surgery = { partnerId: w.partnerId, partnerToken: w.partnerToken };
  return {
    api: w.api,
    org: w.org,
    manager: w.manager,
    worker: w.worker,
    client: w.client,
    note,
    surgery,
    police,
  };
}
type World = Awaited<ReturnType<typeof world>>;

function consent(w: World, input: Record<string, unknown>): Promise<string> {
  return recordConsent(w.api, w.manager.token, w.client, { purposes: ['CARE_COORDINATION'], ...input });
}

/** A CONSENT-basis request from the surgery, recorded as to be received in the app of `partnerId`. */
function receive(w: World, partnerId: string, extra: Record<string, unknown> = {}): Promise<string> {
  return receiveRequest(w.api, w.manager.token, w.client, {
    requesterOrganisation: 'Riverside GP Surgery',
    requesterContact: 'Practice manager',
    purpose: 'Review',
    purposeCategory: 'CARE_COORDINATION',
    legalBasis: 'CONSENT',
    itemIds: [w.note],
    receivedOn: '2026-11-30',
    partnerId,
    ...extra,
  });
}

const decide = (w: World, requestId: string) =>
  w.api.graphql(
    'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Consent given") { kind } }',
    { token: w.manager.token, variables: { c: w.client, r: requestId } },
  );

const release = (w: World, requestId: string) =>
  w.api.graphql('mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }', {
    token: w.manager.token,
    variables: {
      input: {
        serviceUserId: w.client,
        requestId,
        itemIds: [w.note],
        method: 'PARTNER_APP',
        grantExpiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    },
  });

async function partnerReads(w: World, token: string): Promise<unknown[]> {
  const seen = await w.api.graphql<{ releasedToMe: unknown[] }>('{ releasedToMe { id } }', { token });
  expectNoErrors(seen);
  return seen.data?.releasedToMe ?? [];
}

describe('a consent naming an agency authorises a release to that agency’s app only', () => {
  it('a consent naming the surgery does not let its notes be released to the police’s app', async () => {
    const w = await world();
    await consent(w, { scope: 'NAMED_AGENCY', agencyName: 'Riverside GP Surgery' });
    const requestId = await receive(w, w.police.partnerId);

    const decided = await decide(w, requestId);
    if (decided.errors === undefined) expectNoErrors(await release(w, requestId));

    expect(await partnerReads(w, w.police.partnerToken)).toEqual([]);
    expect(codes(decided)).toEqual(['CONSENT_REQUIRED']);
  });

  it('a consent to share with the person’s GP does not let a release go to the police’s app', async () => {
    const w = await world();
    await consent(w, { scope: 'GP' });
    const requestId = await receive(w, w.police.partnerId, { requesterKind: 'GP' });

    const decided = await decide(w, requestId);
    if (decided.errors === undefined) expectNoErrors(await release(w, requestId));

    expect(await partnerReads(w, w.police.partnerToken)).toEqual([]);
    expect(codes(decided)).toEqual(['CONSENT_REQUIRED']);
  });

  it('the same consent still authorises the release to the surgery’s own app', async () => {
    const w = await world();
    await consent(w, { scope: 'NAMED_AGENCY', agencyName: 'Riverside GP Surgery' });
    const requestId = await receive(w, w.surgery.partnerId);

    expectNoErrors(await decide(w, requestId));
    expectNoErrors(await release(w, requestId));

    expect(await partnerReads(w, w.surgery.partnerToken)).toHaveLength(1);
  });
});

describe('the largest release a request may name', () => {
  it('goes to the consented agency’s app in one write: every note, the grant, the consent’s check', async () => {
    // Prepare: as many notes as a release may name, requested on the person's consent for the surgery's app
    const w = await world();
    const more = MAX_RELEASED_ITEMS - 1;
    const notes = [w.note];
    for (let start = 0; start < more; start += 10) {
      notes.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(10, more - start) }, (_, i) =>
            recordNote(w.api, w.worker, w.client, 'DAILY_SUPPORT', `Visit ${start + i}.`),
          ),
        )),
      );
    }
    await consent(w, { scope: 'NAMED_AGENCY', agencyName: 'Riverside GP Surgery' });
    const requestId = await receive(w, w.surgery.partnerId, { itemIds: notes });
    expectNoErrors(await decide(w, requestId));

    // Act
    const released = await w.api.graphql(
      'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }',
      {
        token: w.manager.token,
        variables: {
          input: {
            serviceUserId: w.client,
            requestId,
            itemIds: notes,
            method: 'PARTNER_APP',
            grantExpiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
          },
        },
      },
    );

    // Assess
    expectNoErrors(released);
    expect(await partnerReads(w, w.surgery.partnerToken)).toHaveLength(MAX_RELEASED_ITEMS);
  });
});

describe('a grant rewritten in the table gives the partner nothing more (decision 0090)', () => {
  it('a grant cut loose from its consent by a raw write does not outlive the consent’s withdrawal', async () => {
    // Prepare: a release to the surgery's app on the strength of the person's consent, which they then withdraw.
    const w = await world();
    const consentId = await consent(w, { scope: 'NAMED_AGENCY', agencyName: 'Riverside GP Surgery' });
    const requestId = await receive(w, w.surgery.partnerId);
    expectNoErrors(await decide(w, requestId));
    expectNoErrors(await release(w, requestId));
    expect(await partnerReads(w, w.surgery.partnerToken)).toHaveLength(1);
    expectNoErrors(
      await w.api.graphql(
        'mutation ($c: ID!, $k: String!) { withdrawConsent(serviceUserId: $c, consentId: $k) { withdrawnAt } }',
        { token: w.manager.token, variables: { c: w.client, k: consentId } },
      ),
    );
    expect(await partnerReads(w, w.surgery.partnerToken)).toHaveLength(0);

    // Act: the grant no longer says it rests on a consent.
    const pk = tenantScope(w.org.orgId).key('CLIENT', localIdOf(w.client));
    const { Items: grants = [] } = await w.api.services.dynamo.send(
      new QueryCommand({
        TableName: w.api.stack.tables.data,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :grant)',
        ExpressionAttributeValues: { ':pk': { S: pk }, ':grant': { S: 'GRANT#' } },
      }),
    );
    expect(grants).toHaveLength(1);
    await w.api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: w.api.stack.tables.data,
        Key: { pk: { S: pk }, sk: grants[0]?.sk ?? { S: '' } },
        UpdateExpression: 'REMOVE consentId',
      }),
    );
    const seen = await w.api.graphql('{ releasedToMe { id } }', { token: w.surgery.partnerToken });

    // Assess
    expect(seen.text).not.toContain(w.note);
    expect(codes(seen)).toEqual(['INTERNAL']);
    expect(await w.api.services.integrityIncidents.list(tenantScope(w.org.orgId))).toEqual([
      expect.objectContaining({ kind: 'TAMPERED_STATE', itemKind: 'GRANT' }),
    ]);
  });

  it('names, on the register those deciding read, the agency whose app receives it, whatever the requester typed', async () => {
    // Prepare: a request typed as from the surgery, to be received in the police's app.
    const w = await world();
    const requestId = await receive(w, w.police.partnerId, { legalBasis: 'SAFEGUARDING' });

    // Act
    const register = await w.api.graphql<{
      serviceUser: {
        disclosureRegister: {
          requestId: string;
          kind: string;
          requesterOrganisation: string;
          receivingApp: { id: string; name: string } | null;
        }[];
      };
    }>(
      'query ($c: ID!) { serviceUser(id: $c) { disclosureRegister { requestId kind requesterOrganisation receivingApp { id name } } } }',
      { token: w.manager.token, variables: { c: w.client } },
    );

    // Assess
    expectNoErrors(register);
    expect(register.data?.serviceUser.disclosureRegister).toEqual([
      {
        requestId,
        kind: 'RECEIVED',
        requesterOrganisation: 'Riverside GP Surgery',
        receivingApp: { id: w.police.partnerId, name: 'County Police' },
      },
    ]);
  });
});
