import { createHmac } from 'node:crypto';
import { badInput, type Clock } from '@confide/domain';
import type { KeyHierarchy } from '@confide/keys';
import { attr, type Item, read } from '../attributes';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';
import { idempotencyKeyFrom } from './idempotency';

/**
 * The import's own records (issue 21, decision 0032): one item per source row it writes, keyed by a keyed HMAC of
 * the source system's id, so an interrupted import run again skips what it finished and completes what it began,
 * never writing a second record for one source row; and one item per run. Nothing of the source row is stored:
 * the key is an HMAC (the source id may itself be identifying), the item holds ids Confide made.
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

  /** The rows already known, by row key (absent: never claimed). */
  async rows(scope: TenantScope, rowKeys: readonly string[]): Promise<Map<string, ImportRow>> {
    const found = new Map<string, ImportRow>();
    const unique = [...new Set(rowKeys)];
    for (let start = 0; start < unique.length; start += 100) {
      const items = await this.#gateway(scope).batchGet(
        unique.slice(start, start + 100).map((rowKey) => ({ pk: scope.key(ROW, rowKey), sk: ROW })),
      );
      for (const item of items) {
        const row = toRow(item);
        found.set(row.rowKey, row);
      }
    }
    return found;
  }

  /**
   * Claims rows for a run before their records are written. A row another process claimed meanwhile fails the
   * whole claim (false): two imports into one organisation at once are refused, not interleaved.
   */
  async claim(scope: TenantScope, runId: string, rowKeys: readonly string[]): Promise<boolean> {
    const at = this.clock.now().toISOString();
    for (let start = 0; start < rowKeys.length; start += 100) {
      const result = await this.#gateway(scope).transactWrite(
        rowKeys.slice(start, start + 100).map((rowKey) => ({
          Put: {
            Item: {
              pk: attr.s(scope.key(ROW, rowKey)),
              sk: attr.s(ROW),
              rowKey: attr.s(rowKey),
              state: attr.s('CLAIMED'),
              runId: attr.s(runId),
              claimedAt: attr.s(at),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        })),
      );
      if (!result.written) return false;
    }
    return true;
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
    return this.#gateway(scope).get({ pk: scope.key(RUN, runId), sk: RUN });
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
  };
}
