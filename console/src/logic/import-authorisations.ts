/**
 * A manager's authorisation of an import into their service (decision 0146, `authoriseImport`): how long it may last,
 * in words, who gave one of those listed for a service (`importAuthorisations`) and whether the caller may withdraw
 * it, and an id pasted back to withdraw one. Pure.
 */

/** The lifetimes the API accepts, in minutes (`AuthoriseImportInput.expiresInMinutes`), and its default. */
export const IMPORT_AUTHORISATION_MINUTES = { min: 5, max: 1440, default: 240 } as const;

/**
 * The lifetimes the console offers, in minutes: from a quarter of an hour to a day, all within what the API accepts.
 * The default, chosen first, is the API's own (4 hours).
 */
export const IMPORT_AUTHORISATION_CHOICES: readonly number[] = [15, 30, 60, 120, 240, 480, 720, 1440];

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** A lifetime in words: "15 minutes", "1 hour", "4 hours", "1 hour 30 minutes", "24 hours". */
export function lifetimeWords(minutes: number): string {
  const whole = Math.max(0, Math.round(minutes));
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  if (hours === 0) return plural(rest, 'minute');
  return rest === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
}

/** How long an authorisation runs, in whole minutes, from when it was given to when it ends. */
export function lifetimeMinutes(authorisation: { grantedAt: string; expiresAt: string }): number {
  return Math.round((Date.parse(authorisation.expiresAt) - Date.parse(authorisation.grantedAt)) / 60_000);
}

/** An import authorisation's id: `ima_` and 26 characters of the ids' alphabet (a–z, 2–7). */
const AUTHORISATION_ID = /^ima_[a-z2-7]{26}$/;

/**
 * The id a manager pasted to withdraw, without what a copy brings with it (spaces, line breaks, quotes around it), or
 * undefined when the text cannot be one (a token, a sentence, another kind of id): the console says so rather than
 * send it.
 */
export function importAuthorisationIdOf(text: string): string | undefined {
  const id = text.trim().replace(/^["'“‘`]+|["'”’`]+$/gu, '');
  return AUTHORISATION_ID.test(id) ? id : undefined;
}

/** An authorisation as `importAuthorisations` lists it: ids and times. */
export interface ListedImportAuthorisation {
  readonly id: string;
  readonly grantedBy: string;
  readonly withdrawnAt?: string | null | undefined;
}

/**
 * Who gave an authorisation, in words for the list: "You", the name of the service's manager who gave it, or — when
 * its grantor no longer manages the service (it then authorises nothing) or their name cannot be read — words that say
 * so. `managers` are the service's managers as the API answers them (global ids).
 */
export function grantorWords(
  authorisation: Pick<ListedImportAuthorisation, 'grantedBy'>,
  viewerStaffId: string | undefined,
  managers: readonly { readonly id: string; readonly displayName?: string | null | undefined }[],
): string {
  if (viewerStaffId !== undefined && authorisation.grantedBy === viewerStaffId) return 'You';
  const manager = managers.find((candidate) => candidate.id === authorisation.grantedBy);
  if (!manager) return 'Someone who no longer manages the service';
  return manager.displayName?.trim() || 'Another manager of the service (name not readable)';
}

/**
 * Whether the caller may withdraw a listed authorisation: only its grantor withdraws it (the API answers anyone else
 * NOT_FOUND), and only while it is not withdrawn (the list leaves out those that have ended).
 */
export function mayWithdrawImportAuthorisation(
  authorisation: ListedImportAuthorisation,
  viewerStaffId: string | undefined,
): boolean {
  return (
    viewerStaffId !== undefined &&
    authorisation.grantedBy === viewerStaffId &&
    (authorisation.withdrawnAt ?? null) === null
  );
}
