import { randomBytes } from 'node:crypto';
import { newOrgId, type OrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import {
  type ChainHead,
  ChainLeases,
  canonicalEvent,
  chainKeyFrom,
  emptyHead,
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
