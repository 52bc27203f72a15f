import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { StoredAuditEvent } from './audit-log';

/**
 * Tamper evidence for the access audit (DATA-PROTECTION.md "Access audit"; docs/decisions/0012).
 *
 * Every event sits at a position of one of {@link CHAIN_SHARDS} chains per organisation. Its MAC is
 * HMAC-SHA256, under a key derived from the organisation's key hierarchy, of the previous event's MAC and the
 * event's canonical content (which includes the chain, the position and the previous event's id). A head item per
 * chain records the last position, written in the same transaction as the events with a condition on the position
 * it extends, so concurrent writers never fork a chain. An altered event fails its MAC, a deleted one leaves a gap
 * (its successor names it), a forged one has no valid MAC (the key is not in the data table).
 *
 * This module is pure: hashing, linking and checking. The DynamoDB side is in audit-log.ts.
 */

export const CHAIN_SHARDS = 32;
const CANONICAL_VERSION = 'confide-audit/1';
const GENESIS = '-';

/** The chain key of an organisation, derived from its beacon key (never stored, never leaves the process). */
export function chainKeyFrom(beaconKey: Uint8Array, orgId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', beaconKey, Buffer.from(orgId), 'confide/audit-chain/v1', 32));
}

/** Where an event sits: its chain, its position (from 1), and the id of the event before it. */
export interface ChainPosition {
  readonly shard: number;
  readonly seq: number;
  /** The previous event's id, or `-` at the start of the chain. */
  readonly prevEventId: string;
}

export interface ChainLink extends ChainPosition {
  readonly mac: string;
}

/** The last link of one chain, as its head item records it. */
export interface ChainHead {
  readonly shard: number;
  readonly seq: number;
  readonly mac: string;
  readonly lastEventId: string;
  /** Earliest and latest event time in the chain (verify reads the day index over this range). */
  readonly minAt: string | undefined;
  readonly maxAt: string | undefined;
}

export function emptyHead(shard: number): ChainHead {
  return { shard, seq: 0, mac: '', lastEventId: GENESIS, minAt: undefined, maxAt: undefined };
}

/**
 * The MAC of a head item itself: rewinding a head to hide deleted tail events needs the overwritten head item,
 * not just knowledge of the algorithm.
 */
export function headMac(key: Uint8Array, orgId: string, head: ChainHead): string {
  const canonical = JSON.stringify([
    'confide-audit-head/1',
    orgId,
    head.shard,
    head.seq,
    head.mac,
    head.lastEventId,
    head.minAt ?? null,
    head.maxAt ?? null,
  ]);
  return createHmac('sha256', key).update(canonical).digest('base64url');
}

const sorted = (values: readonly string[]) => [...values].sort();

/**
 * The bytes an event's MAC covers: every field of the event (sets sorted, absent values null) and its chain
 * position. JSON of a fixed-order array, so no two different events share an encoding.
 */
export function canonicalEvent(event: StoredAuditEvent, position: ChainPosition): string {
  return JSON.stringify([
    CANONICAL_VERSION,
    event.orgId,
    position.shard,
    position.seq,
    position.prevEventId,
    event.eventId,
    event.requestId,
    event.at,
    event.actor.kind,
    event.actor.id,
    sorted(event.actor.roles),
    event.action,
    event.operation,
    event.subjectId ?? null,
    sorted(event.fields),
    sorted(event.classifications),
    event.relationship ?? null,
    event.purpose ?? null,
    event.emergency,
    event.outcome,
    event.rule ?? null,
  ]);
}

export function linkMac(key: Uint8Array, prevMac: string, canonical: string): string {
  return createHmac('sha256', key).update(prevMac).update('\n').update(canonical).digest('base64url');
}

/** Extends a chain by `events`, in order: their links and the new head. */
export function extendChain(
  key: Uint8Array,
  head: ChainHead,
  events: readonly StoredAuditEvent[],
): { links: ChainLink[]; head: ChainHead } {
  const links: ChainLink[] = [];
  let { seq, mac, lastEventId, minAt, maxAt } = head;
  for (const event of events) {
    const position = { shard: head.shard, seq: seq + 1, prevEventId: lastEventId };
    mac = linkMac(key, mac, canonicalEvent(event, position));
    links.push({ ...position, mac });
    seq = position.seq;
    lastEventId = event.eventId;
    if (minAt === undefined || event.at < minAt) minAt = event.at;
    if (maxAt === undefined || event.at > maxAt) maxAt = event.at;
  }
  return { links, head: { shard: head.shard, seq, mac, lastEventId, minAt, maxAt } };
}

function sameMac(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** An event as read back for verification: its content, its link (if it has one) and whether its keys fit. */
export interface StoredChainEvent {
  readonly event: StoredAuditEvent;
  readonly link: ChainLink | undefined;
  /** False when the item's table and index keys are not the ones its content implies (a moved item). */
  readonly keysMatch: boolean;
}

export interface AuditVerification {
  readonly ok: boolean;
  /** Events checked. */
  readonly checked: number;
  /** The first problem found, in time order: an event id, or `chain <n> position <p>` when no id is known. */
  readonly firstBadEvent?: string;
  readonly reason?: string;
  /** How many problems were found in all. */
  readonly problems: number;
}

interface Problem {
  readonly at: string;
  readonly eventId: string;
  readonly reason: string;
}

/**
 * Checks every chain against its head: each event's MAC, that positions run 1..head without gaps or
 * duplicates, that each event names its predecessor, that the head matches the last event, and that no event
 * stands outside every chain. Returns the first problem in time order.
 */
export function verifyChains(
  key: Uint8Array,
  orgId: string,
  heads: readonly (ChainHead & { readonly headMac: string })[],
  stored: readonly StoredChainEvent[],
  options: {
    /**
     * The retention horizon: events older than this may have expired (DATA-PROTECTION.md, Retention), so a
     * missing position followed by an event older than it is expiry, not deletion.
     */
    readonly expiredBefore?: string | undefined;
  } = {},
): AuditVerification {
  const problems: Problem[] = [];
  const byShard = new Map<number, Map<number, StoredChainEvent[]>>();
  for (const entry of stored) {
    if (!entry.link) {
      problems.push({
        at: entry.event.at,
        eventId: entry.event.eventId,
        reason: 'inserted: the event is in no chain',
      });
      continue;
    }
    if (!entry.keysMatch) {
      problems.push({
        at: entry.event.at,
        eventId: entry.event.eventId,
        reason: 'moved: the item’s keys do not match its content',
      });
    }
    const shard = byShard.get(entry.link.shard) ?? new Map<number, StoredChainEvent[]>();
    byShard.set(entry.link.shard, shard);
    const atSeq = shard.get(entry.link.seq) ?? [];
    atSeq.push(entry);
    shard.set(entry.link.seq, atSeq);
  }
  const headOf = new Map<number, ChainHead>();
  for (const head of heads) {
    headOf.set(head.shard, head);
    if (!sameMac(headMac(key, orgId, head), head.headMac)) {
      problems.push({
        at: head.maxAt ?? '',
        eventId: head.lastEventId,
        reason: `altered: the head of chain ${head.shard} does not match its MAC`,
      });
    }
  }
  for (const shard of new Set([...headOf.keys(), ...byShard.keys()])) {
    const head = headOf.get(shard) ?? emptyHead(shard);
    const positions = byShard.get(shard) ?? new Map<number, StoredChainEvent[]>();
    problems.push(...verifyShard(key, head, positions, options.expiredBefore));
  }
  problems.sort((a, b) => a.at.localeCompare(b.at) || a.eventId.localeCompare(b.eventId));
  const first = problems[0];
  return {
    ok: problems.length === 0,
    checked: stored.length,
    ...(first ? { firstBadEvent: first.eventId, reason: first.reason } : {}),
    problems: problems.length,
  };
}

function verifyShard(
  key: Uint8Array,
  head: ChainHead,
  positions: Map<number, StoredChainEvent[]>,
  expiredBefore: string | undefined,
): Problem[] {
  const problems: Problem[] = [];
  const where = (seq: number) => `chain ${head.shard} position ${seq}`;
  for (const [seq, entries] of positions) {
    if (seq < 1 || seq > head.seq) {
      for (const { event } of entries) {
        problems.push({
          at: event.at,
          eventId: event.eventId,
          reason: `inserted: ${where(seq)} is beyond the chain’s head`,
        });
      }
    }
  }
  // Walk positions 1..head. `prev` is the verified predecessor; undefined after a gap or a bad event.
  let prev: { mac: string; eventId: string } | undefined = { mac: '', eventId: GENESIS };
  for (let seq = 1; seq <= head.seq; seq++) {
    const entries = positions.get(seq) ?? [];
    if (entries.length === 0) {
      // The successor (if any) names the missing event; its time stands in for the missing one's.
      const next = positions.get(seq + 1)?.[0];
      const newer = next?.event.at ?? head.maxAt ?? '';
      if (expiredBefore !== undefined && newer !== '' && newer < expiredBefore) {
        // Past retention: the event expired (TTL), and what followed it cannot be linked to it any more.
        prev = undefined;
        continue;
      }
      const missingId = next?.link?.prevEventId ?? (seq === head.seq ? head.lastEventId : where(seq));
      problems.push({
        at: next?.event.at ?? head.maxAt ?? '',
        eventId: missingId,
        reason: `deleted: ${where(seq)} is missing`,
      });
      prev = undefined;
      continue;
    }
    // With several claimants, the genuine one (if any) is the one whose MAC verifies.
    const verified = entries.filter(
      ({ event, link }) =>
        link !== undefined &&
        prev !== undefined &&
        link.prevEventId === prev.eventId &&
        sameMac(linkMac(key, prev.mac, canonicalEvent(event, link)), link.mac),
    );
    for (const { event, link } of entries) {
      if (verified.some((entry) => entry.event.eventId === event.eventId && entry.link === link)) continue;
      if (prev === undefined) {
        // Its predecessor is missing or bad: it cannot be checked, and that problem is already reported.
        continue;
      }
      problems.push({
        at: event.at,
        eventId: event.eventId,
        reason:
          entries.length > 1
            ? `inserted: a second event claims ${where(seq)}`
            : link?.prevEventId !== prev.eventId
              ? `altered: ${where(seq)} does not follow ${prev.eventId}`
              : `altered: the event does not match its MAC (${where(seq)})`,
      });
    }
    const genuine = verified[0];
    prev = genuine?.link ? { mac: genuine.link.mac, eventId: genuine.event.eventId } : undefined;
    if (!genuine) {
      // Resynchronise on the stored MAC so one altered event does not condemn every later one.
      const only = entries.length === 1 ? entries[0] : undefined;
      if (only?.link) prev = { mac: only.link.mac, eventId: only.event.eventId };
    }
  }
  if (head.seq > 0 && prev && (prev.mac !== head.mac || prev.eventId !== head.lastEventId)) {
    problems.push({
      at: head.maxAt ?? '',
      eventId: head.lastEventId,
      reason: `altered: the head of chain ${head.shard} does not match its last event`,
    });
  }
  return problems;
}

/** A chain position lent to one write: the shard and, when this process knows it, its head. */
export interface ChainLease {
  readonly shard: number;
  readonly head: ChainHead | undefined;
}

/**
 * Which chains this process is writing to. A write borrows a chain no other write of this process holds, so
 * writers in one process never conflict; it prefers a chain whose head it already knows (no read), and moves
 * off a chain where it met another process. Writers in other processes are kept apart by the head's condition.
 */
export class ChainLeases {
  readonly #free = new Set<number>();
  readonly #heads = new Map<number, ChainHead>();
  /** Free chains with a known head, most recently released last (reused first: its head is freshest). */
  #warm: number[] = [];
  readonly #contended = new Set<number>();
  readonly #poisoned = new Set<number>();
  readonly #waiting: { resolve: (lease: ChainLease) => void; reject: (error: Error) => void }[] = [];

  constructor(
    readonly shards: number = CHAIN_SHARDS,
    private readonly random: () => number = Math.random,
  ) {
    for (let shard = 0; shard < shards; shard++) this.#free.add(shard);
  }

  acquire(): Promise<ChainLease> {
    const lease = this.#take();
    if (lease) return Promise.resolve(lease);
    if (this.#poisoned.size >= this.shards) return Promise.reject(unusable());
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /**
   * Returns a chain. `head` is its head after the write (undefined when unknown, e.g. after a failed write);
   * `contended` says another process wrote to it meanwhile, so this process prefers other chains next time.
   */
  release(shard: number, head: ChainHead | undefined, contended = false): void {
    if (head) this.#heads.set(shard, head);
    else this.#heads.delete(shard);
    if (contended) this.#contended.add(shard);
    else this.#contended.delete(shard);
    this.#free.add(shard);
    if (head && !contended) this.#warm.push(shard);
    const waiter = this.#waiting.shift();
    if (waiter) {
      const lease = this.#take();
      if (lease) waiter.resolve(lease);
      else this.#waiting.unshift(waiter);
    }
  }

  /** A chain whose stored head failed its MAC: never extended by this process (verify reports it). */
  poison(shard: number): void {
    this.#poisoned.add(shard);
    this.#heads.delete(shard);
    this.#free.delete(shard);
    this.#warm = this.#warm.filter((s) => s !== shard);
    if (this.#poisoned.size >= this.shards) {
      for (const waiter of this.#waiting.splice(0)) waiter.reject(unusable());
    }
  }

  get poisoned(): ReadonlySet<number> {
    return this.#poisoned;
  }

  #take(): ChainLease | undefined {
    while (this.#warm.length > 0) {
      const shard = this.#warm.pop() as number;
      if (this.#free.has(shard) && this.#heads.has(shard) && !this.#contended.has(shard)) {
        return this.#lend(shard);
      }
    }
    const free = [...this.#free];
    if (free.length === 0) return undefined;
    const calm = free.filter((shard) => !this.#contended.has(shard));
    const pool = calm.length > 0 ? calm : free;
    return this.#lend(pool[Math.floor(this.random() * pool.length)] as number);
  }

  #lend(shard: number): ChainLease {
    this.#free.delete(shard);
    return { shard, head: this.#heads.get(shard) };
  }
}

function unusable(): Error {
  return new Error('No audit chain is usable: every chain head failed its check.');
}
