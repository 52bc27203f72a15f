import {
  type DynamoDBClient,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { type Clock, ConfideError, ErrorCode, newId } from '@confide/domain';
import { attr, type Item, requireS } from '../attributes';
import { identityItem } from '../organisation-directory';
import type { TenantScope } from '../tenant-scope';

/** An external agency (GP, local authority, police) whose app reads what a disclosure released to it. */
export interface PartnerAgency {
  readonly partnerId: string;
  readonly name: string;
  /** The OAuth client id of the agency's client-credentials app (its tokens' subject). */
  readonly clientId: string;
  readonly createdAt: string;
}

/** Partner agencies of an organisation, each bound to one client-credentials app. */
export class PartnerAgencies {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

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
    try {
      await this.dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName: this.table,
                Item: identityItem(scope, input.clientId, { kind: 'PARTNER', principalId: partnerId }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        throw new ConfideError(ErrorCode.CONFLICT, 'That client id is already bound to a partner.', {
          field: ['input', 'clientId'],
        });
      }
      throw error;
    }
    return toPartner(item);
  }

  async list(scope: TenantScope): Promise<PartnerAgency[]> {
    const result = await this.dynamo.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('PARTNERS')) },
      }),
    );
    return (result.Items ?? []).map(toPartner);
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
