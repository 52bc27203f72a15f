import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { asOrgId, type Clock, ConfideError, ErrorCode, newId, type OrgId } from '@confide/domain';
import type { KeyHierarchy } from '@confide/keys';
import { attr, type Item, requireS } from '../attributes';
import { organisationIntegrityKey } from '../item-macs';
import { encodeSubject, identityItem } from '../organisation-directory';
import { mapPage, type Page, type PageRequest } from '../paging';
import { platformKey, type TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

/** Which organisation and partner a partner agency's Cognito app client belongs to (decision 0022). */
export interface PartnerClientBinding {
  readonly clientId: string;
  readonly orgId: OrgId;
  readonly partnerId: string;
}

/** An external agency (GP, local authority, police) whose app reads what a disclosure released to it. */
export interface PartnerAgency {
  readonly partnerId: string;
  readonly name: string;
  /** The OAuth client id of the agency's client-credentials app (its tokens' subject). */
  readonly clientId: string;
  readonly createdAt: string;
}

/**
 * Partner agencies of an organisation, each bound to one client-credentials app. The partner's own items go through
 * the organisation's table gateway; the platform item binding an app client to its organisation and partner
 * (`PLATFORM#CLIENT#…`, no tenant's) is reached with the role's own client (`platform`): {@link clientBinding} reads
 * it, and {@link bindClient} (the provisioner) writes it in one transaction with the partner's items.
 */
export class PartnerAgencies {
  readonly #access: TableAccess;
  readonly #platform: DynamoDBClient | undefined;

  /** With one shared client, that client also reaches the platform item. */
  constructor(
    access: DynamoDBClient,
    table: string,
    clock: Clock,
    keys: KeyHierarchy,
    platform?: DynamoDBClient,
  );
  /** With a client per organisation, `platform` is the role's own client for the platform item. */
  constructor(access: TableAccess, table: string, clock: Clock, keys: KeyHierarchy, platform: DynamoDBClient);
  constructor(
    access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
    /** The organisation's integrity key, which MACs the partner's identity link (decision 0088). */
    private readonly keys: KeyHierarchy,
    platform?: DynamoDBClient,
  ) {
    this.#access = access;
    this.#platform = platform ?? ('forOrg' in access ? undefined : access);
  }

  async register(scope: TenantScope, input: { name: string; clientId: string }): Promise<PartnerAgency> {
    const partnerId = newId('partner');
    const item: Item = {
      pk: attr.s(scope.key('PARTNER', partnerId)),
      sk: attr.s('PROFILE'),
      gsi1pk: attr.s(scope.key('PARTNERS')),
      gsi1sk: attr.s(`PARTNER#${partnerId}`),
      partnerId: attr.s(partnerId),
      name: attr.s(input.name),
      clientId: attr.s(input.clientId),
      createdAt: attr.s(this.clock.now().toISOString()),
    };
    const written = await this.#gateway(scope).transactWrite([
      { Put: { Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          Item: identityItem(
            scope,
            input.clientId,
            { kind: 'PARTNER', principalId: partnerId },
            await this.#integrityKey(scope),
          ),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    if (!written.written) {
      throw new ConfideError(ErrorCode.CONFLICT, 'That client id is already bound to a partner.', {
        field: ['input', 'clientId'],
      });
    }
    return toPartner(item);
  }

  async get(scope: TenantScope, partnerId: string): Promise<PartnerAgency | undefined> {
    const item = await this.#gateway(scope).get(
      { pk: scope.key('PARTNER', partnerId), sk: 'PROFILE' },
      { now: this.clock.now() },
    );
    return item ? toPartner(item) : undefined;
  }

  /**
   * Binds a partner to the Cognito app client the provisioner created for it (decision 0022), in one transaction:
   * the partner's `clientId` becomes the app client's id (conditional on it still being `fromClientId`), its
   * identity link moves from `fromClientId` to the app client's id (a client-credentials token's `sub`), and the
   * platform item `PLATFORM#CLIENT#<clientId>` → organisation and partner is written, which the api reads for such
   * tokens. Anything changed meanwhile is a `CONFLICT` and nothing is written.
   */
  async bindClient(
    scope: TenantScope,
    partnerId: string,
    fromClientId: string,
    toClientId: string,
  ): Promise<void> {
    const createdAt = this.clock.now().toISOString();
    const integrityKey = await this.#integrityKey(scope);
    try {
      await this.#platformClient().send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: { pk: attr.s(scope.key('PARTNER', partnerId)), sk: attr.s('PROFILE') },
                UpdateExpression: 'SET clientId = :to',
                ConditionExpression: 'clientId = :from',
                ExpressionAttributeValues: { ':to': attr.s(toClientId), ':from': attr.s(fromClientId) },
              },
            },
            {
              Delete: {
                TableName: this.table,
                Key: {
                  pk: attr.s(scope.key('IDENTITY', encodeSubject(fromClientId))),
                  sk: attr.s('IDENTITY'),
                },
                ConditionExpression: 'principalKind = :partner AND principalId = :partnerId',
                ExpressionAttributeValues: { ':partner': attr.s('PARTNER'), ':partnerId': attr.s(partnerId) },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: identityItem(
                  scope,
                  toClientId,
                  { kind: 'PARTNER', principalId: partnerId },
                  integrityKey,
                ),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk: attr.s(platformKey.partnerClient(toClientId)),
                  sk: attr.s('CLIENT'),
                  orgId: attr.s(scope.orgId),
                  partnerId: attr.s(partnerId),
                  createdAt: attr.s(createdAt),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        throw new ConfideError(
          ErrorCode.CONFLICT,
          'The partner’s app client changed meanwhile; nothing was changed.',
        );
      }
      throw error;
    }
  }

  /**
   * The organisation and partner of a partner agency's app client, from its platform item (one `GetItem`); none
   * for a client no partner was bound to. The api reads it for client-credentials tokens, which carry no `org_id`.
   */
  async clientBinding(clientId: string): Promise<PartnerClientBinding | undefined> {
    const result = await this.#platformClient().send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: attr.s(platformKey.partnerClient(clientId)), sk: attr.s('CLIENT') },
      }),
    );
    if (!result.Item) return undefined;
    return {
      clientId,
      orgId: asOrgId(requireS(result.Item, 'orgId')),
      partnerId: requireS(result.Item, 'partnerId'),
    };
  }

  /**
   * Takes the platform item of a partner's app client away once the client is deleted from the pool (decision 0132):
   * an offboarded organisation's partners read nothing any more, and the binding named it.
   */
  async forgetClientBinding(clientId: string): Promise<void> {
    await this.#platformClient().send(
      new DeleteItemCommand({
        TableName: this.table,
        Key: { pk: attr.s(platformKey.partnerClient(clientId)), sk: attr.s('CLIENT') },
      }),
    );
  }

  async list(scope: TenantScope): Promise<PartnerAgency[]> {
    const { items } = await this.#gateway(scope).query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('PARTNERS')) },
      },
      { now: this.clock.now() },
    );
    return items.map(toPartner);
  }

  /** One page of the organisation's partners in a stable order by partner id, read with DynamoDB's `Limit`. */
  async page(scope: TenantScope, request: PageRequest): Promise<Page<PartnerAgency>> {
    const page = await this.#gateway(scope).queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('PARTNERS')) },
      },
      request,
      { now: this.clock.now() },
    );
    return mapPage(page, toPartner);
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.#access, this.table);
  }

  /** The role's own client, for the platform item only. */
  async #integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }

  #platformClient(): DynamoDBClient {
    if (!this.#platform)
      throw new Error('Partner agencies were built without a client for the platform item.');
    return this.#platform;
  }
}

function toPartner(item: Item): PartnerAgency {
  return {
    partnerId: requireS(item, 'partnerId'),
    name: requireS(item, 'name'),
    clientId: requireS(item, 'clientId'),
    createdAt: requireS(item, 'createdAt'),
  };
}
