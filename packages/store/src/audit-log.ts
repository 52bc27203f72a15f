import { createHash } from 'node:crypto';
import { type QueryCommandInput, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  addYears,
  type Classification,
  type Clock,
  DEFAULT_RETENTION_RULES,
  isExpired,
  type OrgId,
  RETENTION_BOUNDS,
  type Relationship,
  systemClock,
  toEpochSeconds,
} from '@confide/domain';
import { decryptField, encryptField, type SubjectKey } from '@confide/keys';
import { attr, type Item, read, requireS } from './attributes';
import {
  type AuditVerification,
  CHAIN_SHARDS,
  type ChainHead,
  ChainLeases,
  type ChainLink,
  chainKeyFrom,
  emptyHead,
  entryMac,
  entryMacsOf,
  extendChain,
  headMac,
  type StoredChainEvent,
  type StoredListEntry,
  verifyChains,
} from './audit-chain';
import {
  type CheckpointSigner,
  checkAgainstCheckpoint,
  type SignedCheckpoint,
  withAnchorProblems,
  withinSnapshot,
} from './audit-checkpoints';
import {
  AHEAD_OUTCOME,
  decodeListFacts,
  encodeListFacts,
  entryIdOf,
  entryNumberOf,
  factsOf,
  groupForLists,
  type ListOfEntries,
  packSubjects,
  unpackSubjects,
} from './audit-list';
import { inParallel } from './in-parallel';
import { type TenantScope, tenantScope } from './tenant-scope';
import { type TableAccess, TenantTable, type TenantTransactItem, type TransactResult } from './tenant-table';

export { LIST_THRESHOLD } from './audit-list';

export type AuditAction = 'READ' | 'WRITE' | 'DENIED' | 'EMERGENCY_ACCESS' | 'ADMIN' | 'DISCLOSURE';

/**
 * One audit event: who did what to whose record, under which relationship and purpose. Never the personal
 * data itself: field names and classifications only.
 */
export interface AuditEvent {
  readonly orgId: OrgId;
  /** The platform's id of the request (API Gateway's, or generated): never the caller's. */
  readonly requestId: string;
  /**
   * The caller's own `x-request-id`, when bounded (≤ 64 characters of `[A-Za-z0-9._:-]`): a correlation aid for
   * the caller's support requests, kept apart from the request id and not covered by the chain MAC.
   */
  readonly correlationId?: string | undefined;
  readonly at: string;
  readonly actor: { readonly kind: string; readonly id: string; readonly roles: readonly string[] };
  readonly action: AuditAction;
  /** The GraphQL field that caused it, e.g. `serviceUser` or `recordNote`. */
  readonly operation: string;
  /** The client or staff member whose record it is; undefined for organisation-level actions. */
  readonly subjectId: string | undefined;
  readonly fields: readonly string[];
  readonly classifications: readonly Classification[];
  readonly relationship: Relationship | undefined;
  /**
   * The stated purpose. Written: the text given (it is sealed, never stored in clear). Read back: the text while the
   * subject's key exists, {@link PURPOSE_ERASED} once it is destroyed, {@link PURPOSE_NOT_KEPT} when the event had
   * no person to seal it under; the text itself only on events written before purposes were sealed.
   */
  readonly purpose: string | undefined;
  readonly emergency: boolean;
  /** For denials: the error code given (FORBIDDEN, NOT_FOUND, JUSTIFICATION_REQUIRED, …). */
  readonly outcome: string;
  /** The policy rule that decided, e.g. `matrix.allocated-support-worker`. */
  readonly rule: string | undefined;
  /**
   * Which items were read, by opaque id (a note's or media item's id, never its content): named when the read
   * was under INVESTIGATION or EMERGENCY or needed a stated purpose (Azure 4.1 "make a note of which files were
   * examined"). Absent or empty otherwise.
   */
  readonly items?: readonly string[];
  /**
   * The disclosure a release or exceptional disclosure made: its request id in the person's disclosure register (a
   * reference; the recipient stays there, under the person's key). Absent on every other event (decision 0150).
   */
  readonly disclosureId?: string | undefined;
}

export interface StoredAuditEvent extends AuditEvent {
  readonly eventId: string;
  /** The purpose as stored: sealed under the subject's key (base64), covered by the chain MAC as it is. */
  readonly sealedPurpose?: string | undefined;
  /** A purpose was stated, but the event has no person whose key could seal it, so its text was not kept. */
  readonly purposeNotKept?: boolean | undefined;
  /** A list event (decision 0042): the people whose entries stand for its events. Never returned by a reader. */
  readonly list?: ListOfEntries | undefined;
}

/** What a reader of the audit sees of a sealed purpose once the person's key is destroyed. */
export const PURPOSE_ERASED = 'erased';
/** What a reader sees of a purpose stated on an event with no person to seal it under (decision 0028). */
export const PURPOSE_NOT_KEPT = 'not kept';

/** Subject keys by subject id, for sealing or opening purposes; a subject without a key is absent. */
export type PurposeKeys = (orgId: OrgId, subjectIds: readonly string[]) => Promise<Map<string, SubjectKey>>;

/** The most items one TransactWriteItems call takes; two calls per request is the budget. */
const ITEMS_PER_CALL = 100;
/** Each call also writes its chain's head, so it carries one event fewer. */
const EVENTS_PER_CALL = ITEMS_PER_CALL - 1;
export const MAX_AUDIT_CALLS_PER_REQUEST = 2;
export const MAX_AUDIT_EVENTS_PER_REQUEST = EVENTS_PER_CALL * MAX_AUDIT_CALLS_PER_REQUEST;
/**
 * Calls a write may make beyond its budget, each after meeting another process on its chain (decision 0012): a
 * Lambda container's remembered head goes stale whenever another container extends that chain, and a care worker's
 * note is not refused for that. A write that keeps meeting others fails closed. Four, not two: with two, twelve
 * processes starting at once on one organisation refused 6 and 9 of 7,200 writes in two runs (new chains contended
 * from the start); with four, none of 14,400.
 */
export const MAX_AUDIT_CONFLICT_RETRIES = 4;
/** Day partitions of the day index (gsi2) per day. */
const DAY_SHARDS = 8;
/** Days of the day index read at once by a report. */
const DAYS_PER_ROUND = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Where the chain key comes from: the organisation's beacon key in the key hierarchy. */
export interface AuditChainKeys {
  beaconKey(orgId: OrgId): Promise<Uint8Array>;
  /** Subject keys, to seal and open stated purposes (erasure shreds them with the person's records). */
  subjectKeys(orgId: OrgId, subjectIds: readonly string[]): Promise<Map<string, SubjectKey>>;
}

/** How a request's events are written. */
export interface AuditWriteOptions {
  /**
   * Write calls this write plans for (default: the request's whole budget); a retry after meeting another process on
   * a chain comes on top, at most {@link MAX_AUDIT_CONFLICT_RETRIES} of them.
   */
  readonly maxCalls?: number;
  /** The organisation's audit retention rule in force (8 years by default). */
  readonly retentionYears?: number | undefined;
  /** Where the subjects' keys come from (the request's loader); by default the key table. */
  readonly purposeKeys?: PurposeKeys | undefined;
  /** Entries written ahead for a read of many people (decision 0053): the list this write makes of that read confirms them. */
  readonly ahead?: EntriesAhead | undefined;
}

/**
 * A read of many people whose entries are written before the read (decision 0053): as soon as the people are known,
 * beside the reads of their records. Each entry holds who, when and which list, but no facts of the read; the chained
 * list event written after the read holds those, for the people actually read only.
 */
export interface ListAhead {
  readonly orgId: OrgId;
  /** The id the request's events will carry (the flush's). */
  readonly requestId: string;
  readonly correlationId?: string | undefined;
  /** The time the request's events will carry. */
  readonly at: string;
  readonly actor: AuditEvent['actor'];
  readonly action: AuditAction;
  readonly operation: string;
  /** The people the read may show, in entry order. */
  readonly subjects: readonly string[];
}

/** Entries written ahead (see {@link AuditLog.writeAhead}). */
export interface EntriesAhead extends ListAhead {
  readonly listEventId: string;
  readonly entriesExpireAt: number;
  /** Settles once the entries are written: undefined, or the error that kept them from it (never rejects). */
  readonly written: Promise<unknown>;
}

/**
 * Events split into transactional calls, the last one leaving room for `reserved` items of a change: the events
 * that record a change are the newest, so they are the ones that travel with it.
 */
function chunksEndingWithRoom<T>(events: readonly T[], reserved: number): T[][] {
  const lastSize = Math.min(events.length, EVENTS_PER_CALL - reserved);
  const before = events.slice(0, events.length - lastSize);
  const chunks: T[][] = [];
  for (let start = 0; start < before.length; start += EVENTS_PER_CALL) {
    chunks.push(before.slice(start, start + EVENTS_PER_CALL));
  }
  chunks.push(events.slice(events.length - lastSize));
  return chunks;
}

/**
 * A transactional call. With a change in it, a cancellation for a concurrent transaction on the change's own items
 * (a retry of the same note arriving at once) is a refusal of the change like a failed condition, not a fault.
 */
async function transactWithChange(
  gateway: TenantTable,
  changeItems: number,
  items: readonly TenantTransactItem[],
): Promise<TransactResult> {
  try {
    return await gateway.transactWrite(items);
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = (error.CancellationReasons ?? []).map((reason) => reason.Code);
    const cancelled = { written: false, reasons } as const;
    if (refusedChange(cancelled, changeItems) || headConflict(cancelled) === null) return cancelled;
    throw error;
  }
}

/** Whether a cancelled call was refused by a condition of its first `changeItems` items (the change's own). */
function refusedChange(result: TransactResult, changeItems: number): boolean {
  if (result.written || changeItems === 0) return false;
  return result.reasons.slice(0, changeItems).some((code) => code !== undefined && code !== 'None');
}

/** Chains this process is writing to, per table and organisation, shared by every AuditLog of the process. */
const leasesByOrganisation = new Map<string, ChainLeases>();
function leasesFor(table: string, orgId: string): ChainLeases {
  const key = `${table}|${orgId}`;
  let leases = leasesByOrganisation.get(key);
  if (!leases) {
    leases = new ChainLeases();
    leasesByOrganisation.set(key, leases);
  }
  return leases;
}

/**
 * The access audit: events are written in at most two transactional calls per request (one in practice),
 * each event indexed by subject (`accessLog`), by actor and by day (reports), and linked into one of the
 * organisation's hash chains (audit-chain.ts) so that {@link AuditLog.verify} detects any altered, inserted
 * or deleted event.
 *
 * Retention (docs/decisions/0017): every event carries `expiresAt` (DynamoDB TTL), its time plus the audit
 * period in force when it is written, inside its MAC; reads never return an expired event, and verify counts a
 * gap as expiry only where the chain itself proves the missing events were due.
 */
export class AuditLog {
  constructor(
    /** A shared client or the organisations' own (decision 0031): every item goes through the tenant gateway. */
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly keys: AuditChainKeys,
    /** Chains lent per organisation; by default shared by the process (a test passes its own to act as another). */
    private readonly leases: (orgId: string) => ChainLeases = (orgId) => leasesFor(table, orgId),
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Readies this process's first audit write for an organisation (issue 18, cold start): loads the chain key (and
   * with it the organisation's branch key) and reads one chain's head now, beside a request's first reads, instead
   * of one after another when the request's events are written. Does nothing while a head the next write would take is
   * known: every request after the first, unless another process wrote that chain (`ChainLeases.knowsAHead`). A failure
   * here is left for the write itself to meet and report.
   */
  prepare(orgId: OrgId): void {
    const leases = this.leases(orgId);
    if (leases.knowsAHead || this.#preparing.has(orgId)) return;
    const scope = tenantScope(orgId);
    const preparing = (async () => {
      const key = chainKeyFrom(await this.keys.beaconKey(orgId), orgId);
      const lease = await this.#lease(scope, key, leases);
      leases.release(lease.shard, lease.head);
    })()
      .catch(() => undefined)
      .finally(() => this.#preparing.delete(orgId));
    this.#preparing.set(orgId, preparing);
  }

  readonly #preparing = new Map<OrgId, Promise<void>>();

  /**
   * Starts writing an entry per person of a read of many people before the read (decision 0053), beside the reads of
   * their records: the request's write of its events then confirms, in its chained list event, exactly the people read
   * and what was read of each. An entry no list confirms is no one's read: readers never show it, verify counts it
   * unconfirmed, and the write that confirms the others takes it back. Pass the result to {@link write} as `ahead`;
   * a failure here only makes that write put the entries as before (decision 0042).
   */
  writeAhead(list: ListAhead, options: { readonly retentionYears?: number | undefined } = {}): EntriesAhead {
    const subjects = [...new Set(list.subjects)];
    const listEventId = `${list.requestId}.ahead`;
    const years = options.retentionYears ?? DEFAULT_RETENTION_RULES.auditYears;
    const entriesExpireAt = toEpochSeconds(addYears(new Date(list.at), years));
    const ahead = { ...list, subjects, listEventId, entriesExpireAt };
    const scope = tenantScope(list.orgId);
    const written = (async () => {
      if (subjects.length === 0) return;
      const key = chainKeyFrom(await this.keys.beaconKey(scope.orgId), scope.orgId);
      // The entries differ only in their id and person: what they share is built and encoded once (a caseload's 50).
      const shared = aheadEntry(ahead, subjects[0] as string, 0);
      const named = subjects.map((subjectId, n) => ({ eventId: entryIdOf(listEventId, n), subjectId }));
      const macs = entryMacsOf(key, shared, listEventId, entriesExpireAt, named);
      const common = entryContent(shared, listEventId, entriesExpireAt);
      const items = named.map(({ eventId, subjectId }, n) =>
        entryItem(scope, { at: ahead.at, eventId, subjectId }, common, macs[n] as string),
      );
      await this.#gateway(scope).batchPut(items, { concurrency: Math.ceil(items.length / 25) });
    })().then(
      () => undefined,
      (error: unknown) => error ?? new Error('The entries written ahead were not written.'),
    );
    return { ...ahead, written };
  }

  /** Takes back entries written ahead (all, or those numbered), once written; best effort: unconfirmed, they are no one's read. */
  async withdrawAhead(ahead: EntriesAhead, numbers?: readonly number[]): Promise<void> {
    await ahead.written;
    const scope = tenantScope(ahead.orgId);
    const keys = (numbers ?? ahead.subjects.map((_, n) => n)).map((n) =>
      entryKey(scope, ahead.at, entryIdOf(ahead.listEventId, n), ahead.subjects[n] as string),
    );
    if (keys.length === 0) return;
    await this.#gateway(scope)
      .batchDelete(keys)
      .catch(() => undefined);
  }

  /**
   * Writes a request's events; throws if they cannot all be written (the caller withholds the response). Plans for
   * at most `maxCalls` write calls (default: the request's whole budget), plus a retry each time it meets another
   * process on a chain (at most {@link MAX_AUDIT_CONFLICT_RETRIES}), and returns how many it used. Each event
   * expires `retentionYears` (the organisation's audit rule; 8 by default) after it happened, or with the event
   * before it in its chain if that is later.
   */
  async write(events: readonly AuditEvent[], options: AuditWriteOptions = {}): Promise<number> {
    return (await this.#append(events, [], options)).calls;
  }

  /**
   * Writes a request's events and a change in the same transaction (issue 18: a note and its audit are one round
   * trip), so the change is made only with the events that record it, and the events recording it are written
   * only with the change. Earlier events that do not fit beside the change go first, in calls of their own. When a
   * condition of the change refuses it (a note already written, a record gone), nothing of that last call is
   * written: `changed` is false and `unwritten` counts the trailing events left for the caller to write later.
   * Throws, changing nothing, when the audit cannot be written.
   */
  async writeWithChange(
    events: readonly AuditEvent[],
    change: readonly TenantTransactItem[],
    options: AuditWriteOptions = {},
  ): Promise<{ calls: number; changed: boolean; unwritten: number }> {
    if (change.length === 0 || change.length >= EVENTS_PER_CALL) {
      throw new Error('A change written with its audit takes 1 to 98 items.');
    }
    if (events.length === 0) throw new Error('A change is written only with the events that record it.');
    return this.#append(events, change, options);
  }

  async #append(
    events: readonly AuditEvent[],
    change: readonly TenantTransactItem[],
    options: AuditWriteOptions,
  ): Promise<{ calls: number; changed: boolean; unwritten: number }> {
    const first = events[0];
    if (!first) return { calls: 0, changed: false, unwritten: 0 };
    const budget = Math.min(options.maxCalls ?? MAX_AUDIT_CALLS_PER_REQUEST, MAX_AUDIT_CALLS_PER_REQUEST);
    if (events.length + change.length > EVENTS_PER_CALL * budget) {
      throw new Error('Too many audit events for one request.');
    }
    if (events.some((event) => event.orgId !== first.orgId)) {
      throw new Error('One request’s audit events belong to one organisation.');
    }
    const scope = tenantScope(first.orgId);
    const gateway = this.#gateway(scope);
    // Reads of many people are written as one chained list event and an entry per person (decision 0042); a change's
    // events stay whole, in its transaction. Entries are named before purposes are sealed: a seal is bound to its id.
    // Entries written ahead (decision 0053) stand for the one list that fits them, if they were written: its people's
    // facts go in the chained list event, and no entry is written now. Otherwise the list is written as in 0042.
    const ahead =
      change.length === 0 && options.ahead && !(await options.ahead.written) ? options.ahead : undefined;
    let aheadUsed: number[] | undefined;
    const parts = (
      change.length === 0
        ? groupForLists(events.map(withEventId))
        : events.map(withEventId).map((single) => ({ single }))
    ).map((part) => {
      if ('single' in part) return part;
      if (ahead && !aheadUsed && fitsAhead(part.group, ahead)) {
        // In the order the entries were written, so the list names its people as the entries number them.
        const numbered = part.group
          .map((event) => ({ event, n: ahead.subjects.indexOf(event.subjectId as string) }))
          .sort((a, b) => a.n - b.n);
        aheadUsed = numbered.map(({ n }) => n);
        return {
          listEventId: ahead.listEventId,
          ahead: aheadUsed,
          group: numbered.map(({ event, n }) => ({ ...event, eventId: entryIdOf(ahead.listEventId, n) })),
        };
      }
      return {
        listEventId: (part.group[0] as StoredAuditEvent).eventId,
        group: part.group.map((event, n) => ({
          ...event,
          eventId: entryIdOf((part.group[0] as StoredAuditEvent).eventId, n),
        })),
      };
    });
    const sealed = new Map(
      (
        await this.#sealPurposes(
          scope,
          parts.flatMap((part) => ('single' in part ? [part.single] : part.group)),
          options.purposeKeys,
        )
      ).map((event) => [event.eventId, event]),
    );
    const sealedOf = (event: StoredAuditEvent) => sealed.get(event.eventId) as StoredAuditEvent;
    const years = options.retentionYears ?? DEFAULT_RETENTION_RULES.auditYears;
    const expiryOf = (event: StoredAuditEvent) => toEpochSeconds(addYears(new Date(event.at), years));
    const key = chainKeyFrom(await this.keys.beaconKey(scope.orgId), scope.orgId);
    const leases = this.leases(scope.orgId);
    const stored: StoredAuditEvent[] = [];
    const entryItems: Item[] = [];
    for (const part of parts) {
      if ('single' in part) {
        stored.push(sealedOf(part.single));
        continue;
      }
      const group = part.group.map(sealedOf);
      const list = listEventOf(part.listEventId, group, expiryOf);
      const numbers = 'ahead' in part ? part.ahead : undefined;
      if (numbers && ahead) {
        // The entries are written: the list names the people read, with what was read of each and their entry's number.
        const identity = numbers.every((n, k) => n === k);
        stored.push({
          ...list,
          list: {
            subjects: list.list.subjects,
            entriesExpireAt: ahead.entriesExpireAt,
            facts: { ...factsOf(group), ...(identity ? {} : { entries: numbers }) },
          },
        });
        continue;
      }
      stored.push(list);
      for (const entry of group) {
        const expiresAt = list.list.entriesExpireAt;
        entryItems.push(
          entryItem(
            scope,
            { at: entry.at, eventId: entry.eventId, subjectId: entry.subjectId as string },
            entryContent(entry, part.listEventId, expiresAt),
            entryMac(key, entry, part.listEventId, expiresAt),
          ),
        );
      }
    }
    const chunks = chunksEndingWithRoom(stored, change.length);
    // A head being read for this organisation by `prepare` is the one to extend: waiting for it costs less than
    // reading another chain's head after it.
    await this.#preparing.get(scope.orgId);
    // Entries go beside the chained events, in the same round trip: BatchWriteItem (no transaction), 25 per call. A
    // request whose entries or chained events fail is withheld; verify tells a missing entry from one never confirmed.
    const entriesWritten =
      entryItems.length === 0
        ? undefined
        : gateway.batchPut(entryItems, { concurrency: Math.ceil(entryItems.length / 25) }).then(
            () => undefined,
            (error: unknown) => error,
          );
    // When the chained events are not written, the request fails closed and its entries are taken back, so no reader
    // shows a read that was withheld (one left behind by a second fault is "unconfirmed" to verify, not a problem).
    // All of them, even when their write failed: a batch write is not atomic, and some may have landed.
    const withdrawEntries = async () => {
      if (!entriesWritten) return;
      await entriesWritten;
      await gateway
        .batchDelete(entryItems.map((item) => ({ pk: requireS(item, 'pk'), sk: requireS(item, 'sk') })))
        .catch(() => undefined);
    };
    // Entries written ahead that this write does not confirm (people not read, or every one when the list is written
    // as in 0042) are taken back beside the chained write; all of them if the chained write fails.
    const used = new Set(aheadUsed ?? []);
    const unconfirmedAhead = options.ahead?.subjects.flatMap((_, n) => (used.has(n) ? [] : [n])) ?? [];
    const withdrawingAhead =
      options.ahead && unconfirmedAhead.length > 0
        ? this.withdrawAhead(options.ahead, unconfirmedAhead)
        : undefined;
    const withdrawAllAhead = async () => {
      await withdrawingAhead;
      if (options.ahead && aheadUsed) await this.withdrawAhead(options.ahead, aheadUsed);
    };
    let lease = await this.#lease(scope, key, leases).catch(async (error: unknown) => {
      await withdrawEntries();
      await withdrawAllAhead();
      throw error;
    });
    let held = true;
    /** Whether another process wrote to the chain this write holds. */
    let contended = false;
    /** Whether some chained events were written: then their entries stay (a list's missing entry is a problem). */
    let chained = false;
    try {
      let calls = 0;
      let conflicts = 0;
      for (const [index, chunk] of chunks.entries()) {
        // The change travels in the last call, with the events that record it.
        const withChange = index === chunks.length - 1 ? change : [];
        for (;;) {
          calls++;
          const next = extendChain(key, lease.head, chunk, expiryOf);
          const result = await transactWithChange(gateway, withChange.length, [
            ...withChange,
            ...this.#chunkWrites(scope, key, chunk, next.links, lease.head, next.head),
          ]);
          if (result.written) {
            lease = { shard: lease.shard, head: next.head };
            chained = true;
            break;
          }
          if (refusedChange(result, withChange.length)) {
            // The change's own condition refused it: nothing of this call was written. The chain's head stands
            // unless another process also moved it.
            const headMoved = result.reasons.at(-1) === 'ConditionalCheckFailed';
            leases.release(lease.shard, headMoved ? undefined : lease.head, headMoved);
            return { calls, changed: false, unwritten: chunk.length };
          }
          // Another process extended this chain since its head was read: retry, beyond the budget (a mutation's
          // flush before its change has a single call, and a remembered head goes stale whenever another container
          // writes its chain). The first time, extend the head the cancellation returned: it is the one head known
          // to be current (another chain's head this process remembers may be as old, from a container idle while
          // others wrote). Meeting another process again means it is writing there now: move to another chain, whose
          // head is read from the table. Either way the chain is marked contended, so this process's next writes
          // prefer others.
          const current = headConflict(result);
          if (current === undefined || conflicts >= MAX_AUDIT_CONFLICT_RETRIES) {
            throw new AuditWriteCancelledError();
          }
          conflicts++;
          contended = true;
          if (current && conflicts === 1) {
            lease = { shard: lease.shard, head: this.#trustedHead(scope, key, lease.shard, current) };
            continue;
          }
          leases.release(lease.shard, undefined, true);
          held = false;
          lease = await this.#lease(scope, key, leases, true);
          held = true;
          contended = false;
        }
      }
      leases.release(lease.shard, lease.head, contended);
      held = false;
      const entriesFailed = await entriesWritten;
      await withdrawingAhead;
      if (entriesFailed) throw entriesFailed;
      return { calls, changed: change.length > 0, unwritten: 0 };
    } catch (error) {
      if (held && error instanceof PoisonedHeadError) leases.poison(lease.shard);
      else if (held) leases.release(lease.shard, undefined, true);
      if (!chained) {
        await withdrawEntries();
        await withdrawAllAhead();
      }
      throw error;
    }
  }

  /**
   * Free text never reaches the table in clear (issue 17 item 2; decision 0028): each event's purpose is sealed under
   * its subject's key, bound to the event, so the person's erasure shreds it; an event with no subject, or whose
   * subject has no key, keeps only the fact that a purpose was stated. A key that cannot be read fails the write.
   */
  async #sealPurposes(
    scope: TenantScope,
    events: StoredAuditEvent[],
    purposeKeys: PurposeKeys | undefined,
  ): Promise<StoredAuditEvent[]> {
    const subjects = [
      ...new Set(events.flatMap((event) => (event.purpose && event.subjectId ? [event.subjectId] : []))),
    ];
    const keys =
      subjects.length === 0
        ? new Map<string, SubjectKey>()
        : await (purposeKeys ?? ((orgId, ids) => this.keys.subjectKeys(orgId, ids)))(scope.orgId, subjects);
    return events.map((event) => {
      if (event.purpose === undefined) return event;
      if (!event.purpose) return { ...event, purpose: undefined };
      const key = event.subjectId ? keys.get(event.subjectId) : undefined;
      if (!key) return { ...event, purpose: undefined, purposeNotKept: true };
      const sealed = encryptField(key, purposeLocation(event), event.purpose);
      return { ...event, purpose: undefined, sealedPurpose: Buffer.from(sealed).toString('base64') };
    });
  }

  /** Opens the purposes of events read back: the text while the subject's key exists, "erased" after. */
  async #openPurposes(scope: TenantScope, events: StoredAuditEvent[]): Promise<StoredAuditEvent[]> {
    const subjects = [
      ...new Set(
        events.flatMap((event) =>
          event.sealedPurpose !== undefined && event.subjectId ? [event.subjectId] : [],
        ),
      ),
    ];
    if (subjects.length === 0 && !events.some((event) => event.purposeNotKept)) return events;
    const keys =
      subjects.length === 0
        ? new Map<string, SubjectKey>()
        : await this.keys.subjectKeys(scope.orgId, subjects);
    return events.map((event) => {
      if (event.purposeNotKept) return { ...event, purpose: PURPOSE_NOT_KEPT };
      if (event.sealedPurpose === undefined) return event;
      const key = event.subjectId ? keys.get(event.subjectId) : undefined;
      if (!key) return { ...event, purpose: PURPOSE_ERASED };
      // A ciphertext that does not open under its own key and place was altered: fail, never show a guess.
      const purpose = decryptField(key, purposeLocation(event), Buffer.from(event.sealedPurpose, 'base64'));
      return { ...event, purpose };
    });
  }

  /**
   * A chain to extend; one whose stored head fails its MAC is set aside (verify reports it) and another taken. With
   * `fresh`, its head is read from the table even when this process remembers one (a write moving off a chain where
   * it met another process: a head it remembers from earlier may be as stale).
   */
  async #lease(
    scope: TenantScope,
    key: Buffer,
    leases: ChainLeases,
    fresh = false,
  ): Promise<{ shard: number; head: ChainHead }> {
    for (;;) {
      const lease = await leases.acquire();
      if (lease.head && !fresh) return { shard: lease.shard, head: lease.head };
      try {
        return { shard: lease.shard, head: await this.#readHead(scope, key, lease.shard) };
      } catch (error) {
        if (!(error instanceof PoisonedHeadError)) {
          leases.release(lease.shard, undefined);
          throw error;
        }
        leases.poison(lease.shard);
      }
    }
  }

  #chunkWrites(
    scope: TenantScope,
    key: Buffer,
    events: readonly StoredAuditEvent[],
    links: readonly ChainLink[],
    from: ChainHead,
    to: ChainHead,
  ): TenantTransactItem[] {
    const writes: TenantTransactItem[] = events.map((event, index) => ({
      Put: {
        Item: toItem(scope, event, links[index]),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    writes.push({
      Put: {
        Item: headItem(scope, key, to),
        ...(from.seq === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'seq = :seq', ExpressionAttributeValues: { ':seq': attr.n(from.seq) } }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
    return writes;
  }

  async #readHead(scope: TenantScope, key: Buffer, shard: number): Promise<ChainHead> {
    const item = await this.#gateway(scope).get(headRef(scope, shard));
    return item ? this.#trustedHead(scope, key, shard, item) : emptyHead(shard);
  }

  /**
   * Where the organisation's chains stand: each chain's sequence number, from heads that pass their MAC. Any event
   * appended since (a read or a change anyone made) moves it: an export is the organisation's latest state only while
   * its position is the current one (decision 0034).
   */
  async position(scope: TenantScope): Promise<string> {
    const key = chainKeyFrom(await this.keys.beaconKey(scope.orgId), scope.orgId);
    const heads = await this.#readAllHeads(scope);
    for (const head of heads) {
      if (headMac(key, scope.orgId, head) !== head.headMac) throw new PoisonedHeadError();
    }
    return heads.map((head) => `${head.shard}:${head.seq}`).join(',');
  }

  /** A stored head, only if its MAC verifies: extending a rewound head would hide the events it dropped. */
  #trustedHead(scope: TenantScope, key: Buffer, shard: number, item: Item): ChainHead {
    const head = fromHeadItem(item);
    if (head.shard !== shard || headMac(key, scope.orgId, head) !== head.headMac)
      throw new PoisonedHeadError();
    return head;
  }

  /** A subject's events, newest first, optionally within a time range. */
  async bySubject(
    scope: TenantScope,
    subjectId: string,
    range: { from?: string | undefined; to?: string | undefined; limit?: number } = {},
  ): Promise<StoredAuditEvent[]> {
    const events = await this.#queryNewestFirst(
      scope,
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': attr.s(subjectPartition(scope, subjectId)),
          ':from': attr.s(range.from ?? '0'),
          ':to': attr.s(`${range.to ?? '9'}~`),
        },
      },
      range.limit ?? 200,
    );
    return this.#openPurposes(scope, await this.#confirmAhead(scope, events));
  }

  /**
   * Entries written ahead (decision 0053) are a person's read only as their chained list event confirms it, with the
   * facts it records for them: an entry no list confirms (a person the read did not show, a request withheld) is left
   * out. Each list is read once, by key.
   */
  async #confirmAhead(scope: TenantScope, events: StoredAuditEvent[]): Promise<StoredAuditEvent[]> {
    const aheadOf = (event: StoredAuditEvent) => {
      if (event.outcome !== AHEAD_OUTCOME) return undefined;
      const dot = event.eventId.lastIndexOf('.');
      return { listEventId: event.eventId.slice(0, dot), n: Number(event.eventId.slice(dot + 1)) };
    };
    const listIds = new Map<string, { pk: string; sk: string }>();
    for (const event of events) {
      const ahead = aheadOf(event);
      if (!ahead || listIds.has(ahead.listEventId)) continue;
      // The list's keys follow from its id and time (the entry shares both, and its actor).
      const keys = keysOf({
        ...event,
        eventId: ahead.listEventId,
        list: { subjects: [], entriesExpireAt: 0 },
      });
      listIds.set(ahead.listEventId, { pk: keys.pk, sk: keys.sk });
    }
    if (listIds.size === 0) return events;
    const lists = new Map(
      (await this.#gateway(scope).batchGet([...listIds.values()], { now: this.clock.now() }))
        .map(fromItem)
        .map((list) => [list.eventId, list]),
    );
    return events.flatMap((event) => {
      const ahead = aheadOf(event);
      if (!ahead) return [event];
      const list = lists.get(ahead.listEventId);
      if (!list?.list?.facts) return [];
      const { subjects } = list.list;
      const k = subjects.findIndex(
        (_, index) => entryNumberOf(list.list as ListOfEntries, index) === ahead.n,
      );
      if (k < 0 || subjects[k] !== event.subjectId) return [];
      return [personOfList(list, k)];
    });
  }

  /** What one actor (staff member, service user or partner) did, newest first (the actor index). */
  async byActor(
    scope: TenantScope,
    actorId: string,
    range: { from?: string | undefined; to?: string | undefined; limit?: number } = {},
  ): Promise<StoredAuditEvent[]> {
    const events = await this.#queryNewestFirst(
      scope,
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': attr.s(actorPartition(scope, actorId)),
          ':from': attr.s(range.from ?? '0'),
          ':to': attr.s(`${range.to ?? '9'}~`),
        },
      },
      range.limit ?? 200,
    );
    const expanded = await this.#expandLists(scope, events);
    return this.#openPurposes(scope, expanded.slice(0, range.limit ?? 200));
  }

  /**
   * A list event stands for its entries (decision 0042): readers by actor and by day see each person's event, read
   * from that person's partition, never the list itself. An entry gone with its retention is gone from the report.
   */
  async #expandLists(scope: TenantScope, events: StoredAuditEvent[]): Promise<StoredAuditEvent[]> {
    if (!events.some((event) => event.list)) return events;
    // A list written ahead (0053) holds its people's facts: no entry is read for it.
    const now = toEpochSeconds(this.clock.now());
    const keys = events.flatMap((event) =>
      (event.list?.facts ? [] : (event.list?.subjects ?? [])).map((subject, n) =>
        entryKey(scope, event.at, entryIdOf(event.eventId, n), subject),
      ),
    );
    const items = await this.#gateway(scope).batchGet(keys, { now: this.clock.now() });
    const entries = new Map(items.map((item) => [requireS(item, 'eventId'), fromItem(item)]));
    return events.flatMap((event) => {
      if (!event.list) return [event];
      if (event.list.facts) {
        return event.list.entriesExpireAt <= now
          ? []
          : event.list.subjects.map((_, k) => personOfList(event, k));
      }
      return event.list.subjects.flatMap((_, n) => entries.get(entryIdOf(event.eventId, n)) ?? []);
    });
  }

  /**
   * Every event of the organisation in a time range, newest first, from the sharded day index: one query per
   * day shard, days newest first, stopping once `limit` events are in hand (`truncated` then says more exist).
   */
  async inPeriod(
    scope: TenantScope,
    range: { from: string; to: string; limit?: number },
  ): Promise<{ events: StoredAuditEvent[]; truncated: boolean }> {
    const limit = range.limit ?? 5000;
    const events: StoredAuditEvent[] = [];
    const days = await this.#daysWithEvents(scope, range);
    // Four days (32 day partitions) at a time, newest first.
    for (let start = 0; start < days.length; start += DAYS_PER_ROUND) {
      const partitions = days
        .slice(start, start + DAYS_PER_ROUND)
        .flatMap((day) =>
          Array.from({ length: DAY_SHARDS }, (_, shard) => scope.key('AUDIT', 'DAY', day, String(shard))),
        );
      const pages = await Promise.all(
        partitions.map((partition) =>
          this.#queryAll(scope, {
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': attr.s(partition),
              ':from': attr.s(range.from),
              ':to': attr.s(`${range.to}~`),
            },
          }),
        ),
      );
      const round: StoredAuditEvent[] = [];
      for (const item of pages.flat()) if (!this.#expired(item)) round.push(fromItem(item));
      events.push(...(await this.#expandLists(scope, round)));
      if (events.length >= limit && start + DAYS_PER_ROUND < days.length) {
        return {
          events: await this.#openPurposes(scope, newestFirst(events).slice(0, limit)),
          truncated: true,
        };
      }
    }
    const sortedEvents = newestFirst(events);
    return {
      events: await this.#openPurposes(scope, sortedEvents.slice(0, limit)),
      truncated: sortedEvents.length > limit,
    };
  }

  /**
   * The days of `range` that can hold a live event, newest first: none before the earliest event any chain head
   * records nor after the latest (one BatchGet of the heads). A report over 92 days of a young organisation reads its
   * few days' partitions instead of 736 empty ones. A chain's `minAt` moves past events only once they are all due,
   * which reports never return anyway.
   */
  async #daysWithEvents(scope: TenantScope, range: { from: string; to: string }): Promise<string[]> {
    const requested = daysBetween(range.from, range.to);
    const heads = await this.#readAllHeads(scope);
    const first = heads.map((head) => head.minAt?.slice(0, 10)).filter((day) => day !== undefined);
    const last = heads.map((head) => head.maxAt?.slice(0, 10)).filter((day) => day !== undefined);
    if (first.length === 0 || last.length === 0) return [];
    const earliest = first.reduce((a, b) => (a < b ? a : b));
    const latest = last.reduce((a, b) => (a > b ? a : b));
    return requested.filter((day) => day >= earliest && day <= latest).reverse();
  }

  /**
   * Checks the organisation's whole audit log against its chains (audit-chain.ts): reads every chain head, finds
   * every audit partition through the day index over the chains' time span, reads those partitions in full from
   * the table, and verifies. Expired events are allowed to be gone: each chain proves when they were due
   * (`retentionYears` is the horizon only for events written before they carried an expiry). Offline work (an
   * operator command), not a request path.
   */
  async verify(
    scope: TenantScope,
    options: {
      now?: Date;
      retentionYears?: number;
      /** The last checkpoint (decision 0029): every chain must have only grown from it. */
      checkpoint?: { readonly signed: SignedCheckpoint; readonly signer: CheckpointSigner } | undefined;
      /** Told the heads the verification judged by, for the next checkpoint. */
      onHeads?: ((heads: readonly ChainHead[]) => void) | undefined;
    } = {},
  ): Promise<AuditVerification> {
    const key = chainKeyFrom(await this.keys.beaconKey(scope.orgId), scope.orgId);
    const heads = await this.#readAllHeads(scope);
    const now = (options.now ?? this.clock.now()).toISOString();
    // A chain whose every event is due has nothing verify must find (its head vouches for them all).
    const live = heads.filter((head) => !isExpired(head.lastExpiresAt, new Date(now)));
    const times = [now, ...live.flatMap((head) => [head.minAt, head.maxAt])].filter(
      (at): at is string => at !== undefined,
    );
    // No event can outlive the longest audit period the bounds allow (its chain's expiries included): days before
    // that hold nothing verify needs, even when TTL has not yet deleted it.
    const floor = addYears(new Date(now), -RETENTION_BOUNDS.auditYears.max).toISOString();
    const first = times.reduce((a, b) => (a < b ? a : b));
    const earliest = new Date(Date.parse(first > floor ? first : floor) - DAY_MS).toISOString();
    const latest = new Date(Date.parse(times.reduce((a, b) => (a > b ? a : b))) + DAY_MS).toISOString();
    const partitions = new Set<string>([scope.key('AUDIT', 'ORG')]);
    const queries = daysBetween(earliest, latest).flatMap((day) =>
      Array.from({ length: DAY_SHARDS }, (_, shard) => scope.key('AUDIT', 'DAY', day, String(shard))),
    );
    await inParallel(queries, 16, async (dayPartition) => {
      const items = await this.#queryAll(scope, {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(dayPartition) },
        ProjectionExpression: 'pk',
      });
      for (const item of items) partitions.add(requireS(item, 'pk'));
    });
    const stored: StoredChainEvent[] = [];
    const entries: StoredListEntry[] = [];
    const readPartition = async (partition: string) => {
      const items = await this.#queryAll(scope, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(partition) },
        ConsistentRead: true,
      });
      for (const item of items) {
        if (item.listEventId) entries.push(toStoredListEntry(item));
        else stored.push(toStoredChainEvent(item));
      }
    };
    await inParallel([...partitions], 16, readPartition);
    // A list event names the people whose partitions hold its entries (the day index does not point to entries).
    const entryPartitions = new Set(
      stored.flatMap(({ event }) =>
        (event.list?.subjects ?? [])
          .map((subject) => subjectPartition(scope, subject))
          .filter((partition) => !partitions.has(partition)),
      ),
    );
    await inParallel([...entryPartitions], 16, readPartition);
    // Events written while verify ran stand beyond the heads read first: left to the next run (decision 0029).
    const judged = withinSnapshot(stored, heads, await this.#readAllHeads(scope));
    const expiredBefore =
      options.retentionYears === undefined
        ? undefined
        : new Date(Date.parse(now) - options.retentionYears * 365.25 * DAY_MS).toISOString();
    const result = verifyChains(key, scope.orgId, heads, judged, {
      now: new Date(now),
      expiredBefore,
      entries,
    });
    options.onHeads?.(heads);
    if (!options.checkpoint) return result;
    const { signed, signer } = options.checkpoint;
    return withAnchorProblems(
      result,
      await checkAgainstCheckpoint(signer, scope.orgId, signed, heads, judged),
    );
  }

  async #readAllHeads(scope: TenantScope): Promise<(ChainHead & { headMac: string })[]> {
    const keys = Array.from({ length: CHAIN_SHARDS }, (_, shard) => headRef(scope, shard));
    const heads = (await this.#gateway(scope).batchGet(keys)).map(fromHeadItem);
    return heads.sort((a, b) => a.shard - b.shard);
  }

  async #queryNewestFirst(
    scope: TenantScope,
    input: Omit<QueryCommandInput, 'TableName'>,
    limit: number,
  ): Promise<StoredAuditEvent[]> {
    const gateway = this.#gateway(scope);
    const events: StoredAuditEvent[] = [];
    let startKey: Item | undefined;
    do {
      const page = await gateway.query(
        { ...input, ScanIndexForward: false, Limit: limit - events.length, ExclusiveStartKey: startKey },
        { now: this.clock.now(), allPages: false },
      );
      for (const item of page.items) events.push(fromItem(item));
      startKey = page.lastKey;
    } while (startKey && events.length < limit);
    return events;
  }

  /** Reports never return an expired event, whether or not TTL has deleted it yet. */
  #expired(item: Item): boolean {
    return isExpired(read.n(item, 'expiresAt'), this.clock.now());
  }

  /** Every page of a query of this organisation's audit partitions (expiry is judged by the caller). */
  async #queryAll(scope: TenantScope, input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    return (await this.#gateway(scope).query(input, { allPages: true })).items;
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }
}

/** A stored chain head that fails its MAC. */
class PoisonedHeadError extends Error {
  constructor() {
    super('An audit chain head failed its integrity check.');
  }
}

/** An audit write cancelled by something other than its chain moving on (or after too many retries). */
class AuditWriteCancelledError extends Error {
  constructor() {
    super('An audit write was cancelled.');
    this.name = 'AuditWriteCancelledError';
  }
}

/**
 * The current head item when a write failed only because its chain moved on (null when the cancellation did not
 * carry it, or another process's transaction was writing the head at that moment: DynamoDB's TransactionConflict,
 * which DynamoDB Local never reports, as it runs transactions one at a time); undefined for any other failure.
 */
function headConflict(result: TransactResult): Item | null | undefined {
  if (result.written) return undefined;
  const { reasons } = result;
  const last = reasons.at(-1);
  const othersFine = reasons.slice(0, -1).every((code) => !code || code === 'None');
  if (!othersFine) return undefined;
  if (last === 'TransactionConflict') return null;
  if (last !== 'ConditionalCheckFailed') return undefined;
  return result.items?.at(-1) ?? null;
}

function headRef(scope: TenantScope, shard: number): { pk: string; sk: string } {
  return { pk: scope.key('AUDIT', 'CHAIN', String(shard).padStart(2, '0')), sk: 'HEAD' };
}

function headKey(scope: TenantScope, shard: number): Item {
  const ref = headRef(scope, shard);
  return { pk: attr.s(ref.pk), sk: attr.s(ref.sk) };
}

function headItem(scope: TenantScope, key: Buffer, head: ChainHead): Item {
  return {
    ...headKey(scope, head.shard),
    shard: attr.n(head.shard),
    seq: attr.n(head.seq),
    mac: attr.s(head.mac),
    lastEventId: attr.s(head.lastEventId),
    ...(head.minAt ? { minAt: attr.s(head.minAt) } : {}),
    ...(head.maxAt ? { maxAt: attr.s(head.maxAt) } : {}),
    ...(head.lastExpiresAt === undefined ? {} : { lastExpiresAt: attr.n(head.lastExpiresAt) }),
    headMac: attr.s(headMac(key, scope.orgId, head)),
  };
}

function fromHeadItem(item: Item): ChainHead & { headMac: string } {
  return {
    shard: read.n(item, 'shard') ?? -1,
    seq: read.n(item, 'seq') ?? 0,
    mac: read.s(item, 'mac') ?? '',
    lastEventId: read.s(item, 'lastEventId') ?? '',
    minAt: read.s(item, 'minAt'),
    maxAt: read.s(item, 'maxAt'),
    lastExpiresAt: read.n(item, 'lastExpiresAt'),
    headMac: read.s(item, 'headMac') ?? '',
  };
}

/** A person's audit partition: their events and their entries of list reads ("who looked at this person"). */
function subjectPartition(scope: TenantScope, subjectId: string): string {
  return scope.key('AUDIT', 'SUBJECT', subjectId);
}

/** Where one person's entry of a list read lives: their partition, sorted by time and id as any event is. */
function entryKey(
  scope: TenantScope,
  at: string,
  eventId: string,
  subjectId: string,
): { pk: string; sk: string } {
  return { pk: subjectPartition(scope, subjectId), sk: `${at}#${eventId}` };
}

function actorPartition(scope: TenantScope, actorId: string): string {
  return scope.key('AUDIT', 'ACTOR', actorId.replace(/#/g, '_'));
}

/** The table and index keys an event's content implies. */
type AuditKeys = Record<'pk' | 'sk' | 'gsi1pk' | 'gsi1sk' | 'gsi2pk' | 'gsi2sk', string>;
function keysOf(event: StoredAuditEvent, scope: TenantScope = tenantScope(event.orgId)): AuditKeys {
  const sk = `${event.at}#${event.eventId}`;
  // Day partitions are sharded so that a busy organisation's audit never lands on one hot partition.
  const shard = createHash('sha256').update(event.eventId).digest()[0] ?? 0;
  return {
    pk: event.list
      ? // List events of a day, sharded as the day index is: an organisation's list reads never share one partition.
        scope.key('AUDIT', 'LIST', event.at.slice(0, 10), String(shard % DAY_SHARDS))
      : event.subjectId
        ? subjectPartition(scope, event.subjectId)
        : scope.key('AUDIT', 'ORG'),
    sk,
    gsi1pk: actorPartition(scope, event.actor.id),
    gsi1sk: sk,
    gsi2pk: scope.key('AUDIT', 'DAY', event.at.slice(0, 10), String(shard % DAY_SHARDS)),
    gsi2sk: sk,
  };
}

function toItem(scope: TenantScope, event: StoredAuditEvent, link: ChainLink | undefined): Item {
  if (!link) throw new Error('Every audit event is written with its chain link.');
  const keys = keysOf(event, scope);
  return {
    pk: attr.s(keys.pk),
    sk: attr.s(keys.sk),
    gsi1pk: attr.s(keys.gsi1pk),
    gsi1sk: attr.s(keys.gsi1sk),
    gsi2pk: attr.s(keys.gsi2pk),
    gsi2sk: attr.s(keys.gsi2sk),
    ...contentAttributes(event),
    ...(event.list
      ? {
          listSubjects: attr.b(packSubjects(event.list.subjects)),
          entriesExpireAt: attr.n(event.list.entriesExpireAt),
          ...(event.list.facts ? { listFacts: attr.s(encodeListFacts(event.list.facts)) } : {}),
        }
      : {}),
    chainShard: attr.n(link.shard),
    chainSeq: attr.n(link.seq),
    chainPrev: attr.s(link.prevEventId),
    chainMac: attr.s(link.mac),
    // Format 2: the TTL attribute and what lets the event vouch for its predecessor's expiry (audit-chain.ts).
    ...(link.expiresAt === undefined ? {} : { expiresAt: attr.n(link.expiresAt) }),
    ...(link.prevExpiresAt === undefined ? {} : { chainPrevExpiresAt: attr.n(link.prevExpiresAt) }),
    ...(link.prevMac === undefined ? {} : { chainPrevMac: attr.s(link.prevMac) }),
  };
}

/** An event's own attributes, apart from its keys and its place in a chain or list. */
function contentAttributes(event: StoredAuditEvent): Item {
  return {
    eventId: attr.s(event.eventId),
    orgId: attr.s(event.orgId),
    requestId: attr.s(event.requestId),
    ...(event.correlationId ? { correlationId: attr.s(event.correlationId) } : {}),
    at: attr.s(event.at),
    actorKind: attr.s(event.actor.kind),
    actorId: attr.s(event.actor.id),
    actorRoles: attr.ss(event.actor.roles),
    action: attr.s(event.action),
    operation: attr.s(event.operation),
    ...(event.subjectId ? { subjectId: attr.s(event.subjectId) } : {}),
    fields: attr.ss(event.fields),
    classifications: attr.ss(event.classifications),
    ...(event.relationship ? { relationship: attr.s(event.relationship) } : {}),
    // Never the text (issue 17 item 2): sealed under the subject's key, or only the fact that one was stated.
    ...(event.sealedPurpose !== undefined
      ? { purposeSealed: attr.b(Buffer.from(event.sealedPurpose, 'base64')) }
      : {}),
    ...(event.purposeNotKept ? { purposeNotKept: attr.bool(true) } : {}),
    emergency: attr.bool(event.emergency),
    outcome: attr.s(event.outcome),
    ...(event.rule ? { rule: attr.s(event.rule) } : {}),
    ...(event.items && event.items.length > 0 ? { items: attr.ss(event.items) } : {}),
    ...(event.disclosureId ? { disclosureId: attr.s(event.disclosureId) } : {}),
  };
}

function fromItem(item: Item): StoredAuditEvent {
  return {
    eventId: requireS(item, 'eventId'),
    orgId: requireS(item, 'orgId') as OrgId,
    requestId: requireS(item, 'requestId'),
    correlationId: read.s(item, 'correlationId'),
    at: requireS(item, 'at'),
    actor: {
      kind: requireS(item, 'actorKind'),
      id: requireS(item, 'actorId'),
      roles: read.ss(item, 'actorRoles'),
    },
    action: requireS(item, 'action') as AuditAction,
    operation: requireS(item, 'operation'),
    subjectId: read.s(item, 'subjectId'),
    fields: read.ss(item, 'fields'),
    classifications: read.ss(item, 'classifications') as Classification[],
    relationship: read.s(item, 'relationship') as Relationship | undefined,
    // Events written before purposes were sealed carry the text; later ones the ciphertext (opened by readers).
    purpose: read.s(item, 'purpose'),
    ...(item.purposeSealed?.B ? { sealedPurpose: Buffer.from(item.purposeSealed.B).toString('base64') } : {}),
    ...(read.bool(item, 'purposeNotKept') ? { purposeNotKept: true } : {}),
    emergency: read.bool(item, 'emergency') ?? false,
    outcome: requireS(item, 'outcome'),
    rule: read.s(item, 'rule'),
    ...(item.items ? { items: read.ss(item, 'items') } : {}),
    ...(item.disclosureId ? { disclosureId: read.s(item, 'disclosureId') } : {}),
    ...(item.listSubjects?.B
      ? {
          list: {
            subjects: unpackSubjects(item.listSubjects.B),
            entriesExpireAt: read.n(item, 'entriesExpireAt') ?? 0,
            ...(item.listFacts?.S ? { facts: decodeListFacts(item.listFacts.S) } : {}),
          },
        }
      : {}),
  };
}

function withEventId(event: AuditEvent, index: number): StoredAuditEvent {
  return { ...event, eventId: `${event.requestId}.${index}` };
}

/** The chained event of a list read: who read, what kind of read, and whose entries stand for it (decision 0042). */
function listEventOf(
  listEventId: string,
  group: readonly StoredAuditEvent[],
  expiryOf: (event: StoredAuditEvent) => number,
): StoredAuditEvent & { list: ListOfEntries } {
  const first = group[0] as StoredAuditEvent;
  return {
    orgId: first.orgId,
    eventId: listEventId,
    requestId: first.requestId,
    ...(first.correlationId ? { correlationId: first.correlationId } : {}),
    at: first.at,
    actor: first.actor,
    action: first.action,
    operation: first.operation,
    subjectId: undefined,
    fields: [],
    classifications: [],
    relationship: undefined,
    purpose: undefined,
    emergency: group.some((event) => event.emergency),
    outcome: LIST_OUTCOME,
    rule: undefined,
    list: { subjects: group.map((event) => event.subjectId as string), entriesExpireAt: expiryOf(first) },
  };
}

/** The outcome a list event records: its entries say how each person's read went. */
const LIST_OUTCOME = 'LISTED';

/**
 * Whether entries written ahead can stand for a list (decision 0053): the same request, time, action and operation,
 * each person once and among those written ahead, and nothing an entry must hold itself (a sealed purpose, items
 * named, a disclosure). Otherwise the list is written as in 0042 and the entries ahead are taken back.
 */
function fitsAhead(group: readonly StoredAuditEvent[], ahead: EntriesAhead): boolean {
  const first = group[0];
  if (
    !first ||
    first.requestId !== ahead.requestId ||
    first.at !== ahead.at ||
    first.action !== ahead.action ||
    first.operation !== ahead.operation ||
    first.orgId !== ahead.orgId
  )
    return false;
  const people = new Set(ahead.subjects);
  const seen = new Set<string>();
  return group.every((event) => {
    const subject = event.subjectId;
    if (!subject || !people.has(subject) || seen.has(subject)) return false;
    seen.add(subject);
    return (
      !event.purpose &&
      !event.sealedPurpose &&
      !event.purposeNotKept &&
      !(event.items && event.items.length > 0) &&
      !event.disclosureId
    );
  });
}

/** The entry written ahead for one person: who, when, which list; no facts of the read (its list holds them). */
function aheadEntry(
  ahead: ListAhead & { readonly listEventId: string },
  subject: string,
  n: number,
): StoredAuditEvent {
  return {
    orgId: ahead.orgId,
    eventId: entryIdOf(ahead.listEventId, n),
    requestId: ahead.requestId,
    ...(ahead.correlationId ? { correlationId: ahead.correlationId } : {}),
    at: ahead.at,
    actor: ahead.actor,
    action: ahead.action,
    operation: ahead.operation,
    subjectId: subject,
    fields: [],
    classifications: [],
    relationship: undefined,
    purpose: undefined,
    emergency: false,
    outcome: AHEAD_OUTCOME,
    rule: undefined,
  };
}

/** The k-th person's event of a list written ahead, as its chained list event records it. */
function personOfList(list: StoredAuditEvent, k: number): StoredAuditEvent {
  const of = list.list as ListOfEntries;
  const facts = of.facts?.variants[of.facts.of[k] ?? -1];
  if (!facts) throw new Error('A list written ahead names a person without facts.');
  return {
    orgId: list.orgId,
    eventId: entryIdOf(list.eventId, entryNumberOf(of, k)),
    requestId: list.requestId,
    ...(list.correlationId ? { correlationId: list.correlationId } : {}),
    at: list.at,
    actor: list.actor,
    action: list.action,
    operation: list.operation,
    subjectId: of.subjects[k],
    fields: facts.fields,
    classifications: facts.classifications as Classification[],
    relationship: facts.relationship as Relationship | undefined,
    purpose: undefined,
    emergency: facts.emergency,
    outcome: facts.outcome,
    rule: facts.rule,
  };
}

/**
 * One person's entry of a list read, in that person's audit partition (so "who looked at this person" reads it as
 * any event) but in no index: its list event is indexed by actor and day for it. Carries its own MAC and expiry.
 */
function entryItem(
  scope: TenantScope,
  entry: { readonly at: string; readonly eventId: string; readonly subjectId: string },
  content: Item,
  mac: string,
): Item {
  // The keys keysOf gives a person's event, without the index keys an entry does not have. `content` may be shared by
  // a list's entries written ahead, which differ only in their id and person.
  const { pk, sk } = entryKey(scope, entry.at, entry.eventId, entry.subjectId);
  return {
    pk: attr.s(pk),
    sk: attr.s(sk),
    ...content,
    eventId: attr.s(entry.eventId),
    subjectId: attr.s(entry.subjectId),
    entryMac: attr.s(mac),
  };
}

/** What an entry holds besides its keys and MAC: its event's content, its list event's id and its expiry. */
function entryContent(event: StoredAuditEvent, listEventId: string, expiresAt: number): Item {
  return { ...contentAttributes(event), listEventId: attr.s(listEventId), expiresAt: attr.n(expiresAt) };
}

/** An item of an audit partition as verify sees it; a malformed one is an event that cannot verify. */
function toStoredChainEvent(item: Item): StoredChainEvent {
  let event: StoredAuditEvent;
  try {
    event = fromItem(item);
  } catch {
    const id = read.s(item, 'eventId') ?? `${read.s(item, 'pk')}|${read.s(item, 'sk')}`;
    return {
      event: { ...MALFORMED, eventId: id, at: read.s(item, 'at') ?? read.s(item, 'sk') ?? '' },
      link: undefined,
      keysMatch: false,
    };
  }
  const shard = read.n(item, 'chainShard');
  const seq = read.n(item, 'chainSeq');
  const prevEventId = read.s(item, 'chainPrev');
  const mac = read.s(item, 'chainMac');
  const link =
    shard !== undefined && seq !== undefined && prevEventId !== undefined && mac !== undefined
      ? {
          shard,
          seq,
          prevEventId,
          mac,
          expiresAt: read.n(item, 'expiresAt'),
          prevExpiresAt: read.n(item, 'chainPrevExpiresAt'),
          prevMac: read.s(item, 'chainPrevMac'),
        }
      : undefined;
  const keysMatch = Object.entries(keysOf(event)).every(([name, value]) => read.s(item, name) === value);
  return { event, link, keysMatch };
}

/** A list entry as verify sees it; a malformed one cannot match its MAC. */
function toStoredListEntry(item: Item): StoredListEntry {
  let event: StoredAuditEvent;
  try {
    event = fromItem(item);
  } catch {
    const id = read.s(item, 'eventId') ?? `${read.s(item, 'pk')}|${read.s(item, 'sk')}`;
    event = { ...MALFORMED, eventId: id, at: read.s(item, 'at') ?? read.s(item, 'sk') ?? '' };
  }
  const { pk, sk } = event.subjectId ? keysOf(event) : { pk: undefined, sk: undefined };
  return {
    event,
    listEventId: read.s(item, 'listEventId') ?? '',
    mac: read.s(item, 'entryMac') ?? '',
    expiresAt: read.n(item, 'expiresAt'),
    keysMatch: pk !== undefined && read.s(item, 'pk') === pk && read.s(item, 'sk') === sk,
  };
}

const MALFORMED: StoredAuditEvent = {
  eventId: '',
  orgId: '' as OrgId,
  requestId: '',
  at: '',
  actor: { kind: '', id: '', roles: [] },
  action: 'ADMIN',
  operation: '',
  subjectId: undefined,
  fields: [],
  classifications: [],
  relationship: undefined,
  purpose: undefined,
  emergency: false,
  outcome: '',
  rule: undefined,
};

/** Where a sealed purpose lives: bound to its organisation and event, so it opens nowhere else. */
function purposeLocation(event: StoredAuditEvent): { itemKey: string; field: string } {
  return { itemKey: `AUDIT|${event.orgId}|${event.eventId}`, field: 'purpose' };
}

function newestFirst(events: StoredAuditEvent[]): StoredAuditEvent[] {
  return events.sort((a, b) => b.at.localeCompare(a.at) || b.eventId.localeCompare(a.eventId));
}

/** UTC days (YYYY-MM-DD) from the day of `from` to the day of `to`, oldest first. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const start = Date.parse(`${from.slice(0, 10)}T00:00:00Z`);
  const end = Date.parse(`${to.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new RangeError('Not a date.');
  for (let day = start; day <= end; day += DAY_MS) days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}
