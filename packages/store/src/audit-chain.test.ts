import { randomBytes } from 'node:crypto';
import { newOrgId, type OrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import {
  type ChainHead,
  ChainLeases,
  type ChainLink,
  canonicalEntry,
  canonicalEvent,
  chainKeyFrom,
  emptyHead,
  entryMac,
  entryMacsOf,
  extendChain,
  headMac,
  type StoredChainEvent,
  verifyChains,
} from './audit-chain';
import type { StoredAuditEvent } from './audit-log';

const orgId = newOrgId();
const key = chainKeyFrom(randomBytes(32), orgId);

function event(index: number, overrides: Partial<StoredAuditEvent> = {}): StoredAuditEvent {
  return {
    orgId: orgId as OrgId,
    requestId: `req-${index}`,
    eventId: `req-${index}.0`,
    at: new Date(Date.UTC(2026, 0, 1, 9, 0, index)).toISOString(),
    actor: { kind: 'STAFF', id: 'stf_1', roles: ['SUPPORT_WORKER', 'TEAM_LEADER'] },
    action: 'READ',
    operation: 'serviceUser',
    subjectId: 'su_1',
    fields: ['ServiceUser.name', 'ServiceUser.phone'],
    classifications: ['CONTACT', 'IDENTIFYING'],
    relationship: 'ALLOCATED',
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: 'matrix.allocated-support-worker',
    ...overrides,
  };
}

/** A chain of `count` events on one shard, as verify would read it back, with its head. */
function chain(count: number, shard = 3) {
  const events = Array.from({ length: count }, (_, index) => event(index));
  const { links, head } = extendChain(key, emptyHead(shard), events);
  const stored: StoredChainEvent[] = events.map((e, index) => ({
    event: e,
    link: links[index],
    keysMatch: true,
  }));
  return { stored, head: withMac(head) };
}

const withMac = (head: ChainHead) => ({ ...head, headMac: headMac(key, orgId, head) });

describe('canonicalEvent', () => {
  it('does not depend on the order of sets (DynamoDB returns string sets in any order)', () => {
    // Prepare
    const position = { shard: 1, seq: 1, prevEventId: '-' };
    const a = event(1);
    const b = event(1, {
      fields: ['ServiceUser.phone', 'ServiceUser.name'],
      classifications: ['IDENTIFYING', 'CONTACT'],
      actor: { kind: 'STAFF', id: 'stf_1', roles: ['TEAM_LEADER', 'SUPPORT_WORKER'] },
    });

    // Act / Assess
    expect(canonicalEvent(a, position)).toBe(canonicalEvent(b, position));
  });

  it('differs for an absent purpose and an empty one, and for a different position', () => {
    const position = { shard: 1, seq: 1, prevEventId: '-' };
    expect(canonicalEvent(event(1), position)).not.toBe(canonicalEvent(event(1, { purpose: '' }), position));
    expect(canonicalEvent(event(1), position)).not.toBe(canonicalEvent(event(1), { ...position, seq: 2 }));
  });

  it('covers the disclosure an event names, and keeps the encoding of an event that names none', () => {
    // Prepare
    const position = { shard: 1, seq: 1, prevEventId: '-', expiresAt: 1_900_000_000 };
    const named = event(1, { disclosureId: 'disclosure_a' });

    // Act
    const before = canonicalEvent(event(1), position);
    const encoded = canonicalEvent(named, position);

    // Assess: the reference is appended to what an event written before it encodes
    expect(encoded).not.toBe(before);
    expect(encoded).not.toBe(canonicalEvent({ ...named, disclosureId: 'disclosure_b' }, position));
    expect(encoded.startsWith(before.slice(0, -1))).toBe(true);
    expect(canonicalEvent({ ...event(1), disclosureId: undefined }, position)).toBe(before);
  });
});

/**
 * The exact bytes each format before decision 0150 encoded, captured from the code at 27be67e: a change to any of them
 * would make every stored event of that format fail verification. Compared as JSON arrays, written out for reading.
 */
describe('the encodings events were written in', () => {
  const fixed: StoredAuditEvent = {
    orgId: 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa' as OrgId,
    requestId: 'req-1',
    eventId: 'req-1.0',
    at: '2026-01-01T09:00:01.000Z',
    actor: { kind: 'STAFF', id: 'stf_1', roles: ['TEAM_LEADER', 'SUPPORT_WORKER'] },
    action: 'READ',
    operation: 'serviceUser',
    subjectId: 'su_1',
    fields: ['ServiceUser.phone', 'ServiceUser.name'],
    classifications: ['IDENTIFYING', 'CONTACT'],
    relationship: 'ALLOCATED',
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: 'matrix.allocated-support-worker',
  };
  const v1 = { shard: 3, seq: 7, prevEventId: 'req-0.0' };
  const v2 = { ...v1, expiresAt: 1_900_000_000, prevExpiresAt: 1_899_999_000 };
  const list = {
    ...fixed,
    eventId: 'req-2.0',
    subjectId: undefined,
    outcome: 'LISTED',
    list: { subjects: ['su_2', 'su_1'], entriesExpireAt: 1_900_000_500 },
  };
  const facts = {
    variants: [
      {
        fields: ['ServiceUser.name'],
        classifications: ['IDENTIFYING'],
        relationship: 'ALLOCATED',
        rule: 'matrix.allocated-support-worker',
        emergency: false,
        outcome: 'ALLOWED',
      },
    ],
    of: [0, 0],
    entries: [0, 2],
  };
  const parsed = (encoded: string) => JSON.parse(encoded) as unknown[];

  it('a chained event without expiry (format 1)', () => {
    expect(parsed(canonicalEvent(fixed, v1))).toEqual(V1);
  });

  it('a chained event with expiry (format 2)', () => {
    expect(parsed(canonicalEvent(fixed, v2))).toEqual(V2);
  });

  it('an event with items named and a sealed purpose, under break-glass', () => {
    const named: StoredAuditEvent = {
      ...fixed,
      items: ['note_b', 'note_a'],
      sealedPurpose: 'c2VhbGVk',
      emergency: true,
      relationship: 'EMERGENCY',
    };
    expect(parsed(canonicalEvent(named, v2))).toEqual(ITEMS);
  });

  it('a list event (decision 0042) and a list written ahead with its facts (0053)', () => {
    expect(parsed(canonicalEvent(list, v2))).toEqual(LIST_0042);
    expect(parsed(canonicalEvent({ ...list, list: { ...list.list, facts } }, v2))).toEqual(LIST_0053);
  });

  it('a list entry', () => {
    expect(parsed(canonicalEntry({ ...fixed, eventId: 'req-2.0.1' }, 'req-2.0', 1_900_000_500))).toEqual(
      ENTRY,
    );
  });

  it('the same bytes as those arrays, so no spacing or escaping changed either', () => {
    expect(canonicalEvent(fixed, v2)).toBe(JSON.stringify(V2));
    expect(canonicalEvent({ ...list, list: { ...list.list, facts } }, v2)).toBe(JSON.stringify(LIST_0053));
  });
});

describe('entryMac', () => {
  it('covers the disclosure a list entry names', () => {
    const entry = event(1, { eventId: 'req-1.0.0' });
    const named = { ...entry, disclosureId: 'disclosure_a' };
    expect(entryMac(key, named, 'req-1.0', 1_900_000_000)).not.toBe(
      entryMac(key, entry, 'req-1.0', 1_900_000_000),
    );
    expect(entryMac(key, named, 'req-1.0', 1_900_000_000)).not.toBe(
      entryMac(key, { ...named, disclosureId: 'disclosure_b' }, 'req-1.0', 1_900_000_000),
    );
  });
});

describe('entryMacsOf', () => {
  it('gives each entry the MAC entryMac gives it, byte for byte (what verify recomputes)', () => {
    // Prepare: entries that differ in id and person, with text JSON escapes and every kind of slot filled
    const shared = event(1, {
      eventId: 'req-1.ahead.0',
      actor: { kind: 'STAFF', id: 'stf_"1"', roles: ['TEAM_LEADER', 'SUPPORT_WORKER'] },
      fields: [],
      classifications: [],
      relationship: undefined,
      rule: undefined,
      outcome: 'AHEAD',
      correlationId: 'corr\\1',
      items: ['n_2', 'n_1'],
    });
    const entries = ['su_1', 'su_"2"', 'su_\u00e9'].map((subjectId, n) => ({
      eventId: `req-1.ahead.${n}`,
      subjectId,
    }));

    // Act
    const macs = entryMacsOf(key, shared, 'req-1.ahead', 1_900_000_000, entries);

    // Assess
    expect(macs).toEqual(
      entries.map((entry) => entryMac(key, { ...shared, ...entry }, 'req-1.ahead', 1_900_000_000)),
    );
    expect(new Set(macs).size).toBe(3);
  });
});

describe('extendChain', () => {
  it('numbers positions on from the head, names each predecessor and moves the head', () => {
    // Prepare
    const first = extendChain(key, emptyHead(5), [event(1), event(2)]);

    // Act
    const second = extendChain(key, first.head, [event(3)]);

    // Assess
    expect(first.links.map(({ seq, prevEventId }) => [seq, prevEventId])).toEqual([
      [1, '-'],
      [2, 'req-1.0'],
    ]);
    expect(second.links[0]).toMatchObject({ shard: 5, seq: 3, prevEventId: 'req-2.0' });
    expect(second.head).toMatchObject({
      shard: 5,
      seq: 3,
      lastEventId: 'req-3.0',
      mac: second.links[0]?.mac,
    });
    expect(second.head.minAt).toBe(event(1).at);
    expect(second.head.maxAt).toBe(event(3).at);
  });

  it('gives different MACs under another organisation’s key', () => {
    const other = chainKeyFrom(randomBytes(32), newOrgId());
    expect(extendChain(key, emptyHead(0), [event(1)]).links[0]?.mac).not.toBe(
      extendChain(other, emptyHead(0), [event(1)]).links[0]?.mac,
    );
  });
});

describe('verifyChains', () => {
  it('accepts an untouched chain and counts its events', () => {
    const { stored, head } = chain(5);

    const result = verifyChains(key, orgId, [head], stored);

    expect(result).toEqual({ ok: true, checked: 5, problems: 0 });
  });

  it('names an altered event, and only that one', () => {
    // Prepare
    const { stored, head } = chain(5);
    const target = stored[2] as StoredChainEvent;
    stored[2] = { ...target, event: { ...target.event, purpose: 'Covering up' } };

    // Act
    const result = verifyChains(key, orgId, [head], stored);

    // Assess
    expect(result).toMatchObject({ ok: false, firstBadEvent: 'req-2.0', problems: 1 });
    expect(result.reason).toMatch(/^altered/);
  });

  it('names an event whose disclosure was rewritten, taken away or added', () => {
    // Prepare: the middle event names a disclosure
    const events = Array.from({ length: 5 }, (_, index) =>
      event(index, index === 2 ? { disclosureId: 'disclosure_a' } : {}),
    );
    const { links, head } = extendChain(key, emptyHead(3), events);
    const stored = (change: (index: number) => Partial<StoredAuditEvent>): StoredChainEvent[] =>
      events.map((e, index) => ({ event: { ...e, ...change(index) }, link: links[index], keysMatch: true }));

    // Act
    const untouched = verifyChains(
      key,
      orgId,
      [withMac(head)],
      stored(() => ({})),
    );
    const rewritten = verifyChains(
      key,
      orgId,
      [withMac(head)],
      stored((index) => (index === 2 ? { disclosureId: 'disclosure_b' } : {})),
    );
    const removed = verifyChains(
      key,
      orgId,
      [withMac(head)],
      stored((index) => (index === 2 ? { disclosureId: undefined } : {})),
    );
    const added = verifyChains(
      key,
      orgId,
      [withMac(head)],
      stored((index) => (index === 3 ? { disclosureId: 'disclosure_a' } : {})),
    );

    // Assess
    expect(untouched).toEqual({ ok: true, checked: 5, problems: 0 });
    expect(rewritten).toMatchObject({ ok: false, firstBadEvent: 'req-2.0', problems: 1 });
    expect(removed).toMatchObject({ ok: false, firstBadEvent: 'req-2.0', problems: 1 });
    expect(added).toMatchObject({ ok: false, firstBadEvent: 'req-3.0', problems: 1 });
  });

  it('names a deleted event from the middle through its successor', () => {
    const { stored, head } = chain(5);

    const result = verifyChains(
      key,
      orgId,
      [head],
      stored.filter((_, index) => index !== 1),
    );

    expect(result).toMatchObject({ ok: false, firstBadEvent: 'req-1.0', problems: 1 });
    expect(result.reason).toMatch(/^deleted: chain 3 position 2/);
  });

  it('names a deleted last event through the head', () => {
    const { stored, head } = chain(5);

    const result = verifyChains(key, orgId, [head], stored.slice(0, 4));

    expect(result).toMatchObject({ ok: false, firstBadEvent: 'req-4.0' });
    expect(result.reason).toMatch(/^deleted/);
  });

  it('detects a head rewound over a deleted last event', () => {
    // Prepare: the attacker drops the last event and sets the head back to the one before
    const { stored, head } = chain(5);
    const previous = stored[3]?.link;
    const rewound = {
      ...head,
      seq: 4,
      mac: previous?.mac ?? '',
      lastEventId: 'req-3.0',
      headMac: head.headMac,
    };

    // Act
    const result = verifyChains(key, orgId, [rewound], stored.slice(0, 4));

    // Assess
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/head of chain 3/);
  });

  it('names an inserted event that is in no chain, one beyond the head, and a second claimant of a position', () => {
    // Prepare
    const { stored, head } = chain(3);
    const unlinked: StoredChainEvent = { event: event(10), link: undefined, keysMatch: true };
    const beyond: StoredChainEvent = {
      event: event(11),
      link: { shard: 3, seq: 9, prevEventId: 'req-2.0', mac: 'forged' },
      keysMatch: true,
    };
    const claimant: StoredChainEvent = {
      event: event(12, { at: event(0).at }),
      link: { shard: 3, seq: 2, prevEventId: 'req-0.0', mac: 'forged' },
      keysMatch: true,
    };

    // Act
    const results = [unlinked, beyond, claimant].map((forged) =>
      verifyChains(key, orgId, [head], [...stored, forged]),
    );

    // Assess
    expect(results.map((result) => [result.ok, result.firstBadEvent])).toEqual([
      [false, 'req-10.0'],
      [false, 'req-11.0'],
      [false, 'req-12.0'],
    ]);
    expect(results.map((result) => result.reason?.split(':')[0])).toEqual([
      'inserted',
      'inserted',
      'inserted',
    ]);
  });

  it('names a moved event (keys no longer those its content implies)', () => {
    const { stored, head } = chain(3);
    stored[1] = { ...(stored[1] as StoredChainEvent), keysMatch: false };

    const result = verifyChains(key, orgId, [head], stored);

    expect(result).toMatchObject({ ok: false, firstBadEvent: 'req-1.0' });
    expect(result.reason).toMatch(/^moved/);
  });

  it('reports the earliest of several problems', () => {
    const { stored, head } = chain(6);
    const late = stored[4] as StoredChainEvent;
    const early = stored[1] as StoredChainEvent;
    stored[4] = { ...late, event: { ...late.event, outcome: 'FORBIDDEN' } };
    stored[1] = { ...early, event: { ...early.event, operation: 'caseNote' } };

    const result = verifyChains(key, orgId, [head], stored);

    expect(result).toMatchObject({ ok: false, firstBadEvent: 'req-1.0', problems: 2 });
  });

  it('treats a gap older than the retention horizon as expiry, and a newer one as deletion', () => {
    const { stored, head } = chain(5);
    const remaining = stored.filter((_, index) => index !== 0 && index !== 1);

    const expired = verifyChains(key, orgId, [head], remaining, { expiredBefore: '2027-01-01T00:00:00Z' });
    const deleted = verifyChains(key, orgId, [head], remaining, { expiredBefore: '2025-01-01T00:00:00Z' });

    expect(expired).toEqual({ ok: true, checked: 3, problems: 0 });
    expect(deleted).toMatchObject({ ok: false, firstBadEvent: 'req-1.0' });
  });

  it('fails everything under the wrong key', () => {
    const { stored, head } = chain(2);

    const result = verifyChains(chainKeyFrom(randomBytes(32), orgId), orgId, [head], stored);

    expect(result.ok).toBe(false);
  });
});

const YEAR_S = 365 * 24 * 60 * 60;
/** Epoch seconds of event(index).at. */
const atSeconds = (index: number) => Math.floor(Date.parse(event(index).at) / 1000);

/**
 * A chain written with expiries (format 2): event `index` is kept `yearsOf(index)` years (whole 365-day years,
 * enough for these tests). Returns the stored events, the head, and each event's expiry.
 */
function expiringChain(count: number, yearsOf: (index: number) => number = () => 8, shard = 3) {
  const events = Array.from({ length: count }, (_, index) => event(index));
  const expiryOf = (e: StoredAuditEvent) => {
    const index = Number(e.requestId.slice('req-'.length));
    return atSeconds(index) + yearsOf(index) * YEAR_S;
  };
  const { links, head } = extendChain(key, emptyHead(shard), events, expiryOf);
  const stored: StoredChainEvent[] = events.map((e, index) => ({
    event: e,
    link: links[index],
    keysMatch: true,
  }));
  return { stored, head: withMac(head), expiries: links.map((link) => link.expiresAt ?? 0) };
}

/** A Date at epoch seconds. */
const when = (seconds: number) => new Date(seconds * 1000);

describe('retention in the chain (format 2)', () => {
  it('links each event to its predecessor’s MAC and expiry, and never lets expiry run backwards', () => {
    // Prepare: kept 10 years, then the rule is shortened to 6
    const { stored, head, expiries } = expiringChain(4, (index) => (index < 2 ? 10 : 6));

    // Assess
    const links = stored.map((entry) => entry.link);
    expect(links[0]).toMatchObject({ prevMac: '', prevExpiresAt: undefined, expiresAt: expiries[0] });
    expect(links[1]).toMatchObject({ prevMac: links[0]?.mac, prevExpiresAt: expiries[0] });
    expect(expiries[1]).toBe(atSeconds(1) + 10 * YEAR_S);
    // Written under 6 years, but kept until the event before it is due.
    expect(expiries[2]).toBe(expiries[1]);
    expect(expiries[3]).toBe(expiries[1]);
    expect(head.lastExpiresAt).toBe(expiries[3]);
    expect(verifyChains(key, orgId, [head], stored, { now: when(atSeconds(4)) })).toEqual({
      ok: true,
      checked: 4,
      problems: 0,
    });
  });

  it('keeps each event for the period it was written under: after a longer rule, older events expire first', () => {
    // Prepare: events 0–2 kept 8 years, then the rule is raised to 10 for events 3–5
    const { stored, head, expiries } = expiringChain(6, (index) => (index < 3 ? 8 : 10));
    const now = when((expiries[2] ?? 0) + 1);
    const eightYearOnesGone = stored.slice(3);

    // Act
    const afterEight = verifyChains(key, orgId, [head], eightYearOnesGone, { now });
    const tenYearOneDeleted = verifyChains(
      key,
      orgId,
      [head],
      eightYearOnesGone.filter((_, index) => index !== 1),
      { now },
    );

    // Assess
    expect(expiries[3]).toBe(atSeconds(3) + 10 * YEAR_S);
    expect(afterEight).toEqual({ ok: true, checked: 3, problems: 0 });
    expect(tenYearOneDeleted).toMatchObject({ ok: false, firstBadEvent: 'req-4.0', problems: 1 });
  });

  it('accepts the oldest events gone once they are due, while newer ones remain', () => {
    // Prepare: events 0–2 written years before 3–4 (so only they are due), then deleted as TTL would
    const { stored, head, expiries } = expiringChain(5, () => 8);
    const older = (index: number) => ({
      ...(stored[index] as StoredChainEvent),
    });
    const remaining = [older(3), older(4)];
    const dueAt = expiries[2] ?? 0;

    // Act
    const afterDue = verifyChains(key, orgId, [head], remaining, { now: when(dueAt) });
    const beforeDue = verifyChains(key, orgId, [head], remaining, { now: when(dueAt - 1) });

    // Assess
    expect(afterDue).toEqual({ ok: true, checked: 2, problems: 0 });
    expect(beforeDue).toMatchObject({ ok: false, firstBadEvent: 'req-2.0', problems: 1 });
    expect(beforeDue.reason).toBe('deleted: chain 3 positions 1–3 are missing');
  });

  it('accepts a whole chain gone once its last event is due, on the head’s word', () => {
    const { head, expiries } = expiringChain(3);
    const last = expiries[2] ?? 0;

    expect(verifyChains(key, orgId, [head], [], { now: when(last) })).toMatchObject({ ok: true });
    const early = verifyChains(key, orgId, [head], [], { now: when(last - 1) });
    expect(early).toMatchObject({ ok: false, firstBadEvent: 'req-2.0', problems: 1 });
    expect(early.reason).toMatch(/^deleted/);
  });

  it('still names an event deleted before it was due, even where older ones have expired', () => {
    // Prepare: event 0 expired and gone; event 2 deleted although not due
    const { stored, head, expiries } = expiringChain(5);
    const remaining = stored.filter((_, index) => index !== 0 && index !== 2);

    // Act
    const result = verifyChains(key, orgId, [head], remaining, { now: when(expiries[0] ?? 0) });

    // Assess
    expect(result).toMatchObject({ ok: false, firstBadEvent: 'req-2.0', problems: 1 });
    expect(result.reason).toMatch(/^deleted: chain 3 position 3/);
  });

  it('detects an event whose expiry was brought forward, before and after it is deleted', () => {
    // Prepare: someone with table access makes event 2 due now so that TTL removes it
    const { stored, head } = expiringChain(5);
    const now = atSeconds(10);
    const target = stored[2] as StoredChainEvent;
    const tampered = [...stored];
    tampered[2] = { ...target, link: { ...(target.link as ChainLink), expiresAt: now } };

    // Act
    const beforeTtl = verifyChains(key, orgId, [head], tampered, { now: when(now) });
    const afterTtl = verifyChains(
      key,
      orgId,
      [head],
      stored.filter((_, index) => index !== 2),
      { now: when(now) },
    );

    // Assess
    expect(beforeTtl).toMatchObject({ ok: false, firstBadEvent: 'req-2.0' });
    expect(beforeTtl.reason).toMatch(/^altered/);
    expect(afterTtl).toMatchObject({ ok: false, firstBadEvent: 'req-2.0' });
    expect(afterTtl.reason).toMatch(/^deleted/);
  });

  it('does not take a successor’s word for an expiry when its MAC does not verify', () => {
    // Prepare: event 2 deleted, and its successor's record of its expiry rewritten to a past time
    const { stored, head } = expiringChain(5);
    const successor = stored[3] as StoredChainEvent;
    const forged = {
      ...successor,
      link: { ...(successor.link as ChainLink), prevExpiresAt: atSeconds(0) },
    };
    const remaining = [stored[0], stored[1], forged, stored[4]] as StoredChainEvent[];

    // Act
    const result = verifyChains(key, orgId, [head], remaining, { now: when(atSeconds(10)) });

    // Assess
    expect(result.ok).toBe(false);
    expect(result.problems).toBe(2);
    expect(result.reason).toMatch(/^deleted: chain 3 position 3/);
  });

  it('verifies the first event after an expired run on its own, so altering it is still detected', () => {
    // Prepare
    const { stored, head, expiries } = expiringChain(5);
    const first = stored[3] as StoredChainEvent;
    const altered = { ...first, event: { ...first.event, purpose: 'Rewritten' } };
    const now = { now: when(expiries[2] ?? 0) };

    // Act
    const untouched = verifyChains(key, orgId, [head], stored.slice(3), now);
    const result = verifyChains(key, orgId, [head], [altered, stored[4] as StoredChainEvent], now);

    // Assess: the altered event is named, and it no longer vouches for the expiry of the ones before it
    expect(untouched).toMatchObject({ ok: true });
    expect(result).toMatchObject({ ok: false, problems: 2 });
    expect(result.reason).toMatch(/^deleted: chain 3 positions 1–3/);
  });

  it('keeps verifying events written before expiry was recorded (format 1), then format 2 after them', () => {
    // Prepare: three format-1 events, then two format-2 ones on the same chain
    const legacy = Array.from({ length: 3 }, (_, index) => event(index));
    const first = extendChain(key, emptyHead(3), legacy);
    const later = [event(3), event(4)];
    const second = extendChain(
      key,
      first.head,
      later,
      (e) => Math.floor(Date.parse(e.at) / 1000) + 8 * YEAR_S,
    );
    const stored: StoredChainEvent[] = [...legacy, ...later].map((e, index) => ({
      event: e,
      link: [...first.links, ...second.links][index],
      keysMatch: true,
    }));
    const head = withMac(second.head);

    // Act
    const intact = verifyChains(key, orgId, [head], stored, { now: when(atSeconds(5)) });
    const legacyExpired = verifyChains(key, orgId, [head], stored.slice(3), {
      now: when(atSeconds(5)),
      expiredBefore: '2027-01-01T00:00:00Z',
    });
    const legacyDeleted = verifyChains(key, orgId, [head], stored.slice(3), {
      now: when(atSeconds(5)),
      expiredBefore: '2025-01-01T00:00:00Z',
    });

    // Assess
    expect(second.links[0]).toMatchObject({ prevExpiresAt: undefined, prevMac: first.head.mac });
    expect(intact).toEqual({ ok: true, checked: 5, problems: 0 });
    expect(legacyExpired).toEqual({ ok: true, checked: 2, problems: 0 });
    expect(legacyDeleted).toMatchObject({ ok: false, firstBadEvent: 'req-2.0' });
  });

  it('restarts the chain’s time span once every earlier event is due, so verify need not read back to it', () => {
    // Prepare: two events, then one written 9 years later (after both are due)
    const { stored, head, expiries } = expiringChain(2);
    const late = event(2, { at: new Date((expiries[1] ?? 0) * 1000 + 60_000).toISOString() });
    const next = extendChain(key, head, [late], (e) => Math.floor(Date.parse(e.at) / 1000) + 8 * YEAR_S);
    const soon = extendChain(key, head, [event(2)], (e) => Math.floor(Date.parse(e.at) / 1000) + 8 * YEAR_S);
    const lateStored: StoredChainEvent = { event: late, link: next.links[0], keysMatch: true };

    // Act
    const result = verifyChains(key, orgId, [withMac(next.head)], [lateStored], {
      now: when(atSeconds(2) + 9 * YEAR_S),
    });

    // Assess
    expect(next.head.minAt).toBe(late.at);
    expect(soon.head.minAt).toBe(event(0).at);
    expect(result).toEqual({ ok: true, checked: 1, problems: 0 });
    expect(stored).toHaveLength(2);
  });

  it('detects a head whose last expiry was rewritten', () => {
    const { stored, head } = expiringChain(3);

    const result = verifyChains(key, orgId, [{ ...head, lastExpiresAt: atSeconds(0) }], stored.slice(0, 2), {
      now: when(atSeconds(10)),
    });

    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/head of chain 3/);
  });
});

describe('ChainLeases', () => {
  it('lends concurrent writers distinct chains and makes the next one wait when all are lent', async () => {
    // Prepare
    const leases = new ChainLeases(3);
    const lent = await Promise.all([leases.acquire(), leases.acquire(), leases.acquire()]);
    let fourth: number | undefined;
    const waiting = leases.acquire().then((lease) => {
      fourth = lease.shard;
    });

    // Act
    await Promise.resolve();
    const before = fourth;
    leases.release(lent[1]?.shard ?? -1, { ...emptyHead(lent[1]?.shard ?? -1), seq: 4 });
    await waiting;

    // Assess
    expect(new Set(lent.map((lease) => lease.shard)).size).toBe(3);
    expect(before).toBeUndefined();
    expect(fourth).toBe(lent[1]?.shard);
  });

  it('reuses a chain whose head it knows, and moves off one where another process wrote', async () => {
    // Prepare
    const leases = new ChainLeases(8, () => 0);
    const first = await leases.acquire();
    const head = { ...emptyHead(first.shard), seq: 7 };
    leases.release(first.shard, head);

    // Act
    const again = await leases.acquire();
    leases.release(again.shard, head, true);
    const moved = await leases.acquire();

    // Assess
    expect(again).toEqual({ shard: first.shard, head });
    expect(moved.shard).not.toBe(first.shard);
    expect(moved.head).toBeUndefined();
  });

  it('counts a head as known only where the next write would use it: not on a chain where another process wrote', async () => {
    // Prepare
    const leases = new ChainLeases(8, () => 0);
    const first = await leases.acquire();
    const head = { ...emptyHead(first.shard), seq: 3 };

    // Act
    leases.release(first.shard, head, true);
    const afterContention = leases.knowsAHead;
    const next = await leases.acquire();
    leases.release(next.shard, { ...emptyHead(next.shard), seq: 1 });

    // Assess: after contention the next write leases another chain with no known head, so `prepare` must read one
    expect(afterContention).toBe(false);
    expect(next.head).toBeUndefined();
    expect(leases.knowsAHead).toBe(true);
  });

  it('never lends a poisoned chain, and refuses once every chain is poisoned', async () => {
    const leases = new ChainLeases(2);
    const a = await leases.acquire();
    leases.poison(a.shard);
    const b = await leases.acquire();
    expect(b.shard).not.toBe(a.shard);
    leases.poison(b.shard);
    await expect(leases.acquire()).rejects.toThrow(/No audit chain/);
  });
});

// The encodings as the code at 27be67e wrote them (see 'the encodings events were written in').
const V1 = [
  'confide-audit/1',
  'org_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  3,
  7,
  'req-0.0',
  'req-1.0',
  'req-1',
  '2026-01-01T09:00:01.000Z',
  'STAFF',
  'stf_1',
  ['SUPPORT_WORKER', 'TEAM_LEADER'],
  'READ',
  'serviceUser',
  'su_1',
  ['ServiceUser.name', 'ServiceUser.phone'],
  ['CONTACT', 'IDENTIFYING'],
  'ALLOCATED',
  null,
  false,
  'ALLOWED',
  'matrix.allocated-support-worker',
];
const V2 = [
  'confide-audit/2',
  'org_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  3,
  7,
  'req-0.0',
  'req-1.0',
  'req-1',
  '2026-01-01T09:00:01.000Z',
  'STAFF',
  'stf_1',
  ['SUPPORT_WORKER', 'TEAM_LEADER'],
  'READ',
  'serviceUser',
  'su_1',
  ['ServiceUser.name', 'ServiceUser.phone'],
  ['CONTACT', 'IDENTIFYING'],
  'ALLOCATED',
  null,
  false,
  'ALLOWED',
  'matrix.allocated-support-worker',
  1900000000,
  1899999000,
];
const ITEMS = [
  'confide-audit/2',
  'org_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  3,
  7,
  'req-0.0',
  'req-1.0',
  'req-1',
  '2026-01-01T09:00:01.000Z',
  'STAFF',
  'stf_1',
  ['SUPPORT_WORKER', 'TEAM_LEADER'],
  'READ',
  'serviceUser',
  'su_1',
  ['ServiceUser.name', 'ServiceUser.phone'],
  ['CONTACT', 'IDENTIFYING'],
  'EMERGENCY',
  ['sealed', 'c2VhbGVk'],
  true,
  'ALLOWED',
  'matrix.allocated-support-worker',
  1900000000,
  1899999000,
  ['note_a', 'note_b'],
];
const LIST_0042 = [
  'confide-audit/2',
  'org_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  3,
  7,
  'req-0.0',
  'req-2.0',
  'req-1',
  '2026-01-01T09:00:01.000Z',
  'STAFF',
  'stf_1',
  ['SUPPORT_WORKER', 'TEAM_LEADER'],
  'READ',
  'serviceUser',
  null,
  ['ServiceUser.name', 'ServiceUser.phone'],
  ['CONTACT', 'IDENTIFYING'],
  'ALLOCATED',
  null,
  false,
  'LISTED',
  'matrix.allocated-support-worker',
  1900000000,
  1899999000,
  { list: ['su_2', 'su_1'], entriesExpireAt: 1900000500 },
];
const LIST_0053 = [
  'confide-audit/2',
  'org_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  3,
  7,
  'req-0.0',
  'req-2.0',
  'req-1',
  '2026-01-01T09:00:01.000Z',
  'STAFF',
  'stf_1',
  ['SUPPORT_WORKER', 'TEAM_LEADER'],
  'READ',
  'serviceUser',
  null,
  ['ServiceUser.name', 'ServiceUser.phone'],
  ['CONTACT', 'IDENTIFYING'],
  'ALLOCATED',
  null,
  false,
  'LISTED',
  'matrix.allocated-support-worker',
  1900000000,
  1899999000,
  {
    list: ['su_2', 'su_1'],
    entriesExpireAt: 1900000500,
    facts:
      '{"v":[[["ServiceUser.name"],["IDENTIFYING"],"ALLOCATED","matrix.allocated-support-worker",false,"ALLOWED"]],"n":2,"e":"5"}',
  },
];
const ENTRY = [
  'confide-audit-entry/1',
  'org_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  'req-2.0',
  1900000500,
  'req-2.0.1',
  'req-1',
  '2026-01-01T09:00:01.000Z',
  'STAFF',
  'stf_1',
  ['SUPPORT_WORKER', 'TEAM_LEADER'],
  'READ',
  'serviceUser',
  'su_1',
  ['ServiceUser.name', 'ServiceUser.phone'],
  ['CONTACT', 'IDENTIFYING'],
  'ALLOCATED',
  null,
  false,
  'ALLOWED',
  'matrix.allocated-support-worker',
  [],
];
