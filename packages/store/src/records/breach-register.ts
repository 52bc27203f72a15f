import {
  badInput,
  breachEntryExpiry,
  type Clock,
  conflict,
  newId,
  notFound,
  type RetentionRules,
  toEpochSeconds,
} from '@confide/domain';
import { attr, type Item, read, requireN, requireS } from '../attributes';
import { mapPage, type Page, type PageRequest } from '../paging';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

/** 72 hours to notify the regulator of a reportable breach (UK GDPR art. 33; Lets connect 6). */
export const REGULATOR_DEADLINE_MS = 72 * 60 * 60 * 1000;

export const BREACH_SOURCES = [
  'REPORTED',
  'EMERGENCY_REVIEW_UNJUSTIFIED',
  'MISDIRECTED_DISCLOSURE',
  'DISCLOSURE_REVIEW_UNJUSTIFIED',
] as const;
export type BreachSource = (typeof BREACH_SOURCES)[number];

/**
 * A personal data breach: what happened, to how many people, containment, and the 72-hour regulator clock.
 * Entries hold categories and counts only, never the personal data itself; references link to the evidence.
 */
export interface BreachEntry {
  readonly breachId: string;
  readonly source: BreachSource;
  readonly discoveredAt: string;
  readonly nature: string;
  readonly categories: readonly string[];
  readonly approximateSubjects: number;
  readonly containment: string | undefined;
  /** A reference to what raised it (an emergency review, a disclosure), never personal data. */
  readonly reference: string | undefined;
  readonly reportable: boolean | undefined;
  readonly regulatorDeadline: string;
  readonly regulatorNotifiedAt: string | undefined;
  readonly recordedBy: string;
  readonly recordedAt: string;
  /** When the entry leaves the register (epoch seconds): the organisation's `breachYears` after recording. */
  readonly expiresAt: number | undefined;
  readonly version: number;
}

/**
 * The open entries' index (issue 19): a sparse `gsi2` partition holding each entry while it is open (reportable or
 * unassessed, the regulator not yet told), sorted by its 72-hour deadline. Written on the entry itself, so opening
 * and assessing keep it in step without a second item.
 */
const OPEN_INDEX = 'gsi2';
const openIndexKey = (scope: TenantScope) => scope.key('BREACHES_OPEN');
const openIndexOrder = (regulatorDeadline: string, breachId: string) => `${regulatorDeadline}#${breachId}`;

/** Whether an entry is open: reportable or not yet assessed, and the regulator not yet told. */
export function isOpenBreach(entry: Pick<BreachEntry, 'reportable' | 'regulatorNotifiedAt'>): boolean {
  return entry.reportable !== false && !entry.regulatorNotifiedAt;
}

/** Open entries nearest deadline first, ties by id: the order of the open entries' index. */
export function byRegulatorDeadline(a: BreachEntry, b: BreachEntry): number {
  return a.regulatorDeadline.localeCompare(b.regulatorDeadline) || a.breachId.localeCompare(b.breachId);
}

/**
 * The breach register (IG_LEAD). Entries are kept for the organisation's `breachYears` (DATA-PROTECTION.md,
 * Retention: six years by default) from when they were recorded; DynamoDB TTL removes them after that, and
 * every read leaves out an entry whose time has passed.
 */
/** What opens a breach entry. */
export interface NewBreachEntry {
  readonly source: BreachSource;
  readonly discoveredAt: Date;
  readonly nature: string;
  readonly categories: readonly string[];
  readonly approximateSubjects: number;
  readonly containment?: string | undefined;
  readonly reference?: string | undefined;
  readonly recordedBy: string;
}

export class BreachRegister {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async open(scope: TenantScope, entry: NewBreachEntry, rules: RetentionRules): Promise<BreachEntry> {
    const opening = this.opening(scope, entry, rules);
    const written = await this.#gateway(scope).put(opening.put.Put.Item, {
      ConditionExpression: opening.put.Put.ConditionExpression,
    });
    // A fresh random id never collides; if it did, nothing was overwritten.
    if (!written.written) throw new Error('A new breach id collided.');
    return opening.entry;
  }

  /**
   * A new entry as an item of another write's transaction, so that what discovers the breach and the entry are
   * written together or not at all (an UNJUSTIFIED emergency review's finding).
   */
  opening(
    scope: TenantScope,
    entry: NewBreachEntry,
    rules: RetentionRules,
  ): { entry: BreachEntry; put: { Put: { Item: Item; ConditionExpression: string } } } {
    const breachId = newId('breach');
    const recordedAt = this.clock.now();
    const regulatorDeadline = new Date(entry.discoveredAt.getTime() + REGULATOR_DEADLINE_MS).toISOString();
    const item: Item = {
      pk: attr.s(scope.key('BREACHES')),
      sk: attr.s(`${entry.discoveredAt.toISOString()}#${breachId}`),
      gsi1pk: attr.s(scope.key('BREACH', breachId)),
      gsi1sk: attr.s('BREACH'),
      // Unassessed, so open: in the open entries' index from the start.
      gsi2pk: attr.s(openIndexKey(scope)),
      gsi2sk: attr.s(openIndexOrder(regulatorDeadline, breachId)),
      breachId: attr.s(breachId),
      source: attr.s(entry.source),
      discoveredAt: attr.s(entry.discoveredAt.toISOString()),
      nature: attr.s(entry.nature),
      categories: attr.ss(entry.categories),
      approximateSubjects: attr.n(entry.approximateSubjects),
      regulatorDeadline: attr.s(regulatorDeadline),
      recordedBy: attr.s(entry.recordedBy),
      recordedAt: attr.s(recordedAt.toISOString()),
      expiresAt: attr.n(toEpochSeconds(breachEntryExpiry(recordedAt, rules))),
      version: attr.n(1),
      ...(entry.containment ? { containment: attr.s(entry.containment) } : {}),
      ...(entry.reference ? { reference: attr.s(entry.reference) } : {}),
    };
    return {
      entry: toBreach(item),
      put: { Put: { Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
    };
  }

  /**
   * Extends every entry's expiry to a raised `breachYears`: the period runs from when each entry was recorded, as when
   * it was opened. Never shortens one, and brings back nothing already expired.
   */
  async reschedule(scope: TenantScope, rules: RetentionRules): Promise<void> {
    const gateway = this.#gateway(scope);
    const now = this.clock.now();
    const { items } = await gateway.query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('BREACHES')) },
        ProjectionExpression: 'pk, sk, recordedAt, expiresAt',
        ConsistentRead: true,
      },
      { now },
    );
    for (const item of items) {
      const expiresAt = toEpochSeconds(breachEntryExpiry(new Date(requireS(item, 'recordedAt')), rules));
      const current = read.n(item, 'expiresAt');
      if (current !== undefined && current >= expiresAt) continue;
      await gateway.update(
        { pk: requireS(item, 'pk'), sk: requireS(item, 'sk') },
        {
          UpdateExpression: 'SET expiresAt = :expiresAt',
          // Never shortens, in the write itself: a change read before another extended the entry further loses.
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR (expiresAt > :now AND expiresAt < :expiresAt))',
          ExpressionAttributeValues: { ':expiresAt': attr.n(expiresAt), ':now': attr.n(toEpochSeconds(now)) },
        },
      );
    }
  }

  /** Every entry, newest discovery first. */
  async list(scope: TenantScope): Promise<BreachEntry[]> {
    const { items } = await this.#gateway(scope).query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('BREACHES')) },
        ScanIndexForward: false,
      },
      { now: this.clock.now() },
    );
    return items.map(toBreach);
  }

  /**
   * One page of the open entries, nearest deadline first (ties by id), read from the open entries' index with
   * DynamoDB's `Limit`: the order of {@link byRegulatorDeadline} over the entries {@link isOpenBreach} keeps.
   */
  async openPage(scope: TenantScope, request: PageRequest): Promise<Page<BreachEntry>> {
    const page = await this.#gateway(scope).queryPage(
      {
        IndexName: OPEN_INDEX,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(openIndexKey(scope)) },
      },
      request,
      { now: this.clock.now() },
    );
    return mapPage(page, toBreach);
  }

  /**
   * Puts every open entry written before the open entries' index into it (and takes closed ones out): idempotent,
   * each entry updated only while it still has the version read. The local stack runs it on start.
   */
  async indexOpenEntries(scope: TenantScope): Promise<number> {
    const { items } = await this.#gateway(scope).query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': attr.s(scope.key('BREACHES')) },
    });
    let changed = 0;
    for (const item of items) {
      const entry = toBreach(item);
      const open = isOpenBreach(entry);
      if (open === (read.s(item, 'gsi2pk') !== undefined)) continue;
      const written = await this.#gateway(scope).update(
        { pk: requireS(item, 'pk'), sk: requireS(item, 'sk') },
        {
          UpdateExpression: open ? 'SET gsi2pk = :open, gsi2sk = :order' : 'REMOVE gsi2pk, gsi2sk',
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: {
            ':version': attr.n(entry.version),
            ...(open
              ? {
                  ':open': attr.s(openIndexKey(scope)),
                  ':order': attr.s(openIndexOrder(entry.regulatorDeadline, entry.breachId)),
                }
              : {}),
          },
        },
      );
      if (written.written) changed += 1;
    }
    return changed;
  }

  /** Records the assessment (reportable or not) and, when done, the regulator notification. */
  async assess(
    scope: TenantScope,
    breachId: string,
    change: {
      reportable: boolean;
      regulatorNotifiedAt?: Date | undefined;
      containment?: string | undefined;
      expectedVersion: number;
    },
  ): Promise<BreachEntry> {
    const current = await this.entry(scope, breachId);
    if (!current) throw notFound('Breach');
    const key = { pk: scope.key('BREACHES'), sk: `${current.discoveredAt}#${breachId}` };
    if (change.regulatorNotifiedAt && change.regulatorNotifiedAt.toISOString() < current.discoveredAt) {
      throw badInput(
        ['regulatorNotifiedAt'],
        'The regulator cannot be told before the breach was discovered.',
      );
    }
    if (current.version !== change.expectedVersion) throw conflict();
    const sets = ['reportable = :reportable', 'version = version + :one'];
    // The assessment decides whether the entry stays in the open entries' index, in the same write.
    const open = isOpenBreach({
      reportable: change.reportable,
      regulatorNotifiedAt: change.regulatorNotifiedAt?.toISOString() ?? current.regulatorNotifiedAt,
    });
    if (open) sets.push('gsi2pk = :open', 'gsi2sk = :order');
    const values: Item = {
      ':reportable': attr.bool(change.reportable),
      ':one': attr.n(1),
      ':expected': attr.n(change.expectedVersion),
      ':now': attr.n(toEpochSeconds(this.clock.now())),
      ...(open
        ? {
            ':open': attr.s(openIndexKey(scope)),
            ':order': attr.s(openIndexOrder(current.regulatorDeadline, breachId)),
          }
        : {}),
    };
    if (change.regulatorNotifiedAt) {
      sets.push('regulatorNotifiedAt = :notified');
      values[':notified'] = attr.s(change.regulatorNotifiedAt.toISOString());
    }
    if (change.containment) {
      sets.push('containment = :containment');
      values[':containment'] = attr.s(change.containment);
    }
    const result = await this.#gateway(scope).update(key, {
      UpdateExpression: `SET ${sets.join(', ')}${open ? '' : ' REMOVE gsi2pk, gsi2sk'}`,
      // The version read (which is the one the caller expects): the entry is what this decision was made from.
      ConditionExpression: 'version = :expected AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    });
    if (!result.written) throw conflict();
    if (!result.attributes) throw notFound('Breach');
    return toBreach(result.attributes);
  }

  /**
   * One entry as stored now. The index finds its key (its discovery time never changes); the entry itself is read by
   * that key, consistently: the index may lag behind a notification just recorded.
   */
  async entry(scope: TenantScope, breachId: string): Promise<BreachEntry | undefined> {
    const found = await this.#get(scope, breachId);
    if (!found) return undefined;
    const stored = await this.#gateway(scope).get(
      { pk: scope.key('BREACHES'), sk: `${found.discoveredAt}#${breachId}` },
      { now: this.clock.now() },
    );
    return stored && toBreach(stored);
  }

  async #get(scope: TenantScope, breachId: string): Promise<BreachEntry | undefined> {
    const { items } = await this.#gateway(scope).query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('BREACH', breachId)) },
      },
      { now: this.clock.now() },
    );
    const item = items[0];
    return item ? toBreach(item) : undefined;
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }
}

function toBreach(item: Item): BreachEntry {
  return {
    breachId: requireS(item, 'breachId'),
    source: requireS(item, 'source') as BreachSource,
    discoveredAt: requireS(item, 'discoveredAt'),
    nature: requireS(item, 'nature'),
    categories: read.ss(item, 'categories'),
    approximateSubjects: requireN(item, 'approximateSubjects'),
    containment: read.s(item, 'containment'),
    reference: read.s(item, 'reference'),
    reportable: read.bool(item, 'reportable'),
    regulatorDeadline: requireS(item, 'regulatorDeadline'),
    regulatorNotifiedAt: read.s(item, 'regulatorNotifiedAt'),
    recordedBy: requireS(item, 'recordedBy'),
    recordedAt: requireS(item, 'recordedAt'),
    expiresAt: read.n(item, 'expiresAt'),
    version: requireN(item, 'version'),
  };
}
