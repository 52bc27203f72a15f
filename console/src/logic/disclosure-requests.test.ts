import { describe, expect, it } from 'vitest';
import { disclosureRequests, personToldWords, redactionPhrases } from './disclosure-requests';

const entry = (requestId: string, sequence: number, kind: string, urgent?: boolean) => ({
  requestId,
  sequence,
  kind,
  ...(urgent === undefined ? {} : { urgent }),
});

describe('a person’s disclosure register gathered by request', () => {
  it('keeps the register’s order of requests, sorts each history by sequence and finds its opening', () => {
    const [b, a] = disclosureRequests([
      entry('b', 2, 'APPROVED'),
      entry('a', 1, 'RECEIVED', false),
      entry('b', 1, 'RECEIVED', false),
    ]);
    expect(b?.requestId).toBe('b');
    expect(b?.entries.map(({ kind }) => kind)).toEqual(['RECEIVED', 'APPROVED']);
    expect(b?.opening?.kind).toBe('RECEIVED');
    expect(a?.requestId).toBe('a');
  });

  it.each([
    [['RECEIVED'], 'AWAITING_DECISION', true, false],
    [['RECEIVED', 'ESCALATED'], 'ESCALATED', true, false],
    [['RECEIVED', 'APPROVED'], 'APPROVED', true, true],
    [['RECEIVED', 'ESCALATED', 'APPROVED'], 'APPROVED', true, true],
    [['RECEIVED', 'APPROVED', 'CORRECTION'], 'APPROVED', true, true],
    [['RECEIVED', 'REFUSED'], 'REFUSED', false, false],
    [['RECEIVED', 'APPROVED', 'RELEASED'], 'RELEASED', false, false],
    [['EXCEPTIONAL_DISCLOSURE'], 'EXCEPTIONAL_DISCLOSURE', false, false],
    [['EXCEPTIONAL_DISCLOSURE', 'CORRECTION'], 'EXCEPTIONAL_DISCLOSURE', false, false],
  ])('%j stands at %s (urgency changeable %s, releasable %s)', (kinds, stage, changeable, releasable) => {
    const [request] = disclosureRequests(kinds.map((kind, index) => entry('r', index + 1, kind)));
    expect(request).toMatchObject({ stage, urgencyChangeable: changeable, releasable });
  });

  it('is urgent as received unless the latest URGENCY_CHANGED says otherwise', () => {
    const urgency = (entries: ReturnType<typeof entry>[]) => disclosureRequests(entries)[0]?.urgent;
    expect(urgency([entry('r', 1, 'RECEIVED', true)])).toBe(true);
    expect(urgency([entry('r', 1, 'RECEIVED', false)])).toBe(false);
    expect(urgency([entry('r', 2, 'URGENCY_CHANGED', false), entry('r', 1, 'RECEIVED', true)])).toBe(false);
    expect(
      urgency([
        entry('r', 1, 'RECEIVED', false),
        entry('r', 2, 'URGENCY_CHANGED', true),
        entry('r', 3, 'URGENCY_CHANGED', false),
        entry('r', 4, 'URGENCY_CHANGED', true),
      ]),
    ).toBe(true);
  });

  it('leaves out entries with no request id (none the API gives, but a null field is possible)', () => {
    expect(disclosureRequests([{ requestId: null, sequence: 1, kind: 'RECEIVED' }])).toEqual([]);
  });
});

describe('an exceptional disclosure the person was told of later (decision 0145)', () => {
  const disclosed = (clientInformed: boolean | null) => ({
    requestId: 'r',
    sequence: 1,
    kind: 'EXCEPTIONAL_DISCLOSURE',
    clientInformed,
  });
  const told = {
    requestId: 'r',
    sequence: 3,
    kind: 'CLIENT_INFORMED',
    clientInformed: true,
    toldOn: '2026-12-07',
  };
  const correction = { requestId: 'r', sequence: 2, kind: 'CORRECTION' };

  it.each([
    ['told when recorded', [disclosed(true)], false, undefined],
    ['not told, not since', [disclosed(false), correction], true, undefined],
    ['not told, told since', [told, disclosed(false), correction], false, told],
    ['not readable whether told', [disclosed(null)], false, undefined],
  ])('%s: telling them can be recorded %s', (_, entries, tellable, toldLater) => {
    expect(disclosureRequests(entries)[0]).toMatchObject({ tellable, toldLater });
  });

  it('finds no telling on a request received, nor offers to record one', () => {
    const [request] = disclosureRequests([
      { requestId: 'r', sequence: 1, kind: 'RECEIVED', clientInformed: false },
      { requestId: 'r', sequence: 2, kind: 'CLIENT_INFORMED', toldOn: '2026-12-07' },
    ]);
    expect(request).toMatchObject({ tellable: false, toldLater: undefined });
  });

  it.each([
    [true, undefined, 'Yes'],
    [false, undefined, 'No'],
    [false, told, 'Not when it was recorded; told on 7 Dec 2026'],
    [false, { kind: 'CLIENT_INFORMED', toldOn: null }, 'Not when it was recorded; told since'],
    [null, undefined, ''],
  ])('told when recorded %s, told since %j: “%s”', (when, since, words) => {
    expect(personToldWords(when, since)).toBe(words);
  });
});

describe('redactions as typed', () => {
  it('takes one phrase a line, trimmed, without blank lines', () => {
    expect(redactionPhrases(' housing \n\n  the GP’s name\n')).toEqual(['housing', 'the GP’s name']);
    expect(redactionPhrases('')).toEqual([]);
  });
});
