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
 * ACCESS-MODEL.md, Sealed items: a note sealed at the person's request is readable only by the staff they named and
 * by themself; a partner's grant never lowers that floor (packages/access decide.ts: "a sealed item must be unsealed
 * before it can be released"), and a handover or meeting note opens only to its distribution list. So a release to a
 * partner app of such a note gives the partner nothing while the register records it as released, with a digest
 * and a grant. It is refused instead, and nothing is recorded.
 */

async function world() {
  const api = testApi();
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const partnerClientId = `la-${randomBytes(4).toString('hex')}`;
  const partner = await api.graphql<{ registerPartnerAgency: { id: string } }>(
    'mutation ($c: String!) { registerPartnerAgency(name: "County Council", clientId: $c) { id } }',
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

async function receiveAndApprove(w: World, itemIds: string[]): Promise<string> {
  const received = await w.api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(
    'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }',
    {
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
    },
  );
  expectNoErrors(received);
  const requestId = received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
  expectNoErrors(
    await w.api.graphql(
      'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Risk") { kind } }',
      { token: w.manager.token, variables: { c: w.client, r: requestId } },
    ),
  );
  return requestId;
}

const release = (w: World, requestId: string, itemIds: string[]) =>
  w.api.graphql('mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }', {
    token: w.manager.token,
    variables: {
      input: {
        serviceUserId: w.client,
        requestId,
        itemIds,
        method: 'PARTNER_APP',
        grantExpiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    },
  });

async function registerKinds(w: World, requestId: string): Promise<string[]> {
  const register = await w.api.graphql<{
    serviceUser: { disclosureRegister: { requestId: string; kind: string }[] };
  }>('query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { requestId kind } } }', {
    token: w.manager.token,
    variables: { id: w.client },
  });
  expectNoErrors(register);
  return (register.data?.serviceUser.disclosureRegister ?? [])
    .filter((e) => e.requestId === requestId)
    .map((e) => e.kind);
}

describe('a release to a partner app', () => {
  it('refuses a note the person sealed, which the partner could never read, and records no release', async () => {
    const w = await world();
    const sealed = await recordNote(
      w.api,
      w.worker,
      w.client,
      'DAILY_SUPPORT',
      'Told me about the debt; keep it between us.',
      {
        sealedFor: [w.worker.globalId],
      },
    );
    const requestId = await receiveAndApprove(w, [sealed]);

    const released = await release(w, requestId, [sealed]);
    const partner = await w.api.graphql('{ releasedToMe { id ... on CareNote { body } } }', {
      token: w.partnerToken,
    });

    expect(released.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(partner.errors ?? []).toEqual([]);
    expect(await registerKinds(w, requestId)).toEqual(['RECEIVED', 'APPROVED']);
  });
});
