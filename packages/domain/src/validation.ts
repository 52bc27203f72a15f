import { badInput } from './errors';

// Control characters other than tab, newline and carriage return have no place in any text we keep.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

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
    throw badInput(field, min === 1 ? `${field.at(-1)} must not be empty.` : `${field.at(-1)} is too short.`);
  }
  if (trimmed.length > bounds.max)
    throw badInput(field, `${field.at(-1)} must be at most ${bounds.max} characters.`);
  if (CONTROL.test(trimmed) || (!bounds.multiline && /[\r\n]/.test(trimmed))) {
    throw badInput(field, `${field.at(-1)} contains characters that are not allowed.`);
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
    throw badInput(field, `${field.at(-1)} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

export function nonEmptyUnique<T>(field: readonly string[], values: readonly T[]): T[] {
  if (values.length === 0) throw badInput(field, `${field.at(-1)} must not be empty.`);
  return [...new Set(values)];
}
