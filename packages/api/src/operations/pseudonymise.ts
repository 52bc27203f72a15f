import { validate } from '@confide/domain';

/** What replaces an identifying detail that is not the person's name. */
export const REDACTED = '[redacted]';

/** The person's identifying and contact details, opened server-side only to find them in free text. */
export interface ClientIdentifiers {
  readonly name?: string | undefined;
  readonly dateOfBirth?: string | undefined;
  readonly address?: string | undefined;
  readonly postcode?: string | undefined;
  readonly nhsNumber?: string | undefined;
  readonly phone?: string | undefined;
  readonly email?: string | undefined;
}

const MONTHS = [
  'jan(?:uary)?',
  'feb(?:ruary)?',
  'mar(?:ch)?',
  'apr(?:il)?',
  'may',
  'june?',
  'july?',
  'aug(?:ust)?',
  'sep(?:t(?:ember)?)?',
  'oct(?:ober)?',
  'nov(?:ember)?',
  'dec(?:ember)?',
];

// Any e-mail address, any UK postcode, and any run of 10 to 13 digits (phone and NHS numbers, however
// grouped): these identify someone whoever they belong to, so supervision text never carries them.
const EMAIL = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[a-z]{2,63}/giu;
const POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/giu;
const LONG_NUMBER = /(?:\+|\b)\d(?:[\s-]?\d){9,12}\b/gu;
const WORD = /[\p{L}\p{N}]+/gu;
/**
 * What may separate the words of one name: spaces, hyphens, apostrophes (not sentence punctuation). The typographic
 * apostrophe is written escaped: one non-ASCII character slows the whole bundle's load (infra/test/api-bundle.test.ts).
 */
const NAME_GAP = /^[ \t\u00a0'\u2019-]+$/u;

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fold(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A pattern for a number whatever its grouping: its digits with any spaces, brackets or hyphens between. */
function digitsPattern(digits: string): string {
  // A bracket opened before the first digit goes with the number: "(0113) 496 0000".
  return `\\(?${digits.split('').join('[\\s().-]*')}`;
}

function phonePatterns(phone: string): RegExp[] {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 6) return [];
  // +44 (0)113 …: the bracketed trunk zero is not dialled after the country code.
  const national = digits.startsWith('440')
    ? digits.slice(2)
    : digits.startsWith('44')
      ? `0${digits.slice(2)}`
      : digits;
  const patterns = [digitsPattern(digits), digitsPattern(national)];
  if (national.startsWith('0'))
    patterns.push(`\\+\\s*44[\\s().-]*(?:0[\\s().-]*)?${digitsPattern(national.slice(1))}`);
  return patterns.map((pattern) => new RegExp(pattern, 'gu'));
}

function dateOfBirthPatterns(dateOfBirth: string): RegExp[] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!match) return [];
  const [, year = '', month = '', day = ''] = match;
  const d = `0?${Number(day)}`;
  const m = `0?${Number(month)}`;
  const monthName = MONTHS[Number(month) - 1] ?? '';
  // The year in four digits or two ('80, 80), and the separators people use between the parts.
  const y = `(?:${year}|'?${year.slice(2)})`;
  const sep = '[\\s/.-]+';
  return [
    new RegExp(`\\b${year}-${month}-${day}\\b`, 'gu'),
    new RegExp(`\\b${year}[/.]${m}[/.]${d}\\b`, 'gu'),
    new RegExp(`\\b${d}[/.-]${m}[/.-]${y}\\b`, 'gu'),
    new RegExp(`\\b${d}(?:st|nd|rd|th)?(?:\\s+of)?${sep}${monthName}\\.?,?${sep}${y}\\b`, 'giu'),
    new RegExp(`\\b${monthName}\\.?${sep}${d}(?:st|nd|rd|th)?,?${sep}${y}\\b`, 'giu'),
  ];
}

/** The address, each of its lines, and each line without its house number (a street alone identifies too). */
function addressPatterns(address: string): RegExp[] {
  const parts = new Set<string>([address.trim()]);
  for (const segment of address.split(/[,\n]/)) {
    const trimmed = segment.trim();
    if (trimmed.length >= 3) parts.add(trimmed);
    const street = trimmed.replace(/^(?:flat\s+)?\d+[a-z]?\s+/i, '');
    if (street !== trimmed && street.length >= 3) parts.add(street);
  }
  return [...parts]
    .sort((a, b) => b.length - a.length)
    .map(
      (part) =>
        new RegExp(
          `(?<![\\p{L}\\p{N}])${part.split(/\s+/).map(escapeRegExp).join('\\s+')}(?![\\p{L}\\p{N}])`,
          'giu',
        ),
    );
}

/**
 * Replaces every run of the person's name words (any case, any accents) with the pseudonym. A one-letter part of
 * the name (the O of O'Neill) goes with the run it joins, never alone: "a" or "I" by themselves identify nobody.
 */
function replaceNameWords(text: string, name: string, pseudonym: string): string {
  const words = new Set(validate.nameWords(name));
  if (words.size === 0) return text;
  const letters = new Set(
    fold(name)
      .split(/[^\p{L}\p{N}]+/u)
      .filter((part) => part.length === 1),
  );
  let out = '';
  let cursor = 0;
  let runStart = -1;
  let runEnd = -1;
  let runHasWord = false;
  const endRun = () => {
    if (runStart >= 0 && runHasWord) {
      out += text.slice(cursor, runStart) + pseudonym;
      cursor = runEnd;
    }
    runStart = -1;
  };
  for (const match of text.matchAll(WORD)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const folded = fold(match[0]);
    // A family name in the plural ("the Lovelaces") names the person as much as in the singular.
    const isWord =
      words.has(folded) ||
      (folded.endsWith('s') && words.has(folded.slice(0, -1))) ||
      (folded.endsWith('es') && words.has(folded.slice(0, -2)));
    const isPart = isWord || letters.has(folded);
    if (isPart && runStart >= 0 && NAME_GAP.test(text.slice(runEnd, start))) {
      runEnd = end;
      runHasWord ||= isWord;
      continue;
    }
    endRun();
    if (isPart) {
      runStart = start;
      runEnd = end;
      runHasWord = isWord;
    }
  }
  endRun();
  return out + text.slice(cursor);
}

/**
 * Text fit for supervision (Lets connect 4.2, 4.5): the person's name words become their pseudonym; their
 * date of birth, address, postcode, NHS number, phone and e-mail — and any e-mail address, UK postcode or
 * long number at all — become `[redacted]`. It errs towards removing too much: a note read in supervision
 * needs its context, never who it is about.
 */
export function pseudonymiseText(text: string, identifiers: ClientIdentifiers, pseudonym: string): string {
  const patterns: RegExp[] = [];
  if (identifiers.email) patterns.push(new RegExp(escapeRegExp(identifiers.email.trim()), 'giu'));
  patterns.push(EMAIL);
  if (identifiers.nhsNumber)
    patterns.push(new RegExp(digitsPattern(identifiers.nhsNumber.replace(/\D/g, '')), 'gu'));
  if (identifiers.phone) patterns.push(...phonePatterns(identifiers.phone));
  if (identifiers.dateOfBirth) patterns.push(...dateOfBirthPatterns(identifiers.dateOfBirth));
  if (identifiers.postcode) {
    const compact = identifiers.postcode.replace(/\s+/g, '');
    patterns.push(new RegExp(compact.split('').map(escapeRegExp).join('\\s*'), 'giu'));
  }
  patterns.push(POSTCODE, LONG_NUMBER);
  if (identifiers.address) patterns.push(...addressPatterns(identifiers.address));
  let redacted = text;
  for (const pattern of patterns) redacted = redacted.replace(pattern, REDACTED);
  return identifiers.name ? replaceNameWords(redacted, identifiers.name, pseudonym) : redacted;
}
