import { createHmac, timingSafeEqual } from 'node:crypto';
import { keyDerivedFrom } from '@confide/keys';
import { AHEAD_OUTCOME, encodeListFacts, entryIdOf, entryNumberOf, inSortOrder } from './audit-list';
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
 * Retention (docs/decisions/0017): an event written with an expiry (format 2) carries its `expiresAt`, its
 * predecessor's `expiresAt` and its predecessor's MAC, all covered by its own MAC, and a chain's expiries never
 * decrease. So once expired events are gone, the first event after them proves by its own MAC when they were due:
 * a gap whose events were all due is expiry, any other gap is deletion. Events of format 1 (no expiry) still verify.
 *
 * This module is pure: hashing, linking and checking. The DynamoDB side is in audit-log.ts.
 */

export const CHAIN_SHARDS = 32;
const CANONICAL_VERSION = 'confide-audit/1';
const CANONICAL_VERSION_WITH_EXPIRY = 'confide-audit/2';
const CANONICAL_ENTRY_VERSION = 'confide-audit-entry/1';
const GENESIS = '-';

/** The chain key of an organisation, derived from its beacon key (never stored, never leaves the process). */
export function chainKeyFrom(beaconKey: Uint8Array, orgId: string): Buffer {
  return keyDerivedFrom(beaconKey, orgId, 'confide/audit-chain/v1');
}

/** Where an event sits: its chain, its position (from 1), and the id of the event before it. */
export interface ChainPosition {
  readonly shard: number;
  readonly seq: number;
  /** The previous event's id, or `-` at the start of the chain. */
  readonly prevEventId: string;
  /** Format 2: when the event expires (epoch seconds; the item's TTL attribute). */
  readonly expiresAt?: number | undefined;
  /** Format 2: when the previous event expires; undefined at the start of the chain or after a format-1 event. */
  readonly prevExpiresAt?: number | undefined;
}

export interface ChainLink extends ChainPosition {
  readonly mac: string;
  /** Format 2: the previous event's MAC, so that the event verifies on its own once its predecessor expired. */
  readonly prevMac?: string | undefined;
}

/** The last link of one chain, as its head item records it. */
export interface ChainHead {
  readonly shard: number;
  readonly seq: number;
  readonly mac: string;
  readonly lastEventId: string;
  /**
   * Earliest and latest event time in the chain (verify reads the day index over this range). Once every event of
   * the chain is due, the next event starts the range again: nothing before it is needed any more.
   */
  readonly minAt: string | undefined;
  readonly maxAt: string | undefined;
  /** When the last event expires (format 2): no event of the chain expires later. */
  readonly lastExpiresAt?: number | undefined;
}

export function emptyHead(shard: number): ChainHead {
  return { shard, seq: 0, mac: '', lastEventId: GENESIS, minAt: undefined, maxAt: undefined };
}

/**
 * The MAC of a head item itself: rewinding a head to hide deleted tail events needs the overwritten head item,
 * not just knowledge of the algorithm.
 */
export function headMac(key: Uint8Array, orgId: string, head: ChainHead): string {
  const fields = [
    orgId,
    head.shard,
    head.seq,
    head.mac,
    head.lastEventId,
    head.minAt ?? null,
    head.maxAt ?? null,
  ];
  const canonical = JSON.stringify(
    head.lastExpiresAt === undefined
      ? ['confide-audit-head/1', ...fields]
      : ['confide-audit-head/2', ...fields, head.lastExpiresAt],
  );
  return createHmac('sha256', key).update(canonical).digest('base64url');
}

const sorted = inSortOrder;

/**
 * The bytes an event's MAC covers: every field of the event (sets sorted, absent values null) and its chain
 * position, with its expiry and its predecessor's in format 2. JSON of a fixed-order array, so no two different
 * events share an encoding.
 */
export function canonicalEvent(event: StoredAuditEvent, position: ChainPosition): string {
  const withExpiry = position.expiresAt !== undefined;
  return JSON.stringify([
    withExpiry ? CANONICAL_VERSION_WITH_EXPIRY : CANONICAL_VERSION,
    event.orgId,
    position.shard,
    position.seq,
    position.prevEventId,
    ...contentOf(event),
    ...(withExpiry ? [position.expiresAt, position.prevExpiresAt ?? null] : []),
    // The items read, only when named (so every event written before they were keeps its encoding); an array
    // where the format puts a number or null, so no two different events share an encoding.
    ...(event.items && event.items.length > 0 ? [sorted(event.items)] : []),
    ...disclosureSlot(event),
    // A list event's people, in entry order, and when their entries expire (decision 0042): an object where the
    // format puts an array, a number or null.
    // A list written ahead (decision 0053) adds its people's facts, so every list written before keeps its encoding.
    ...(event.list
      ? [
          {
            list: event.list.subjects,
            entriesExpireAt: event.list.entriesExpireAt,
            ...(event.list.facts ? { facts: encodeListFacts(event.list.facts) } : {}),
          },
        ]
      : []),
  ]);
}

/**
 * The bytes a list entry's MAC covers: its list event, its expiry and every field of the event it stands for. Its
 * own format name, so no entry shares an encoding with a chained event.
 */
export function canonicalEntry(event: StoredAuditEvent, listEventId: string, expiresAt: number): string {
  return JSON.stringify(canonicalEntryParts(event, listEventId, expiresAt));
}

/**
 * The MACs of many entries of one list that differ only in their id and person (a list's entries written ahead,
 * decision 0053): each is {@link entryMac} of `shared` with that entry's `eventId` and `subjectId`, byte for byte, but
 * what they share is encoded once. JSON of an array is its elements' JSON joined by commas inside brackets, so
 * encoding the elements one by one and splicing in the two that differ gives the same bytes as `canonicalEntry`.
 */
export function entryMacsOf(
  key: Uint8Array,
  shared: StoredAuditEvent,
  listEventId: string,
  expiresAt: number,
  entries: readonly { readonly eventId: string; readonly subjectId: string }[],
): string[] {
  const parts = canonicalEntryParts(shared, listEventId, expiresAt).map((part) =>
    part === undefined ? 'null' : (JSON.stringify(part) as string),
  );
  const head = `[${parts.slice(0, ENTRY_EVENT_ID).join(',')},`;
  const middle = `,${parts.slice(ENTRY_EVENT_ID + 1, ENTRY_SUBJECT_ID).join(',')},`;
  const tail = `,${parts.slice(ENTRY_SUBJECT_ID + 1).join(',')}]`;
  return entries.map(({ eventId, subjectId }) =>
    createHmac('sha256', key)
      .update(head + JSON.stringify(eventId) + middle + JSON.stringify(subjectId) + tail)
      .digest('base64url'),
  );
}

/** Where `canonicalEntryParts` puts the event's id and its person. */
const ENTRY_EVENT_ID = 4;
const ENTRY_SUBJECT_ID = ENTRY_EVENT_ID + 8;

function canonicalEntryParts(event: StoredAuditEvent, listEventId: string, expiresAt: number): unknown[] {
  return [
    CANONICAL_ENTRY_VERSION,
    event.orgId,
    listEventId,
    expiresAt,
    ...contentOf(event),
    sorted(event.items ?? []),
    ...disclosureSlot(event),
  ];
}

/**
 * The disclosure an event names, only when it names one (decision 0150: every event written before keeps its
 * encoding): an object where the format puts an array, a number or null, its key unlike a list's.
 */
function disclosureSlot(event: StoredAuditEvent): { disclosure: string }[] {
  return event.disclosureId ? [{ disclosure: event.disclosureId }] : [];
}

/** Every field of an event, sets sorted and absent values null, in the order both encodings put them. */
function contentOf(event: StoredAuditEvent): unknown[] {
  return [
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
    purposeSlot(event),
    event.emergency,
    event.outcome,
    event.rule ?? null,
  ];
}

/** A list entry's MAC under the chain key: the entry stands for one person's event of a chained list event. */
export function entryMac(
  key: Uint8Array,
  event: StoredAuditEvent,
  listEventId: string,
  expiresAt: number,
): string {
  return createHmac('sha256', key)
    .update(canonicalEntry(event, listEventId, expiresAt))
    .digest('base64url');
}

/**
 * What the MAC covers of the stated purpose: its ciphertext when sealed under the subject's key (so the event still
 * verifies once erasure destroyed that key), a marker when it was stated but not kept (no subject to seal it under),
 * the text itself only for events written before purposes were sealed. An array where those put a string or null, so
 * no two different events share an encoding.
 */
function purposeSlot(event: StoredAuditEvent): string | readonly string[] | null {
  // Text found beside a sealed purpose (as read back for verify) was never written with it: it breaks the MAC.
  const clear = event.purpose === undefined ? [] : [event.purpose];
  if (event.sealedPurpose !== undefined) return ['sealed', event.sealedPurpose, ...clear];
  if (event.purposeNotKept) return ['not-kept', ...clear];
  return event.purpose ?? null;
}

export function linkMac(key: Uint8Array, prevMac: string, canonical: string): string {
  return createHmac('sha256', key).update(prevMac).update('\n').update(canonical).digest('base64url');
}

/**
 * Extends a chain by `events`, in order: their links and the new head. With `expiryOf` (when each event is due
 * under the retention rule, epoch seconds) the links are of format 2: an event never expires before the event
 * before it in its chain, so a shorter rule takes effect on a chain once its earlier events are due.
 */
export function extendChain(
  key: Uint8Array,
  head: ChainHead,
  events: readonly StoredAuditEvent[],
  expiryOf?: (event: StoredAuditEvent) => number,
): { links: ChainLink[]; head: ChainHead } {
  const links: ChainLink[] = [];
  let { seq, mac, lastEventId, minAt, maxAt, lastExpiresAt } = head;
  for (const event of events) {
    const prevMac = mac;
    if (expiryOf && lastExpiresAt !== undefined && lastExpiresAt <= Math.floor(Date.parse(event.at) / 1000)) {
      // Every event before this one is due: verify need not look further back than this.
      minAt = undefined;
    }
    const position: ChainPosition = {
      shard: head.shard,
      seq: seq + 1,
      prevEventId: lastEventId,
      ...(expiryOf
        ? { expiresAt: Math.max(expiryOf(event), lastExpiresAt ?? 0), prevExpiresAt: lastExpiresAt }
        : {}),
    };
    mac = linkMac(key, mac, canonicalEvent(event, position));
    links.push({ ...position, mac, ...(expiryOf ? { prevMac } : {}) });
    seq = position.seq;
    lastEventId = event.eventId;
    lastExpiresAt = position.expiresAt;
    if (minAt === undefined || event.at < minAt) minAt = event.at;
    if (maxAt === undefined || event.at > maxAt) maxAt = event.at;
  }
  return {
    links,
    head: {
      shard: head.shard,
      seq,
      mac,
      lastEventId,
      minAt,
      maxAt,
      ...(lastExpiresAt === undefined ? {} : { lastExpiresAt }),
    },
  };
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

/** A list read's entry as read back for verification (decision 0042): one person's event, not itself chained. */
export interface StoredListEntry {
  readonly event: StoredAuditEvent;
  readonly listEventId: string;
  readonly mac: string;
  readonly expiresAt: number | undefined;
  /** False when the item's keys are not the ones its content implies (moved to another person's partition). */
  readonly keysMatch: boolean;
}

export interface AuditVerification {
  readonly ok: boolean;
  /** Events checked: chained events and the entries of list reads (not the list events that hold them). */
  readonly checked: number;
  /**
   * Entries with a genuine MAC whose list event is not (yet) in the chains: a list read whose request failed before
   * its chained event was written (it was refused, closed), or one still being written. Not a problem.
   */
  readonly unconfirmedEntries?: number;
  /** The first problem found, in time order: an event id, or `chain <n> position <p>` when no id is known. */
  readonly firstBadEvent?: string;
  readonly reason?: string;
  /** How many problems were found in all (a run of missing positions is one). */
  readonly problems: number;
}

interface Problem {
  readonly at: string;
  readonly eventId: string;
  readonly reason: string;
}

/** What verification needs to know about expiry. */
export interface ExpiryOptions {
  /** Now: a gap whose events were all due by now (format 2) is expiry. */
  readonly now?: Date | undefined;
  /**
   * Format 1 only (events written without an expiry): the retention horizon. A missing position followed by an
   * event older than this is expiry, not deletion.
   */
  readonly expiredBefore?: string | undefined;
}

/**
 * Checks every chain against its head: each event's MAC, that positions run 1..head without gaps or
 * duplicates, that each event names its predecessor, that the head matches the last event, and that no event
 * stands outside every chain. A gap is allowed only where the missing events had expired. Returns the first
 * problem in time order.
 */
export function verifyChains(
  key: Uint8Array,
  orgId: string,
  heads: readonly (ChainHead & { readonly headMac: string })[],
  stored: readonly StoredChainEvent[],
  options: ExpiryOptions & { readonly entries?: readonly StoredListEntry[] } = {},
): AuditVerification {
  const entries = options.entries ?? [];
  const listed = verifyListEntries(key, stored, entries, options.now);
  const problems: Problem[] = [...listed.problems];
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
    problems.push(...verifyShard(key, head, positions, options));
  }
  problems.sort((a, b) => a.at.localeCompare(b.at) || a.eventId.localeCompare(b.eventId));
  const first = problems[0];
  return {
    ok: problems.length === 0,
    // A list event is the container of its entries: the events checked are the chained events and the entries.
    checked: stored.filter(({ event }) => !event.list).length + entries.length - listed.unconfirmed,
    ...(listed.unconfirmed > 0 ? { unconfirmedEntries: listed.unconfirmed } : {}),
    ...(first ? { firstBadEvent: first.eventId, reason: first.reason } : {}),
    problems: problems.length,
  };
}

/**
 * Checks list reads' entries against their list events (decision 0042): every person a chained list event names
 * has its entry, unless the entries were due; each entry matches its MAC, its list, its person and its keys. An
 * entry no list names is a problem when its MAC fails (forged); with a genuine MAC it is unconfirmed (a request that
 * failed closed after writing it, or one still being written).
 */
function verifyListEntries(
  key: Uint8Array,
  stored: readonly StoredChainEvent[],
  entries: readonly StoredListEntry[],
  now: Date | undefined,
): { problems: Problem[]; unconfirmed: number } {
  const problems: Problem[] = [];
  const byId = new Map(entries.map((entry) => [entry.event.eventId, entry]));
  const claimed = new Set<StoredListEntry>();
  const nowSeconds = now === undefined ? undefined : Math.floor(now.getTime() / 1000);
  const genuine = (entry: StoredListEntry) =>
    entry.keysMatch &&
    entry.expiresAt !== undefined &&
    sameMac(entryMac(key, entry.event, entry.listEventId, entry.expiresAt), entry.mac);
  for (const { event: list } of stored) {
    if (!list.list) continue;
    const { subjects, entriesExpireAt } = list.list;
    const due = nowSeconds !== undefined && entriesExpireAt <= nowSeconds;
    for (const [k, subject] of subjects.entries()) {
      const n = entryNumberOf(list.list, k);
      const id = entryIdOf(list.eventId, n);
      const entry = byId.get(id);
      if (!entry) {
        if (!due)
          problems.push({
            at: list.at,
            eventId: id,
            reason: `deleted: entry ${n} of ${list.eventId} is missing`,
          });
        continue;
      }
      claimed.add(entry);
      const fits =
        entry.listEventId === list.eventId &&
        entry.event.subjectId === subject &&
        entry.event.at === list.at &&
        entry.expiresAt === entriesExpireAt &&
        // A list written ahead (0053) stands for entries that hold no facts; any other list for entries that hold them.
        (list.list.facts !== undefined) === (entry.event.outcome === AHEAD_OUTCOME);
      if (!fits || !genuine(entry)) {
        problems.push({
          at: entry.event.at,
          eventId: id,
          reason: `altered: the entry does not match its MAC or its list ${list.eventId}`,
        });
      }
    }
  }
  let unconfirmed = 0;
  for (const entry of entries) {
    if (claimed.has(entry)) continue;
    if (genuine(entry)) unconfirmed += 1;
    else
      problems.push({
        at: entry.event.at,
        eventId: entry.event.eventId,
        reason: 'inserted: the entry is in no list',
      });
  }
  return { problems, unconfirmed };
}

/** A verified (or, after a bad event, resynchronised) predecessor. */
interface Predecessor {
  readonly mac: string;
  readonly eventId: string;
  /** Its expiry, when verified (format 2); a resynchronised one's stored expiry proves nothing. */
  readonly expiresAt: number | undefined;
}

/** A format-2 event carries what it needs to verify on its own. */
function standsAlone(link: ChainLink): link is ChainLink & { prevMac: string; expiresAt: number } {
  return link.prevMac !== undefined && link.expiresAt !== undefined;
}

/** Whether an event is the genuine one at its position: after `prev`, or on its own when `prev` is unknown. */
function isGenuine(
  key: Uint8Array,
  prev: Predecessor | undefined,
  event: StoredAuditEvent,
  link: ChainLink,
): boolean {
  const canonical = canonicalEvent(event, link);
  if (!prev) return standsAlone(link) && sameMac(linkMac(key, link.prevMac, canonical), link.mac);
  return (
    link.prevEventId === prev.eventId &&
    (link.prevMac === undefined || link.prevMac === prev.mac) &&
    (prev.expiresAt === undefined || link.prevExpiresAt === prev.expiresAt) &&
    sameMac(linkMac(key, prev.mac, canonical), link.mac)
  );
}

/**
 * Whether the missing positions before `next` (or, without one, up to the head) had all expired. Format 2: the
 * next event's own MAC vouches for when its predecessor was due, and no earlier event of the chain was due later
 * (the head vouches the same for the chain's last event). Format 1: the next event (or the head's latest time)
 * is older than the retention horizon.
 */
function gapExpired(
  key: Uint8Array,
  head: ChainHead,
  next: readonly StoredChainEvent[],
  options: ExpiryOptions,
): boolean {
  const now = options.now === undefined ? undefined : Math.floor(options.now.getTime() / 1000);
  const due = (expiresAt: number | undefined) =>
    expiresAt !== undefined && now !== undefined && expiresAt <= now;
  const beforeHorizon = (at: string | undefined) =>
    options.expiredBefore !== undefined && at !== undefined && at !== '' && at < options.expiredBefore;
  if (next.length === 0) {
    return head.lastExpiresAt !== undefined ? due(head.lastExpiresAt) : beforeHorizon(head.maxAt);
  }
  const vouching = next.find(
    ({ event, link }) => link !== undefined && isGenuine(key, undefined, event, link),
  );
  if (vouching?.link?.prevExpiresAt !== undefined) return due(vouching.link.prevExpiresAt);
  // A format-2 successor that does not verify vouches for nothing (it is reported as altered).
  const legacy = next.find(({ link }) => link !== undefined && !standsAlone(link));
  return (vouching ?? legacy) !== undefined && beforeHorizon((vouching ?? legacy)?.event.at);
}

function verifyShard(
  key: Uint8Array,
  head: ChainHead,
  positions: Map<number, StoredChainEvent[]>,
  options: ExpiryOptions,
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
  let prev: Predecessor | undefined = { mac: '', eventId: GENESIS, expiresAt: undefined };
  for (let seq = 1; seq <= head.seq; seq++) {
    const entries = positions.get(seq) ?? [];
    if (entries.length === 0) {
      // A run of missing positions, up to the next event present (or the head).
      let last = seq;
      while (last < head.seq && (positions.get(last + 1) ?? []).length === 0) last++;
      const next = positions.get(last + 1) ?? [];
      if (!gapExpired(key, head, next, options)) {
        // One problem per gap, naming the last missing event (its successor, or the head, names it; its time stands
        // in for that one's). Earlier events of a longer gap may have expired; that one had not.
        const named = next[0]?.link?.prevEventId ?? (last === head.seq ? head.lastEventId : undefined);
        const positions =
          last === seq ? `${where(seq)} is` : `chain ${head.shard} positions ${seq}–${last} are`;
        problems.push({
          at: next[0]?.event.at ?? head.maxAt ?? '',
          eventId: named ?? where(last),
          reason: `deleted: ${positions} missing`,
        });
      }
      prev = undefined;
      seq = last;
      continue;
    }
    // With several claimants, the genuine one (if any) is the one whose MAC verifies.
    const verified = entries.filter(
      ({ event, link }) => link !== undefined && isGenuine(key, prev, event, link),
    );
    for (const { event, link } of entries) {
      if (verified.some((entry) => entry.event.eventId === event.eventId && entry.link === link)) continue;
      // Its predecessor is missing or bad: a format-1 event cannot be checked (that problem is reported already).
      if (prev === undefined && !(link && standsAlone(link))) continue;
      problems.push({
        at: event.at,
        eventId: event.eventId,
        reason:
          entries.length > 1
            ? `inserted: a second event claims ${where(seq)}`
            : prev !== undefined && link?.prevEventId !== prev.eventId
              ? `altered: ${where(seq)} does not follow ${prev.eventId}`
              : `altered: the event does not match its MAC (${where(seq)})`,
      });
    }
    const genuine = verified[0];
    prev = genuine?.link
      ? { mac: genuine.link.mac, eventId: genuine.event.eventId, expiresAt: genuine.link.expiresAt }
      : undefined;
    if (!genuine) {
      // Resynchronise on the stored MAC so one altered event does not condemn every later one.
      const only = entries.length === 1 ? entries[0] : undefined;
      if (only?.link) prev = { mac: only.link.mac, eventId: only.event.eventId, expiresAt: undefined };
    }
  }
  if (
    head.seq > 0 &&
    prev &&
    (prev.mac !== head.mac ||
      prev.eventId !== head.lastEventId ||
      (prev.expiresAt !== undefined && prev.expiresAt !== head.lastExpiresAt))
  ) {
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

  /**
   * Whether this process knows the head of a chain its next write would take: then that write needs no read first. A
   * head known on a chain where another process wrote does not count: the next write leases another chain (`#take`),
   * whose head it must read, and `prepare` reads it beside the request's first reads instead of after them.
   */
  get knowsAHead(): boolean {
    for (const shard of this.#heads.keys()) if (!this.#contended.has(shard)) return true;
    return false;
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
