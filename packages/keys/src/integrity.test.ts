import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { integrityKeyFrom, integrityMac, verifyIntegrityMac } from './integrity';

describe('integrity MACs', () => {
  const key = integrityKeyFrom(randomBytes(32), 'org_a');

  it('verifies what it made and nothing else', () => {
    const mac = integrityMac(key, ['confide.test.v1', 'su_1', 'SCHEDULED', 100]);
    expect(verifyIntegrityMac(key, ['confide.test.v1', 'su_1', 'SCHEDULED', 100], mac)).toBe(true);
    expect(verifyIntegrityMac(key, ['confide.test.v1', 'su_1', 'SCHEDULED', 99], mac)).toBe(false);
    expect(verifyIntegrityMac(key, ['confide.test.v1', 'su_1S', 'CHEDULED', 100], mac)).toBe(false);
    expect(verifyIntegrityMac(key, ['confide.test.v1', 'su_1', 'SCHEDULED', 100], undefined)).toBe(false);
    expect(verifyIntegrityMac(key, ['confide.test.v1', 'su_1', 'SCHEDULED', 100], 'short')).toBe(false);
  });

  it('differs between organisations holding the same beacon key material', () => {
    const material = randomBytes(32);
    const parts = ['confide.test.v1', 'x'];
    const mac = integrityMac(integrityKeyFrom(material, 'org_a'), parts);
    expect(verifyIntegrityMac(integrityKeyFrom(material, 'org_b'), parts, mac)).toBe(false);
  });

  it('remembers only what it found genuine, under that key and for exactly those parts and that MAC (decision 0133)', () => {
    // Prepare: a genuine MAC, checked once so that it is remembered.
    const parts = ['confide.test.v1', 'su_2', 'ACTIVE', 3];
    const mac = integrityMac(key, parts);
    expect(verifyIntegrityMac(key, parts, mac)).toBe(true);
    const otherKey = integrityKeyFrom(randomBytes(32), 'org_a');
    const sameBytesOtherObject = Buffer.from(key);

    // Act and assess: the same check again holds; nothing near it does.
    expect(verifyIntegrityMac(key, parts, mac)).toBe(true);
    expect(verifyIntegrityMac(key, ['confide.test.v1', 'su_2', 'ACTIVE', 2], mac)).toBe(false);
    // A number is encoded as its text, by the MAC itself as by what is remembered.
    expect(verifyIntegrityMac(key, ['confide.test.v1', 'su_2', 'ACTIVE', '3'], mac)).toBe(true);
    expect(verifyIntegrityMac(key, ['confide.test.v1', 'su_2A', 'CTIVE', 3], mac)).toBe(false);
    expect(
      verifyIntegrityMac(key, parts, `${mac.slice(0, 20)}${mac[20] === 'A' ? 'B' : 'A'}${mac.slice(21)}`),
    ).toBe(false);
    expect(verifyIntegrityMac(otherKey, parts, mac)).toBe(false);
    // The same key material in another object is checked afresh, and holds.
    expect(verifyIntegrityMac(sameBytesOtherObject, parts, mac)).toBe(true);
  });

  it('answers a MAC that failed with false every time, after its genuine twin was remembered', () => {
    const parts = ['confide.test.v1', 'su_3'];
    const genuine = integrityMac(key, parts);
    const forged = integrityMac(integrityKeyFrom(randomBytes(32), 'org_a'), parts);
    expect(verifyIntegrityMac(key, parts, genuine)).toBe(true);
    for (let attempt = 0; attempt < 3; attempt++) expect(verifyIntegrityMac(key, parts, forged)).toBe(false);
  });

  it('refuses a MAC text that is not its canonical form, so that no stored text can steer what is remembered', () => {
    // Prepare: a genuine MAC with text after a padding mark, which a lenient base64url decoder would read as the MAC.
    const genuineParts = ['confide.test.v1', 'su_4', 'SCHEDULED', 'at'];
    const mac = integrityMac(key, genuineParts);
    const forgedParts = ['confide.test.v1', 'su_5', 'SCHEDULED', 'at'];
    const steering = `${mac}=|${Buffer.from('x').toString('latin1')}`;

    // Act and assess: neither the padded nor the decorated text passes, before or after the genuine one did.
    expect(verifyIntegrityMac(key, genuineParts, `${mac}=`)).toBe(false);
    expect(verifyIntegrityMac(key, genuineParts, steering)).toBe(false);
    expect(verifyIntegrityMac(key, genuineParts, mac)).toBe(true);
    expect(verifyIntegrityMac(key, forgedParts, `${mac}=`)).toBe(false);
    expect(verifyIntegrityMac(key, genuineParts, ` ${mac}`)).toBe(false);
    // The last character's two low bits carry nothing: the text with them set decodes to the same bytes, and fails.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const lowBitsSet = `${mac.slice(0, -1)}${alphabet[alphabet.indexOf(mac.at(-1) ?? 'A') + 1]}`;
    expect(Buffer.from(lowBitsSet, 'base64url')).toEqual(Buffer.from(mac, 'base64url'));
    expect(verifyIntegrityMac(key, genuineParts, lowBitsSet)).toBe(false);
  });

  it('does not let a remembered success answer for other parts through a MAC text holding its separator', () => {
    // Prepare: the attack on the memory as a raw write could mount it. The genuine item's MAC text is stored with `=|`
    // and the start of the forged parts' encoding after it; the forged item ends with `|` and the genuine encoding.
    const genuineParts = ['confide.test.v1', 'su_6', 'SCHEDULED', 'a'];
    const mac = integrityMac(key, genuineParts);
    const forgedLead = ['confide.test.v1', 'su_7', 'SCHEDULED'];
    const encode = (parts: readonly string[]) =>
      Buffer.concat(
        parts.map((part) => {
          const bytes = Buffer.from(part, 'utf8');
          const length = Buffer.alloc(4);
          length.writeUInt32BE(bytes.length);
          return Buffer.concat([length, bytes]);
        }),
      );
    const genuineEncoding = encode(genuineParts).toString('latin1');
    const lastPart = `z|${genuineEncoding}`;
    const forgedParts = [...forgedLead, lastPart];
    const forgedEncoding = encode(forgedParts).toString('latin1');
    // The forged encoding minus its trailing `z|<genuine encoding>` is what the steering MAC text carries.
    const steeringTail = forgedEncoding.slice(0, forgedEncoding.length - genuineEncoding.length - 1);

    // Act
    verifyIntegrityMac(key, genuineParts, `${mac}=|${steeringTail}`);
    const forged = verifyIntegrityMac(key, forgedParts, `${mac}=`);

    // Assess
    expect(forged).toBe(false);
  });
});
