import { attr, type Item, read } from '../attributes';
import type { Page, PageRequest } from '../paging';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

/**
 * A queue of review items (emergency accesses, exceptional disclosures): one partition per organisation and kind,
 * newest last by sort key, each item also found by its id through `gsi1`. Read through the tenant gateway.
 */
export class ReviewQueue {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
  ) {}

  /** Every review of the queue (`queuePartition`, a key of `scope`), newest first. */
  async list(scope: TenantScope, queuePartition: string): Promise<Item[]> {
    const { items } = await this.gateway(scope).query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': attr.s(queuePartition) },
      ScanIndexForward: false,
    });
    return items;
  }

  /** One page of the queue, newest first, read with DynamoDB's `Limit`; `status` narrows it in the query. */
  async page(
    scope: TenantScope,
    queuePartition: string,
    status: string | undefined,
    request: PageRequest,
  ): Promise<Page<Item>> {
    return this.gateway(scope).queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        ...(status
          ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
          : {}),
        ExpressionAttributeValues: {
          ':pk': attr.s(queuePartition),
          ...(status ? { ':status': attr.s(status) } : {}),
        },
        ScanIndexForward: false,
      },
      request,
    );
  }

  /**
   * The review whose id key (its `gsi1pk`, a key of `scope`) is given. The index finds items by `gsi1pk` alone,
   * so an item whose own partition is not the organisation's is left out: a review is only ever written back
   * under the key it was read with.
   */
  async find(scope: TenantScope, idKey: string): Promise<Item | undefined> {
    const { items } = await this.gateway(scope).query({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': attr.s(idKey) },
    });
    return items.find((item) => read.s(item, 'pk')?.startsWith(`ORG#${scope.orgId}#`));
  }

  gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }
}
