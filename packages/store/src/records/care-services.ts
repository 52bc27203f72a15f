import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Clock, newId, notFound } from '@confide/domain';
import { attr, type Item, read, requireN, requireS } from '../attributes';
import type { ItemLoader } from '../item-loader';
import { queryAll } from '../query-all';
import type { TenantScope } from '../tenant-scope';

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

/** Services, their managers, members and QA assignments. */
export class CareServices {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

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
    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return toService(item);
  }

  async get(scope: TenantScope, serviceId: string, loader: ItemLoader): Promise<CareService | undefined> {
    const item = await loader.load(this.table, scope.key('SERVICE', serviceId), SORT);
    return item ? toService(item) : undefined;
  }

  async list(scope: TenantScope): Promise<CareService[]> {
    return (
      await queryAll(this.dynamo, {
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('SERVICES')) },
      })
    ).map(toService);
  }

  /** Adds a staff member to the service's managers or members (sets, so repeating is harmless). */
  async addStaff(
    scope: TenantScope,
    serviceId: string,
    staffId: string,
    as: 'managers' | 'members',
  ): Promise<CareService> {
    return this.#update(
      scope,
      serviceId,
      { add: '#set :staff' },
      { '#set': as },
      { ':staff': { SS: [staffId] } },
    );
  }

  async removeStaff(
    scope: TenantScope,
    serviceId: string,
    staffId: string,
    from: 'managers' | 'members',
  ): Promise<CareService> {
    return this.#update(
      scope,
      serviceId,
      { delete: '#set :staff' },
      { '#set': from },
      { ':staff': { SS: [staffId] } },
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
    return this.#update(
      scope,
      serviceId,
      { set: 'qa.#id = :assignment' },
      { '#id': assignmentId },
      {
        ':assignment': {
          M: { staffId: attr.s(staffId), from: attr.s(from.toISOString()), to: attr.s(to.toISOString()) },
        },
      },
    );
  }

  async #update(
    scope: TenantScope,
    serviceId: string,
    clause: { set?: string; add?: string; delete?: string },
    names: Record<string, string>,
    values: Item,
  ): Promise<CareService> {
    try {
      const result = await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: attr.s(scope.key('SERVICE', serviceId)), sk: attr.s(SORT) },
          UpdateExpression: [
            `SET ${['version = version + :one', clause.set].filter(Boolean).join(', ')}`,
            clause.add ? `ADD ${clause.add}` : '',
            clause.delete ? `DELETE ${clause.delete}` : '',
          ].join(' '),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':one': attr.n(1) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!result.Attributes) throw notFound('Service');
      return toService(result.Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw notFound('Service');
      throw error;
    }
  }
}

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
