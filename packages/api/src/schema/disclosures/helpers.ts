import { ConfideError, ErrorCode, isIdOf, notFound, validate } from '@confide/domain';
import type { CaseNote, Item, RegisterEntry, ServiceUserRecord } from '@confide/store';
import type { Operation } from '../../access/operation-plugin';
import type { ConfideContext } from '../../context';
import type { ConfideServices } from '../../services';
import { noteLocalId } from '../ids';
import type { EntryInContext } from './register';

/** A register entry as the mutations give it: the client and the author are filled in by {@link appendEntry}. */
export type NewEntry = Omit<Parameters<ConfideServices['disclosures']['append']>[2], 'clientId' | 'by'>;

/**
 * Appends an entry to the operation's client's disclosure register, in the caller's name. The operation plugin
 * has already written its audit event (a CONSENT write): if that failed, nothing is appended.
 */
export async function appendEntry(
  operation: Operation,
  context: ConfideContext,
  entry: NewEntry,
  alsoPut: readonly Item[] = [],
): Promise<EntryInContext> {
  const client = operation.client;
  const appended = await context.services.disclosures.append(
    operation.scope,
    await context.access.clientKey(client),
    { ...entry, clientId: client.clientId, by: operation.staff.staffId, clientExpiresAt: client.expiresAt },
    alsoPut,
  );
  return { client, entry: appended };
}

/** The entries of one disclosure request of the client, or an empty list when the id names none. */
export async function entriesOf(
  context: ConfideContext,
  client: ServiceUserRecord,
  requestId: string,
): Promise<RegisterEntry[]> {
  if (!isIdOf('disclosure', requestId)) return [];
  return context.services.disclosures.request(context.access.scope, client.clientId, requestId);
}

/**
 * To whom a disclosure of the person went (decision 0150): an exceptional disclosure's recipient, or the partner agency's
 * app a release went to, else who asked. Null once the person's key is destroyed, or the request is gone.
 */
export async function recipientOf(
  context: ConfideContext,
  client: ServiceUserRecord,
  requestId: string,
): Promise<string | null> {
  const { scope, loader } = context.access;
  const { disclosures } = context.services;
  const [key, opening] = await Promise.all([
    loader.subjectKey(scope.orgId, client.clientId),
    disclosures.openingEntry(scope, client.clientId, requestId, loader),
  ]);
  if (!key || !opening) return null;
  if (opening.kind === 'EXCEPTIONAL_DISCLOSURE')
    return disclosures.openSealed(key, opening, 'recipient') ?? null;
  // Only a request naming an app can have gone to one: the others are answered from their opening entry alone.
  const released = opening.partnerId
    ? (await entriesOf(context, client, requestId)).find((entry) => entry.kind === 'RELEASED')
    : undefined;
  if (!released?.partnerId) return opening.requesterOrganisation ?? null;
  return (await context.services.partners.get(scope, released.partnerId))?.name ?? null;
}

/** The request's entries, its RECEIVED entry and the next sequence number; NOT_FOUND when there is none. */
export async function requestEntries(context: ConfideContext, client: ServiceUserRecord, requestId: string) {
  const entries = await entriesOf(context, client, requestId);
  const received = entries.find((entry) => entry.kind === 'RECEIVED');
  if (!received) throw notFound('Disclosure request');
  return { entries, received, next: Math.max(...entries.map((entry) => entry.sequence)) + 1 };
}

/** The consent scopes that can authorise sharing outside the organisation (a publicity consent cannot). */
export const SHARING_SCOPES: readonly string[] = ['NAMED_AGENCY', 'GP', 'FAMILY', 'OTHER'];

/**
 * Whether the consent a CONSENT decision relied on still authorises a release: not withdrawn, and given by a method
 * the organisation accepts now (`acceptedMethods`), since the information leaves on the organisation's rule of today,
 * not of the day it was approved. Another consent the person gave (to family, say) does not carry a release the
 * withdrawn one authorised. A decision recorded before decisions named their consent falls back to any current
 * sharing consent given by an accepted method.
 */
export async function reliedConsentStands(
  context: ConfideContext,
  client: ServiceUserRecord,
  consentId: string | undefined,
  acceptedMethods: readonly string[],
): Promise<boolean> {
  const consents = await context.services.consents.list(context.access.scope, client.clientId);
  return consents.some(
    (consent) =>
      !consent.withdrawnAt &&
      acceptedMethods.includes(consent.method) &&
      (consentId ? consent.consentId === consentId : SHARING_SCOPES.includes(consent.scope)),
  );
}

export async function notesFor(
  context: ConfideContext,
  client: ServiceUserRecord,
  itemIds: readonly string[],
): Promise<CaseNote[]> {
  const scope = context.access.scope;
  return Promise.all(
    itemIds.map(async (id) => {
      const note = await context.services.caseNotes.get(scope, client.clientId, id, context.access.loader);
      if (!note) throw notFound('Note');
      return note;
    }),
  );
}

/** Correspondence authored by another organisation needs that author’s recorded authority (Azure 4.1). */
export function requireAuthorAuthority(notes: readonly CaseNote[]) {
  const missing = notes.filter((note) => note.authorOrganisation && !note.authorAuthority);
  if (missing.length > 0) {
    throw new ConfideError(
      ErrorCode.CONSENT_REQUIRED,
      'Correspondence written by another organisation cannot be released without that author’s recorded authority.',
      { details: { itemIds: missing.map((note) => note.noteId) } },
    );
  }
}

/** The client's notes named by global id: non-empty, unique, and all of this client (else NOT_FOUND). */
export function noteIds(client: ServiceUserRecord, ids: readonly (string | number)[]): string[] {
  return validate.nonEmptyUnique(['input', 'itemIds'], ids).map((id) => {
    const { clientId, noteId } = noteLocalId(id);
    if (clientId !== client.clientId) throw notFound('Note');
    return noteId;
  });
}
