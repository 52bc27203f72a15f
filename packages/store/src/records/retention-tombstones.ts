import { createHash, createHmac } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { asOrgId, type Clock, isExpired, isIdOf, type OrgId, toEpochSeconds } from '@confide/domain';
import {
  integrityMac,
  type KeyHierarchy,
  type KeyLifecycle,
  keyDerivedFrom,
  verifyIntegrityMac,
} from '@confide/keys';
import { attr, type CountedFacts, changeCount, type Item, read, requireS } from '../attributes';
import { organisationIntegrityKey } from '../item-macs';
import {
  identityLinkKey,
  ORGANISATION_FACTS,
  STAFF_ACCOUNT_FACTS,
  staffAccountKey,
  staffHandleEntryKey,
  storedOrganisation,
} from '../organisation-directory';
import { itemKeyOf, openField } from '../sealed-fields';
import { type TenantScope, tenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';
import {
  clientBeaconPartitions,
  keptClientItemKind,
  type OutsideItem,
  partitionNamedItems,
  profileNamedItems,
} from './client-outside-items';
import { CONSENT_MAC, DISCLOSURE_METHODS_FACTS } from './consents';
import { IntegrityIncidents } from './integrity-incidents';
import { PERSONNEL_FACTS, PERSONNEL_MAC, PERSONNEL_SORT } from './personnel-records';
import { PERMISSION_MAC } from './reference-permissions';
import {
  RETENTION_STATE_FACTS,
  RETENTION_STATE_SORT,
  RetentionStates,
  type VerifiedRetentionState,
} from './retention-state';
import { RELATIONS_FACTS } from './service-users';

/** Why an item left the table: its retention period ended, or the subject was erased. */
export type TombstoneReason = 'EXPIRED' | 'ERASED';

/**
 * What is left of a deleted item: the pseudonymous subject id (the client or staff id, which says nothing about
 * the person), the kind of item, when and why. Nothing personal, no item content.
 */
export interface Tombstone {
  readonly subjectId: string;
  readonly kind: string;
  readonly reason: TombstoneReason;
  readonly deletedAt: string;
  readonly recordedAt: string;
}

/** The erasure record of a subject: written before anything of theirs is deleted, so deletions read as erasures. */
export interface ErasureRecord {
  readonly subjectId: string;
  readonly erasedAt: string;
  readonly erasedBy: string;
  /** The second person who approved it (two-person rule), when it was approved. */
  readonly approvedBy?: string | undefined;
}

const TOMBSTONE = 'TOMBSTONE';
const ERASURE_SORT = 'ERASURE';
const ITEM_SORT_PREFIX = 'ITEM#';
const KEY_QUARANTINE_SORT = 'KEY_QUARANTINE';
const DAY_SECONDS = 24 * 60 * 60;

/**
 * How long a subject's data key is kept, recoverable, after their records expired (TTL): 30 days. Expiry is
 * routine and unattended, so a mistake in a schedule (a wrong date, a rule later found wrong) must still be
 * recoverable from backups for a while; erasure (`eraseServiceUser`, two people) deletes the key at once.
 */
export const KEY_QUARANTINE_DAYS = 30;
/**
 * Margin of the key item's own TTL past the quarantine's end: the quarantine record's expiry (seen by the
 * handler) deletes the key; the key's own TTL only backs that up, so it must not come first (AWS TTL deletes
 * within about two days of the time).
 */
const KEY_TTL_MARGIN_DAYS = 3;

/**
 * The `expiresAt` a subject's data key carries when their records are scheduled to expire at `expiresAt`: late
 * enough that the records go first and the handler quarantines the key (see {@link KEY_QUARANTINE_DAYS}).
 */
export function subjectKeyExpiry(expiresAt: number): number {
  return expiresAt + (KEY_QUARANTINE_DAYS + KEY_TTL_MARGIN_DAYS) * DAY_SECONDS;
}

/** A subject's data key kept after their records expired, until `deleteAfter` (epoch seconds). */
export interface KeyQuarantine {
  readonly subjectId: string;
  readonly quarantinedAt: string;
  readonly deleteAfter: number;
}

/** Where a subject's key quarantine record lives: in their tombstone partition, with its own TTL. */
export function keyQuarantineKey(scope: TenantScope, subjectId: string): { pk: string; sk: string } {
  return { pk: tombstonePartition(scope, subjectId), sk: KEY_QUARANTINE_SORT };
}

/**
 * A subject's tombstone partition: `ORG#<org>#TOMBSTONE#<clientId or staffId>`, holding its erasure record (clients)
 * and tombstones.
 */
export function tombstonePartition(scope: TenantScope, subjectId: string): string {
  return scope.key(TOMBSTONE, subjectId);
}

export function erasureRecordKey(scope: TenantScope, subjectId: string): { pk: string; sk: string } {
  return { pk: tombstonePartition(scope, subjectId), sk: ERASURE_SORT };
}

/** What an erasure record's MAC covers (the record is written by `eraseServiceUser` only). */
export function erasureMacParts(
  scope: TenantScope,
  subjectId: string,
  erasedAt: string,
  erasedBy: string,
): (string | number)[] {
  return ['confide.erasure.v1', scope.orgId, subjectId, erasedAt, erasedBy];
}

/**
 * The attribute counting the changes to a key quarantine's record, under its MAC (decision 0141): the quarantine, its
 * recovery, a new quarantine after a recovery. The record from before a recovery, put back with its genuine MAC, shows
 * in the table's stream as the count going down. Absent on a record written before it (0).
 */
const QUARANTINE_VERSION = 'quarantineVersion';

/**
 * A key quarantine's dates, its recovery, its MAC and count of changes (decision 0141), as the retention handler puts
 * them back. `expiresAt` (the record's TTL, which a recovery takes off) is not under the MAC but goes back with them.
 */
export const KEY_QUARANTINE_FACTS: CountedFacts = {
  attributes: ['quarantinedAt', 'deleteAfter', 'expiresAt', 'recoveredAt'],
  mac: 'mac',
  count: QUARANTINE_VERSION,
};

/**
 * What a key quarantine record's MAC covers: its dates and, from the first write that counts (decision 0141), its
 * recovery and its count of changes, so that a recovery cannot be taken off the record without failing its MAC. A
 * record written before (count 0) keeps the parts it was written with.
 */
export function keyQuarantineMacParts(
  scope: TenantScope,
  subjectId: string,
  record: { quarantinedAt: string; deleteAfter: number | undefined; recoveredAt?: string | undefined },
  count: number,
): (string | number)[] {
  const dates = [record.quarantinedAt, record.deleteAfter ?? ''];
  return count === 0
    ? ['confide.key-quarantine.v1', scope.orgId, subjectId, ...dates]
    : ['confide.key-quarantine.v2', scope.orgId, subjectId, ...dates, record.recoveredAt ?? '', count];
}

/**
 * The tombstone's sort key: a keyed digest of the deleted item's key, so the same deletion seen twice (a retried
 * batch, a replayed stream, the cascade and the stream both) always lands on the same tombstone. Keyed (decision
 * 0083): an item's key may itself identify the person (a blind-index bucket of their name, their reference, their
 * sign-in subject), and a plain digest, kept for ever, let anyone with the table confirm a guess or try every bucket.
 * The key (`tombstoneKey`) is derived from the organisation's beacon key, which only KMS unwraps. The HMAC is taken
 * over the plain digest, so a tombstone written before it was keyed can be re-keyed from its own sort key.
 */
export function tombstoneSortKey(tombstoneKey: Uint8Array, pk: string, sk: string): string {
  const digest = createHash('sha256').update(`${pk}\n${sk}`).digest('hex').slice(0, 40);
  return `${ITEM_SORT_PREFIX}${createHmac('sha256', tombstoneKey).update(digest).digest('hex').slice(0, 40)}`;
}

/** The key tombstones' sort keys are taken under: derived from the organisation's beacon key. */
async function tombstoneKeyOf(deps: RetentionHandlerDependencies, scope: TenantScope): Promise<Buffer> {
  return keyDerivedFrom(await deps.keys.beaconKey(scope.orgId), scope.orgId, 'confide.tombstone-key.v1');
}

const KINDS_BY_SORT_PREFIX: Readonly<Record<string, string>> = {
  PROFILE: 'PROFILE',
  NOTE: 'NOTE',
  NOTEV: 'NOTE_VERSION',
  CONSENT: 'CONSENT',
  ALLOC: 'ALLOCATION',
  MEDIA: 'MEDIA',
  LEGAL_HOLD: 'LEGAL_HOLD',
  DISCLOSURE: 'DISCLOSURE',
};

/** The kind of a client-partition item from its sort key (`NOTE#…` → NOTE); never any part of an id. */
export function itemKindOf(sk: string): string {
  const prefix = sk.split('#')[0] ?? '';
  return KINDS_BY_SORT_PREFIX[prefix] ?? (/^[A-Z_]{1,32}$/.test(prefix) ? prefix : 'OTHER');
}

const STAFF_KINDS_BY_SORT_PREFIX: Readonly<Record<string, string>> = {
  PROFILE: 'STAFF_ACCOUNT',
  PERSONNEL: 'PERSONNEL',
  REFPERM: 'REFERENCE_PERMISSION',
  REFERENCE: 'REFERENCE_RELEASE',
  EMPLOYMENT: 'EMPLOYMENT',
};

/** The kind of a staff-partition item from its sort key (`REFPERM#…` → REFERENCE_PERMISSION). */
export function staffItemKindOf(sk: string): string {
  const prefix = sk.split('#')[0] ?? '';
  return STAFF_KINDS_BY_SORT_PREFIX[prefix] ?? (/^[A-Z_]{1,32}$/.test(prefix) ? prefix : 'OTHER');
}

/**
 * Whose item a deleted image was, and its kind: items in a client's partition, their identity link, and their items
 * kept outside it that the application never deletes ({@link keptClientItemKind}: the reference, blind-index entries,
 * reviews, subject access requests and notices, referral claims). Anything else (staff, audit, tombstones, the
 * disclosure work queue, …) is not a client's.
 */
export function clientItemOf(
  rest: string,
  sk: string,
  image: StreamImage,
): { clientId: string; kind: string } | undefined {
  if (rest.startsWith('CLIENT#')) return { clientId: rest.slice('CLIENT#'.length), kind: itemKindOf(sk) };
  const kept = keptClientItemKind(rest);
  if (kept && image.clientId?.S) return { clientId: image.clientId.S, kind: kept };
  if (rest.startsWith('IDENTITY#') && image.principalKind?.S === 'SERVICE_USER' && image.principalId?.S) {
    return { clientId: image.principalId.S, kind: 'IDENTITY' };
  }
  return undefined;
}

/**
 * Whose item a deleted image was, and its kind: items in a staff member's partition (account, personnel record,
 * reference permissions and releases, employment record), and their handle entry and identity link outside it.
 */
export function staffItemOf(
  rest: string,
  sk: string,
  image: StreamImage,
): { staffId: string; kind: string } | undefined {
  if (rest.startsWith('STAFF#') && !rest.slice('STAFF#'.length).includes('#')) {
    return { staffId: rest.slice('STAFF#'.length), kind: staffItemKindOf(sk) };
  }
  if (rest.startsWith('HANDLE#') && image.staffId?.S) return { staffId: image.staffId.S, kind: 'HANDLE' };
  if (rest.startsWith('IDENTITY#') && image.principalKind?.S === 'STAFF' && image.principalId?.S) {
    return { staffId: image.principalId.S, kind: 'IDENTITY' };
  }
  return undefined;
}

/** A retention subject's deleted item: whose (client or staff member), which partition is theirs, and its kind. */
interface SubjectItem {
  readonly subjectId: string;
  readonly kind: string;
  /** The subject's own partition; their data key goes once it is empty. */
  readonly partition: string;
  /**
   * An item whose removal takes what is left of the partition: the client's profile; the staff account, or the
   * employment record.
   */
  readonly anchor: boolean;
  readonly kindOf: (sk: string) => string;
  /** A client's (whose items name others outside the partition), not a staff member's. */
  readonly client: boolean;
}

function subjectItemOf(
  scope: TenantScope,
  rest: string,
  sk: string,
  image: StreamImage,
): SubjectItem | undefined {
  const client = clientItemOf(rest, sk, image);
  if (client) {
    if (!isIdOf('serviceUser', client.clientId)) throw new Error('A client item with a malformed client id.');
    return {
      subjectId: client.clientId,
      kind: client.kind,
      partition: scope.key('CLIENT', client.clientId),
      anchor: client.kind === 'PROFILE',
      kindOf: itemKindOf,
      client: true,
    };
  }
  const staff = staffItemOf(rest, sk, image);
  if (staff) {
    if (!isIdOf('staff', staff.staffId)) throw new Error('A staff item with a malformed staff id.');
    return {
      subjectId: staff.staffId,
      kind: staff.kind,
      partition: scope.key('STAFF', staff.staffId),
      // The employment record is dated in the write that ends employment, before anything else (decision 0116).
      anchor: staff.kind === 'STAFF_ACCOUNT' || staff.kind === 'EMPLOYMENT',
      kindOf: staffItemKindOf,
      client: false,
    };
  }
  return undefined;
}

// ── Stream records ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * An attribute value as a stream carries it. Lambda delivers binary values base64-encoded; the Streams API (the
 * local poller) as bytes. Strings and numbers are read; the rest is only carried, to put an item back.
 */
export type StreamValue = {
  readonly S?: string | undefined;
  readonly N?: string | undefined;
  readonly B?: string | Uint8Array | undefined;
  readonly BOOL?: boolean | undefined;
  readonly NULL?: boolean | undefined;
  readonly SS?: readonly string[] | undefined;
  readonly NS?: readonly string[] | undefined;
  readonly BS?: readonly (string | Uint8Array)[] | undefined;
  readonly L?: readonly StreamValue[] | undefined;
  readonly M?: Readonly<Record<string, StreamValue>> | undefined;
};
export type StreamImage = Readonly<Record<string, StreamValue>>;

const bytesOf = (value: string | Uint8Array): Uint8Array =>
  typeof value === 'string' ? Buffer.from(value, 'base64') : value;

/** A stream image's value as the SDK writes it. */
export function attributeValueOf(value: StreamValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: bytesOf(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(bytesOf) };
  if (value.L !== undefined) return { L: value.L.map(attributeValueOf) };
  if (value.M !== undefined) return { M: itemOfImage(value.M) };
  // The Streams API client hands an empty map over as a value with no member at all.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new Error('A stream value of an unknown type.');
}

export function itemOfImage(image: StreamImage): Item {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, attributeValueOf(value)]));
}

/**
 * A DynamoDB stream record in the shape Lambda delivers it (`aws-lambda`'s `DynamoDBRecord` is assignable to
 * it); the local poller converts the Streams API's records to this shape.
 */
export interface RetentionStreamRecord {
  readonly eventID?: string | undefined;
  readonly eventName?: string | undefined;
  readonly userIdentity?: { readonly type?: string | undefined; readonly principalId?: string | undefined };
  readonly dynamodb?:
    | {
        readonly Keys?: StreamImage | undefined;
        readonly OldImage?: StreamImage | undefined;
        /** A MODIFY's item as written (the stream carries NEW_AND_OLD_IMAGES). */
        readonly NewImage?: StreamImage | undefined;
        readonly SequenceNumber?: string | undefined;
        /** Epoch seconds (Lambda). */
        readonly ApproximateCreationDateTime?: number | undefined;
      }
    | undefined;
}

export interface RetentionHandlerDependencies {
  /**
   * The retention function's client (its own role, across organisations); every read and write goes through a
   * {@link TenantTable} for the organisation of the record at hand.
   */
  readonly dynamo: TableAccess;
  readonly dataTable: string;
  /**
   * Quarantining or deleting a key needs no KMS call; `beaconKey` (one KMS request per organisation per cache
   * window) yields the integrity key that the retention state, erasure and quarantine records are MACed under;
   * `subjectKey` opens an expiring profile's details to find its blind-index entries (under the same branch key).
   */
  readonly keys: Pick<KeyHierarchy, 'eraseSubjectKey' | 'subjectKeyLocation' | 'beaconKey' | 'subjectKey'>;
  /**
   * Where an organisation's KMS key is in its life, asked of KMS by the key's alias (decision 0131): a record that
   * failed while the key is pending deletion or deleted (an offboarded organisation) passes instead of failing again.
   */
  readonly organisationKeys: { lifecycle(orgId: OrgId): Promise<KeyLifecycle> };
  readonly clock: Clock;
  /** Structured, non-personal log lines (ids and kinds only). */
  readonly log?: (message: string, detail: Record<string, unknown>) => void;
  /**
   * The stage's user pool (decision 0130): a staff member's sign-in user holds their email address, so it goes with
   * their records. None locally, where no one has a pool user.
   */
  readonly signInUsers?: SignInUsers | undefined;
}

/** The sign-in users of a user pool, as retention deletes them. */
export interface SignInUsers {
  /** Deletes the user whose username is `subject` (their `sub`); false when there is no such user. */
  delete(subject: string): Promise<boolean>;
}

export interface RetentionBatchResult {
  /** The records that could not be processed, by sequence number, for Lambda's `batchItemFailures`. */
  readonly batchItemFailures: { itemIdentifier: string }[];
  readonly tombstonesWritten: number;
  readonly keysDeleted: number;
  /** Keys of expired subjects put in quarantine (see {@link KEY_QUARANTINE_DAYS}). */
  readonly keysQuarantined: number;
  /** Removals the rules do not explain (see {@link IntegrityIncidents}). */
  readonly incidents: number;
  readonly ignored: number;
}

/** TTL deletions are made by the DynamoDB service itself (AWS documents this identity for them). */
function isTtlDeletion(record: RetentionStreamRecord): boolean {
  return (
    record.userIdentity?.type === 'Service' && record.userIdentity.principalId === 'dynamodb.amazonaws.com'
  );
}

/**
 * The retention handler's core: for every REMOVE of a client's or staff member's item that is an expiry (a TTL
 * deletion, or a deletion of an item whose `expiresAt` has passed — the local sweeper's) or part of an erasure,
 * writes a tombstone under `ORG#<org>#TOMBSTONE#<subjectId>` with a key derived from the deleted item's key (so
 * retries never duplicate) and, once the partition is empty, deals with the subject's data key: an erasure's is
 * deleted (again: `erase` already did), an expiry's is put in quarantine for {@link KEY_QUARANTINE_DAYS} days (a
 * record with its own TTL; the key stays recoverable). When the quarantine record itself expires, the key is
 * deleted and a SUBJECT_KEY tombstone written; a recovered key's record (or one deleted before its time) is
 * ignored. A removed client profile, staff account or employment record takes the rest of its partition with it
 * (items recorded after the schedule was set carry no `expiresAt` of their own), and every removed item of a person
 * takes what it names outside the partition (decision 0116). Other deletions are ignored: among them expired
 * audit events (their chain records that they expired; decision 0017) and idempotency results (they hold no
 * personal data).
 *
 * Nothing on an item decides that it may go (decision 0030): an erasure counts only with an erasure record MACed
 * under the organisation's integrity key, an expiry only when the subject's MACed retention state says their
 * records were scheduled for a time now past, a quarantine's end only when its MACed date has come. A removal
 * that claims to be an expiry but that the rules do not explain — an `expiresAt` moved by a raw write — is an
 * integrity incident: the item is put back from the stream's image, nothing else of the subject is touched and
 * the key is kept.
 *
 * Records are handled one at a time, in order; one that fails (malformed, or a failing call) is reported in
 * `batchItemFailures` and the others are still processed. Every effect is idempotent, so a redelivered record —
 * Lambda resends the batch from the first failure — changes nothing twice.
 */
export async function processRetentionRecords(
  records: readonly RetentionStreamRecord[],
  deps: RetentionHandlerDependencies,
): Promise<RetentionBatchResult> {
  const context: HandlerContext = {
    deps,
    erasures: new Map(),
    stateReads: new Map(),
    states: new RetentionStates(deps.dynamo, deps.dataTable, deps.keys, deps.clock),
    incidents: new IntegrityIncidents(deps.dynamo, deps.dataTable, deps.clock),
  };
  const failures: { itemIdentifier: string }[] = [];
  // Organisations whose key is going or gone: nothing of theirs can be verified or tombstoned any more.
  const lifecycles = new Map<OrgId, Promise<KeyLifecycle | undefined>>();
  const passed = new Map<OrgId, { lifecycle: KeyLifecycle; records: number; errors: Set<string> }>();
  let tombstonesWritten = 0;
  let keysDeleted = 0;
  let keysQuarantined = 0;
  let incidents = 0;
  let ignored = 0;
  for (const [index, record] of records.entries()) {
    try {
      const outcome = await processRecord(record, context);
      tombstonesWritten += outcome.tombstones;
      keysDeleted += outcome.keyDeleted ? 1 : 0;
      keysQuarantined += outcome.keyQuarantined ? 1 : 0;
      incidents += outcome.incident ? 1 : 0;
      if (outcome.ignored) ignored += 1;
    } catch (error) {
      const lifecycle = await keyLifecycleOf(record, deps, lifecycles);
      if (lifecycle && lifecycle.state !== 'IN_USE') {
        ignored += 1;
        const counted = passed.get(lifecycle.orgId) ?? {
          lifecycle: lifecycle.state,
          records: 0,
          errors: new Set<string>(),
        };
        counted.errors.add(error instanceof Error ? error.name : 'Error');
        passed.set(lifecycle.orgId, { ...counted, records: counted.records + 1 });
        continue;
      }
      const itemIdentifier = record.dynamodb?.SequenceNumber ?? record.eventID ?? String(index);
      failures.push({ itemIdentifier });
      deps.log?.('retention.record-failed', {
        itemIdentifier,
        error: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  for (const [orgId, { lifecycle, records: count, errors }] of passed) {
    // The errors by name only, as every failure is logged: what the records would have failed with.
    deps.log?.('retention.organisation-key-gone', { orgId, lifecycle, records: count, errors: [...errors] });
  }
  return { batchItemFailures: failures, tombstonesWritten, keysDeleted, keysQuarantined, incidents, ignored };
}

/**
 * After a record of an organisation failed: its key's lifecycle, asked of KMS once per batch (decision 0131), for an
 * organisation the registry stores OFFBOARDED. Only KMS can say the key is pending deletion or deleted, and only
 * offboarding (or the break-glass role) makes it so: a raw write to the tables cannot make a failure pass. The registry
 * check keeps records of an organisation that never was (KMS knows no key by that alias either) failing, as a sign of
 * writes no one explains. Undefined for a record of no organisation, one not stored OFFBOARDED, or when KMS or the
 * table did not answer (the failure stands).
 */
async function keyLifecycleOf(
  record: RetentionStreamRecord,
  deps: RetentionHandlerDependencies,
  lifecycles: Map<OrgId, Promise<KeyLifecycle | undefined>>,
): Promise<{ orgId: OrgId; state: KeyLifecycle } | undefined> {
  const pk = record.dynamodb?.Keys?.pk?.S ?? record.dynamodb?.OldImage?.pk?.S;
  const match = /^ORG#([^#]+)#/.exec(pk ?? '');
  if (!match?.[1] || !isIdOf('org', match[1])) return undefined;
  const orgId = asOrgId(match[1]);
  let asked = lifecycles.get(orgId);
  if (!asked) {
    asked = (async () =>
      (await storedOrganisation(deps.dynamo, deps.dataTable, orgId))?.status === 'OFFBOARDED'
        ? deps.organisationKeys.lifecycle(orgId)
        : undefined)().catch(() => undefined);
    lifecycles.set(orgId, asked);
  }
  const state = await asked;
  return state ? { orgId, state } : undefined;
}

interface HandlerContext {
  readonly deps: RetentionHandlerDependencies;
  /** Each subject's erasure check, once per batch. */
  readonly erasures: Map<string, Promise<ErasureCheck>>;
  readonly states: RetentionStates;
  /**
   * Each subject's verified retention state, once per batch: a due record's cascade deletes its whole partition, and
   * every one of those deletions comes back in the stream to be explained by the same state.
   */
  readonly stateReads: Map<string, Promise<VerifiedRetentionState>>;
  readonly incidents: IntegrityIncidents;
}

type ErasureCheck = 'ERASED' | 'NONE' | 'FORGED';

interface RecordOutcome {
  readonly tombstones: number;
  readonly keyDeleted: boolean;
  readonly keyQuarantined?: boolean;
  readonly incident?: boolean;
  readonly ignored: boolean;
}

/** The removed item, where it lived and whose it was. */
interface Removal {
  readonly record: RetentionStreamRecord;
  readonly image: StreamImage;
  readonly scope: TenantScope;
  readonly key: { readonly pk: string; readonly sk: string };
  readonly subjectId: string;
  readonly kind: string;
}

/**
 * The sort-key prefixes of the items whose updates the handler is given too: consents, whose withdrawal an earlier
 * copy would undo, and notes, whose amendment an earlier copy would undo (decision 0118); a client's profile, into
 * which an ended allocation's entry or earlier relations could be put back, and allocation records, whose end could be
 * taken off (0119, 0120); a staff account and the organisation's profile (sort key `PROFILE` too), whose earlier roles,
 * status, service links or emergency grants, access preset or retention rules could be (0121, 0123, 0125, 0126);
 * a staff member's reference permissions, whose withdrawal an earlier copy would undo (0122); the organisation's choice
 * of consent methods, whose narrowing an earlier copy would undo (0124); a subject's retention state, whose hold or
 * reopening an earlier copy would undo, and their key quarantine's record, whose recovery an earlier copy would (0141);
 * a staff member's personnel record, whose last change an earlier copy would undo (0147).
 */
export const WATCHED_UPDATES_SORT_PREFIXES = [
  'CONSENT#',
  'NOTE#',
  'PROFILE',
  'ALLOC#',
  'REFPERM#',
  'DISCLOSURE-METHODS',
  RETENTION_STATE_SORT,
  KEY_QUARANTINE_SORT,
  PERSONNEL_SORT,
] as const;

/**
 * Whether a stream record is one the retention handler is given: every REMOVE, and a MODIFY of the watched items
 * ({@link WATCHED_UPDATES_SORT_PREFIXES}).
 * The event source mapping's filters (infra/constructs/retention-stream.ts) and the local stream poller select the
 * same.
 */
export function isRetentionRecord(record: RetentionStreamRecord): boolean {
  if (record.eventName === 'REMOVE') return true;
  const sk = record.dynamodb?.Keys?.sk?.S ?? '';
  return (
    record.eventName === 'MODIFY' && WATCHED_UPDATES_SORT_PREFIXES.some((prefix) => sk.startsWith(prefix))
  );
}

/**
 * Items whose withdrawal is final and under their MAC: a consent (decision 0118) and a staff member's reference
 * permission (0122). A new permission or consent is a new item.
 */
const WITHDRAWN_UNDER_MAC = [
  { prefix: 'CONSENT#', mac: CONSENT_MAC },
  { prefix: 'REFPERM#', mac: PERMISSION_MAC },
] as const;

/**
 * Whether an update took an item back to an earlier copy that the application would never write after the one it
 * replaced, and the condition under which the later one is put back (the item still that earlier copy): a consent or
 * a reference permission whose withdrawal is gone, a note whose version went down. Undefined for any other update.
 */
function rollbackOf(
  sk: string,
  before: StreamImage,
  after: StreamImage,
): { condition: string; names?: Record<string, string>; values: Record<string, AttributeValue> } | undefined {
  const withdrawal = WITHDRAWN_UNDER_MAC.find(({ prefix }) => sk.startsWith(prefix));
  if (withdrawal) {
    if (!before.withdrawnAt?.S || after.withdrawnAt?.S) return undefined;
    return {
      condition: 'attribute_exists(pk) AND attribute_not_exists(withdrawnAt) AND #mac = :rolledBack',
      names: { '#mac': withdrawal.mac },
      values: { ':rolledBack': attr.s(after[withdrawal.mac]?.S ?? '') },
    };
  }
  if (sk.startsWith('NOTE#')) {
    const was = Number(before.version?.N);
    const is = Number(after.version?.N);
    if (!Number.isInteger(was) || !Number.isInteger(is) || is >= was) return undefined;
    return { condition: 'version = :rolledBack', values: { ':rolledBack': attr.n(is) } };
  }
  return undefined;
}

/**
 * Puts counted facts back as the old image had them when an update took their count down, while the item still carries
 * the earlier copy's MAC (a later write of the API wins); undefined when the count did not go down.
 */
async function putBackCountedFacts(
  table: TenantTable,
  key: { pk: string; sk: string },
  facts: CountedFacts,
  before: StreamImage,
  after: StreamImage,
): Promise<boolean | undefined> {
  if (changeCount(before, facts.count) <= changeCount(after, facts.count)) return undefined;
  return writeBackCountedFacts(table, key, facts, before, after);
}

/** Puts counted facts back as the old image had them, while the item still carries the new image's MAC. */
async function writeBackCountedFacts(
  table: TenantTable,
  key: { pk: string; sk: string },
  facts: CountedFacts,
  before: StreamImage,
  after: StreamImage,
): Promise<boolean> {
  const kept = [...facts.attributes, facts.mac, facts.count];
  const set = kept.filter((name) => before[name] !== undefined);
  const removed = kept.filter((name) => before[name] === undefined);
  const name = (attribute: string) => `#${kept.indexOf(attribute)}`;
  const rolledBackMac = after[facts.mac]?.S;
  const written = await table.update(key, {
    UpdateExpression: [
      `SET ${set.map((attribute) => `${name(attribute)} = :${kept.indexOf(attribute)}`).join(', ')}`,
      ...(removed.length > 0 ? [`REMOVE ${removed.map(name).join(', ')}`] : []),
    ].join(' '),
    ConditionExpression:
      rolledBackMac === undefined
        ? `attribute_not_exists(${name(facts.mac)})`
        : `${name(facts.mac)} = :rolledBack`,
    ExpressionAttributeNames: Object.fromEntries(kept.map((attribute) => [name(attribute), attribute])),
    ExpressionAttributeValues: {
      ...Object.fromEntries(
        set.map((attribute) => [
          `:${kept.indexOf(attribute)}`,
          attributeValueOf(before[attribute] as StreamValue),
        ]),
      ),
      ...(rolledBackMac === undefined ? {} : { ':rolledBack': attr.s(rolledBackMac) }),
    },
  });
  return written.written;
}

/**
 * {@link putBackCountedFacts} for each of the facts one item keeps, one after the other (each on its own MAC's
 * condition): whether every one whose count went down was put back; undefined when none went down.
 */
async function putBackEachCountedFacts(
  table: TenantTable,
  key: { pk: string; sk: string },
  each: readonly CountedFacts[],
  before: StreamImage,
  after: StreamImage,
): Promise<boolean | undefined> {
  const found: boolean[] = [];
  for (const facts of each) {
    const restored = await putBackCountedFacts(table, key, facts, before, after);
    if (restored !== undefined) found.push(restored);
  }
  return found.length === 0 ? undefined : found.every(Boolean);
}

/**
 * The organisation's own items that keep counted facts, with the kind their incident names: its profile (access preset,
 * retention rules; decision 0123) and its choice of the consent methods that authorise a disclosure (0124).
 */
const ORGANISATION_ITEMS: readonly {
  readonly pk: string;
  readonly sk: string;
  readonly kind: string;
  readonly facts: readonly CountedFacts[];
}[] = [
  { pk: 'ORG', sk: 'PROFILE', kind: 'ORGANISATION', facts: ORGANISATION_FACTS },
  {
    pk: 'CONSENT-SETTINGS',
    sk: 'DISCLOSURE-METHODS',
    kind: 'DISCLOSURE_METHODS',
    facts: [DISCLOSURE_METHODS_FACTS],
  },
];

/**
 * Puts right one of the organisation's own items ({@link ORGANISATION_ITEMS}) whose facts were taken back to an earlier
 * copy: a wider preset or an accepted verbal consent would let more be read or shared, shorter rules would date the
 * next closures early. Its kind, and whether it was put right; undefined for any other update.
 */
async function undoOrganisationRollback(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  rest: string,
  sk: string,
  before: StreamImage,
  after: StreamImage,
): Promise<{ kind: string; restored: boolean } | undefined> {
  const item = ORGANISATION_ITEMS.find((candidate) => candidate.pk === rest && candidate.sk === sk);
  if (!item) return undefined;
  const key = { pk: scope.key(item.pk), sk: item.sk };
  const restored = await putBackEachCountedFacts(gateway(deps, scope), key, item.facts, before, after);
  return restored === undefined ? undefined : { kind: item.kind, restored };
}

/**
 * Puts right an update that took an item of a staff member's back to an earlier copy, and answers whether it was put
 * right; undefined when the update is not such a rollback.
 * - The account's roles and status (decision 0121): every change of them moves the account's count of changes up, so a
 *   count gone down puts the old image's roles, status, MAC and count back, while the account still carries the earlier
 *   copy's MAC. A reactivation or a role given back this way would let a leaver or a demoted member act again.
 * - The account's service links and emergency grants (decisions 0125, 0126), the same way: a service link given back
 *   would open the service's people to someone taken off it, a grant its client to someone whose access its review ended.
 * - A reference permission whose withdrawal is gone (0122; {@link rollbackOf}).
 * - The personnel record (0147): every change moves its version up under its MAC, and the application never takes the
 *   MAC off, so a version gone down or a MAC gone is an earlier copy put back (a personnel note about a disciplinary
 *   outcome, a corrected emergency contact undone). The later copy's fields, version and MAC are put back while the
 *   record is still the earlier copy (its MAC, or none); what else the item holds (its expiry) stays.
 */
async function undoStaffRollback(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  staffId: string,
  sk: string,
  before: StreamImage,
  after: StreamImage,
): Promise<boolean | undefined> {
  if (sk === PERSONNEL_SORT) {
    const key = { pk: scope.key('STAFF', staffId), sk };
    const macTakenOff = before[PERSONNEL_MAC]?.S !== undefined && after[PERSONNEL_MAC]?.S === undefined;
    return macTakenOff
      ? writeBackCountedFacts(gateway(deps, scope), key, PERSONNEL_FACTS, before, after)
      : putBackCountedFacts(gateway(deps, scope), key, PERSONNEL_FACTS, before, after);
  }
  if (sk !== 'PROFILE') return putBackEarlierCopy(deps, scope, sk, before, after);
  return putBackEachCountedFacts(
    gateway(deps, scope),
    staffAccountKey(scope, staffId),
    STAFF_ACCOUNT_FACTS,
    before,
    after,
  );
}

/**
 * Puts right an update that took an item of a client's record back to an earlier copy, and answers whether it was put
 * right; undefined when the update is not such a rollback (nothing done, no incident).
 * - A consent or a note ({@link rollbackOf}): the later copy is put back from the old image while the item is still
 *   the earlier one (a later write of the API wins).
 * - An allocation record whose end was taken off (decision 0119): its ended copy is put back, and the allocation's
 *   entry leaves the profile if it is there, whichever of the two writes the stream delivers first.
 * - A profile given an allocation entry whose record is ended or gone (0119): the application ends an allocation by
 *   taking its entry out and dating its record in one transaction, and never writes an entry again under the same
 *   id, so such an entry is an earlier copy put back, and is taken out. An entry no longer there when the handler
 *   comes to it (an allocation ended since) is no rollback.
 * - A profile whose relations' count of changes went down (decision 0120): every change of the conflicts or the
 *   investigation links moves it up, so the conflicts, links, MAC and count of the old image are put back, while the
 *   relations are still the earlier copy's (their MAC).
 */
async function undoClientRollback(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  clientId: string,
  sk: string,
  before: StreamImage,
  after: StreamImage,
): Promise<boolean | undefined> {
  const table = gateway(deps, scope);
  const profile = { pk: scope.key('CLIENT', clientId), sk: 'PROFILE' };
  const takeEntryOut = (allocationId: string, condition: { expression: string; mac?: string }) =>
    table.update(profile, {
      UpdateExpression: 'REMOVE allocations.#id',
      ConditionExpression: condition.expression,
      ExpressionAttributeNames: { '#id': allocationId },
      ...(condition.mac ? { ExpressionAttributeValues: { ':mac': attr.s(condition.mac) } } : {}),
    });
  if (sk.startsWith('ALLOC#')) {
    if (!before.endedAt?.S || after.endedAt?.S) return undefined;
    const [put] = await Promise.all([
      table.put(itemOfImage(before), {
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(endedAt)',
      }),
      takeEntryOut(sk.slice('ALLOC#'.length), { expression: 'attribute_exists(allocations.#id)' }),
    ]);
    return put.written;
  }
  if (sk === 'PROFILE') {
    const allocationsPutBack = async () => {
      const had = before.allocations?.M ?? {};
      const added = Object.entries(after.allocations?.M ?? {}).filter(([id]) => had[id] === undefined);
      if (added.length === 0) return undefined;
      const records = await table.batchGet(added.map(([id]) => ({ pk: profile.pk, sk: `ALLOC#${id}` })));
      const live = new Set(
        records
          .filter((item) => read.s(item, 'endedAt') === undefined)
          .map((item) => read.s(item, 'allocationId')),
      );
      const taken = await Promise.all(
        added
          .filter(([id]) => !live.has(id))
          .map(([id, entry]) =>
            takeEntryOut(id, { expression: 'allocations.#id.mac = :mac', mac: entry.M?.mac?.S ?? '' }),
          ),
      );
      return taken.some((result) => result.written) ? true : undefined;
    };
    const found = (
      await Promise.all([
        allocationsPutBack(),
        putBackCountedFacts(table, profile, RELATIONS_FACTS, before, after),
      ])
    ).filter((restored) => restored !== undefined);
    return found.length === 0 ? undefined : found.every(Boolean);
  }
  return putBackEarlierCopy(deps, scope, sk, before, after);
}

/**
 * Puts the later copy back from the old image when {@link rollbackOf} says the update was an earlier copy put back,
 * while the item is still that copy (a later write of the API wins); undefined for any other update.
 */
async function putBackEarlierCopy(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  sk: string,
  before: StreamImage,
  after: StreamImage,
): Promise<boolean | undefined> {
  const rollback = rollbackOf(sk, before, after);
  if (!rollback) return undefined;
  const written = await gateway(deps, scope).put(itemOfImage(before), {
    ConditionExpression: rollback.condition,
    ...(rollback.names ? { ExpressionAttributeNames: rollback.names } : {}),
    ExpressionAttributeValues: rollback.values,
  });
  return written.written;
}

async function processRecord(record: RetentionStreamRecord, context: HandlerContext): Promise<RecordOutcome> {
  const { deps } = context;
  const skip = { tombstones: 0, keyDeleted: false, ignored: true };
  if (record.eventName === 'MODIFY') return (await rolledBack(record, context)) ?? skip;
  if (record.eventName !== 'REMOVE') return skip;
  const image = record.dynamodb?.OldImage;
  if (!image) throw new Error('A REMOVE record without its old image (the stream must carry OLD_IMAGE).');
  const pk = image.pk?.S ?? record.dynamodb?.Keys?.pk?.S;
  const sk = image.sk?.S ?? record.dynamodb?.Keys?.sk?.S;
  if (!pk || !sk) throw new Error('A REMOVE record without pk and sk.');
  const match = /^ORG#([^#]+)#(.+)$/.exec(pk);
  if (!match?.[1] || !match[2]) return skip; // the platform registry: no tenant, no subject
  const orgId = asOrgId(match[1]);
  const scope = tenantScope(orgId);
  if (sk === KEY_QUARANTINE_SORT && match[2].startsWith(`${TOMBSTONE}#`)) {
    return (await endQuarantine(record, image, context, scope, { pk, sk })) ?? skip;
  }
  if (sk === RETENTION_STATE_SORT && match[2].startsWith(`${TOMBSTONE}#`)) {
    return (await removedRetentionState(record, image, context, scope, { pk, sk })) ?? skip;
  }
  const subject = subjectItemOf(scope, match[2], sk, image);
  if (!subject) return skip;
  const removal: Removal = {
    record,
    image,
    scope,
    key: { pk, sk },
    subjectId: subject.subjectId,
    kind: subject.kind,
  };

  const reason = await reasonFor(removal, context);
  if (!reason) return skip;
  if (reason === 'UNEXPLAINED') {
    return unexplainedRemoval(removal, context, undefined, overEarlierCopy(subject.client, sk, image));
  }
  const deletedAt = new Date(
    (record.dynamodb?.ApproximateCreationDateTime ?? deps.clock.now().getTime() / 1000) * 1000,
  ).toISOString();
  let tombstones = (await writeTombstone(
    deps,
    scope,
    subject.subjectId,
    { pk, sk },
    subject.kind,
    reason,
    deletedAt,
  ))
    ? 1
    : 0;
  if (subject.client && pk === subject.partition) {
    // What the item names outside the partition goes with it (decision 0116): the profile names the reference,
    // identity link, blind-index entries and the lists holding the client's id; a register entry its request's queue
    // item and acknowledgements; a referral its reference's claim.
    const table = gateway(deps, scope);
    const named =
      subject.kind === 'PROFILE'
        ? await profileNamedItems(
            table,
            scope,
            subject.subjectId,
            { reference: image.reference?.S, externalSubject: image.externalSubject?.S },
            await beaconsOf(deps, scope, subject.subjectId, image),
          )
        : await partitionNamedItems(table, scope, subject.subjectId, [itemOfImage(image)]);
    tombstones += await removeOutside(deps, scope, subject.subjectId, named, reason, deletedAt);
  }
  if (!subject.client && subject.anchor) {
    // A staff member's account names their handle entry and identity link: read from the removed account, or from
    // the account still in the partition when the employment record goes first.
    const account =
      subject.kind === 'STAFF_ACCOUNT'
        ? itemOfImage(image)
        : await gateway(deps, scope).get(staffAccountKey(scope, subject.subjectId));
    if (account) {
      const named = await staffNamedItems(deps, scope, account);
      tombstones += await removeOutside(deps, scope, subject.subjectId, named, reason, deletedAt);
      await deleteSignInUser(deps, scope, subject.subjectId, account);
    }
  }
  if (subject.anchor) tombstones += await removeRestOfPartition(deps, scope, subject, reason, deletedAt);
  const key = await settleKeyWhenPartitionEmpty(deps, scope, subject, reason, deletedAt);
  const keyDeleted = key === 'DELETED';
  const keyQuarantined = key === 'QUARANTINED';
  deps.log?.('retention.tombstone', {
    orgId,
    subjectId: subject.subjectId,
    kind: subject.kind,
    reason,
    keyDeleted,
    keyQuarantined,
  });
  return { tombstones, keyDeleted, keyQuarantined, ignored: false };
}

/**
 * An item of a person's record taken back to an earlier copy by a write below the application (decisions 0118-0122):
 * its MAC or AAD is genuine, but the application never writes it after the later one. A consent's withdrawal undone
 * would let sharing rest on it again; a note's amendment undone would show what was corrected; an ended allocation or
 * a declared conflict undone would give a worker the record again; a staff member's deactivation or lost role undone
 * would let them act again, their reference permission's withdrawal undone would let a reference go. It is put right
 * ({@link undoClientRollback}, {@link undoStaffRollback}) and the incident is recorded. Undefined for any other update.
 */
async function rolledBack(
  record: RetentionStreamRecord,
  context: HandlerContext,
): Promise<RecordOutcome | undefined> {
  const { deps } = context;
  const before = record.dynamodb?.OldImage;
  const after = record.dynamodb?.NewImage;
  if (!before || !after) throw new Error('A MODIFY record without both images (the stream must carry both).');
  const pk = before.pk?.S;
  const sk = before.sk?.S ?? '';
  const found = pk ? await rolledBackItem(deps, pk, sk, before, after) : undefined;
  if (!found) return undefined;
  const { scope, subjectId, itemKind, restored } = found;
  // The records after this one in the batch read the state put back, not the copy the batch may have read.
  if (itemKind === RETENTION_STATE_SORT && subjectId) forgetState(context, scope, subjectId);
  await context.incidents.record(
    scope,
    { kind: 'ROLLED_BACK', subjectId, itemKind, restored },
    `${pk}\n${sk}\n${record.dynamodb?.SequenceNumber ?? record.eventID ?? ''}`,
  );
  deps.log?.('integrity.rolled-back', {
    orgId: scope.orgId,
    subjectId,
    kind: itemKind,
    restored,
    metric: INTEGRITY_METRIC,
  });
  return { tombstones: 0, keyDeleted: false, incident: true, ignored: false };
}

/**
 * Whose item an update took back to an earlier copy, of what kind, and whether it was put right: a client's, a staff
 * member's, or the organisation's own profile (no subject). Undefined when the update is no such rollback.
 */
async function rolledBackItem(
  deps: RetentionHandlerDependencies,
  pk: string,
  sk: string,
  before: StreamImage,
  after: StreamImage,
): Promise<
  { scope: TenantScope; subjectId: string | undefined; itemKind: string; restored: boolean } | undefined
> {
  const kept = /^ORG#([^#]+)#TOMBSTONE#/.exec(pk);
  const keptFor = subjectOfTombstonePartition(pk);
  if (kept?.[1] && keptFor) {
    const scope = tenantScope(asOrgId(kept[1]));
    const restored = await undoTombstoneRecordRollback(gateway(deps, scope), { pk, sk }, before, after);
    return restored === undefined ? undefined : { scope, subjectId: keptFor, itemKind: sk, restored };
  }
  const organisation = /^ORG#([^#]+)#([^#]+)$/.exec(pk);
  if (organisation?.[1] && organisation[2]) {
    const scope = tenantScope(asOrgId(organisation[1]));
    const found = await undoOrganisationRollback(deps, scope, organisation[2], sk, before, after);
    if (found) return { scope, subjectId: undefined, itemKind: found.kind, restored: found.restored };
  }
  const match = /^ORG#([^#]+)#((?:CLIENT|STAFF)#.+)$/.exec(pk);
  if (!match?.[1] || !match[2]) return undefined;
  const scope = tenantScope(asOrgId(match[1]));
  const subject = subjectItemOf(scope, match[2], sk, before);
  if (!subject) return undefined;
  const restored = subject.client
    ? await undoClientRollback(deps, scope, subject.subjectId, sk, before, after)
    : await undoStaffRollback(deps, scope, subject.subjectId, sk, before, after);
  return restored === undefined
    ? undefined
    : { scope, subjectId: subject.subjectId, itemKind: subject.kind, restored };
}

/**
 * Puts right an update that took one of a subject's records in their tombstone partition back to an earlier copy
 * (decision 0141), and answers whether it was put right; undefined for any other update.
 * - The retention state: every write moves its count of changes up, so a count gone down is the state from before a
 *   hold, a reopening or a re-employment put back, which would explain an expiry of records that must be kept.
 * - A key quarantine's record: its quarantine, its recovery and a new quarantine each move the count up, so a count
 *   gone down is the record from before a recovery put back, which would delete the recovered key when it expires. A
 *   recovery taken off without the count going up (a record written before the count, whose recovery its MAC left out)
 *   is undone too: only a new quarantine takes a recovery off, and it counts one more.
 */
async function undoTombstoneRecordRollback(
  table: TenantTable,
  key: { pk: string; sk: string },
  before: StreamImage,
  after: StreamImage,
): Promise<boolean | undefined> {
  if (key.sk === RETENTION_STATE_SORT) {
    // Every write moves the count up, so equal counts are a copy put back too when it is the earlier one (its `at`,
    // under the MAC): two states written before the count (a hold placed before it) both count 0.
    const count = (image: StreamImage) => changeCount(image, RETENTION_STATE_FACTS.count);
    const earlier =
      count(after) < count(before) ||
      (count(after) === count(before) && (after.at?.S ?? '') < (before.at?.S ?? ''));
    if (!earlier) return undefined;
    return writeBackCountedFacts(table, key, RETENTION_STATE_FACTS, before, after);
  }
  if (key.sk !== KEY_QUARANTINE_SORT) return undefined;
  const count = (image: StreamImage) => changeCount(image, KEY_QUARANTINE_FACTS.count);
  const recoveryTakenOff =
    before.recoveredAt?.S !== undefined &&
    after.recoveredAt?.S === undefined &&
    count(after) <= count(before);
  if (!recoveryTakenOff && count(after) >= count(before)) return undefined;
  return writeBackCountedFacts(table, key, KEY_QUARANTINE_FACTS, before, after);
}

/**
 * A key quarantine record was removed: when its MACed date has come (TTL, or the local sweeper after its
 * time), the grace period is over and the key goes, leaving a SUBJECT_KEY tombstone; removed before its time,
 * the key was recovered and stays. A record whose expiry was moved (or whose MAC fails) ends nothing: it is an
 * incident, and the record is put back with its true date.
 */
async function endQuarantine(
  record: RetentionStreamRecord,
  image: StreamImage,
  context: HandlerContext,
  scope: TenantScope,
  removed: { pk: string; sk: string },
): Promise<RecordOutcome | undefined> {
  const { deps } = context;
  const subjectId = image.subjectId?.S;
  if (!subjectId) throw new Error('A key quarantine record without its subject id.');
  const removal: Removal = { record, image, scope, key: removed, subjectId, kind: 'KEY_QUARANTINE' };
  // A recovered key stays whatever removes the record; otherwise only the record's expiry ends the quarantine. The
  // application never removes a recovered record, so its removal is an incident: it goes back in an empty place, or
  // over a copy from before the recovery written in its place (decision 0141), never over a quarantine begun since.
  const recoveredAt = image.recoveredAt?.S;
  if (recoveredAt) {
    return unexplainedRemoval(removal, context, undefined, {
      condition: 'attribute_not_exists(pk) OR quarantinedAt <= :recoveredAt',
      values: { ':recoveredAt': attr.s(recoveredAt) },
    });
  }
  const expiresAt = image.expiresAt?.N === undefined ? undefined : Number(image.expiresAt.N);
  if (!isTtlDeletion(record) && !isExpired(expiresAt, deps.clock.now())) return undefined;
  const deleteAfter = image.deleteAfter?.N === undefined ? undefined : Number(image.deleteAfter.N);
  const quarantine = { quarantinedAt: image.quarantinedAt?.S ?? '', deleteAfter };
  const genuine =
    deleteAfter !== undefined &&
    verifyIntegrityMac(
      await integrityKey(deps, scope),
      keyQuarantineMacParts(scope, subjectId, quarantine, changeCount(image, QUARANTINE_VERSION)),
      image.mac?.S,
    );
  if (!genuine || !isExpired(deleteAfter, deps.clock.now())) {
    return unexplainedRemoval(removal, context, genuine ? deleteAfter : undefined);
  }
  await deps.keys.eraseSubjectKey(scope.orgId, subjectId);
  const written = await writeTombstone(
    deps,
    scope,
    subjectId,
    removed,
    'SUBJECT_KEY',
    'EXPIRED',
    deps.clock.now().toISOString(),
  );
  deps.log?.('retention.key-deleted', { orgId: scope.orgId, subjectId, after: 'QUARANTINE' });
  return { tombstones: written ? 1 : 0, keyDeleted: true, ignored: false };
}

/**
 * A subject's retention state was removed. The application never removes one (the tombstone partition outlives the
 * records), and its count of changes starts again from none once it is gone: the state from before a hold written
 * after a removal would reach the table as an insert, which the handler is not given (decision 0141). So the removal
 * is an incident, and the state goes back in an empty place, or over a state written before it (an earlier copy put
 * back: an earlier `at`, or the same with a lower count), never over one the application wrote since. Undefined for a
 * partition that is no subject's.
 */
async function removedRetentionState(
  record: RetentionStreamRecord,
  image: StreamImage,
  context: HandlerContext,
  scope: TenantScope,
  removed: { pk: string; sk: string },
): Promise<RecordOutcome | undefined> {
  const subjectId = subjectOfTombstonePartition(removed.pk);
  if (!subjectId) return undefined;
  const removal: Removal = { record, image, scope, key: removed, subjectId, kind: RETENTION_STATE_SORT };
  const outcome = await unexplainedRemoval(removal, context, undefined, {
    condition: 'attribute_not_exists(pk) OR #at < :at OR (#at = :at AND #count < :count)',
    names: { '#at': 'at', '#count': RETENTION_STATE_FACTS.count },
    values: {
      ':at': attr.s(image.at?.S ?? ''),
      ':count': attr.n(changeCount(image, RETENTION_STATE_FACTS.count)),
    },
  });
  forgetState(context, scope, subjectId);
  return outcome;
}

/** The client or staff member whose tombstone partition `pk` is; undefined for any other partition. */
function subjectOfTombstonePartition(pk: string): string | undefined {
  const subjectId = /^ORG#[^#]+#TOMBSTONE#([^#]+)$/.exec(pk)?.[1];
  return subjectId && (isIdOf('serviceUser', subjectId) || isIdOf('staff', subjectId))
    ? subjectId
    : undefined;
}

/** Forgets the batch's read of a subject's retention state: the next record of theirs reads it afresh. */
function forgetState(context: HandlerContext, scope: TenantScope, subjectId: string): void {
  context.stateReads.delete(`${scope.orgId}|${subjectId}`);
}

/**
 * Why an item went: an erasure (a genuine erasure record), an expiry the subject's authenticated retention
 * state explains, or UNEXPLAINED — it claims to be an expiry (TTL, or an `expiresAt` in the past) but nothing
 * authenticated says the subject's records were due, or it claims nothing and the subject's records are not due
 * (decision 0117). Undefined for the handler's own deletions of a due record's undated items, and for an identity
 * link's (re-pointing a sign-in deletes the old one).
 */
async function reasonFor(
  removal: Removal,
  context: HandlerContext,
): Promise<TombstoneReason | 'UNEXPLAINED' | undefined> {
  const { deps } = context;
  const { scope, subjectId, image, record } = removal;
  const erasure = await erasureOf(context, scope, subjectId);
  if (erasure === 'ERASED') return 'ERASED';
  const expiresAt = image.expiresAt?.N === undefined ? undefined : Number(image.expiresAt.N);
  const now = deps.clock.now();
  const claimsExpiry = isTtlDeletion(record) || isExpired(expiresAt, now);
  // The application deletes no item of a person's record: only an erasure does, and this handler once the record is
  // due (what is left of the partition, what its items name outside it). Any other deletion was made below it.
  if (!claimsExpiry && removal.kind === 'IDENTITY') return undefined;
  const state = await oncePerBatch(context.stateReads, scope, subjectId, () =>
    context.states.read(scope, subjectId),
  );
  const due = state.state === 'SCHEDULED' && state.expiresAt <= toEpochSeconds(now);
  if (due) return claimsExpiry ? 'EXPIRED' : undefined;
  return 'UNEXPLAINED';
}

/** The subject's erasure record, checked once per batch: genuine, absent, or forged (an incident). */
function erasureOf(context: HandlerContext, scope: TenantScope, subjectId: string): Promise<ErasureCheck> {
  return oncePerBatch(context.erasures, scope, subjectId, () => readErasure(context, scope, subjectId));
}

/** A subject's read, made once per batch and shared; a failed one is forgotten, so the next record reads again. */
function oncePerBatch<T>(
  cache: Map<string, Promise<T>>,
  scope: TenantScope,
  subjectId: string,
  load: () => Promise<T>,
): Promise<T> {
  const cacheKey = `${scope.orgId}|${subjectId}`;
  let pending = cache.get(cacheKey);
  if (!pending) {
    pending = load();
    cache.set(cacheKey, pending);
    pending.catch(() => cache.delete(cacheKey));
  }
  return pending;
}

async function readErasure(
  context: HandlerContext,
  scope: TenantScope,
  subjectId: string,
): Promise<ErasureCheck> {
  const { deps } = context;
  const { pk, sk } = erasureRecordKey(scope, subjectId);
  const item = await gateway(deps, scope).get({ pk, sk });
  if (!item) return 'NONE';
  const genuine = verifyIntegrityMac(
    await integrityKey(deps, scope),
    erasureMacParts(scope, subjectId, read.s(item, 'erasedAt') ?? '', read.s(item, 'erasedBy') ?? ''),
    read.s(item, 'mac'),
  );
  if (genuine) return 'ERASED';
  await context.incidents.record(
    scope,
    { kind: 'FORGED_ERASURE', subjectId, itemKind: 'ERASURE', restored: false },
    `${pk}\n${sk}`,
  );
  deps.log?.('integrity.forged-erasure', { orgId: scope.orgId, subjectId, metric: INTEGRITY_METRIC });
  return 'FORGED';
}

/** The metric every integrity incident counts in (the operators' alarm watches it). */
export const INTEGRITY_METRIC = 'IntegrityIncidents';

/**
 * A removal the rules do not explain: records the incident, puts the item back from the stream's old image
 * (with no expiry, or with its true one where that is known), and touches nothing else — no tombstone, no
 * cascade, the key kept.
 */
async function unexplainedRemoval(
  removal: Removal,
  context: HandlerContext,
  trueExpiry?: number,
  over?: PutBackCondition,
): Promise<RecordOutcome> {
  const { deps } = context;
  const { scope, subjectId, kind, key, record } = removal;
  const restored = await restoreItem(deps, scope, removal.image, trueExpiry, over);
  await context.incidents.record(
    scope,
    { kind: 'UNEXPLAINED_REMOVAL', subjectId, itemKind: kind, restored },
    `${key.pk}\n${key.sk}\n${record.dynamodb?.SequenceNumber ?? record.eventID ?? ''}`,
  );
  deps.log?.('integrity.unexplained-removal', {
    orgId: scope.orgId,
    subjectId,
    kind,
    restored,
    metric: INTEGRITY_METRIC,
  });
  return { tombstones: 0, keyDeleted: false, incident: true, ignored: false };
}

/** When a removed item goes back over what is in its place: by default, only when nothing is. */
interface PutBackCondition {
  readonly condition: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, AttributeValue>;
}

/**
 * Where a removed personnel record goes back (decision 0147): in an empty place, or over an earlier copy written in its
 * place (the removal and the write reach the stream as a REMOVE and an INSERT, which the handler is not given): one of a
 * lower version, or, when the removed record had a MAC, one without (the application never writes a record without it
 * after one with it). Never over one the application wrote since.
 */
/**
 * Over what a removed item goes back when something is in its place already: an earlier copy of it, written there
 * after the removal (an insert, which the handler is not given), whose withdrawal or amendment the removed item had
 * (decisions 0118, 0122, 0147). The application never writes an item again under a removed consent's, reference
 * permission's or note's key (a new one is a new item). Undefined: only into an empty place.
 */
function overEarlierCopy(client: boolean, sk: string, image: StreamImage): PutBackCondition | undefined {
  if (!client && sk === PERSONNEL_SORT) return overEarlierPersonnelRecord(image);
  const withdrawal = WITHDRAWN_UNDER_MAC.find(({ prefix }) => sk.startsWith(prefix));
  if (withdrawal && image.withdrawnAt?.S) {
    return { condition: 'attribute_not_exists(pk) OR attribute_not_exists(withdrawnAt)' };
  }
  if (client && sk.startsWith('NOTE#')) {
    return {
      condition: 'attribute_not_exists(pk) OR version < :version',
      values: { ':version': attr.n(changeCount(image, 'version')) },
    };
  }
  return undefined;
}

function overEarlierPersonnelRecord(image: StreamImage): PutBackCondition {
  const version = changeCount(image, PERSONNEL_FACTS.count);
  const macd = image[PERSONNEL_MAC]?.S !== undefined;
  return {
    condition: `attribute_not_exists(pk) OR #version < :version${macd ? ' OR attribute_not_exists(#mac)' : ''}`,
    names: { '#version': PERSONNEL_FACTS.count, ...(macd ? { '#mac': PERSONNEL_MAC } : {}) },
    values: { ':version': attr.n(version) },
  };
}

/** Puts a removed item back as it was, unless something has taken its place (`over`); true when put back now. */
async function restoreItem(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  image: StreamImage,
  trueExpiry: number | undefined,
  over: PutBackCondition = { condition: 'attribute_not_exists(pk)' },
): Promise<boolean> {
  const { expiresAt: _moved, ...rest } = itemOfImage(image);
  const written = await gateway(deps, scope).put(
    { ...rest, ...(trueExpiry === undefined ? {} : { expiresAt: attr.n(trueExpiry) }) },
    {
      ConditionExpression: over.condition,
      ...(over.names ? { ExpressionAttributeNames: over.names } : {}),
      ...(over.values ? { ExpressionAttributeValues: over.values } : {}),
    },
  );
  return written.written;
}

/** The organisation's table: the retention function reaches one organisation's items at a time. */
function gateway(deps: RetentionHandlerDependencies, scope: TenantScope): TenantTable {
  return new TenantTable(scope, deps.dynamo, deps.dataTable);
}

async function integrityKey(deps: RetentionHandlerDependencies, scope: TenantScope): Promise<Buffer> {
  return organisationIntegrityKey(deps.keys, scope.orgId);
}

/** Writes one tombstone unless it is already there; true when written now. */
async function writeTombstone(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  clientId: string,
  deleted: { pk: string; sk: string },
  kind: string,
  reason: TombstoneReason,
  deletedAt: string,
): Promise<boolean> {
  const written = await gateway(deps, scope).put(
    {
      pk: attr.s(tombstonePartition(scope, clientId)),
      sk: attr.s(tombstoneSortKey(await tombstoneKeyOf(deps, scope), deleted.pk, deleted.sk)),
      orgId: attr.s(scope.orgId),
      subjectId: attr.s(clientId),
      kind: attr.s(kind),
      reason: attr.s(reason),
      deletedAt: attr.s(deletedAt),
      recordedAt: attr.s(deps.clock.now().toISOString()),
    },
    { ConditionExpression: 'attribute_not_exists(pk)' },
  );
  return written.written;
}

/**
 * Takes a person's items outside the partition that a removed item of theirs named ({@link profileNamedItems},
 * {@link partitionNamedItems}, {@link staffNamedItems}). They carry the person's date once the closure (or the end
 * of employment) dates the rest; should that step have failed part-way, they would outlive the record (decisions
 * 0115, 0116). Each goes only while it still names this person, its tombstone first; one already gone (dated and
 * expired, or erased) is skipped.
 */
async function removeOutside(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  subjectId: string,
  outside: readonly OutsideItem[],
  reason: TombstoneReason,
  deletedAt: string,
): Promise<number> {
  if (outside.length === 0) return 0;
  const table = gateway(deps, scope);
  const present = new Map(
    (await table.batchGet(outside.map((item) => item.key))).map((item) => [
      `${requireS(item, 'pk')}\n${requireS(item, 'sk')}`,
      item,
    ]),
  );
  let written = 0;
  for (const { key, kind, owner } of outside) {
    const item = present.get(`${key.pk}\n${key.sk}`);
    if (!item || (owner && read.s(item, owner) !== subjectId)) continue;
    if (await writeTombstone(deps, scope, subjectId, key, kind, reason, deletedAt)) written += 1;
    await table.delete(
      key,
      owner
        ? {
            ConditionExpression: '#owner = :subject',
            ExpressionAttributeNames: { '#owner': owner },
            ExpressionAttributeValues: { ':subject': attr.s(subjectId) },
          }
        : { ConditionExpression: 'attribute_exists(pk)' },
    );
  }
  return written;
}

/**
 * A staff member's sign-in user in the pool, deleted with their records (decision 0130): it holds their email address,
 * which no retention rule keeps longer. A member never invited (their generated subject) has none. Deleting a user
 * already gone changes nothing, so a redelivered record is harmless; a fault fails the record, which is retried.
 */
async function deleteSignInUser(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  staffId: string,
  account: Item,
): Promise<void> {
  const externalSubject = read.s(account, 'externalSubject');
  if (!deps.signInUsers || !externalSubject || isIdOf('subject', externalSubject)) return;
  const deleted = await deps.signInUsers.delete(externalSubject);
  deps.log?.('retention.sign-in-user-deleted', { orgId: scope.orgId, subjectId: staffId, deleted });
}

/** What a staff member's account names outside their partition: their handle entry and their identity link. */
async function staffNamedItems(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  account: Item,
): Promise<OutsideItem[]> {
  const handle = read.s(account, 'handle');
  const externalSubject = read.s(account, 'externalSubject');
  return [
    ...(handle
      ? [
          {
            key: staffHandleEntryKey(scope, await deps.keys.beaconKey(scope.orgId), handle),
            kind: 'HANDLE',
            owner: 'staffId' as const,
          },
        ]
      : []),
    ...(externalSubject
      ? [
          {
            key: identityLinkKey(scope, externalSubject),
            kind: 'IDENTITY',
            owner: 'principalId' as const,
          },
        ]
      : []),
  ];
}

/**
 * The partitions of a client's blind-index entries, recomputed from the sealed details of their removed profile
 * with their key (kept until the partition is empty, then quarantined). None once the key is gone: an erasure
 * deleted the entries before it deleted the key.
 */
async function beaconsOf(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  clientId: string,
  profile: StreamImage,
): Promise<string[]> {
  // Past its expiry too: TTL may remove the profile late, and its blind-index entries must still go.
  const key = await deps.keys.subjectKey(scope.orgId, clientId, { pastExpiry: true });
  if (!key) return [];
  const item = itemOfImage(profile);
  const itemKey = itemKeyOf(requireS(item, 'pk'), requireS(item, 'sk'));
  const open = (field: 'name' | 'postcode' | 'nhsNumber') => openField(key, itemKey, item, field);
  const name = open('name');
  if (name === undefined) return [];
  return clientBeaconPartitions(scope, await deps.keys.beaconKey(scope.orgId), {
    name,
    postcode: open('postcode'),
    nhsNumber: open('nhsNumber'),
  });
}

/**
 * A record and everything under it go together: what is left in the partition when the client's profile (or the
 * staff account) goes — items recorded after the schedule was set have no `expiresAt` — is deleted here, each
 * with its tombstone first, and with what it names outside the partition (a client's).
 */
async function removeRestOfPartition(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  subject: SubjectItem,
  reason: TombstoneReason,
  deletedAt: string,
): Promise<number> {
  const table = gateway(deps, scope);
  let written = 0;
  let startKey: Item | undefined;
  do {
    // A page at a time: each page's tombstones are written before its items go.
    const page = await table.query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(subject.partition) },
        // A referral's partner and reference name the claim of that reference, outside the partition.
        ProjectionExpression: 'pk, sk, partnerId, referrerReference',
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      },
      { allPages: false },
    );
    if (subject.client) {
      const named = await partitionNamedItems(table, scope, subject.subjectId, page.items);
      written += await removeOutside(deps, scope, subject.subjectId, named, reason, deletedAt);
    }
    const keys = page.items.map((item) => ({ pk: requireS(item, 'pk'), sk: requireS(item, 'sk') }));
    for (const key of keys) {
      if (
        await writeTombstone(deps, scope, subject.subjectId, key, subject.kindOf(key.sk), reason, deletedAt)
      )
        written += 1;
    }
    await table.batchDelete(keys);
    startKey = page.lastKey;
  } while (startKey);
  return written;
}

/**
 * Once the subject's partition is empty: an erased subject's key is deleted (idempotent: `erase` deleted it
 * first); an expired subject's key is put in quarantine. Undefined while items remain (or no key is left).
 * `removedAt` is when the stream says the item went.
 */
async function settleKeyWhenPartitionEmpty(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  subject: SubjectItem,
  reason: TombstoneReason,
  removedAt: string,
): Promise<'DELETED' | 'QUARANTINED' | undefined> {
  const remaining = await gateway(deps, scope).query({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': attr.s(subject.partition) },
    ProjectionExpression: 'pk',
    Limit: 1,
    ConsistentRead: true,
  });
  if (remaining.items.length > 0) return undefined;
  if (reason === 'ERASED') {
    await deps.keys.eraseSubjectKey(scope.orgId, subject.subjectId);
    return 'DELETED';
  }
  return (await quarantineKey(deps, scope, subject.subjectId, removedAt)) ? 'QUARANTINED' : undefined;
}

/**
 * Puts an expired subject's key in quarantine: a record in their tombstone partition whose TTL ends the grace
 * period (the handler then deletes the key), and the key's own TTL moved just past it as a backstop. Idempotent:
 * a redelivered record keeps the first quarantine's dates. False when there is no key left to keep, and for a
 * removal from before the key's recovery (a retry or a replay of the expiry it was quarantined for): the operator's
 * recovery stands.
 */
async function quarantineKey(
  deps: RetentionHandlerDependencies,
  scope: TenantScope,
  subjectId: string,
  removedAt: string,
): Promise<boolean> {
  const table = gateway(deps, scope);
  const { pk, sk } = keyQuarantineKey(scope, subjectId);
  const existing = await table.get({ pk, sk });
  const recoveredAt = existing ? read.s(existing, 'recoveredAt') : undefined;
  if (recoveredAt !== undefined && removedAt <= recoveredAt) return false;
  const now = deps.clock.now();
  // A quarantine in force keeps its dates; a recovered key that expires again starts a new one.
  const current = existing && !read.s(existing, 'recoveredAt') ? existing : undefined;
  const deleteAfter =
    (current && read.n(current, 'deleteAfter')) || toEpochSeconds(now) + KEY_QUARANTINE_DAYS * DAY_SECONDS;
  const location = deps.keys.subjectKeyLocation(scope.orgId, subjectId);
  // The key table's items are the organisation's too (`ORG#<orgId>#SUBJECT#…`): the same gateway, that table.
  const keyKept = await table.update(
    { pk: location.key.pk.S, sk: location.key.sk.S },
    {
      TableName: location.table,
      UpdateExpression: 'SET expiresAt = :until, quarantinedAt = if_not_exists(quarantinedAt, :now)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':until': attr.n(deleteAfter + KEY_TTL_MARGIN_DAYS * DAY_SECONDS),
        ':now': attr.s(now.toISOString()),
      },
    },
  );
  if (!keyKept.written) return false;
  if (current) return true;
  // Already in force (a redelivered record): its first dates stand. A new one counts one change more than the recovered
  // record it replaces (decision 0141), written only over that record as read.
  const count = changeCount(existing ?? {}, QUARANTINE_VERSION) + 1;
  if (!Number.isSafeInteger(count)) throw new Error('The key quarantine holds no count it can move up.');
  const quarantine = { quarantinedAt: now.toISOString(), deleteAfter };
  const previous = existing && read.s(existing, 'mac');
  await table.put(
    {
      pk: attr.s(pk),
      sk: attr.s(sk),
      orgId: attr.s(scope.orgId),
      subjectId: attr.s(subjectId),
      quarantinedAt: attr.s(quarantine.quarantinedAt),
      expiresAt: attr.n(deleteAfter),
      // The TTL attribute can be moved by anyone who can write the table; the MACed date is what counts.
      deleteAfter: attr.n(deleteAfter),
      [QUARANTINE_VERSION]: attr.n(count),
      mac: attr.s(
        integrityMac(
          await integrityKey(deps, scope),
          keyQuarantineMacParts(scope, subjectId, quarantine, count),
        ),
      ),
    },
    !existing
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: `attribute_exists(recoveredAt) AND ${previous === undefined ? 'attribute_not_exists(#mac)' : '#mac = :previous'}`,
          ExpressionAttributeNames: { '#mac': 'mac' },
          ...(previous === undefined ? {} : { ExpressionAttributeValues: { ':previous': attr.s(previous) } }),
        },
  );
  return true;
}

// ── Reading tombstones ─────────────────────────────────────────────────────────────────────────────────────

/** A subject's tombstones and erasure record (for reports and tests); nothing of the subject's data. */
export class RetentionTombstones {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
  ) {}

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  async list(scope: TenantScope, subjectId: string): Promise<Tombstone[]> {
    const { items } = await this.#gateway(scope).query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': attr.s(tombstonePartition(scope, subjectId)),
        ':prefix': attr.s(ITEM_SORT_PREFIX),
      },
      ConsistentRead: true,
    });
    const tombstones = items.map(toTombstone);
    return tombstones.sort((a, b) => a.deletedAt.localeCompare(b.deletedAt) || a.kind.localeCompare(b.kind));
  }

  /** The subject's key quarantine, while their data key is kept after expiry; undefined otherwise. */
  async keyQuarantine(scope: TenantScope, subjectId: string): Promise<KeyQuarantine | undefined> {
    const item = await this.#gateway(scope).get(keyQuarantineKey(scope, subjectId));
    const deleteAfter = item && read.n(item, 'expiresAt');
    // A recovered key is out of quarantine (its record stays, without an expiry, saying when).
    if (!item || deleteAfter === undefined || read.s(item, 'recoveredAt')) return undefined;
    return {
      subjectId: requireS(item, 'subjectId'),
      quarantinedAt: requireS(item, 'quarantinedAt'),
      deleteAfter,
    };
  }

  async erasure(scope: TenantScope, subjectId: string): Promise<ErasureRecord | undefined> {
    const item = await this.#gateway(scope).get(erasureRecordKey(scope, subjectId));
    if (!item) return undefined;
    return {
      subjectId: requireS(item, 'subjectId'),
      erasedAt: requireS(item, 'erasedAt'),
      erasedBy: requireS(item, 'erasedBy'),
      approvedBy: read.s(item, 'approvedBy'),
    };
  }
}

function toTombstone(item: Item): Tombstone {
  return {
    subjectId: requireS(item, 'subjectId'),
    kind: requireS(item, 'kind'),
    reason: requireS(item, 'reason') as TombstoneReason,
    deletedAt: requireS(item, 'deletedAt'),
    recordedAt: read.s(item, 'recordedAt') ?? requireS(item, 'deletedAt'),
  };
}
