import { describe, expect, it } from 'vitest';
import {
  fieldRefusalsOf,
  listedPersonWords,
  matchesReference,
  PERSON_ID_PROBLEMS,
  peopleToListByReference,
  personIdOf,
  referenceFilterOf,
  referenceFilterWords,
} from './people';

/** A person's id as the API gives it (base64 of its type and local id; the console never decodes it). */
const PADDED = 'U2VydmljZVVzZXI6c3VfYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo=';
const ID = 'U2VydmljZVVzZXI6c3VfYTJiM2M0ZDVlNmY3ZzJoM2k0ajVrNmw3bTJ4';

describe('a person’s id, as someone pasted or typed it', () => {
  it.each([
    [ID, ID],
    [PADDED, PADDED],
    [`  ${ID}\n`, ID],
    [`“${ID}”`, ID],
    [`"${ID}"`, ID],
    [`${ID.slice(0, 20)}\n${ID.slice(20)}`, ID],
    [encodeURIComponent(PADDED), PADDED],
    [`http://localhost:4610/console/#/person/${encodeURIComponent(PADDED)}`, PADDED],
    [`#/person/${encodeURIComponent(ID)}`, ID],
    [`https://console.example.org/#/person/${encodeURIComponent(PADDED)}/`, PADDED],
  ])('reads %j as the id %s', (text, id) => {
    expect(personIdOf(text)).toEqual({ id });
  });

  it.each([
    ['', 'missing'],
    ['   ', 'missing'],
    ['SU-7KQ2M9XA', 'caseReference'],
    ['su-7kq2m9xa', 'caseReference'],
    [' “SU-7KQ2M9XA” ', 'caseReference'],
    ['Ada Lovelace', 'notAnId'],
    ['Ada', 'notAnId'],
    ['ima_abcdefghijklmnopqrstuvwxyz', 'notAnId'],
    ['su_abcdefghijklmnopqrstuvwxyz', 'notAnId'],
    [`${PADDED}=`, 'notAnId'],
    [`${ID}=`, 'notAnId'],
    [`${ID}!`, 'notAnId'],
    [`${ID.slice(0, 20)}-${ID.slice(21)}`, 'notAnId'],
    ['%E0%A4%A', 'notAnId'],
    ['http://localhost:4610/console/#/staff/abc', 'notAnId'],
    ['http://localhost:4610/console/#/person/', 'missing'],
  ] as const)('refuses %j: %s', (text, problem) => {
    expect(personIdOf(text)).toEqual({ problem: PERSON_ID_PROBLEMS[problem] });
  });

  it('says each problem in words that tell what to enter instead', () => {
    expect(PERSON_ID_PROBLEMS.missing).toMatch(/id/);
    expect(PERSON_ID_PROBLEMS.caseReference).toMatch(/case reference/);
    expect(PERSON_ID_PROBLEMS.notAnId).toMatch(/#\/person\//);
  });
});

describe('the refusals of a list’s fields', () => {
  it('tells a field refused for one person from a failure of the list', () => {
    const refused = { path: ['serviceUsers', 'edges', 1, 'node', 'name'], code: 'FORBIDDEN', message: '' };
    const purpose = {
      path: ['serviceUsers', 'edges', 1, 'node', 'caseStatus'],
      code: 'JUSTIFICATION_REQUIRED',
      message: '',
    };
    const other = { path: ['serviceUsers', 'edges', 3, 'node', 'name'], code: 'FORBIDDEN', message: '' };
    const list = { path: ['serviceUsers'], code: 'NOT_FOUND', message: '' };
    const unplaced = { code: 'INTERNAL', message: '' };

    // Act
    const { refused: byEdge, failures } = fieldRefusalsOf(
      [refused, purpose, other, list, unplaced],
      'serviceUsers',
    );

    // Assess
    expect(byEdge).toEqual(
      new Map([
        [1, new Set(['name', 'caseStatus'])],
        [3, new Set(['name'])],
      ]),
    );
    expect(failures).toEqual([list, unplaced]);
  });

  it('leaves another list’s errors as failures', () => {
    const elsewhere = { path: ['caseload', 'edges', 0, 'node', 'name'], code: 'FORBIDDEN', message: '' };
    expect(fieldRefusalsOf([elsewhere], 'serviceUsers')).toEqual({
      refused: new Map(),
      failures: [elsewhere],
    });
  });
});

describe('a listed person in words', () => {
  it('names them, with their case reference and case status', () => {
    expect(
      listedPersonWords(
        { id: ID, name: 'Ada Lovelace', reference: 'SU-7KQ2M9XA', caseStatus: 'OPEN' },
        new Set(),
      ),
    ).toEqual({ name: 'Ada Lovelace', reference: 'SU-7KQ2M9XA', caseStatus: 'Open' });
    expect(
      listedPersonWords({ id: ID, name: 'Ada', reference: 'SU-7KQ2M9XA', caseStatus: 'CLOSED' }, new Set())
        .caseStatus,
    ).toBe('Closed');
  });

  it('shows the reference where the name is refused, and says what was not shown', () => {
    expect(
      listedPersonWords(
        { id: ID, name: null, reference: 'SU-7KQ2M9XA', caseStatus: null },
        new Set(['name', 'caseStatus']),
      ),
    ).toEqual({
      name: 'Case SU-7KQ2M9XA (name not shown to you)',
      reference: 'SU-7KQ2M9XA',
      caseStatus: 'Not shown to you',
    });
  });

  it('falls back to the id’s own tail when nothing of them is readable', () => {
    expect(
      listedPersonWords({ id: PADDED, name: null, reference: null }, new Set(['name', 'reference'])),
    ).toEqual({
      name: `Person …${PADDED.replaceAll('=', '').slice(-8)} (name not shown to you)`,
      reference: 'Not shown to you',
      caseStatus: 'Not known',
    });
  });

  it('does not take a blank name for one', () => {
    expect(listedPersonWords({ id: ID, name: '  ', reference: 'SU-7KQ2M9XA' }, new Set()).name).toBe(
      'Case SU-7KQ2M9XA',
    );
  });
});

describe('a filter by case reference', () => {
  it.each([
    ['SU-7KQ2M9XA', 'SU-7KQ2M9XA'],
    ['  su-7kq2m9xa\n', 'SU-7KQ2M9XA'],
    ['“7KQ2”', '7KQ2'],
    ['SU - 7KQ', 'SU-7KQ'],
    ['', ''],
    ['   ', ''],
  ])('reads %j as %j', (text, filter) => {
    expect(referenceFilterOf(text)).toBe(filter);
  });

  it.each([
    ['SU-7KQ2M9XA', '', true],
    ['SU-7KQ2M9XA', 'SU-7KQ2M9XA', true],
    ['SU-7KQ2M9XA', 'su-7kq2m9xa', true],
    ['SU-7KQ2M9XA', '7kq2', true],
    ['SU-7KQ2M9XA', ' m9xa ', true],
    ['SU-7KQ2M9XA', 'SU-7KQ2M9XB', false],
    ['SU-7KQ2M9XA', 'SU-7KQ2M9XAB', false],
    [null, 'SU', false],
    [undefined, 'SU', false],
    [null, '', true],
  ] as const)('%j, filtered by %j: %s', (reference, text, shown) => {
    expect(matchesReference(reference, text)).toBe(shown);
  });

  it('does not read the text as a pattern', () => {
    expect(matchesReference('SU-7KQ2M9XA', '.*')).toBe(false);
    expect(matchesReference('SU-7KQ2M9XA', 'SU-[0-9]')).toBe(false);
  });
});

describe('the people listed by case reference', () => {
  const person = (id: string, reference?: string | null) => ({ id, reference, caseStatus: 'OPEN' });

  it('lists them by reference, those without one last', () => {
    // Prepare
    const people = [person('c', 'SU-CCC'), person('x', null), person('a', 'SU-AAA'), person('b', 'SU-BBB')];

    // Act
    const listed = peopleToListByReference(people, new Set());

    // Assess
    expect(listed.map(({ id }) => id)).toEqual(['a', 'b', 'c', 'x']);
  });

  it('leaves out those already listed by name, and lists each once', () => {
    const people = [
      person('a', 'SU-AAA'),
      person('b', 'SU-BBB'),
      person('a', 'SU-AAA'),
      person('c', 'SU-CCC'),
    ];
    expect(peopleToListByReference(people, new Set(['b'])).map(({ id }) => id)).toEqual(['a', 'c']);
  });

  it('keeps what was read of each, and adds nothing', () => {
    const people = [{ id: 'a', reference: 'SU-AAA', caseStatus: 'CLOSED' }];
    expect(peopleToListByReference(people, new Set())).toEqual(people);
  });
});

describe('what a filter by case reference shows, in words', () => {
  it('says all are shown when nothing is filtered', () => {
    expect(referenceFilterWords(5, 5, '')).toBe('All 5 people are listed.');
    expect(referenceFilterWords(1, 1, '  ')).toBe('The one person is listed.');
  });

  it('says how many of how many a filter shows, and by what', () => {
    expect(referenceFilterWords(1, 5, ' su-7kq ')).toBe(
      '1 of 5 people listed: those whose case reference holds “SU-7KQ”.',
    );
    expect(referenceFilterWords(3, 5, 'SU')).toBe(
      '3 of 5 people listed: those whose case reference holds “SU”.',
    );
  });

  it('says when no reference holds the text', () => {
    expect(referenceFilterWords(0, 5, 'zz')).toBe('No listed person’s case reference holds “ZZ”.');
  });

  it('says when nobody is listed at all', () => {
    expect(referenceFilterWords(0, 0, '')).toBe('No person is listed.');
  });
});
