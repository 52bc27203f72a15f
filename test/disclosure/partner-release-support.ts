import { randomBytes } from 'node:crypto';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { type GraphqlResult, type TestApi, testApi } from '../support/test-api';
import { receiveRequest } from './disclosure-support';

/**
 * What the release tests share: an organisation whose client is allocated to a worker, a partner agency's app with
 * its token, and a safeguarding request received for that app, approved and released into it.
 */

/** A partner agency registered by the organisation's admin, and a token of its app. */
export async function registerPartner(
  api: TestApi,
  org: TestOrganisation,
  name: string,
): Promise<{ partnerId: string; partnerToken: string }> {
  const partnerClientId = `la-${randomBytes(4).toString('hex')}`;
  const partner = await api.graphql<{ registerPartnerAgency: { id: string } }>(
    'mutation ($n: String!, $c: String!) { registerPartnerAgency(name: $n, clientId: $c) { id } }',
    { token: org.adminToken, variables: { n: name, c: partnerClientId } },
  );
  expectNoErrors(partner);
  const partnerToken = await api.token({
    sub: partnerClientId,
    client_id: partnerClientId,
    org_id: org.orgId,
  });
  return { partnerId: partner.data?.registerPartnerAgency.id ?? '', partnerToken };
}

/** A service's manager, a support worker allocated to one client of it, and a partner agency's app. */
export async function partnerWorld(partnerName = 'County Council adult social care') {
  const api = testApi();
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  return { api, org, manager, worker, client, ...(await registerPartner(api, org, partnerName)) };
}

/** What receiving, approving and releasing need of a world. */
export interface ReleaseWorld {
  readonly api: TestApi;
  readonly manager: { token: string };
  readonly client: string;
  readonly partnerId: string;
}

/**
 * A safeguarding request for `itemIds` received from the county council for the partner's app (or, `toApp: false`,
 * for release by email, post or in person), and approved.
 */
export async function receiveAndApprove(
  w: ReleaseWorld,
  itemIds: readonly string[],
  { toApp = true }: { toApp?: boolean } = {},
): Promise<string> {
  const requestId = await receiveRequest(w.api, w.manager.token, w.client, {
    itemIds,
    receivedOn: new Date().toISOString().slice(0, 10),
    ...(toApp ? { partnerId: w.partnerId } : {}),
  });
  expectNoErrors(
    await w.api.graphql(
      'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Risk to the person") { kind } }',
      { token: w.manager.token, variables: { c: w.client, r: requestId } },
    ),
  );
  return requestId;
}

/** Releases an approved request's `itemIds` into the partner's app for a week, with `redactions`; the answer. */
export function releaseToPartner(
  w: ReleaseWorld,
  requestId: string,
  itemIds: readonly string[],
  redactions: readonly string[] = [],
): Promise<GraphqlResult<{ releaseDisclosure: { kind: string; snapshotDigest: string } }>> {
  return w.api.graphql(
    'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind snapshotDigest } }',
    {
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
    },
  );
}
