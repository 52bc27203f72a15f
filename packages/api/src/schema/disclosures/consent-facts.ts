import {
  authorisingConsent,
  type ChangeFacts,
  type ConsentFacts,
  DEFAULT_DISCLOSURE_CONSENT_METHODS,
} from '@confide/access';
import { classificationOf } from '@confide/domain';
import type { ConsentRecord, RegisterEntry, ServiceUserRecord } from '@confide/store';
import type { ConfideContext } from '../../context';
import { notesFor, SHARING_SCOPES } from './helpers';

/**
 * Issue 15: a consent authorises exactly the recipients, purposes and information it names. These are the facts
 * the `disclosure.decide` policy reads (policies/sharing.ts): for each current sharing consent, whether it names
 * the requester and the information requested, the purposes it names and how it was given; the request's purpose
 * category; and the organisation's accepted methods. Whether a purpose is covered is the policy's to decide.
 */

/** Organisation names compared as people write them: case, spacing and Unicode forms do not matter. */
const normal = (name: string) => name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Whether the consent names who receives the information. That is the partner agency whose app the request is to
 * be received in, when it names one, whatever the request calls its sender: a consent naming the surgery must not
 * let a release reach the police's app because the request was typed as from the surgery. Otherwise it is the
 * requesting organisation. `partnerName` is the name that partner agency is registered under.
 */
function coversRecipient(
  consent: ConsentRecord,
  agencyName: string | undefined,
  received: RegisterEntry,
  partnerName: string | undefined,
): boolean {
  const kind = received.requesterKind ?? 'ORGANISATION';
  const recipient = received.partnerId ? partnerName : received.requesterOrganisation;
  const namesRecipient = () =>
    consent.partnerId
      ? consent.partnerId === received.partnerId
      : agencyName !== undefined && recipient !== undefined && normal(agencyName) === normal(recipient);
  switch (consent.scope) {
    case 'FAMILY':
      return kind === 'FAMILY' && !received.partnerId;
    case 'GP':
      // "The GP": the person's GP, or the surgery the consent names. A partner app is the person's GP only if the
      // consent names it: nothing else says whose surgery the app is.
      return (
        kind === 'GP' &&
        ((agencyName === undefined && !consent.partnerId && !received.partnerId) || namesRecipient())
      );
    case 'NAMED_AGENCY':
    case 'OTHER':
      return kind === 'ORGANISATION' && namesRecipient();
    default:
      return false;
  }
}

/** The sharing facts of approving `received` on the CONSENT basis. */
export async function consentFactsFor(
  context: ConfideContext,
  client: ServiceUserRecord,
  received: RegisterEntry,
): Promise<
  Required<Pick<NonNullable<ChangeFacts['sharing']>, 'consents' | 'consentMethods'>> &
    Pick<NonNullable<ChangeFacts['sharing']>, 'purpose'>
> {
  const scope = context.access.scope;
  const current = (await context.services.consents.list(scope, client.clientId)).filter(
    (consent) => !consent.withdrawnAt && SHARING_SCOPES.includes(consent.scope),
  );
  const methods = await disclosureConsentMethods(context);
  const purpose = received.purposeCategory ? { purpose: received.purposeCategory } : {};
  if (current.length === 0) return { consents: [], consentMethods: methods, ...purpose };
  const key = await context.access.clientKey(client);
  const partnerName = received.partnerId
    ? (await context.services.partners.get(scope, received.partnerId))?.name
    : undefined;
  const requested = new Set(
    (await notesFor(context, client, received.itemIds)).map((note) => classificationOf(note.kind)),
  );
  const consents: ConsentFacts[] = current
    .sort((a, b) => b.recordedAt.localeCompare(a.recordedAt))
    .map((consent) => ({
      consentId: consent.consentId,
      method: consent.method,
      coversRecipient: coversRecipient(
        consent,
        context.services.consents.openSealed(key, consent, 'agencyName'),
        received,
        partnerName,
      ),
      coversInformation:
        consent.classifications.length === 0 ||
        [...requested].every((classification) => consent.classifications.includes(classification)),
      purposes: [...consent.purposes],
    }));
  return { consents, consentMethods: methods, ...purpose };
}

/** The consent methods the organisation accepts as authorising a disclosure (default: written). */
export async function disclosureConsentMethods(context: ConfideContext): Promise<string[]> {
  return (
    (await context.services.consents.disclosureMethods(context.access.scope)) ?? [
      ...DEFAULT_DISCLOSURE_CONSENT_METHODS,
    ]
  );
}

/** The consent the approval relies on, as the policy found it. */
export async function consentRelied(
  context: ConfideContext,
  client: ServiceUserRecord,
  received: RegisterEntry,
): Promise<ConsentFacts | undefined> {
  return authorisingConsent(await consentFactsFor(context, client, received));
}
