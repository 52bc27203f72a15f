import { createHash, createHmac } from 'node:crypto';
import { badInput, type Clock, ID_PREFIXES, type IdKind } from '@confide/domain';
import type { KeyHierarchy } from '@confide/keys';
import { attr, type Item, read } from '../attributes';
import { inParallel } from '../in-parallel';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable, type TenantTransactItem } from '../tenant-table';
import { idempotencyKeyFrom } from './idempotency';

/**
 * The import's own records (issue 21, decision 0032): one item per source row it writes, keyed by a keyed HMAC of
 * the source system's id, so an interrupted import run again skips what it finished and completes what it began,
 * never writing a second record for one source row; and one item per run. Nothing of the source row is stored:
 * the key is an HMAC (the source id may itself be identifying), the item holds ids Confide made, and what the rows
 * said when they were written only as keyed digests (decision 0143: a rerun names the rows corrected since).
 */

/** What a row identity stands for: a client (with its allocations and notes) or one consent. */
export type ImportEntity = 'CLIENT' | 'CONSENT';

/**
 * - `CLAIMED`: a run is about to write the record (it may have, if it was interrupted);
 * - `WRITTEN`: the record exists (`recordId`); its audit events may not;
 * - `DONE`: written and audited.
 */
export type ImportRowState = 'CLAIMED' | 'WRITTEN' | 'DONE';

export interface ImportRow {
  readonly rowKey: string;
  readonly state: ImportRowState;
  readonly runId: string;
  readonly claimedAt: string;
  readonly recordId: string | undefined;
  readonly clientId: string | undefined;
  /** A new client's pseudonymous ids, fixed when its row was claimed (absent on rows claimed before they were). */
  readonly reference: string | undefined;
  readonly externalSubject: string | undefined;
  /**
   * What the client's rows said when the import wrote them (decision 0143): keyed digests of each part, as
   * {@link ImportRecords.contents} makes them; absent on rows written before they were kept.
   */
  readonly contents: Uint8Array | undefined;
  /**
   * A client completed record by record: the profile version from which the import closes its case (decision 0143),
   * set just before it does. The closure moves the version on, so a rerun that finds another version knows the case
   * was closed, or changed in the application since, and leaves it as it is.
   */
  readonly closingFrom: number | undefined;
}

/**
 * A row to claim: its key and, for a record the import creates under ids it chooses now, those ids (so a rerun of an
 * interrupted run writes the same record again, never a second one), with an item that must be written with the
 * claim (`also`: a client's reference, whose condition refuses one some client holds).
 */
export interface ImportClaim {
  readonly rowKey: string;
  readonly clientId?: string | undefined;
  readonly recordId?: string | undefined;
  readonly reference?: string | undefined;
  readonly externalSubject?: string | undefined;
  readonly also?: TenantTransactItem | undefined;
  /** What the client's rows say, as the import writes them now ({@link ImportRecords.contents}). */
  readonly contents?: Uint8Array | undefined;
}

/** How a row of the files differs from what the import wrote for it (decision 0143). */
export type ImportedPartChange = 'CHANGED' | 'ADDED';

/**
 * One part of what a client's rows say, as a rerun compares it with what was written: `part` names it (a field of the
 * client, an allocation by worker and kind, a consent or a note by its source id), `value` is what it says. Neither is
 * stored: only a keyed digest of each, eight bytes apiece.
 */
export interface ImportedPart {
  readonly part: string;
  readonly value: unknown;
}

/** Bytes of each digest kept: a part's name, then what it said. */
const PART_DIGEST_BYTES = 8;
/**
 * Parts kept at most (256 kB of digests): a row item stays well within DynamoDB's 400 kB. A client with more (10,000
 * notes and more) keeps none, and a rerun cannot name their corrected rows (decision 0143).
 */
const MAX_KEPT_PARTS = 16_000;
/** A claim's transaction stays within DynamoDB's 4 MB, whatever the digests kept on its rows weigh. */
const CLAIM_TRANSACTION_BYTES = 3_000_000;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * The id of a record the import makes for a source row (an allocation, a consent): derived from the row identity,
 * itself a keyed HMAC, so it is as unguessable as a random id and the same on every run.
 */
export function importedRecordId(kind: IdKind, rowKey: string, part: string): string {
  const digest = createHash('sha256').update(`${rowKey}\u0000${kind}\u0000${part}`).digest();
  return `${ID_PREFIXES[kind]}_${[...digest.subarray(0, 26)].map((byte) => BASE32[byte % 32]).join('')}`;
}

export interface ImportRunSummary {
  readonly imported: Readonly<Record<string, number>>;
  readonly rejected: number;
  readonly alreadyImported: number;
}

/**
 * The time a record carries: now, or a source system's date for it (an import), which must be a real time neither in
 * the future nor before 1900; anything else is BAD_USER_INPUT and nothing is written. Returned as an ISO timestamp.
 */
export function sourceTime(given: string | undefined, now: Date, field = 'recordedAt'): string {
  if (given === undefined) return now.toISOString();
  const time = new Date(given);
  if (Number.isNaN(time.getTime()) || time.getTime() > now.getTime() || time.toISOString() < '1900-01-01') {
    throw badInput(
      ['input', field],
      'A source date must be a real date, not in the future and not before 1900.',
    );
  }
  return time.toISOString();
}

const ROW = 'IMPORT-ROW';
const RUN = 'IMPORT-RUN';

/**
 * How long an import's row identities and run items are kept (decision 0082): long enough to run an interrupted import
 * again, which needs them to skip what it finished and finish what it began. A row identity links the source's id (as
 * a keyed HMAC) to the client it became; kept for ever, it outlived the person's records and their erasure. After it,
 * an import of the same source treats its rows as new, and its check against held records names those held already.
 */
export const IMPORT_RECORDS_LIFETIME_DAYS = 90;

const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

export class ImportRecords {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly keys: Pick<KeyHierarchy, 'beaconKey'>,
    private readonly clock: Clock,
  ) {}

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  /** The row identity of a source row: an HMAC, under a key of the organisation, of the source system, kind and id. */
  async rowKey(
    scope: TenantScope,
    sourceSystem: string,
    entity: ImportEntity,
    sourceId: string,
  ): Promise<string> {
    const secret = idempotencyKeyFrom(await this.keys.beaconKey(scope.orgId), `${scope.orgId}|import-row`);
    return createHmac('sha256', secret)
      .update(JSON.stringify([sourceSystem, entity, sourceId]))
      .digest('hex');
  }

  /**
   * What a client's rows say, as kept on its row (decision 0143): for each part, a keyed digest of its name and one of
   * its value (HMACs under a key of the organisation, as the row key is, so the source's values cannot be guessed
   * back from them), sorted by the first. 16 bytes a part: a client with 10,000 notes keeps 160 kB. Undefined past
   * {@link MAX_KEPT_PARTS}: nothing is kept.
   */
  async contents(scope: TenantScope, parts: readonly ImportedPart[]): Promise<Uint8Array | undefined> {
    if (parts.length > MAX_KEPT_PARTS) return undefined;
    const secret = await this.#contentsSecret(scope);
    const digests = parts
      .map((entry) => partDigests(secret, entry))
      .sort((a, b) => Buffer.compare(a.name, b.name));
    return Buffer.concat(digests.flatMap((digest) => [digest.name, digest.value]));
  }

  /**
   * The parts that say something other than what was written (`CHANGED`) or were not written at all (`ADDED`), by
   * part name, against `written` as {@link contents} made it. Parts written and no longer given are not answered.
   */
  async changes(
    scope: TenantScope,
    written: Uint8Array,
    parts: readonly ImportedPart[],
  ): Promise<Map<string, ImportedPartChange>> {
    const secret = await this.#contentsSecret(scope);
    const held = new Map<string, string>();
    const bytes = Buffer.from(written);
    for (let start = 0; start + 2 * PART_DIGEST_BYTES <= bytes.length; start += 2 * PART_DIGEST_BYTES) {
      held.set(
        bytes.subarray(start, start + PART_DIGEST_BYTES).toString('hex'),
        bytes.subarray(start + PART_DIGEST_BYTES, start + 2 * PART_DIGEST_BYTES).toString('hex'),
      );
    }
    const changes = new Map<string, ImportedPartChange>();
    for (const entry of parts) {
      const digest = partDigests(secret, entry);
      const was = held.get(digest.name.toString('hex'));
      if (was === undefined) changes.set(entry.part, 'ADDED');
      else if (was !== digest.value.toString('hex')) changes.set(entry.part, 'CHANGED');
    }
    return changes;
  }

  async #contentsSecret(scope: TenantScope): Promise<Buffer> {
    return idempotencyKeyFrom(await this.keys.beaconKey(scope.orgId), `${scope.orgId}|import-contents`);
  }

  /** The rows already known, by row key (absent: never claimed). */
  async rows(scope: TenantScope, rowKeys: readonly string[]): Promise<Map<string, ImportRow>> {
    const found = new Map<string, ImportRow>();
    const unique = [...new Set(rowKeys)];
    for (let start = 0; start < unique.length; start += 100) {
      const items = await this.#gateway(scope).batchGet(
        unique.slice(start, start + 100).map((rowKey) => ({ pk: scope.key(ROW, rowKey), sk: ROW })),
        { now: this.clock.now() },
      );
      for (const item of items) {
        const row = toRow(item);
        found.set(row.rowKey, row);
      }
    }
    return found;
  }

  /**
   * Claims rows for a run before their records are written, each with the ids it fixes and the item it carries. A
   * row another process claimed meanwhile (or a reference some client holds) fails the whole claim (false): two
   * imports into one organisation at once are refused, not interleaved. Returns the claim's time.
   */
  async claim(
    scope: TenantScope,
    runId: string,
    claims: readonly (string | ImportClaim)[],
  ): Promise<string | false> {
    const now = this.clock.now();
    const at = now.toISOString();
    const expiresAt = this.#expiresAt(now);
    const chunks: TenantTransactItem[][] = [[]];
    let bytes = 0;
    for (const entry of claims) {
      const claim = typeof entry === 'string' ? { rowKey: entry } : entry;
      const writes: TenantTransactItem[] = [
        {
          Put: {
            Item: {
              pk: attr.s(scope.key(ROW, claim.rowKey)),
              sk: attr.s(ROW),
              rowKey: attr.s(claim.rowKey),
              state: attr.s('CLAIMED'),
              runId: attr.s(runId),
              claimedAt: attr.s(at),
              ...(claim.clientId ? { clientId: attr.s(claim.clientId) } : {}),
              ...(claim.recordId ? { recordId: attr.s(claim.recordId) } : {}),
              ...(claim.reference ? { reference: attr.s(claim.reference) } : {}),
              ...(claim.externalSubject ? { externalSubject: attr.s(claim.externalSubject) } : {}),
              ...(claim.contents ? { contents: attr.b(claim.contents) } : {}),
              expiresAt: attr.n(expiresAt),
            },
            // A row identity past its lifetime is no longer one (TTL deletes it within days).
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': attr.n(epochSeconds(now)) },
          },
        },
        ...(claim.also ? [claim.also] : []),
      ];
      const last = chunks.at(-1) ?? [];
      const size = 1_000 + (claim.contents?.length ?? 0);
      if (last.length + writes.length > 100 || bytes + size > CLAIM_TRANSACTION_BYTES) {
        chunks.push(writes);
        bytes = size;
      } else {
        last.push(...writes);
        bytes += size;
      }
    }
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      const result = await this.#gateway(scope).transactWrite(chunk);
      if (!result.written) return false;
    }
    return at;
  }

  /**
   * Marks rows written and audited (`DONE`), 25 per BatchWriteItem: each row's whole item is put again, as this run
   * claimed or read it, so no condition is needed.
   */
  async done(
    scope: TenantScope,
    rows: readonly {
      rowKey: string;
      recordId: string;
      clientId: string;
      runId: string;
      claimedAt: string;
      /** What the client's rows said when they were written (decision 0143). */
      contents?: Uint8Array | undefined;
    }[],
  ): Promise<void> {
    // The row keeps the lifetime its claim gave it.
    await this.#gateway(scope).batchPut(
      rows.map((row) => ({
        pk: attr.s(scope.key(ROW, row.rowKey)),
        sk: attr.s(ROW),
        rowKey: attr.s(row.rowKey),
        state: attr.s('DONE'),
        runId: attr.s(row.runId),
        claimedAt: attr.s(row.claimedAt),
        recordId: attr.s(row.recordId),
        clientId: attr.s(row.clientId),
        ...(row.contents ? { contents: attr.b(row.contents) } : {}),
        expiresAt: attr.n(this.#expiresAt(new Date(row.claimedAt))),
      })),
      { concurrency: 4 },
    );
  }

  /** Records which record a claimed row became (`WRITTEN`), or that it is written and audited (`DONE`). */
  async mark(
    scope: TenantScope,
    state: 'WRITTEN' | 'DONE',
    rows: readonly { rowKey: string; recordId: string; clientId: string; runId: string }[],
  ): Promise<void> {
    for (let start = 0; start < rows.length; start += 100) {
      const result = await this.#gateway(scope).transactWrite(
        rows.slice(start, start + 100).map((row) => ({
          Update: {
            Key: { pk: attr.s(scope.key(ROW, row.rowKey)), sk: attr.s(ROW) },
            UpdateExpression: 'SET #state = :state, recordId = :record, clientId = :client, runId = :run',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':state': attr.s(state),
              ':record': attr.s(row.recordId),
              ':client': attr.s(row.clientId),
              ':run': attr.s(row.runId),
            },
          },
        })),
      );
      if (!result.written) throw new Error('An import row was not claimed before it was marked.');
    }
  }

  /**
   * Records what a begun client's rows say before the import writes it whole again (decision 0143): a rerun of an
   * interrupted run writes the files as they are now, and a later rerun compares them with what was written.
   */
  async rewriting(
    scope: TenantScope,
    rows: readonly { rowKey: string; runId: string; contents: Uint8Array | undefined }[],
  ): Promise<void> {
    await inParallel(rows, 8, async (row) => {
      const result = await this.#gateway(scope).update(
        { pk: scope.key(ROW, row.rowKey), sk: ROW },
        row.contents
          ? {
              UpdateExpression: 'SET contents = :contents',
              ConditionExpression: 'attribute_exists(pk) AND #state = :claimed',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':contents': attr.b(row.contents), ':claimed': attr.s('CLAIMED') },
            }
          : {
              UpdateExpression: 'REMOVE contents',
              ConditionExpression: 'attribute_exists(pk) AND #state = :claimed',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':claimed': attr.s('CLAIMED') },
            },
      );
      if (!result.written) throw new Error('An import row was not claimed before it was written again.');
    });
  }

  /**
   * Records, just before the import closes a case it completes record by record, the profile version it closes from
   * (decision 0143): a rerun closes it only from that very version (nothing happened since), never over a reopening.
   */
  async closing(scope: TenantScope, rowKey: string, version: number): Promise<void> {
    const result = await this.#gateway(scope).update(
      { pk: scope.key(ROW, rowKey), sk: ROW },
      {
        UpdateExpression: 'SET closingFrom = :version',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':version': attr.n(version) },
      },
    );
    if (!result.written) throw new Error('An import row was not claimed before its case was closed.');
  }

  /** The run's own item: who ran it into which service, when, and (once finished) its counts. */
  async startRun(
    scope: TenantScope,
    run: { runId: string; serviceId: string; operatorId: string; sourceSystem: string },
  ): Promise<void> {
    const result = await this.#gateway(scope).put(
      {
        pk: attr.s(scope.key(RUN, run.runId)),
        sk: attr.s(RUN),
        runId: attr.s(run.runId),
        serviceId: attr.s(run.serviceId),
        operatorId: attr.s(run.operatorId),
        sourceSystem: attr.s(run.sourceSystem),
        status: attr.s('RUNNING'),
        startedAt: attr.s(this.clock.now().toISOString()),
        expiresAt: attr.n(this.#expiresAt(this.clock.now())),
      },
      { ConditionExpression: 'attribute_not_exists(pk)' },
    );
    if (!result.written) throw new Error('An import run id was used twice.');
  }

  async finishRun(scope: TenantScope, runId: string, summary: ImportRunSummary): Promise<void> {
    await this.#gateway(scope).update(
      { pk: scope.key(RUN, runId), sk: RUN },
      {
        UpdateExpression: 'SET #status = :status, finishedAt = :at, summary = :summary',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': attr.s('FINISHED'),
          ':at': attr.s(this.clock.now().toISOString()),
          ':summary': attr.s(JSON.stringify(summary)),
        },
      },
    );
  }

  /** How many rows are in each state (for tests and the bench: read by key, never by scanning). */
  async run(scope: TenantScope, runId: string): Promise<Item | undefined> {
    return this.#gateway(scope).get({ pk: scope.key(RUN, runId), sk: RUN }, { now: this.clock.now() });
  }

  #expiresAt(from: Date): number {
    return epochSeconds(from) + IMPORT_RECORDS_LIFETIME_DAYS * 86_400;
  }
}

function toRow(item: Item): ImportRow {
  return {
    rowKey: read.s(item, 'rowKey') ?? '',
    state: (read.s(item, 'state') ?? 'CLAIMED') as ImportRowState,
    runId: read.s(item, 'runId') ?? '',
    claimedAt: read.s(item, 'claimedAt') ?? '',
    recordId: read.s(item, 'recordId'),
    clientId: read.s(item, 'clientId'),
    reference: read.s(item, 'reference'),
    externalSubject: read.s(item, 'externalSubject'),
    contents: read.b(item, 'contents'),
    closingFrom: read.n(item, 'closingFrom'),
  };
}

/** A part's two digests: of its name (which part it is) and of what it says. */
function partDigests(secret: Buffer, entry: ImportedPart): { name: Buffer; value: Buffer } {
  const digest = (text: string) =>
    createHmac('sha256', secret).update(text).digest().subarray(0, PART_DIGEST_BYTES);
  return {
    name: digest(JSON.stringify(['part', entry.part])),
    value: digest(JSON.stringify(['value', entry.part, entry.value ?? null])),
  };
}
