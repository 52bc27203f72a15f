/**
 * A manager's authorisation of an import into their service (decision 0146, `authoriseImport`): how long it may last,
 * in words, and an id pasted back to withdraw it. Pure.
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
