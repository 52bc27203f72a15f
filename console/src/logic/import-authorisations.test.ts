import { describe, expect, it } from 'vitest';
import {
  grantorWords,
  IMPORT_AUTHORISATION_CHOICES,
  IMPORT_AUTHORISATION_MINUTES,
  importAuthorisationIdOf,
  lifetimeMinutes,
  lifetimeWords,
  mayWithdrawImportAuthorisation,
} from './import-authorisations';

const ID = 'ima_abcdefghijklmnopqrstuvwxyz';
/** An id body with the digits of the alphabet in it. */
const WITH_DIGITS = 'a2b3c4d5e6f7g2h3i4j5k6l7m2';

describe('how long an import authorisation lasts', () => {
  it('offers only lifetimes the API accepts, the API’s default among them', () => {
    for (const minutes of IMPORT_AUTHORISATION_CHOICES) {
      expect(minutes).toBeGreaterThanOrEqual(IMPORT_AUTHORISATION_MINUTES.min);
      expect(minutes).toBeLessThanOrEqual(IMPORT_AUTHORISATION_MINUTES.max);
    }
    expect(IMPORT_AUTHORISATION_CHOICES).toContain(IMPORT_AUTHORISATION_MINUTES.default);
    expect(IMPORT_AUTHORISATION_MINUTES.default).toBe(240);
    expect([...IMPORT_AUTHORISATION_CHOICES].sort((a, b) => a - b)).toEqual(IMPORT_AUTHORISATION_CHOICES);
  });

  it.each([
    [1, '1 minute'],
    [5, '5 minutes'],
    [15, '15 minutes'],
    [60, '1 hour'],
    [90, '1 hour 30 minutes'],
    [121, '2 hours 1 minute'],
    [240, '4 hours'],
    [1440, '24 hours'],
    [239.6, '4 hours'],
  ])('%d minutes read “%s”', (minutes, words) => {
    expect(lifetimeWords(minutes)).toBe(words);
  });

  it('is the whole minutes from when it was given to when it ends', () => {
    expect(
      lifetimeMinutes({ grantedAt: '2026-12-07T19:15:39.120Z', expiresAt: '2026-12-07T23:15:39.120Z' }),
    ).toBe(240);
    expect(
      lifetimeMinutes({ grantedAt: '2026-12-07T23:50:00.000Z', expiresAt: '2026-12-08T00:20:00.000Z' }),
    ).toBe(30);
  });
});

describe('an authorisation id pasted to withdraw it', () => {
  it.each([
    [ID, ID],
    [`  ${ID}\n`, ID],
    [`“${ID}”`, ID],
    [`"${ID}"`, ID],
    [`\`${ID}\``, ID],
    [`ima_${WITH_DIGITS}`, `ima_${WITH_DIGITS}`],
  ])('%j is the id %s', (text, id) => {
    expect(importAuthorisationIdOf(text)).toBe(id);
  });

  it.each([
    [''],
    ['ima_'],
    [ID.toUpperCase()],
    [`${ID}a`],
    [ID.slice(0, -1)],
    ['ima_abcdefghijklmnopqrstuvwx18'],
    [`srv_${WITH_DIGITS}`],
    ['Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig'],
    [`the id is ${ID}`],
  ])('%j is no id', (text) => {
    expect(importAuthorisationIdOf(text)).toBeUndefined();
  });
});

describe('an authorisation listed for a service', () => {
  const ME = 'U3RhZmZNZW1iZXI6c3RmX21l';
  const COLLEAGUE = 'U3RhZmZNZW1iZXI6c3RmX2NvbGxlYWd1ZQ==';
  const FORMER = 'U3RhZmZNZW1iZXI6c3RmX2Zvcm1lcg==';
  const managers = [
    { id: ME, displayName: 'Mo Manager' },
    { id: COLLEAGUE, displayName: 'Cal Colleague' },
  ];

  it.each([
    ['the caller’s own', ME, 'You'],
    ['a colleague’s, by their name', COLLEAGUE, 'Cal Colleague'],
    ['one whose grantor no longer manages the service', FORMER, 'Someone who no longer manages the service'],
  ])('%s is given by “%s”', (_what, grantedBy, words) => {
    expect(grantorWords({ grantedBy }, ME, managers)).toBe(words);
  });

  it('says so when a manager’s name cannot be read, and names nobody as the caller when the caller is unknown', () => {
    expect(grantorWords({ grantedBy: COLLEAGUE }, ME, [{ id: COLLEAGUE, displayName: null }])).toBe(
      'Another manager of the service (name not readable)',
    );
    expect(grantorWords({ grantedBy: ME }, undefined, managers)).toBe('Mo Manager');
  });

  it.each([
    ['their own, standing: yes', { id: ID, grantedBy: ME, withdrawnAt: null }, ME, true],
    ['their own, its withdrawal not asked for: yes', { id: ID, grantedBy: ME }, ME, true],
    [
      'their own, withdrawn: no',
      { id: ID, grantedBy: ME, withdrawnAt: '2026-12-07T19:15:39.120Z' },
      ME,
      false,
    ],
    [
      'a colleague’s: no (only its grantor withdraws it)',
      { id: ID, grantedBy: COLLEAGUE, withdrawnAt: null },
      ME,
      false,
    ],
    ['any, when the caller is unknown: no', { id: ID, grantedBy: ME, withdrawnAt: null }, undefined, false],
  ])('whether the caller may withdraw %s', (_what, authorisation, viewer, may) => {
    expect(mayWithdrawImportAuthorisation(authorisation, viewer)).toBe(may);
  });
});
