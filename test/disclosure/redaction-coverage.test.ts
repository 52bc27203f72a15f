import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * Azure 7.0 ("only the minimal amount necessary") and issue 15, item 2: every phrase the releasing manager redacts
 * is removed from what the partner reads. Two ways it was not: redactions that overlap (one is replaced first and
 * the other no longer matches, so the rest of it leaves), and a phrase whose words the note's text separates by a
 * line break or a second space rather than the single space the manager typed.
 */

const RECEIVE = `mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }`;
const DECIDE =
  'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Risk to the person") { kind } }';
const RELEASE =
  'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind snapshotDigest } }';
const RELEASED_TO_ME = '{ releasedToMe { id ... on CareNote { body } } }';

async function world() {
  const api = testApi();
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const partnerClientId = `la-${randomBytes(4).toString('hex')}`;
  const partner = await api.graphql<{ registerPartnerAgency: { id: string } }>(
    'mutation ($c: String!) { registerPartnerAgency(name: "County Council adult social care", clientId: $c) { id } }',
    { token: org.adminToken, variables: { c: partnerClientId } },
  );
  expectNoErrors(partner);
  const partnerToken = await api.token({
    sub: partnerClientId,
    client_id: partnerClientId,
    org_id: org.orgId,
  });
  return {
    api,
    manager,
    worker,
    client,
    partnerId: partner.data?.registerPartnerAgency.id ?? '',
    partnerToken,
  };
}
type World = Awaited<ReturnType<typeof world>>;

/** Received, approved (safeguarding basis) and released to the partner's app with the given redactions. */
async function release(w: World, itemIds: string[], redactions: string[]) {
  const received = await w.api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
    token: w.manager.token,
    variables: {
      input: {
        serviceUserId: w.client,
        requesterOrganisation: 'County Council',
        requesterContact: 'Safeguarding team',
        purpose: 'Section 42 enquiry',
        legalBasis: 'SAFEGUARDING',
        itemIds,
        receivedOn: new Date().toISOString().slice(0, 10),
        identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
        partnerId: w.partnerId,
      },
    },
  });
  expectNoErrors(received);
  const requestId = received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
  expectNoErrors(
    await w.api.graphql(DECIDE, { token: w.manager.token, variables: { c: w.client, r: requestId } }),
  );
  const released = await w.api.graphql(RELEASE, {
    token: w.manager.token,
    variables: {
      input: {
        serviceUserId: w.client,
        requestId,
        itemIds,
        redactions,
        method: 'PARTNER_APP',
        grantExpiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    },
  });
  expectNoErrors(released);
}

async function partnerBodies(w: World): Promise<string[]> {
  const seen = await w.api.graphql<{ releasedToMe: { body: string | null }[] }>(RELEASED_TO_ME, {
    token: w.partnerToken,
  });
  expectNoErrors(seen);
  return (seen.data?.releasedToMe ?? []).map((note) => note.body ?? '');
}

describe('every redacted phrase is removed from what the partner reads', () => {
  it('when two redactions overlap, neither leaves in part', async () => {
    const w = await world();
    const note = await recordNote(
      w.api,
      w.worker,
      w.client,
      'DAILY_SUPPORT',
      'Her former partner Mary Jones-Whitfield called the office twice.',
    );

    await release(w, [note], ['Mary Jones', 'Jones-Whitfield']);

    const [body] = await partnerBodies(w);
    expect(body).not.toMatch(/Mary|Jones|Whitfield/);
  });

  it('when the note separates the phrase’s words by a line break or a second space', async () => {
    const w = await world();
    const note = await recordNote(
      w.api,
      w.worker,
      w.client,
      'DAILY_SUPPORT',
      'Visited with her brother Tomasz\nKowalczyk; discussed the move.\nTomasz Kowalczyk will call back; so will Tomasz  Kowalczyk’s wife.',
    );

    await release(w, [note], ['Tomasz Kowalczyk']);

    const [body] = await partnerBodies(w);
    expect(body).not.toMatch(/Kowalczyk/i);
  });
});
