import { randomBytes } from 'node:crypto';
import { expectNoErrors, type Person, recordNote } from '../support/care-fixtures';
import type { TestApi } from '../support/test-api';
import type { RetentionWorld } from './retention-support';

/**
 * Work about a person kept outside their partition, as staff and partners leave it through the API: disclosure
 * requests (the decider's queue and its acknowledgements) and partners' referrals (the claim of their reference).
 * Retention and erasure must take it with the person.
 */

const RECEIVE = `mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }`;
const ESCALATE =
  'mutation ($c: ID!, $r: String!) { escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: "Scope is broad") { kind } }';
export const DECIDE =
  'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Risk to life") { kind } }';
export const ACKNOWLEDGE =
  'mutation ($c: ID!, $r: String!) { acknowledgeDisclosureWork(serviceUserId: $c, requestId: $r) { kind } }';

export async function receivedRequest(api: TestApi, world: RetentionWorld, id: string): Promise<string> {
  const note = await recordNote(api, world.worker, id, 'DAILY_SUPPORT', 'Went to the day centre.');
  const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
    token: world.manager.token,
    variables: {
      input: {
        serviceUserId: id,
        requesterOrganisation: 'Housing association',
        requesterContact: 'Duty officer, 01234 567890',
        purpose: 'An enquiry',
        purposeCategory: 'OTHER',
        legalBasis: 'SAFEGUARDING',
        itemIds: [note],
        receivedOn: new Date().toISOString().slice(0, 10),
        identityCheck: 'DOCUMENT_CHECKED',
      },
    },
  });
  expectNoErrors(received);
  return received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
}

export async function escalatedRequest(api: TestApi, world: RetentionWorld, id: string): Promise<string> {
  const requestId = await receivedRequest(api, world, id);
  expectNoErrors(
    await api.graphql(ESCALATE, { token: world.manager.token, variables: { c: id, r: requestId } }),
  );
  return requestId;
}

/** A request the service's manager approved without consent, flagged for the Guardian, who acknowledged it. */
export async function acknowledgedDecision(
  api: TestApi,
  world: RetentionWorld,
  guardian: Person,
  id: string,
): Promise<string> {
  const requestId = await receivedRequest(api, world, id);
  expectNoErrors(
    await api.graphql(DECIDE, { token: world.manager.token, variables: { c: id, r: requestId } }),
  );
  expectNoErrors(
    await api.graphql(ACKNOWLEDGE, { token: guardian.token, variables: { c: id, r: requestId } }),
  );
  return requestId;
}

const RECORD_REFERRAL = `mutation ($input: RecordReferralInput!) {
  recordReferral(input: $input) { id referrerReference }
}`;

export interface Partner {
  readonly id: string;
  readonly token: string;
}

export async function partnerOf(api: TestApi, world: RetentionWorld): Promise<Partner> {
  const clientId = `pa-${randomBytes(4).toString('hex')}`;
  const registered = await api.graphql<{ registerPartnerAgency: { id: string } }>(
    'mutation ($n: String!, $c: String!) { registerPartnerAgency(name: $n, clientId: $c) { id } }',
    { token: world.org.adminToken, variables: { n: 'Community mental health team', c: clientId } },
  );
  expectNoErrors(registered);
  return {
    id: registered.data?.registerPartnerAgency.id ?? '',
    token: await api.token({ sub: clientId, client_id: clientId, org_id: world.org.orgId }),
  };
}

export function recordReferral(
  api: TestApi,
  world: RetentionWorld,
  partner: Partner,
  client: string,
  reference: string,
) {
  return api.graphql<{ recordReferral: { id: string; referrerReference: string } }>(RECORD_REFERRAL, {
    token: world.manager.token,
    variables: {
      input: {
        serviceUserId: client,
        partnerId: partner.id,
        referrerReference: reference,
        receivedOn: api.services.clock.now().toISOString().slice(0, 10),
      },
    },
  });
}

const EXCEPTIONAL = `mutation ($input: ExceptionalDisclosureInput!) {
  recordExceptionalDisclosure(input: $input) { requestId }
}`;

/** A disclosure made without consent, whose review is raised for the service's managers and the Guardian. */
export async function exceptionalDisclosure(api: TestApi, world: RetentionWorld, id: string): Promise<void> {
  const note = await recordNote(api, world.worker, id, 'DAILY_SUPPORT', 'Went to the day centre.');
  expectNoErrors(
    await api.graphql(EXCEPTIONAL, {
      token: world.worker.token,
      variables: {
        input: {
          serviceUserId: id,
          recipient: 'Duty social worker',
          legalBasis: 'SAFEGUARDING',
          reasoning: 'Risk of serious harm reported today.',
          itemIds: [note],
          clientInformed: true,
        },
      },
    }),
  );
}
