import { describe, expect, it } from 'vitest';
import { ConfideError, ErrorCode } from './errors';
import { fieldWords, handle, integerInRange, nonEmptyUnique, pastDate, slug, text } from './validation';

const FIELD = ['input', 'displayName'] as const;

/** The error a validator throws, so its code and path can be asserted. */
function refusal(check: () => unknown): ConfideError {
  try {
    check();
  } catch (error) {
    if (error instanceof ConfideError) return error;
    throw error;
  }
  throw new Error('Expected the value to be refused.');
}

describe('text', () => {
  it('trims and accepts text within bounds', () => {
    expect(text(FIELD, '  Jo Bloggs \t', { max: 200 })).toBe('Jo Bloggs');
    expect(text(FIELD, 'Zoë 山田 👋', { max: 200 })).toBe('Zoë 山田 👋');
    expect(text(FIELD, '<b>markup is data</b>', { max: 200 })).toBe('<b>markup is data</b>');
  });

  it('accepts exactly max characters and refuses max + 1, with BAD_USER_INPUT and the field path', () => {
    const atMax = text(FIELD, 'x'.repeat(200), { max: 200 });

    const error = refusal(() => text(FIELD, 'x'.repeat(201), { max: 200 }));

    expect(atMax).toHaveLength(200);
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.field).toEqual(FIELD);
    expect(error.message).toBe('Display name must be at most 200 characters.');
  });

  it('measures the length after trimming', () => {
    expect(text(FIELD, `  ${'x'.repeat(10)}  `, { max: 10 })).toHaveLength(10);
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['only whitespace and newlines', ' \n\t\r\n '],
  ])('refuses %s text as empty', (_label, value) => {
    const error = refusal(() => text(FIELD, value, { max: 200 }));

    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.message).toBe('Display name must not be empty.');
  });

  it('refuses text below a minimum above one, as too short', () => {
    const error = refusal(() => text(FIELD, 'ab', { min: 3, max: 200 }));

    expect(error.message).toBe('Display name is too short.');
    expect(text(FIELD, 'abc', { min: 3, max: 200 })).toBe('abc');
  });

  it.each([
    ['a null byte', 'Nul\u0000byte'],
    ['a null byte at the end', 'Name\u0000'],
    ['bell', 'a\u0007b'],
    ['backspace', 'a\u0008b'],
    ['vertical tab', 'a\u000Bb'],
    ['form feed', 'a\u000Cb'],
    ['escape (terminal sequences)', 'a\u001B[31mred'],
    ['unit separator', 'a\u001Fb'],
    ['delete', 'a\u007Fb'],
    ['a C1 control (NEL, a line break)', 'a\u0085b'],
    ['a C1 control (CSI, terminal sequences)', 'a\u009B31mred'],
  ])('refuses %s, even in multiline text', (_label, value) => {
    const single = refusal(() => text(FIELD, value, { max: 200 }));
    const multi = refusal(() => text(FIELD, value, { max: 200, multiline: true }));

    expect(single.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(multi.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(single.message).toBe('Display name contains characters that are not allowed.');
  });

  it.each([
    ['a newline', 'line one\nline two'],
    ['a carriage return', 'line one\rline two'],
    ['CRLF', 'line one\r\nline two'],
  ])('refuses %s unless the field is multiline', (_label, value) => {
    const error = refusal(() => text(FIELD, value, { max: 200 }));

    const multiline = text(FIELD, value, { max: 200, multiline: true });

    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(multiline).toBe(value);
  });

  it('accepts a tab inside single-line text', () => {
    expect(text(FIELD, 'a\tb', { max: 200 })).toBe('a\tb');
  });
});

describe('slug', () => {
  it.each(['a', '7', 'acme', 'acme-care', 'a-b-c', 'st-mungos-2026', 'x'.repeat(40)])(
    'accepts %j',
    (value) => {
      expect(slug(['input', 'slug'], value)).toBe(value);
    },
  );

  it.each([
    ['empty', ''],
    ['41 characters', 'x'.repeat(41)],
    ['upper case', 'Acme'],
    ['a leading hyphen', '-acme'],
    ['a trailing hyphen', 'acme-'],
    ['a hyphen alone', '-'],
    ['an underscore', 'acme_care'],
    ['a dot', 'acme.care'],
    ['a space', 'acme care'],
    ['a #', 'acme#care'],
    ['a *', 'acme*'],
    ['a slash', 'acme/care'],
    ['a trailing newline', 'acme\n'],
    ['a non-ASCII letter', 'zoë'],
  ])('refuses %s with BAD_USER_INPUT on the field', (_label, value) => {
    const error = refusal(() => slug(['input', 'slug'], value));

    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.field).toEqual(['input', 'slug']);
  });
});

describe('handle', () => {
  it.each(['a', 'admin', 'jo.bloggs', 'jo_bloggs', 'jo-bloggs', 'j.o_b-1', 'x'.repeat(64)])(
    'accepts %j',
    (value) => {
      expect(handle(['input', 'handle'], value)).toBe(value);
    },
  );

  it.each([
    ['empty', ''],
    ['65 characters', 'x'.repeat(65)],
    ['upper case', 'Jo.Bloggs'],
    ['a leading dot', '.jo'],
    ['a trailing dot', 'jo.'],
    ['a leading underscore', '_jo'],
    ['a trailing hyphen', 'jo-'],
    ['a space', 'jo bloggs'],
    ['an @', 'jo@example.org'],
    ['a #', 'jo#1'],
    ['a trailing newline', 'jo\n'],
    ['a null byte', 'jo\u0000'],
    ['a non-ASCII letter', 'zoë'],
  ])('refuses %s with BAD_USER_INPUT on the field', (_label, value) => {
    const error = refusal(() => handle(['input', 'handle'], value));

    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.field).toEqual(['input', 'handle']);
  });
});

describe('integerInRange and nonEmptyUnique', () => {
  it('accepts whole numbers within the bounds, inclusive', () => {
    expect([7, 30].map((days) => integerInRange(['input', 'days'], days, 7, 30))).toEqual([7, 30]);
  });

  it.each([6, 31, 7.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s for 7..30', (value) => {
    const error = refusal(() => integerInRange(['input', 'pendingWindowInDays'], value, 7, 30));

    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.field).toEqual(['input', 'pendingWindowInDays']);
    expect(error.message).toBe('Pending window in days must be a whole number from 7 to 30.');
  });

  it('removes duplicates in order and refuses an empty list', () => {
    const unique = nonEmptyUnique(['input', 'roles'], ['A', 'B', 'A']);

    const error = refusal(() => nonEmptyUnique(['input', 'roles'], []));

    expect(unique).toEqual(['A', 'B']);
    expect(error.field).toEqual(['input', 'roles']);
    expect(error.message).toBe('Roles must not be empty.');
  });
});

describe('pastDate', () => {
  const FIELD_ON = ['input', 'receivedOn'] as const;

  it('accepts the day given as today and any earlier day from 1900', () => {
    expect(pastDate(FIELD_ON, '2026-07-15', '2026-07-15')).toBe('2026-07-15');
    expect(pastDate(FIELD_ON, '1900-01-01', '2026-07-15')).toBe('1900-01-01');
  });

  it.each([
    ['the day after today', '2026-07-16', 'Received on cannot be in the future.'],
    ['a day that does not exist', '2026-02-30', 'Received on is not a real date.'],
    ['another format', '15/07/2026', 'Received on must be a date like 1990-04-21.'],
    ['a day before 1900', '1899-12-31', 'Received on is too far in the past.'],
  ])('refuses %s with BAD_USER_INPUT on the field', (_label, value, message) => {
    const error = refusal(() => pastDate(FIELD_ON, value, '2026-07-15'));

    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.field).toEqual(FIELD_ON);
    expect(error.message).toBe(message);
  });
});

describe('fieldWords', () => {
  it.each([
    [['input', 'nature'], 'Nature'],
    [['input', 'reasonNotInformed'], 'Reason not informed'],
    [['input', 'workingDays'], 'Working days'],
    [['receivedOn'], 'Received on'],
    [['input', 'firstAdmin', 'displayName'], 'Display name'],
    [['input', 'categories', '2'], 'Categories'],
    [['input', 'investigationId'], 'Investigation ID'],
    [['input', 'itemIds'], 'Item IDs'],
    [['input', 'identityCheck'], 'Identity check'],
    [['Query', 'searchServiceUsers', 'name', '', ''], 'Name'],
  ])('names %j as people say it: %j', (field, words) => {
    expect(fieldWords(field)).toBe(words);
  });

  it('keeps the field path on the error for clients to match', () => {
    const error = refusal(() => text(['input', 'reasonNotInformed'], ' ', { max: 2000 }));

    expect(error.field).toEqual(['input', 'reasonNotInformed']);
    expect(error.message).toBe('Reason not informed must not be empty.');
  });
});
