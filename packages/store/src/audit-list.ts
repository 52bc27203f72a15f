import { base32, base32Bytes } from '@confide/domain';
import type { StoredAuditEvent } from './audit-log';

/**
 * The audit of a read of many people at once (issue 18, decision 0042): one chained list event for the request and
 * a small entry per person in that person's audit partition, instead of one full chained event per person, each
 * projected into two indexes. A caseload of 50 cost about 400 write units that way; a list event (≤ 2 KB with its
 * packed subject list), its chain head and 50 entries of ≤ 1 KB cost 60.
 *
 * The list event is chained like any event (its MAC covers the subject list and when the entries expire); each entry
 * carries its own MAC under the chain key, naming its list event. So verify finds every entry from the chain, knows a
 * missing one from an expired one, and finds an altered or forged one by its MAC.
 *
 * This module is pure: which events become a list, and how its subject list is packed.
 */

/** A request's reads of at least this many different people of one kind are written as a list. */
export const LIST_THRESHOLD = 3;

/** What a list event adds to an event: its people, in entry order, and when their entries expire. */
export interface ListOfEntries {
  readonly subjects: readonly string[];
  /** Epoch seconds; every entry of the list expires then (they share the request's time and audit period). */
  readonly entriesExpireAt: number;
  /**
   * Decision 0053: the entries were written ahead, before the read, and hold no facts of it; the list holds them, so
   * only what the chained list says was read is a read. Absent on lists whose entries hold their own events (0042).
   */
  readonly facts?: ListFacts | undefined;
}

/** One person's read as a list written ahead records it: everything of their event but who, when and which list. */
export interface EntryFacts {
  readonly fields: readonly string[];
  readonly classifications: readonly string[];
  readonly relationship: string | undefined;
  readonly rule: string | undefined;
  readonly emergency: boolean;
  readonly outcome: string;
}

/** The facts of a list written ahead: the distinct facts, and for each person which of them and their entry's number. */
export interface ListFacts {
  readonly variants: readonly EntryFacts[];
  /** Per person of the list, in its order: the index of their facts in `variants`. */
  readonly of: readonly number[];
  /**
   * Per person: the number of the entry written ahead for them (`entryIdOf(list, n)`), when it is not their place in
   * the list (some people written ahead were not read: a page of a caseload, a record refused or gone).
   */
  readonly entries?: readonly number[] | undefined;
}

/** The outcome an entry written ahead records: nothing yet; its list says what was read (decision 0053). */
export const AHEAD_OUTCOME = 'AHEAD';

/** The number of the entry a list gives its k-th person. */
export function entryNumberOf(list: ListOfEntries, k: number): number {
  return list.facts?.entries?.[k] ?? k;
}

/** The facts as stored on a list event (and covered by its MAC): compact, every set sorted. */
export function encodeListFacts(facts: ListFacts): string {
  return JSON.stringify({
    v: facts.variants.map((f) => [
      inSortOrder(f.fields),
      inSortOrder(f.classifications),
      f.relationship ?? null,
      f.rule ?? null,
      f.emergency,
      f.outcome,
    ]),
    // Which facts each person's are: nothing when all share the first (a caseload, usually), else one base-36 digit
    // each while there are at most 36 kinds, else comma-separated.
    ...(facts.of.every((index) => index === 0)
      ? { n: facts.of.length }
      : {
          o:
            facts.variants.length <= 36
              ? facts.of.map((index) => index.toString(36)).join('')
              : facts.of.map((index) => index.toString(36)).join(','),
        }),
    // The entries of the people read, when not the first ones in order: a bit per entry written ahead (hex), in
    // increasing order, as the list names its people.
    ...(facts.entries ? { e: entryBits(facts.entries) } : {}),
  });
}

export function decodeListFacts(text: string): ListFacts {
  const raw = JSON.parse(text) as {
    v: [string[], string[], string | null, string | null, boolean, string][];
    o?: string;
    n?: number;
    e?: string;
  };
  const of =
    raw.o === undefined
      ? Array.from({ length: raw.n ?? 0 }, () => 0)
      : (raw.o.includes(',') || raw.v.length > 36 ? raw.o.split(',') : [...raw.o])
          .filter((digit) => digit !== '')
          .map((digit) => Number.parseInt(digit, 36));
  return {
    variants: raw.v.map(([fields, classifications, relationship, rule, emergency, outcome]) => ({
      fields,
      classifications,
      relationship: relationship ?? undefined,
      rule: rule ?? undefined,
      emergency,
      outcome,
    })),
    of,
    ...(raw.e ? { entries: entriesOfBits(raw.e) } : {}),
  };
}

/** Increasing entry numbers as a bit set, hex, lowest entry first (entry n is bit n % 4 of digit ⌊n / 4⌋). */
function entryBits(entries: readonly number[]): string {
  const digits = Array.from({ length: Math.floor(Math.max(-1, ...entries) / 4) + 1 }, () => 0);
  let last = -1;
  for (const n of entries) {
    if (!Number.isInteger(n) || n <= last)
      throw new RangeError('Entry numbers are listed in increasing order.');
    last = n;
    digits[Math.floor(n / 4)] = (digits[Math.floor(n / 4)] ?? 0) | (1 << (n % 4));
  }
  return digits.map((digit) => digit.toString(16)).join('');
}

function entriesOfBits(bits: string): number[] {
  const entries: number[] = [];
  for (const [index, digit] of [...bits].entries()) {
    const value = Number.parseInt(digit, 16);
    for (let bit = 0; bit < 4; bit++) if (value & (1 << bit)) entries.push(index * 4 + bit);
  }
  return entries;
}

/** The facts of each event, shared where equal: what a list written ahead stores for its people. */
export function factsOf(
  events: readonly Pick<
    StoredAuditEvent,
    'fields' | 'classifications' | 'relationship' | 'rule' | 'emergency' | 'outcome'
  >[],
): { variants: EntryFacts[]; of: number[] } {
  const variants: EntryFacts[] = [];
  // A list has few kinds of read (a caseload one): each event is compared with them, not encoded to look it up.
  const of = events.map((event) => {
    const facts: EntryFacts = {
      fields: inSortOrder(event.fields),
      classifications: inSortOrder(event.classifications),
      relationship: event.relationship,
      rule: event.rule,
      emergency: event.emergency,
      outcome: event.outcome,
    };
    const index = variants.findIndex((variant) => sameFacts(variant, facts));
    return index >= 0 ? index : variants.push(facts) - 1;
  });
  return { variants, of };
}

/**
 * The strings in sort order: the array itself when it already is (as a request's sets are by the time they reach the
 * audit), else a sorted copy. Sorting allocates even an array in order, a caseload's flush sorted some 300.
 */
export function inSortOrder(values: readonly string[]): readonly string[] {
  for (let index = 1; index < values.length; index++) {
    if ((values[index - 1] as string) > (values[index] as string)) return [...values].sort();
  }
  return values;
}

function sameFacts(a: EntryFacts, b: EntryFacts): boolean {
  return (
    a.relationship === b.relationship &&
    a.rule === b.rule &&
    a.emergency === b.emergency &&
    a.outcome === b.outcome &&
    sameStrings(a.fields, b.fields) &&
    sameStrings(a.classifications, b.classifications)
  );
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** The id of a list's n-th entry: bound to the list, so a list event names its entries without storing their ids. */
export function entryIdOf(listEventId: string, n: number): string {
  return `${listEventId}.${n}`;
}

/**
 * Splits a request's events into those chained on their own and groups of events about at least
 * {@link LIST_THRESHOLD} different people with the same action, operation and time, each group becoming one list. Events keep their order; a group's
 * list takes the place of its first event.
 */
export function groupForLists<E extends StoredAuditEvent>(
  events: readonly E[],
): ({ readonly single: E } | { readonly group: readonly E[] })[] {
  const kindOf = (event: E) => `${event.action}|${event.operation}|${event.at}`;
  const people = new Map<string, Set<string>>();
  for (const event of events) {
    if (!event.subjectId) continue;
    const seen = people.get(kindOf(event)) ?? new Set<string>();
    seen.add(event.subjectId);
    people.set(kindOf(event), seen);
  }
  const counts = new Map([...people].map(([kind, seen]) => [kind, seen.size]));
  const groups = new Map<string, E[]>();
  const out: ({ single: E } | { group: E[] })[] = [];
  for (const event of events) {
    const kind = kindOf(event);
    if (!event.subjectId || (counts.get(kind) ?? 0) < LIST_THRESHOLD) {
      out.push({ single: event });
      continue;
    }
    const group = groups.get(kind);
    if (group) group.push(event);
    else {
      const created = [event];
      groups.set(kind, created);
      out.push({ group: created });
    }
  }
  return out;
}

/** Confide's ids: a short kind prefix and 26 base-32 characters of 16 random bytes (domain/ids.ts). */
const CONFIDE_ID = /^([a-z]{1,8})_([a-z2-7]{26})$/;
const RAW = 0xff;

/**
 * Packs subject ids: 17 bytes for a Confide id (its prefix's number in a small table, then its 16 bytes) instead of
 * about 30 characters, so the subject list of a caseload of 50 keeps the list event within 2 KB. Any other id is kept
 * as its UTF-8 bytes. `unpackSubjects` gives back exactly the same strings.
 */
export function packSubjects(subjects: readonly string[]): Uint8Array {
  const prefixes: string[] = [];
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const subject of subjects) {
    const match = CONFIDE_ID.exec(subject);
    const bytes = match ? base32Bytes(match[2] as string) : undefined;
    let part: Uint8Array;
    if (match && bytes && prefixes.length < RAW) {
      let index = prefixes.indexOf(match[1] as string);
      if (index < 0) index = prefixes.push(match[1] as string) - 1;
      part = new Uint8Array(1 + bytes.length);
      part[0] = index;
      part.set(bytes, 1);
    } else {
      const raw = Buffer.from(subject, 'utf8');
      if (raw.length > 0xffff) throw new RangeError('A subject id is too long to list.');
      part = new Uint8Array(3 + raw.length);
      part.set([RAW, raw.length >> 8, raw.length & 0xff]);
      part.set(raw, 3);
    }
    parts.push(part);
    length += part.length;
  }
  const header: number[] = [prefixes.length];
  for (const prefix of prefixes) header.push(prefix.length, ...Buffer.from(prefix, 'ascii'));
  const packed = new Uint8Array(header.length + length);
  packed.set(header);
  let at = header.length;
  for (const part of parts) {
    packed.set(part, at);
    at += part.length;
  }
  return packed;
}

export function unpackSubjects(packed: Uint8Array): string[] {
  const bytes = Buffer.from(packed);
  let at = 0;
  const take = (length: number) => {
    if (at + length > bytes.length) throw new RangeError('A packed subject list is cut short.');
    const slice = bytes.subarray(at, at + length);
    at += length;
    return slice;
  };
  const prefixes: string[] = [];
  const prefixCount = take(1)[0] as number;
  for (let i = 0; i < prefixCount; i++) prefixes.push(take(take(1)[0] as number).toString('ascii'));
  const subjects: string[] = [];
  while (at < bytes.length) {
    const tag = take(1)[0] as number;
    if (tag === RAW) {
      const length = take(2).readUInt16BE(0);
      subjects.push(take(length).toString('utf8'));
    } else {
      const prefix = prefixes[tag];
      if (prefix === undefined) throw new RangeError('A packed subject list names an unknown prefix.');
      subjects.push(`${prefix}_${base32(take(16))}`);
    }
  }
  return subjects;
}
