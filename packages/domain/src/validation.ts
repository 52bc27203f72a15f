import { badInput } from './errors';

// Control characters other than tab, newline and carriage return have no place in any text we keep.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** An unpaired UTF-16 surrogate (in `u` mode a pair is one code point and does not match). */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether text holds a lone surrogate: it has no UTF-8 form, so sealed or recorded it would not be what was sent. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/**
 * A field as people name it, for messages the console shows as they are: the last name of its path that is not a
 * list index, camelCase split into lower-case words and the first capitalised (`reasonNotInformed` reads "Reason not
 * informed", `itemIds` "Item IDs"). The path itself goes in the error's `field`, for clients to match.
 */
export function fieldWords(field: readonly string[]): string {
  const words = (field.findLast((name) => /\D/.test(name)) ?? '')
    .replace(/(?<=[a-z\d])(?=[A-Z])/g, ' ')
    .toLowerCase()
    .replace(/\bid(?=s?\b)/g, 'ID');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Checks a free-text input: trimmed, within length bounds, no control characters (null bytes included).
 * Markup is not stripped — values are data, never rendered by the API — but its length still counts.
 */
export function text(
  field: readonly string[],
  value: string,
  bounds: { min?: number; max: number; multiline?: boolean },
): string {
  const trimmed = value.trim();
  const min = bounds.min ?? 1;
  if (trimmed.length < min) {
    throw badInput(field, `${fieldWords(field)} ${min === 1 ? 'must not be empty' : 'is too short'}.`);
  }
  if (trimmed.length > bounds.max)
    throw badInput(field, `${fieldWords(field)} must be at most ${bounds.max} characters.`);
  // A lone surrogate (JSON `"\ud800"`) is no character at all; stored, it would silently become U+FFFD.
  if (
    CONTROL.test(trimmed) ||
    LONE_SURROGATE.test(trimmed) ||
    (!bounds.multiline && /[\r\n]/.test(trimmed))
  ) {
    throw badInput(field, `${fieldWords(field)} contains characters that are not allowed.`);
  }
  return trimmed;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const HANDLE = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

/** An organisation's URL-safe short name: lower-case letters, digits and hyphens, 1–40 characters. */
export function slug(field: readonly string[], value: string): string {
  if (!SLUG.test(value)) {
    throw badInput(
      field,
      'A slug has 1–40 lower-case letters, digits or hyphens, and no hyphen at either end.',
    );
  }
  return value;
}

/** A staff login handle: lower-case letters, digits, dots, hyphens and underscores, 1–64 characters. */
export function handle(field: readonly string[], value: string): string {
  if (!HANDLE.test(value)) {
    throw badInput(field, 'A handle has 1–64 lower-case letters, digits, dots, hyphens or underscores.');
  }
  return value;
}

export function integerInRange(field: readonly string[], value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(field, `${fieldWords(field)} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

export function nonEmptyUnique<T>(field: readonly string[], values: readonly T[]): T[] {
  if (values.length === 0) throw badInput(field, `${fieldWords(field)} must not be empty.`);
  return [...new Set(values)];
}

/**
 * An NHS number: ten digits (spaces allowed on input) whose last is the modulus-11 check digit of the first
 * nine (weights 10 to 2). Returns the ten digits.
 */
export function nhsNumber(field: readonly string[], value: string): string {
  const digits = value.replace(/\s+/g, '');
  if (!/^\d{10}$/.test(digits)) throw badInput(field, 'An NHS number has ten digits.');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  const expected = check === 11 ? 0 : check;
  if (expected === 10 || expected !== Number(digits[9])) {
    throw badInput(field, 'That NHS number’s check digit is wrong.');
  }
  return digits;
}

const POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$/;

/** A UK postcode, normalised to upper case with one space before the inward code. */
export function postcode(field: readonly string[], value: string): string {
  const match = POSTCODE.exec(value.trim().toUpperCase().replace(/\s+/g, ' '));
  if (!match) throw badInput(field, 'That is not a UK postcode.');
  return `${match[1]} ${match[2]}`;
}

/**
 * A calendar date `YYYY-MM-DD` that exists, not in the future and not before 1900. `today` is the calendar date now
 * where the date was given (`localDate` of now in the organisation's time zone), not the UTC date.
 */
export function pastDate(field: readonly string[], value: string, today: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value))
    throw badInput(field, `${fieldWords(field)} must be a date like 1990-04-21.`);
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw badInput(field, `${fieldWords(field)} is not a real date.`);
  }
  if (value > today) throw badInput(field, `${fieldWords(field)} cannot be in the future.`);
  if (value < '1900-01-01') throw badInput(field, `${fieldWords(field)} is too far in the past.`);
  return value;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;

export function email(field: readonly string[], value: string): string {
  const trimmed = value.trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed)) throw badInput(field, 'That is not an email address.');
  return trimmed;
}

export function phone(field: readonly string[], value: string): string {
  const trimmed = value.trim();
  if (!/^\+?[\d ()-]{7,20}$/.test(trimmed)) throw badInput(field, 'That is not a phone number.');
  return trimmed;
}

/** Words of a name for search: accents folded, lower case, split on anything but letters. */
export function nameWords(value: string): string[] {
  return [
    ...new Set(
      value
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((word) => word.length >= 2),
    ),
  ];
}

/** A BAD_USER_INPUT error for checks that are not a simple format (cross-field rules). */
export function badInputError(field: readonly string[], message: string) {
  return badInput(field, message);
}
