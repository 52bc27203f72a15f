import { type Clock, conflict } from '@confide/domain';
import { integrityMac, type KeyHierarchy, verifyIntegrityMac } from '@confide/keys';
import { attr, type CountedFacts, changeCount, type Item, read } from '../attributes';
import { organisationIntegrityKey } from '../item-macs';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable, type TenantTransactItem } from '../tenant-table';

/** The retention state's sort key, in the subject's tombstone partition. */
export const RETENTION_STATE_SORT = 'RETENTION_STATE';

/**
 * The attribute counting the changes to a subject's retention state, under its MAC (decision 0141): the state from
 * before a hold or a reopening, put back with its genuine MAC, shows in the table's stream as the count going down.
 * Absent on a state written before it (0).
 */
const STATE_VERSION = 'stateVersion';

/** A subject's retention state, its MAC and its count of changes (decision 0141), as the retention handler puts it back. */
export const RETENTION_STATE_FACTS: CountedFacts = {
  attributes: ['state', 'scheduledExpiry', 'at'],
  mac: 'mac',
  count: STATE_VERSION,
};

/**
 * How many times a state is written anew when another write of the same subject's state lands between its read and its
 * write: each time it reads again, so that it lands after the other, as the unconditional write it was did.
 */
const WRITE_ATTEMPTS = 3;

/**
 * Whether a subject's records are scheduled to expire, and when: written by the schedule (closure, end of
 * employment, rescheduling) and by everything that takes it off (reopening, a legal hold, re-employment), MACed
 * under the organisation's integrity key with a count of its changes that every write moves up (decision 0141). The
 * retention handler believes an expiry only when this says so: an `expiresAt` set on an item by anyone else explains
 * nothing, and an earlier state put back is put right from the table's stream.
 */
export type RetentionState =
  | { readonly state: 'SCHEDULED'; readonly expiresAt: number }
  | { readonly state: 'UNSCHEDULED' };

/** What the handler finds: the state, none written yet, or a record that fails its MAC. */
export type VerifiedRetentionState =
  | RetentionState
  | { readonly state: 'NONE' }
  | { readonly state: 'TAMPERED' };

/** Where a subject's retention state lives: their tombstone partition, which outlives their records. */
export function retentionStateKey(scope: TenantScope, subjectId: string): { pk: string; sk: string } {
  return { pk: scope.key('TOMBSTONE', subjectId), sk: RETENTION_STATE_SORT };
}

export class RetentionStates {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly keys: Pick<KeyHierarchy, 'beaconKey'>,
    private readonly clock: Clock,
  ) {}

  /** Records that the subject's records expire at `expiresAt` (epoch seconds); before any item is scheduled. */
  markScheduled(scope: TenantScope, subjectId: string, expiresAt: number): Promise<void> {
    return this.#write(scope, subjectId, { state: 'SCHEDULED', expiresAt });
  }

  /** Records that nothing of the subject may expire; before (hold) or after (reopening) the items are cleared. */
  markUnscheduled(scope: TenantScope, subjectId: string): Promise<void> {
    return this.#write(scope, subjectId, { state: 'UNSCHEDULED' });
  }

  async read(scope: TenantScope, subjectId: string): Promise<VerifiedRetentionState> {
    const item = await this.#gateway(scope).get(retentionStateKey(scope, subjectId));
    if (!item) return { state: 'NONE' };
    const state = read.s(item, 'state');
    const expiresAt = read.n(item, 'scheduledExpiry');
    const at = read.s(item, 'at') ?? '';
    const key = await this.#key(scope);
    const parts = macParts(scope, subjectId, state ?? '', expiresAt, at, changeCount(item, STATE_VERSION));
    if (!verifyIntegrityMac(key, parts, read.s(item, 'mac'))) return { state: 'TAMPERED' };
    if (state === 'SCHEDULED' && expiresAt !== undefined) return { state, expiresAt };
    if (state === 'UNSCHEDULED') return { state };
    return { state: 'TAMPERED' };
  }

  /**
   * The record that the subject's records expire at `expiresAt`, as an item of another write's transaction: a hold
   * lifted, or the last emergency review completed, together with the profile's own date. Its condition is the state
   * as read now: another write of the subject's state before the transaction cancels it (`ConditionalCheckFailed`).
   */
  async scheduledItem(scope: TenantScope, subjectId: string, expiresAt: number): Promise<TenantTransactItem> {
    return { Put: await this.#put(scope, subjectId, { state: 'SCHEDULED', expiresAt }) };
  }

  /**
   * The record that nothing of the subject may expire, as an item of another write's transaction: a legal hold or an
   * emergency review put on the profile, so that no fault after it leaves the hold on and the subject scheduled. Its
   * condition is the state as read now, as for {@link scheduledItem}.
   */
  async unscheduledItem(scope: TenantScope, subjectId: string): Promise<TenantTransactItem> {
    return { Put: await this.#put(scope, subjectId, { state: 'UNSCHEDULED' }) };
  }

  /** Writes the state over the one read just before; read again when another write landed between (CONFLICT at last). */
  async #write(scope: TenantScope, subjectId: string, state: RetentionState): Promise<void> {
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      const { Item, ...condition } = await this.#put(scope, subjectId, state);
      if ((await this.#gateway(scope).put(Item, condition)).written) return;
    }
    throw conflict('The retention state changed at the same moment; try again.');
  }

  /**
   * The state as a conditional put (decision 0141): the current one read consistently, the count one higher than its
   * (0 for a state written before the count, or none), and the condition that the item still carries the MAC read, or
   * is still absent. A current state that fails its MAC is written over all the same (a hold must go on whatever was
   * written below the application): what is written is the application's own, and its count is still above any copy
   * the stream would see put back.
   */
  async #put(
    scope: TenantScope,
    subjectId: string,
    state: RetentionState,
  ): Promise<{
    Item: Item;
    ConditionExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Item;
  }> {
    const { pk, sk } = retentionStateKey(scope, subjectId);
    const [current, key] = await Promise.all([this.#gateway(scope).get({ pk, sk }), this.#key(scope)]);
    const count = changeCount(current ?? {}, STATE_VERSION) + 1;
    // Only a state tampered with can hold the largest safe count: a count past it would read as none.
    if (!Number.isSafeInteger(count)) throw new Error('The retention state holds no count it can move up.');
    const at = this.clock.now().toISOString();
    const expiresAt = state.state === 'SCHEDULED' ? state.expiresAt : undefined;
    const mac = integrityMac(key, macParts(scope, subjectId, state.state, expiresAt, at, count));
    const previous = current?.mac?.S;
    return {
      Item: {
        pk: attr.s(pk),
        sk: attr.s(sk),
        orgId: attr.s(scope.orgId),
        subjectId: attr.s(subjectId),
        state: attr.s(state.state),
        ...(expiresAt === undefined ? {} : { scheduledExpiry: attr.n(expiresAt) }),
        at: attr.s(at),
        [STATE_VERSION]: attr.n(count),
        mac: attr.s(mac),
      },
      ...(!current
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : previous === undefined
          ? {
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#mac)',
              ExpressionAttributeNames: { '#mac': 'mac' },
            }
          : {
              ConditionExpression: '#mac = :previous',
              ExpressionAttributeNames: { '#mac': 'mac' },
              ExpressionAttributeValues: { ':previous': attr.s(previous) },
            }),
    };
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  async #key(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }
}

/**
 * What a state's MAC covers: with its count of changes from the first write that counts (decision 0141); a state
 * written before it (count 0) keeps the parts it was written with.
 */
function macParts(
  scope: TenantScope,
  subjectId: string,
  state: string,
  expiresAt: number | undefined,
  at: string,
  count: number,
): (string | number)[] {
  return count === 0
    ? ['confide.retention-state.v1', scope.orgId, subjectId, state, expiresAt ?? '', at]
    : ['confide.retention-state.v2', scope.orgId, subjectId, state, expiresAt ?? '', at, count];
}
