import { describe, expect, it } from 'vitest';
import { asOrgId, ID_PREFIXES, type IdKind, isIdOf, newId, newOrgId } from './ids';

const BODY = /^[a-z2-7]{26}$/;
const KINDS = Object.keys(ID_PREFIXES) as IdKind[];

describe('newId', () => {
  it.each(KINDS)('makes a %s id of prefix + "_" + 26 base32 characters', (kind) => {
    const id = newId(kind);

    const [prefix, body, ...rest] = id.split('_');

    expect(prefix).toBe(ID_PREFIXES[kind]);
    expect(body).toMatch(BODY);
    expect(rest).toEqual([]);
    expect(id).toHaveLength(ID_PREFIXES[kind].length + 1 + 26);
  });

  it('has a fixed length, so no id of a kind is a prefix of another of that kind', () => {
    const ids = Array.from({ length: 2000 }, () => newId('org'));

    const lengths = new Set(ids.map((id) => id.length));
    const prefixOfAnother = ids.some((id, i) => ids.some((other, j) => i !== j && other.startsWith(id)));

    expect([...lengths]).toEqual(['org_'.length + 26]);
    expect(prefixOfAnother).toBe(false);
  });

  it('does not repeat (128 random bits)', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('staff')));

    expect(ids.size).toBe(10_000);
  });

  it('uses the whole alphabet in the body', () => {
    const seen = new Set(
      Array.from({ length: 500 }, () => newId('subject'))
        .join('')
        .replaceAll(/sub_/g, ''),
    );

    expect([...seen].sort().join('')).toBe('234567abcdefghijklmnopqrstuvwxyz');
  });
});

describe('isIdOf', () => {
  const org = newOrgId();
  const body = org.slice('org_'.length);

  it('accepts ids of the right kind', () => {
    expect(isIdOf('org', org)).toBe(true);
    expect(isIdOf('staff', newId('staff'))).toBe(true);
    expect(isIdOf('serviceUser', newId('serviceUser'))).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['the prefix alone', 'org_'],
    ['another kind', `stf_${body}`],
    ['no underscore', `org${body}`],
    ['a body one short', `org_${body.slice(1)}`],
    ['a body one long', `org_${body}a`],
    ['upper case', `org_${body.toUpperCase()}`],
    ['upper-case prefix', `ORG_${body}`],
    ['a digit outside base32 (0)', `org_0${body.slice(1)}`],
    ['a digit outside base32 (1)', `org_${body.slice(1)}1`],
    ['a digit outside base32 (8)', `org_8${body.slice(1)}`],
    ['a # inside', `org_${body.slice(0, 10)}#${body.slice(11)}`],
    ['a hyphen', `org_${body.slice(1)}-`],
    ['a leading space', ` org_${body.slice(1)}`],
    ['a trailing newline', `org_${body.slice(1)}\n`],
    ['a key prefix', `ORG#org_${body}`],
  ])('refuses %s as an org id', (_label, value) => {
    expect(isIdOf('org', value)).toBe(false);
  });

  it('refuses an id of one kind as another kind', () => {
    const staff = newId('staff');

    expect(isIdOf('org', staff)).toBe(false);
    expect(isIdOf('serviceUser', staff)).toBe(false);
    expect(isIdOf('subject', org)).toBe(false);
  });
});

describe('asOrgId', () => {
  it('returns a well-formed organisation id unchanged', () => {
    const id = newOrgId();

    expect(asOrgId(id)).toBe(id);
  });

  it.each([
    '',
    'org_x',
    'org_acme',
    `stf_${'a'.repeat(26)}`,
    `org_${'a'.repeat(25)}#`,
    `org_${'A'.repeat(26)}`,
  ])('throws a TypeError for %j', (value) => {
    expect(() => asOrgId(value)).toThrow(TypeError);
  });
});
