import type { Clock } from '@confide/domain';
import { integrityMac, type KeyHierarchy, verifyIntegrityMac } from '@confide/keys';
import { attr, type Item, read } from '../attributes';
import { organisationIntegrityKey } from '../item-macs';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

const RETENTION_STATE_SORT = 'RETENTION_STATE';
const MAC_LABEL = 'confide.retention-state.v1';

/**
 * Whether a subject's records are scheduled to expire, and when: written by the schedule (closure, end of
 * employment, rescheduling) and by everything that takes it off (reopening, a legal hold, re-employment), MACed
 * under the organisation's integrity key. The retention handler believes an expiry only when this says so: an
 * `expiresAt` set on an item by anyone else explains nothing.
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
    if (
      !verifyIntegrityMac(key, macParts(scope, subjectId, state ?? '', expiresAt, at), read.s(item, 'mac'))
    ) {
      return { state: 'TAMPERED' };
    }
    if (state === 'SCHEDULED' && expiresAt !== undefined) return { state, expiresAt };
    if (state === 'UNSCHEDULED') return { state };
    return { state: 'TAMPERED' };
  }

  /**
   * The record that the subject's records expire at `expiresAt`, as an item of another write's transaction: a hold
   * lifted, or the last emergency review completed, together with the profile's own date.
   */
  async scheduledItem(
    scope: TenantScope,
    subjectId: string,
    expiresAt: number,
  ): Promise<{ Put: { Item: Item } }> {
    return { Put: { Item: await this.#item(scope, subjectId, { state: 'SCHEDULED', expiresAt }) } };
  }

  /**
   * The record that nothing of the subject may expire, as an item of another write's transaction: a legal hold or an
   * emergency review put on the profile, so that no fault after it leaves the hold on and the subject scheduled.
   */
  async unscheduledItem(scope: TenantScope, subjectId: string): Promise<{ Put: { Item: Item } }> {
    return { Put: { Item: await this.#item(scope, subjectId, { state: 'UNSCHEDULED' }) } };
  }

  async #write(scope: TenantScope, subjectId: string, state: RetentionState): Promise<void> {
    await this.#gateway(scope).put(await this.#item(scope, subjectId, state));
  }

  async #item(scope: TenantScope, subjectId: string, state: RetentionState): Promise<Item> {
    const { pk, sk } = retentionStateKey(scope, subjectId);
    const at = this.clock.now().toISOString();
    const expiresAt = state.state === 'SCHEDULED' ? state.expiresAt : undefined;
    const mac = integrityMac(await this.#key(scope), macParts(scope, subjectId, state.state, expiresAt, at));
    return {
      pk: attr.s(pk),
      sk: attr.s(sk),
      orgId: attr.s(scope.orgId),
      subjectId: attr.s(subjectId),
      state: attr.s(state.state),
      ...(expiresAt === undefined ? {} : { scheduledExpiry: attr.n(expiresAt) }),
      at: attr.s(at),
      mac: attr.s(mac),
    };
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  async #key(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }
}

function macParts(
  scope: TenantScope,
  subjectId: string,
  state: string,
  expiresAt: number | undefined,
  at: string,
): (string | number)[] {
  return [MAC_LABEL, scope.orgId, subjectId, state, expiresAt ?? '', at];
}
