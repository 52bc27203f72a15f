import { randomBytes } from 'node:crypto';
import { newOrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { CiphertextIntegrityError } from './errors';
import { decryptField, encryptField, type FieldLocation } from './field-cipher';
import type { SubjectKey } from './key-hierarchy';

const HEADER_BYTES = 3;
const GCM_OVERHEAD = 12 + 16;

function subjectKey(overrides: Partial<SubjectKey> = {}): SubjectKey {
  return {
    orgId: overrides.orgId ?? newOrgId(),
    subjectId: overrides.subjectId ?? 'stf_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    version: overrides.version ?? 1,
    material: overrides.material ?? randomBytes(32),
  };
}

function locationIn(key: SubjectKey, field = 'displayName', entity = 'STAFF#stf_1'): FieldLocation {
  return { itemKey: `ORG#${key.orgId}#${entity}|PROFILE`, field };
}

describe('encryptField / decryptField', () => {
  it.each([
    ['plain text', 'Jo Bloggs'],
    ['unicode (accents, CJK, emoji, RTL)', 'Zoë Łukasiewicz 山田太郎 👩🏽‍⚕️ مرحبا'],
    ['an empty string', ''],
    ['a 1 MB value', 'x'.repeat(1024 * 1024)],
  ])('round-trips %s', (_label, value) => {
    const key = subjectKey();
    const location = locationIn(key);

    const sealed = encryptField(key, location, value);
    const opened = decryptField(key, location, sealed);

    expect(opened).toBe(value);
    expect(sealed.length).toBe(HEADER_BYTES + GCM_OVERHEAD + Buffer.byteLength(value, 'utf8'));
  });

  it('writes the format byte and the key version in the header', () => {
    const key = subjectKey({ version: 513 });

    const sealed = Buffer.from(encryptField(key, locationIn(key), 'Jo'));

    expect(sealed.readUInt8(0)).toBe(1);
    expect(sealed.readUInt16BE(1)).toBe(513);
  });

  it('gives two different ciphertexts for the same value (random IV), both of which open', () => {
    const key = subjectKey();
    const location = locationIn(key);

    const first = Buffer.from(encryptField(key, location, 'Jo Bloggs'));
    const second = Buffer.from(encryptField(key, location, 'Jo Bloggs'));

    expect(first.equals(second)).toBe(false);
    expect(decryptField(key, location, first)).toBe('Jo Bloggs');
    expect(decryptField(key, location, second)).toBe('Jo Bloggs');
  });

  it('never contains the plaintext', () => {
    const key = subjectKey();

    const sealed = Buffer.from(encryptField(key, locationIn(key), 'Unmistakable Plaintext Name'));

    expect(sealed.includes(Buffer.from('Unmistakable'))).toBe(false);
  });
});

describe('a ciphertext moved away from where it was sealed', () => {
  const key = subjectKey();
  const home = locationIn(key);
  const sealed = encryptField(key, home, 'Jo Bloggs');

  const cases: [string, SubjectKey, FieldLocation][] = [
    ['into another field of the same item', key, { ...home, field: 'legalName' }],
    ['into the same field of another item', key, locationIn(key, 'displayName', 'STAFF#stf_2')],
    ['into another item kind', key, locationIn(key, 'displayName', 'CLIENT#su_1')],
    [
      'to another sort key of the same partition',
      key,
      { ...home, itemKey: home.itemKey.replace('PROFILE', 'NOTE') },
    ],
    ['to another organisation (same key material, other orgId)', { ...key, orgId: newOrgId() }, home],
    ['to another organisation’s key', subjectKey(), home],
    ['under another subject key of the same organisation', subjectKey({ orgId: key.orgId }), home],
    ['under the same material with another key version', { ...key, version: 2 }, home],
  ];

  it.each(cases)('fails %s with CiphertextIntegrityError', (_label, otherKey, otherLocation) => {
    expect(() => decryptField(otherKey, otherLocation, sealed)).toThrow(CiphertextIntegrityError);
  });

  it('fails when the header is rewritten to claim another key version (the version is bound in the AAD)', () => {
    const relabelled = Buffer.from(sealed);
    relabelled.writeUInt16BE(2, 1);

    expect(() => decryptField({ ...key, version: 2 }, home, relabelled)).toThrow(CiphertextIntegrityError);
  });

  it('still opens where it was sealed (the cases above fail for the move, not for the value)', () => {
    expect(decryptField(key, home, sealed)).toBe('Jo Bloggs');
  });
});

describe('a tampered ciphertext', () => {
  const key = subjectKey();
  const location = locationIn(key);
  const sealed = Buffer.from(encryptField(key, location, 'Jo Bloggs'));

  it('fails with CiphertextIntegrityError whichever byte is flipped', () => {
    const outcomes = new Set<string>();

    for (let index = 0; index < sealed.length; index++) {
      const tampered = Buffer.from(sealed);
      tampered[index] = (tampered[index] ?? 0) ^ 0x80;
      try {
        decryptField(key, location, tampered);
        outcomes.add(`opened with byte ${index} flipped`);
      } catch (error) {
        outcomes.add(error instanceof CiphertextIntegrityError ? 'refused' : `other error at ${index}`);
      }
    }

    expect([...outcomes]).toEqual(['refused']);
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['header only', sealed.subarray(0, HEADER_BYTES)],
    ['one byte short', sealed.subarray(0, sealed.length - 1)],
    ['with a byte appended', Buffer.concat([sealed, Buffer.from([0])])],
    ['of an unknown format', Buffer.concat([Buffer.from([2]), sealed.subarray(1)])],
  ])('fails with CiphertextIntegrityError when %s', (_label, bytes) => {
    expect(() => decryptField(key, location, bytes)).toThrow(CiphertextIntegrityError);
  });
});

describe('a field bound to its item’s access metadata', () => {
  const key = subjectKey();
  const binding = ['note', 'MEDICAL', 'sealed', '["stf_1"]', 'withheld:false', 2];
  const bound = { ...locationIn(key, 'body', 'CLIENT#su_1'), binding };
  const sealed = encryptField(key, bound, 'Started antiretroviral therapy.');

  it('opens with the very metadata it was sealed with', () => {
    expect(decryptField(key, bound, sealed)).toBe('Started antiretroviral therapy.');
  });

  it.each([
    ['another kind', ['note', 'DAILY_SUPPORT', 'sealed', '["stf_1"]', 'withheld:false', 2]],
    ['unsealed', ['note', 'MEDICAL', 'open', '[]', 'withheld:false', 2]],
    ['an older version', ['note', 'MEDICAL', 'sealed', '["stf_1"]', 'withheld:false', 1]],
    ['one part moved into the next', ['note', 'MEDICAL', 'sealed["stf_1"]', '', 'withheld:false', 2]],
  ])('fails with CiphertextIntegrityError under %s', (_label, other) => {
    expect(() => decryptField(key, { ...bound, binding: other }, sealed)).toThrow(CiphertextIntegrityError);
  });

  it('fails unbound, and an unbound ciphertext fails bound (no downgrade either way)', () => {
    expect(() => decryptField(key, { ...bound, binding: undefined }, sealed)).toThrow(
      CiphertextIntegrityError,
    );
    const unbound = encryptField(key, { ...bound, binding: undefined }, 'x');
    expect(() => decryptField(key, bound, unbound)).toThrow(CiphertextIntegrityError);
  });
});
