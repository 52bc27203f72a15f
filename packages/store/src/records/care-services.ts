import { type Clock, conflict, newId, notFound } from '@confide/domain';
import type { KeyHierarchy } from '@confide/keys';
import { attr, type Item, read, requireN, requireS, tableKey } from '../attributes';
import type { ItemLoader } from '../item-loader';
import { organisationIntegrityKey } from '../item-macs';
import {
  qaReviewLink,
  STAFF_SERVICE_LINK_MACS,
  STAFF_SERVICE_LINKS,
  serviceLinkMac,
  staffAccountKey,
} from '../organisation-directory';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

/** A QA assignment: a team leader reviews a service, read-only, for a period (Azure 4.1d). */
export interface QaAssignment {
  readonly assignmentId: string;
  readonly staffId: string;
  readonly from: string;
  readonly to: string;
}

/** A service of the organisation (e.g. a supported-living service). Holds no personal data. */
export interface CareService {
  readonly serviceId: string;
  readonly name: string;
  readonly managers: readonly string[];
  readonly members: readonly string[];
  readonly qaAssignments: readonly QaAssignment[];
  readonly createdAt: string;
  readonly version: number;
}

const SORT = 'PROFILE';
/** A service's people: its managers or its team. */
type Role = 'managers' | 'members';
/** The sort key of a staff member's profile item (OrganisationDirectory). */

/** Services, their managers, members and QA assignments. */
export class CareServices {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
    /** For the service links' MACs on the staff items (decision 0030, Access facts). */
    private readonly keys: Pick<KeyHierarchy, 'beaconKey'>,
  ) {}

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  async create(scope: TenantScope, name: string): Promise<CareService> {
    const serviceId = newId('service');
    const item: Item = {
      pk: attr.s(scope.key('SERVICE', serviceId)),
      sk: attr.s(SORT),
      gsi1pk: attr.s(scope.key('SERVICES')),
      gsi1sk: attr.s(`SERVICE#${serviceId}`),
      serviceId: attr.s(serviceId),
      name: attr.s(name),
      qa: { M: {} },
      createdAt: attr.s(this.clock.now().toISOString()),
      version: attr.n(1),
    };
    const written = await this.#gateway(scope).put(item, { ConditionExpression: 'attribute_not_exists(pk)' });
    // A fresh random id never collides; if it did, nothing was overwritten.
    if (!written.written) throw new Error('A new service id collided.');
    return toService(item);
  }

  async get(scope: TenantScope, serviceId: string, loader: ItemLoader): Promise<CareService | undefined> {
    const item = await loader.load(this.table, scope.key('SERVICE', serviceId), SORT);
    return item ? toService(item) : undefined;
  }

  async list(scope: TenantScope): Promise<CareService[]> {
    const { items } = await this.#gateway(scope).query({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': attr.s(scope.key('SERVICES')) },
    });
    return items.map(toService);
  }

  /**
   * Adds a staff member to the service's managers or members (sets, so repeating is harmless). The staff
   * member's own item gets the same link in the same transaction: need-to-know reads it from there.
   */
  addStaff(scope: TenantScope, serviceId: string, staffId: string, as: Role, expectedVersion?: number) {
    return this.#changeStaff(scope, serviceId, staffId, as, 'ADD', expectedVersion);
  }

  removeStaff(scope: TenantScope, serviceId: string, staffId: string, from: Role, expectedVersion?: number) {
    return this.#changeStaff(scope, serviceId, staffId, from, 'DELETE', expectedVersion);
  }

  /** Adds (a grant: only to an active staff member) or deletes the link on both items. */
  async #changeStaff(
    scope: TenantScope,
    serviceId: string,
    staffId: string,
    role: Role,
    action: 'ADD' | 'DELETE',
    expectedVersion: number | undefined,
  ): Promise<CareService> {
    return this.#update(
      scope,
      serviceId,
      staffId,
      { expectedVersion, grants: action === 'ADD' },
      {
        service: {
          expression: `${action} #set :staff`,
          names: { '#set': role },
          values: { ':staff': { SS: [staffId] } },
        },
        staff: {
          expression: `${action} #link :service, #macs :mac`,
          names: { '#link': STAFF_SERVICE_LINKS[role], '#macs': STAFF_SERVICE_LINK_MACS },
          values: {
            ':service': { SS: [serviceId] },
            ':mac': { SS: [await this.#linkMac(scope, staffId, role, serviceId)] },
          },
        },
      },
    );
  }

  async assignQa(
    scope: TenantScope,
    serviceId: string,
    staffId: string,
    from: Date,
    to: Date,
  ): Promise<CareService> {
    const assignmentId = newId('qaAssignment');
    const period = { from: from.toISOString(), to: to.toISOString() };
    return this.#update(
      scope,
      serviceId,
      staffId,
      { grants: true },
      {
        service: {
          expression: 'SET qa.#id = :assignment',
          names: { '#id': assignmentId },
          values: {
            ':assignment': {
              M: { staffId: attr.s(staffId), from: attr.s(period.from), to: attr.s(period.to) },
            },
          },
        },
        staff: {
          expression: 'ADD #link :review, #macs :mac',
          names: { '#link': STAFF_SERVICE_LINKS.qa, '#macs': STAFF_SERVICE_LINK_MACS },
          values: {
            ':review': { SS: [qaReviewLink(serviceId, period.from, period.to)] },
            ':mac': {
              SS: [
                await this.#linkMac(scope, staffId, 'qa', qaReviewLink(serviceId, period.from, period.to)),
              ],
            },
          },
        },
      },
    );
  }

  async #linkMac(
    scope: TenantScope,
    staffId: string,
    kind: keyof typeof STAFF_SERVICE_LINKS,
    link: string,
  ): Promise<string> {
    const integrityKey = await organisationIntegrityKey(this.keys, scope.orgId);
    return serviceLinkMac(integrityKey, scope, staffId, kind, link);
  }

  /**
   * Updates the service and the staff member's copy of the link together; either missing is NOT_FOUND. With
   * `expectedVersion`, only over the service as the caller read it (before its audit event): a change of its people
   * meanwhile (a removal confirmed to someone else) is CONFLICT, never undone. A grant (`grants`) goes only to a staff
   * member still active: one deactivated since the check is CONFLICT.
   */
  async #update(
    scope: TenantScope,
    serviceId: string,
    staffId: string,
    expected: { expectedVersion?: number | undefined; grants: boolean },
    change: Record<'service' | 'staff', { expression: string; names: Record<string, string>; values: Item }>,
  ): Promise<CareService> {
    const gateway = this.#gateway(scope);
    const serviceKey = { pk: scope.key('SERVICE', serviceId), sk: SORT };
    const staffKey = staffAccountKey(scope, staffId);
    const versioned = expected.expectedVersion !== undefined;
    const written = await gateway.transactWrite([
      {
        Update: {
          Key: tableKey(serviceKey),
          UpdateExpression: withVersionBump(change.service.expression),
          ConditionExpression: versioned
            ? 'attribute_exists(pk) AND version = :expected'
            : 'attribute_exists(pk)',
          ExpressionAttributeNames: change.service.names,
          ExpressionAttributeValues: {
            ...change.service.values,
            ':one': attr.n(1),
            ...(versioned ? { ':expected': attr.n(expected.expectedVersion ?? 0) } : {}),
          },
        },
      },
      {
        Update: {
          Key: tableKey(staffKey),
          UpdateExpression: withVersionBump(change.staff.expression),
          ConditionExpression: expected.grants
            ? 'attribute_exists(pk) AND #status = :active'
            : 'attribute_exists(pk)',
          ExpressionAttributeNames: {
            ...change.staff.names,
            ...(expected.grants ? { '#status': 'status' } : {}),
          },
          ExpressionAttributeValues: {
            ...change.staff.values,
            ':one': attr.n(1),
            ...(expected.grants ? { ':active': attr.s('ACTIVE') } : {}),
          },
        },
      },
    ]);
    if (!written.written) {
      const [service, staff] = written.reasons;
      if (service === 'ConditionalCheckFailed') {
        if (!versioned || !(await gateway.get(serviceKey))) throw notFound('Service');
        throw conflict('The service’s people changed meanwhile; reload it.');
      }
      if (staff === 'ConditionalCheckFailed') {
        if (!expected.grants || !(await gateway.get(staffKey))) throw notFound('Staff member');
        throw conflict('The staff member is no longer active.');
      }
      throw new Error('A service change was cancelled.');
    }
    const item = await gateway.get(serviceKey);
    if (!item) throw notFound('Service');
    return toService(item);
  }
}

/** Adds the version increment to an update expression (one SET clause per expression). */
const withVersionBump = (expression: string) =>
  expression.startsWith('SET ')
    ? `${expression}, version = version + :one`
    : `${expression} SET version = version + :one`;

function toService(item: Item): CareService {
  const qa = item.qa?.M ?? {};
  return {
    serviceId: requireS(item, 'serviceId'),
    name: requireS(item, 'name'),
    managers: read.ss(item, 'managers'),
    members: read.ss(item, 'members'),
    qaAssignments: Object.entries(qa).map(([assignmentId, value]) => ({
      assignmentId,
      staffId: value.M?.staffId?.S ?? '',
      from: value.M?.from?.S ?? '',
      to: value.M?.to?.S ?? '',
    })),
    createdAt: requireS(item, 'createdAt'),
    version: requireN(item, 'version'),
  };
}
