import { randomBytes } from 'node:crypto';
import { newId, newOrgId, type OrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import {
  chainKeyFrom,
  emptyHead,
  entryMac,
  extendChain,
  headMac,
  type StoredChainEvent,
  type StoredListEntry,
  verifyChains,
} from './audit-chain';
import {
  decodeListFacts,
  encodeListFacts,
  entryIdOf,
  factsOf,
  groupForLists,
  inSortOrder,
  LIST_THRESHOLD,
  packSubjects,
  unpackSubjects,
} from './audit-list';
import type { StoredAuditEvent } from './audit-log';

const orgId = newOrgId();
const key = chainKeyFrom(randomBytes(32), orgId);
const at = '2026-01-01T09:00:00.000Z';
const expiresAt = Math.floor(Date.parse('2034-01-01T09:00:00.000Z') / 1000);

function read(subjectId: string | undefined, overrides: Partial<StoredAuditEvent> = {}): StoredAuditEvent {
  return {
    orgId: orgId as OrgId,
    requestId: 'req-1',
    eventId: 'req-1.0',
    at,
    actor: { kind: 'STAFF', id: 'stf_1', roles: ['SUPPORT_WORKER'] },
    action: 'READ',
    operation: 'caseload',
    subjectId,
    fields: ['ServiceUser.name'],
    classifications: ['IDENTIFYING'],
    relationship: 'ALLOCATED',
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: 'matrix.allocated-support-worker',
    ...overrides,
  };
}

describe('inSortOrder', () => {
  it('sorts as Array.prototype.sort does, copying only what is out of order and never changing its input', () => {
    const sorted = ['CONTACT', 'IDENTIFYING', 'a', 'é'];
    const unsorted = ['é', 'IDENTIFYING', 'a', 'CONTACT', 'CONTACT'];

    const same = inSortOrder(sorted);
    const copy = inSortOrder(unsorted);

    expect(same).toBe(sorted);
    expect(copy).toEqual([...unsorted].sort());
    expect(unsorted[0]).toBe('é');
    expect(inSortOrder([])).toEqual([]);
  });
});

describe('packSubjects', () => {
  it('gives back exactly the ids it packed, Confide ids in 17 bytes and any other id whole', () => {
    // Prepare
    const subjects = [
      ...Array.from({ length: 50 }, () => newId('serviceUser')),
      newId('staff'),
      'su-a',
      'ünïcode-id',
      // The shape of a Confide id whose padding bits are not zero: kept whole, never altered.
      'su_aaaaaaaaaaaaaaaaaaaaaaaaab',
    ];

    // Act
    const packed = packSubjects(subjects);

    // Assess
    expect(unpackSubjects(packed)).toEqual(subjects);
    expect(packSubjects(subjects.slice(0, 50)).length).toBeLessThanOrEqual(50 * 17 + 4);
  });

  it('refuses a packed list cut short instead of inventing an id', () => {
    const packed = packSubjects([newId('serviceUser'), newId('serviceUser')]);
    expect(() => unpackSubjects(packed.subarray(0, packed.length - 3))).toThrow(RangeError);
  });
});

describe('groupForLists', () => {
  it(`groups reads of ${LIST_THRESHOLD} or more different people of one kind and keeps everything else whole`, () => {
    // Prepare
    const people = ['su_1', 'su_2', 'su_3'].map((subject, index) =>
      read(subject, { eventId: `req-1.${index}` }),
    );
    const organisation = read(undefined, { eventId: 'req-1.3', operation: 'staffMembers' });
    const fewer = ['su_4', 'su_5'].map((subject, index) =>
      read(subject, { eventId: `req-1.${4 + index}`, operation: 'serviceUser' }),
    );
    // Three events about one person (refused and allowed reads of the same record): not a read of many people.
    const onePerson = [0, 1, 2].map((index) =>
      read('su_6', { eventId: `req-1.${6 + index}`, operation: 'notes', outcome: `O${index}` }),
    );

    // Act
    const parts = groupForLists([
      people[0],
      organisation,
      ...people.slice(1),
      ...fewer,
      ...onePerson,
    ] as StoredAuditEvent[]);

    // Assess
    expect(
      parts.map((part) => ('single' in part ? part.single.eventId : part.group.map((e) => e.eventId))),
    ).toEqual([
      ['req-1.0', 'req-1.1', 'req-1.2'],
      'req-1.3',
      'req-1.4',
      'req-1.5',
      'req-1.6',
      'req-1.7',
      'req-1.8',
    ]);
  });
});

/** A list read of `count` people chained at position 1, with its entries as verify reads them back. */
function listRead(count: number, listEventId = 'req-1.0') {
  const subjects = Array.from({ length: count }, () => newId('serviceUser'));
  const list = read(undefined, {
    eventId: listEventId,
    fields: [],
    classifications: [],
    relationship: undefined,
    outcome: 'LISTED',
    rule: undefined,
    list: { subjects, entriesExpireAt: expiresAt },
  });
  const { links, head } = extendChain(key, emptyHead(0), [list], () => expiresAt);
  const stored: StoredChainEvent[] = [{ event: list, link: links[0], keysMatch: true }];
  const entries: StoredListEntry[] = subjects.map((subject, n) => {
    const event = read(subject, { eventId: entryIdOf(listEventId, n) });
    return {
      event,
      listEventId,
      mac: entryMac(key, event, listEventId, expiresAt),
      expiresAt,
      keysMatch: true,
    };
  });
  return { stored, entries, heads: [{ ...head, headMac: headMac(key, orgId, head) }] };
}

const now = new Date('2026-06-01T00:00:00.000Z');

describe('verifying a list read (decision 0042)', () => {
  it('passes a list and its entries, counting each person’s event', () => {
    const { stored, entries, heads } = listRead(5);
    expect(verifyChains(key, orgId, heads, stored, { now, entries })).toEqual({
      ok: true,
      checked: 5,
      problems: 0,
    });
  });

  it('names an entry deleted from a person’s partition', () => {
    const { stored, entries, heads } = listRead(5);
    const result = verifyChains(key, orgId, heads, stored, {
      now,
      entries: entries.filter((_, n) => n !== 2),
    });
    expect(result).toMatchObject({ ok: false, firstBadEvent: 'req-1.0.2', problems: 1 });
    expect(result.reason).toMatch(/^deleted: entry 2/);
  });

  it('allows entries gone once they were due', () => {
    const { stored, heads } = listRead(5);
    const later = new Date((expiresAt + 1) * 1000);
    expect(verifyChains(key, orgId, heads, stored, { now: later, entries: [] })).toMatchObject({ ok: true });
  });

  it('names an entry altered, moved to another person, or claiming another list', () => {
    const { stored, entries, heads } = listRead(4);
    const [a, b, c, d] = entries as [StoredListEntry, StoredListEntry, StoredListEntry, StoredListEntry];
    const tampered = [
      { ...a, event: { ...a.event, relationship: 'INVESTIGATION' as const } },
      { ...b, keysMatch: false },
      { ...c, event: { ...c.event, subjectId: d.event.subjectId } },
      d,
    ];
    const result = verifyChains(key, orgId, heads, stored, { now, entries: tampered });
    expect(result).toMatchObject({ ok: false, problems: 3 });
    expect(result.reason).toMatch(/^altered: the entry/);
  });

  it('names a forged entry no list names, and counts a genuine one of a list not in the chains as unconfirmed', () => {
    const { stored, entries, heads } = listRead(3);
    const other = listRead(2, 'req-2.0');
    const forged: StoredListEntry = {
      ...(entries[0] as StoredListEntry),
      event: { ...(entries[0] as StoredListEntry).event, eventId: 'req-9.0.0' },
      listEventId: 'req-9.0',
    };
    const result = verifyChains(key, orgId, heads, stored, {
      now,
      // The other list's entries are genuine, but its list event is not among the chains read (a write that failed).
      entries: [
        ...entries,
        forged,
        ...other.entries.map((entry) => ({ ...entry, listEventId: entry.listEventId })),
      ],
    });
    expect(result).toMatchObject({
      ok: false,
      problems: 1,
      firstBadEvent: 'req-9.0.0',
      unconfirmedEntries: 2,
    });
    expect(result.reason).toBe('inserted: the entry is in no list');
  });
});

describe('the facts of a list written ahead (decision 0053)', () => {
  it('keep each person’s facts and entry number through their stored form, compactly', () => {
    // Prepare: 40 people, two kinds of read, every third person's entry written ahead not confirmed
    const events = Array.from({ length: 40 }, (_, k) =>
      read(
        `cli_${k}`,
        k % 7 === 0 ? { relationship: 'MANAGES_SERVICE', rule: 'matrix.service-manager' } : {},
      ),
    );
    const entries = Array.from({ length: 60 }, (_, n) => n)
      .filter((n) => n % 3 !== 0)
      .slice(0, 40);

    // Act
    const facts = { ...factsOf(events), entries };
    const stored = encodeListFacts(facts);

    // Assess
    expect(facts.variants).toHaveLength(2);
    expect(decodeListFacts(stored)).toEqual(facts);
    expect(stored.length).toBeLessThan(300);
  });

  it('store nothing per person when every person shares one kind of read and the first entries', () => {
    const facts = factsOf(Array.from({ length: 50 }, (_, k) => read(`cli_${k}`)));

    const stored = encodeListFacts(facts);

    expect(decodeListFacts(stored)).toEqual(facts);
    expect(stored).not.toContain('"o"');
    expect(stored).not.toContain('"e"');
  });

  it('share facts only between reads that are alike in every fact, whatever the order of their sets', () => {
    // Prepare: each read after the first differs from it in one fact; the last is the first with its sets reordered
    const first = read('a', {
      fields: ['ServiceUser.name', 'ServiceUser.phone'],
      classifications: ['CONTACT', 'IDENTIFYING'],
    });
    const events = [
      first,
      { ...first, fields: ['ServiceUser.name'] },
      { ...first, fields: ['ServiceUser.name', 'ServiceUser.postcode'] },
      { ...first, classifications: ['CONTACT'] as StoredAuditEvent['classifications'] },
      { ...first, relationship: undefined },
      { ...first, rule: undefined },
      { ...first, rule: '' },
      { ...first, emergency: true },
      { ...first, outcome: 'FORBIDDEN' },
      {
        ...first,
        fields: ['ServiceUser.phone', 'ServiceUser.name'],
        classifications: ['IDENTIFYING', 'CONTACT'] as StoredAuditEvent['classifications'],
      },
    ];

    // Act
    const { variants, of } = factsOf(events);

    // Assess
    expect(of).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 0]);
    expect(variants).toHaveLength(9);
    expect(variants[0]?.fields).toEqual(['ServiceUser.name', 'ServiceUser.phone']);
  });

  it('refuse entry numbers out of order', () => {
    expect(() => encodeListFacts({ ...factsOf([read('a'), read('b')]), entries: [3, 1] })).toThrow(
      RangeError,
    );
  });
});
