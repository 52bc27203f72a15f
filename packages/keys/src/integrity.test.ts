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
});
