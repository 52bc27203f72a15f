import type { Clock } from '@confide/domain';
import { attr, type Item, read } from '../attributes';
import type { Page, PageRequest } from '../paging';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

/**
 * A queue of review items (emergency accesses, exceptional disclosures): one partition per organisation and kind,
 * newest last by sort key, each item also found by its id through `gsi1`. Read through the tenant gateway. A review
 * goes with the person it concerns (their schedule and erasure); an expired one is never read.
 */
export class ReviewQueue {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /** Every review of the queue (`queuePartition`, a key of `scope`), newest first. */
  async list(scope: TenantScope, queuePartition: string): Promise<Item[]> {
    const { items } = await this.gateway(scope).query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(queuePartition) },
        ScanIndexForward: false,
      },
      { now: this.clock.now() },
    );
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
      { now: this.clock.now() },
    );
  }

  /**
   * The review whose id key (its `gsi1pk`, a key of `scope`) is given. The index finds items by `gsi1pk` alone,
   * so an item whose own partition is not the organisation's is left out: a review is only ever written back
   * under the key it was read with.
   */
  async find(scope: TenantScope, idKey: string): Promise<Item | undefined> {
    const { items } = await this.gateway(scope).query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(idKey) },
      },
      { now: this.clock.now() },
    );
    return items.find((item) => read.s(item, 'pk')?.startsWith(`ORG#${scope.orgId}#`));
  }

  gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }
}
