import { describe, expect, it } from 'vitest';
import { type ClientIdentifiers, pseudonymiseText, REDACTED } from './pseudonymise';

const ADA: ClientIdentifiers = {
  name: 'Ada Lovelace-Canary',
  dateOfBirth: '1980-12-10',
  address: '12 Analytical Row, Leeds',
  postcode: 'LS1 4AB',
  nhsNumber: '9434765919',
  phone: '07700 900123',
  email: 'ada@example.org',
};
const PSEUDONYM = 'Client QX7P';

describe('pseudonymiseText', () => {
  it.each([
    ['Ada went to the shops.', 'Client QX7P went to the shops.'],
    ['Saw ada lovelace-canary today.', 'Saw Client QX7P today.'],
    ['ADA LOVELACE CANARY signed.', 'Client QX7P signed.'],
    ["Ada's sister called.", "Client QX7P's sister called."],
    ['Spoke to Adá. Lovelace was out.', 'Spoke to Client QX7P. Client QX7P was out.'],
    ['Call 07700 900123 or 07700900123.', `Call ${REDACTED} or ${REDACTED}.`],
    ['Call +44 7700 900 123.', `Call ${REDACTED}.`],
    ['Mail ada@example.org or ADA@EXAMPLE.ORG.', `Mail ${REDACTED} or ${REDACTED}.`],
    ['Lives near LS1 4AB and ls14ab.', `Lives near ${REDACTED} and ${REDACTED}.`],
    ['NHS 943 476 5919.', `NHS ${REDACTED}.`],
    [
      'Born 10/12/1980, i.e. 1980-12-10, or 10th December 1980.',
      `Born ${REDACTED}, i.e. ${REDACTED}, or ${REDACTED}.`,
    ],
    [
      'Visited 12 Analytical Row; the Analytical Row flat is cold.',
      `Visited ${REDACTED}; the ${REDACTED} flat is cold.`,
    ],
    [
      'Her friend (bob@example.com, 0113 496 0000) in M1 1AE.',
      `Her friend (${REDACTED}, ${REDACTED}) in ${REDACTED}.`,
    ],
    // The date of birth in the other ways people write it.
    [
      'DOB 10-Dec-1980, 10 Dec 80, 1980/12/10, Dec 10th 80.',
      `DOB ${REDACTED}, ${REDACTED}, ${REDACTED}, ${REDACTED}.`,
    ],
    // The family name in the plural and the possessive plural.
    ['Visited the Lovelaces and the Canarys’ house.', 'Visited the Client QX7P and the Client QX7P’ house.'],
  ])('%s', (text, expected) => {
    expect(pseudonymiseText(text, ADA, PSEUDONYM)).toBe(expected);
  });

  it('keeps context that identifies nobody', () => {
    const text = 'Took 2 tablets at 10:30 on 05/03/2025; budget £1,250.50 agreed with the team.';

    expect(pseudonymiseText(text, ADA, PSEUDONYM)).toBe(text);
  });

  it('joins the words of a name across an apostrophe, typed or typographic', () => {
    const siobhan = { name: "Siobhan O'Neill" };

    expect(pseudonymiseText("Siobhan O'Neill called.", siobhan, PSEUDONYM)).toBe('Client QX7P called.');
    expect(pseudonymiseText('Siobhan O\u2019Neill called.', siobhan, PSEUDONYM)).toBe('Client QX7P called.');
    expect(pseudonymiseText("Spoke to O'Neill. O was the letter.", siobhan, PSEUDONYM)).toBe(
      'Spoke to Client QX7P. O was the letter.',
    );
  });

  it('copes with a person who has few details recorded', () => {
    expect(pseudonymiseText('Ada is well.', { name: 'Ada' }, PSEUDONYM)).toBe('Client QX7P is well.');
    expect(pseudonymiseText('All well.', {}, PSEUDONYM)).toBe('All well.');
  });
});

describe('pseudonymiseText with a phone number stored with its trunk prefix in brackets', () => {
  it('redacts the number however the note writes it', () => {
    const stored = { ...ADA, phone: '+44 (0)113 496 0000' };
    expect(pseudonymiseText('Call (0113) 4960000 or 0113 496 0000.', stored, PSEUDONYM)).toBe(
      `Call ${REDACTED} or ${REDACTED}.`,
    );
  });
});
