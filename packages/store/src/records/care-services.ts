import { type Clock, conflict, newId, notFound } from '@confide/domain';
import type { KeyHierarchy } from '@confide/keys';
import { attr, type Item, read, requireN, requireS, tableKey } from '../attributes';
import type { ItemLoader } from '../item-loader';
import { organisationIntegrityKey } from '../item-macs';
import { qaReviewLink, serviceLinkChange, staffAccountKey } from '../organisation-directory';
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
  #changeStaff(
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
        expression: `${action} #set :staff`,
        names: { '#set': role },
        values: { ':staff': { SS: [staffId] } },
      },
      { kind: role, action, link: serviceId },
    );
  }

  assignQa(
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
        expression: 'SET qa.#id = :assignment',
        names: { '#id': assignmentId },
        values: {
          ':assignment': {
            M: { staffId: attr.s(staffId), from: attr.s(period.from), to: attr.s(period.to) },
          },
        },
      },
      { kind: 'qa', action: 'ADD', link: qaReviewLink(serviceId, period.from, period.to) },
    );
  }

  /**
   * Updates the service and the staff member's copy of the link together; either missing is NOT_FOUND. With
   * `expectedVersion`, only over the service as the caller read it (before its audit event): a change of its people
   * meanwhile (a removal confirmed to someone else) is CONFLICT, never undone. A grant (`grants`) goes only to a staff
   * member still active: one deactivated since the check is CONFLICT. The staff member's links are read, checked and
   * written back whole under their MAC (decision 0125); a change of them meanwhile (another service's) is retried.
   */
  async #update(
    scope: TenantScope,
    serviceId: string,
    staffId: string,
    expected: { expectedVersion?: number | undefined; grants: boolean },
    service: { expression: string; names: Record<string, string>; values: Item },
    link: Parameters<typeof serviceLinkChange>[3],
  ): Promise<CareService> {
    const gateway = this.#gateway(scope);
    const serviceKey = { pk: scope.key('SERVICE', serviceId), sk: SORT };
    const staffKey = staffAccountKey(scope, staffId);
    const versioned = expected.expectedVersion !== undefined;
    const integrityKey = await organisationIntegrityKey(this.keys, scope.orgId);
    for (let attempt = 1; ; attempt++) {
      const staffItem = await gateway.get(staffKey);
      if (!staffItem) throw notFound('Staff member');
      const links = serviceLinkChange(integrityKey, scope, staffItem, link);
      const written = await gateway.transactWrite([
        {
          Update: {
            Key: tableKey(serviceKey),
            UpdateExpression: withVersionBump(service.expression),
            ConditionExpression: versioned
              ? 'attribute_exists(pk) AND version = :expected'
              : 'attribute_exists(pk)',
            ExpressionAttributeNames: service.names,
            ExpressionAttributeValues: {
              ...service.values,
              ':one': attr.n(1),
              ...(versioned ? { ':expected': attr.n(expected.expectedVersion ?? 0) } : {}),
            },
          },
        },
        {
          Update: {
            Key: tableKey(staffKey),
            UpdateExpression: `SET ${[...links.set, 'version = version + :one'].join(', ')} REMOVE ${links.remove.join(', ')}`,
            ConditionExpression: [
              'attribute_exists(pk)',
              links.condition,
              ...(expected.grants ? ['#status = :active'] : []),
            ].join(' AND '),
            ExpressionAttributeNames: {
              ...links.names,
              ...(expected.grants ? { '#status': 'status' } : {}),
            },
            ExpressionAttributeValues: {
              ...links.values,
              ':one': attr.n(1),
              ...(expected.grants ? { ':active': attr.s('ACTIVE') } : {}),
            },
          },
        },
      ]);
      if (written.written) break;
      const [serviceReason, staffReason] = written.reasons;
      if (serviceReason === 'ConditionalCheckFailed') {
        if (!versioned || !(await gateway.get(serviceKey))) throw notFound('Service');
        throw conflict('The service’s people changed meanwhile; reload it.');
      }
      if (staffReason !== 'ConditionalCheckFailed') throw new Error('A service change was cancelled.');
      const staffNow = await gateway.get(staffKey);
      if (!staffNow) throw notFound('Staff member');
      if (expected.grants && read.s(staffNow, 'status') !== 'ACTIVE') {
        throw conflict('The staff member is no longer active.');
      }
      // Their links changed between the read and the write: read them again.
      if (attempt === MAX_LINK_ATTEMPTS)
        throw conflict('The staff member’s services changed meanwhile; try again.');
    }
    const item = await gateway.get(serviceKey);
    if (!item) throw notFound('Service');
    return toService(item);
  }
}

/** How often a change of a staff member's links is tried when others change them between its read and its write. */
const MAX_LINK_ATTEMPTS = 3;

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
