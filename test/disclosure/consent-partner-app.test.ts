import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors, recordNote } from '../support/care-fixtures';
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
  return { api: w.api, manager: w.manager, client: w.client, note, surgery, police };
}
type World = Awaited<ReturnType<typeof world>>;

async function consent(w: World, input: Record<string, unknown>) {
  expectNoErrors(
    await w.api.graphql('mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { id } }', {
      token: w.manager.token,
      variables: {
        input: {
          serviceUserId: w.client,
          method: 'SIGNED_FORM',
          givenBy: 'CLIENT',
          purposes: ['CARE_COORDINATION'],
          ...input,
        },
      },
    }),
  );
}

/** A CONSENT-basis request from the surgery, recorded as to be received in the app of `partnerId`. */
async function receive(w: World, partnerId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const result = await w.api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(
    'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }',
    {
      token: w.manager.token,
      variables: {
        input: {
          serviceUserId: w.client,
          requesterOrganisation: 'Riverside GP Surgery',
          requesterContact: 'Practice manager',
          purpose: 'Review',
          purposeCategory: 'CARE_COORDINATION',
          legalBasis: 'CONSENT',
          itemIds: [w.note],
          receivedOn: '2026-11-30',
          identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
          partnerId,
          ...extra,
        },
      },
    },
  );
  expectNoErrors(result);
  return result.data?.receiveDisclosureRequest[0]?.requestId ?? '';
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
