import { expectNoErrors } from '../support/care-fixtures';
import type { TestApi } from '../support/test-api';

/**
 * The requests and consents the disclosure tests start from, recorded through the API by the caller whose token is
 * given. Each takes the fields its test is about; the rest are the defaults below.
 */

/** A county council's safeguarding request, its identity checked by a callback. */
const COUNCIL_REQUEST = {
  requesterOrganisation: 'County Council',
  requesterContact: 'Safeguarding team',
  purpose: 'Section 42 enquiry',
  legalBasis: 'SAFEGUARDING',
  identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
};

/** Receives a request about `serviceUserId` (the council's, with `input` over it); answers its request id. */
export async function receiveRequest(
  api: Pick<TestApi, 'graphql'>,
  token: string,
  serviceUserId: string,
  input: Record<string, unknown>,
): Promise<string> {
  const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(
    'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }',
    { token, variables: { input: { serviceUserId, ...COUNCIL_REQUEST, ...input } } },
  );
  expectNoErrors(received);
  return received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
}

/** Records the person's own signed consent about `serviceUserId`, with `input` over it; answers the consent's id. */
export async function recordConsent(
  api: Pick<TestApi, 'graphql'>,
  token: string,
  serviceUserId: string,
  input: Record<string, unknown>,
): Promise<string> {
  const recorded = await api.graphql<{ recordConsent: { id: string } }>(
    'mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { id } }',
    { token, variables: { input: { serviceUserId, method: 'SIGNED_FORM', givenBy: 'CLIENT', ...input } } },
  );
  expectNoErrors(recorded);
  return recorded.data?.recordConsent.id ?? '';
}
