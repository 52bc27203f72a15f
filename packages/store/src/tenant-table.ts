import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { OrgId } from '@confide/domain';
import { isExpired } from '@confide/domain';
import { type Item, read } from './attributes';
import { batchGet } from './batch-get';
import { type Page, type PageRequest, QueryCursors } from './paging';
import type { TenantScope } from './tenant-scope';

/**
 * The DynamoDB client a request of one organisation uses (issue 16 capability 4, decision 0031). Locally it is the
 * one shared client with the default credentials; in AWS one client per organisation, signing with credentials
 * assumed for that organisation under a session policy limited to its leading keys (`tenantSessionPolicy`).
 */
export interface TenantClients {
  forOrg(orgId: OrgId): DynamoDBClient;
}

/** A shared client, or a provider of one per organisation: what record classes are built with. */
export type TableAccess = DynamoDBClient | TenantClients;

/** One client for every organisation (the local stack; tests): the default credentials. */
export function sharedTenantClients(dynamo: DynamoDBClient): TenantClients {
  return { forOrg: () => dynamo };
}

function clientsOf(access: TableAccess): TenantClients {
  return 'forOrg' in access ? access : sharedTenantClients(access);
}

/** A conditional write's outcome: written (with what DynamoDB returned), or its condition failed. */
export type WriteResult =
  | { readonly written: true; readonly attributes: Item | undefined }
  | { readonly written: false; readonly attributes?: undefined };

/**
 * A transaction's outcome: written, or cancelled with each item's cancellation code (`None`,
 * `ConditionalCheckFailed`) and, where the item asked for it (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`),
 * the item as it stood.
 */
export type TransactResult =
  | { readonly written: true; readonly reasons?: undefined; readonly items?: undefined }
  | {
      readonly written: false;
      readonly reasons: readonly (string | undefined)[];
      /** Present only when some cancelled item returned its old image. */
      readonly items?: readonly (Item | undefined)[];
    };

/** A key of the table, relative to the organisation (the parts after `ORG#<orgId>#`) or full and checked. */
export interface TenantKey {
  readonly pk: string;
  readonly sk: string;
}

/** Transaction items, as DynamoDB takes them; `TableName` may be left out (the gateway's table). */
export type TenantTransactItem =
  | { readonly Put: Omit<NonNullable<TransactWriteItem['Put']>, 'TableName'> & { TableName?: string } }
  | { readonly Update: Omit<NonNullable<TransactWriteItem['Update']>, 'TableName'> & { TableName?: string } }
  | { readonly Delete: Omit<NonNullable<TransactWriteItem['Delete']>, 'TableName'> & { TableName?: string } }
  | {
      readonly ConditionCheck: Omit<NonNullable<TransactWriteItem['ConditionCheck']>, 'TableName'> & {
        TableName?: string;
      };
    };

/**
 * A transaction whose cancellation, for any reason, is an answer rather than a fault: `written: false` with each item's
 * reason when a condition failed, and no reasons when a concurrent transaction on the same items cancelled it
 * (DynamoDB's TransactionConflict), as a concurrent retry or change causes. Nothing was written either way.
 */
export async function transactWriteOrCancelled(
  gateway: TenantTable,
  items: readonly TenantTransactItem[],
): Promise<TransactResult> {
  try {
    return await gateway.transactWrite(items);
  } catch (error) {
    if (error instanceof TransactionCanceledException) return { written: false, reasons: [] };
    throw error;
  }
}

/** A key outside the organisation reached the gateway: a fault in the caller, never sent to DynamoDB. */
export class TenantKeyError extends Error {
  constructor(what: string) {
    super(`A ${what} outside the request's organisation reached the table gateway.`);
    this.name = 'TenantKeyError';
  }
}

const KEY_ATTRIBUTES = ['pk', 'gsi1pk', 'gsi2pk'] as const;
const KEY_CONDITION = /^\s*(pk|gsi1pk|gsi2pk)\s*=\s*(:[A-Za-z0-9_]+)/;

/**
 * The one tenant-bound gateway through which record classes read and write items (decision 0031). Built for one
 * organisation, it
 * - refuses any partition key (`pk`, and `gsi1pk`/`gsi2pk` of items it writes or indexes it queries) that does not
 *   start with `ORG#<orgId>#` — the same leading keys the session policy allows in AWS, so a bug here is also
 *   refused by IAM there, and IAM's refusal never has to be the first line;
 * - signs with that organisation's client (`TenantClients`);
 * - leaves out expired items on every read (`now`), DynamoDB's TTL deletes days late;
 * - turns a failed condition into a typed result rather than an exception to catch in each record class.
 */
export class TenantTable {
  readonly #dynamo: DynamoDBClient;
  readonly #prefix: string;

  constructor(
    readonly scope: TenantScope,
    access: TableAccess,
    readonly table: string,
  ) {
    this.#dynamo = clientsOf(access).forOrg(scope.orgId);
    this.#prefix = `ORG#${scope.orgId}#`;
  }

  /** `ORG#<orgId>#<parts>`. */
  key(...parts: string[]): string {
    return this.scope.key(...parts);
  }

  /** The item, consistently read, unless absent or expired at `now`. */
  async get(
    key: TenantKey,
    options: { readonly now?: Date; readonly table?: string } = {},
  ): Promise<Item | undefined> {
    const result = await this.#dynamo.send(
      new GetItemCommand({
        TableName: options.table ?? this.table,
        Key: this.#key(key),
        ConsistentRead: true,
      }),
    );
    return this.#live(result.Item, options.now);
  }

  /** Many items of this organisation in as few BatchGetItem calls as DynamoDB allows; absent ones left out. */
  async batchGet(keys: readonly TenantKey[], options: { readonly now?: Date } = {}): Promise<Item[]> {
    const found = await batchGet(
      this.#dynamo,
      keys.map((key) => ({ table: this.table, key: this.#key(key) })),
    );
    return [...found.values()].filter((item) => this.#live(item, options.now) !== undefined);
  }

  /**
   * Every item the query matches, page by page (or one page with `Limit`). The key condition must start with the
   * partition key (`pk = :x`, `gsi1pk = :x`, `gsi2pk = :x`) and `:x` must be this organisation's.
   */
  async query(
    input: Omit<QueryCommandInput, 'TableName'> & { readonly TableName?: string },
    options: { readonly now?: Date; readonly allPages?: boolean } = {},
  ): Promise<{ items: Item[]; lastKey: Item | undefined }> {
    const match = KEY_CONDITION.exec(input.KeyConditionExpression ?? '');
    const placeholder = match?.[2];
    const value = placeholder ? input.ExpressionAttributeValues?.[placeholder]?.S : undefined;
    if (!match || value === undefined) throw new TenantKeyError('query without a partition key');
    this.#check(value, 'query');
    const items: Item[] = [];
    let startKey = input.ExclusiveStartKey;
    const allPages = options.allPages ?? input.Limit === undefined;
    let lastKey: Item | undefined;
    do {
      const page = await this.#dynamo.send(
        new QueryCommand({ ...input, TableName: input.TableName ?? this.table, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      lastKey = page.LastEvaluatedKey;
      startKey = lastKey;
    } while (allPages && startKey);
    const now = options.now;
    return {
      items: now ? items.filter((item) => !isExpired(read.n(item, 'expiresAt'), now)) : items,
      lastKey,
    };
  }

  /**
   * One page of a query (issue 19): at most `page.limit` unexpired items after the cursor `page.after`, read with
   * DynamoDB's own `Limit` and `ExclusiveStartKey`, never the whole partition. Items the query skips (a
   * `FilterExpression`, expired items) still use up DynamoDB's `Limit`, so a short read is continued, for at most
   * `rounds` requests; the page may then be short, with `next` continuing after what was examined. Cursors are
   * opaque and bound to this query ({@link QueryCursors}).
   */
  async queryPage(
    input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
    page: PageRequest,
    options: { readonly now?: Date; readonly rounds?: number } = {},
  ): Promise<Page<Item>> {
    const cursors = new QueryCursors(input);
    let startKey = cursors.startKey(page.after);
    const entries: { node: Item; cursor: string }[] = [];
    let rounds = options.rounds ?? 5;
    do {
      const result = await this.query(
        { ...input, Limit: page.limit - entries.length, ExclusiveStartKey: startKey },
        { now: options.now, allPages: false },
      );
      for (const item of result.items) entries.push({ node: item, cursor: cursors.after(item) });
      startKey = result.lastKey;
      rounds -= 1;
    } while (startKey && entries.length < page.limit && rounds > 0);
    return { entries, next: startKey ? cursors.after(startKey) : undefined };
  }

  /** One page of the unexpired items of one partition whose sort key starts with `prefix` ({@link queryPage}). */
  async queryPrefixPage(pk: string, prefix: string, request: PageRequest, now: Date): Promise<Page<Item>> {
    return this.queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: this.#full(pk) }, ':prefix': { S: prefix } },
        ConsistentRead: true,
      },
      request,
      { now },
    );
  }

  /** Every unexpired item of one partition (relative or full key) whose sort key starts with `prefix`. */
  async queryPrefix(
    pk: string,
    prefix: string,
    now: Date,
    options: { readonly projection?: readonly string[]; readonly forward?: boolean } = {},
  ): Promise<Item[]> {
    const { items } = await this.query(
      {
        KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': { S: this.#full(pk) },
          ...(prefix ? { ':prefix': { S: prefix } } : {}),
        },
        ConsistentRead: true,
        ...(options.forward === false ? { ScanIndexForward: false } : {}),
        ...(options.projection
          ? { ProjectionExpression: [...new Set([...options.projection, 'expiresAt'])].join(', ') }
          : {}),
      },
      { now },
    );
    return items;
  }

  async put(
    item: Item,
    condition: Omit<PutItemCommandInput, 'TableName' | 'Item'> & { readonly TableName?: string } = {},
  ): Promise<WriteResult> {
    this.#checkItem(item);
    return this.#conditional(async () => {
      await this.#dynamo.send(
        new PutItemCommand({ ...condition, TableName: condition.TableName ?? this.table, Item: item }),
      );
      return undefined;
    });
  }

  async update(
    key: TenantKey,
    input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'> & { readonly TableName?: string },
  ): Promise<WriteResult> {
    const checked = this.#key(key);
    this.#checkUpdate(input.UpdateExpression, input.ExpressionAttributeValues);
    this.#checkNames(input.ExpressionAttributeNames);
    return this.#conditional(async () => {
      const result = await this.#dynamo.send(
        new UpdateItemCommand({ ...input, TableName: input.TableName ?? this.table, Key: checked }),
      );
      return result.Attributes;
    });
  }

  async delete(
    key: TenantKey,
    input: Omit<DeleteItemCommandInput, 'TableName' | 'Key'> & { readonly TableName?: string } = {},
  ): Promise<WriteResult> {
    const checked = this.#key(key);
    return this.#conditional(async () => {
      const result = await this.#dynamo.send(
        new DeleteItemCommand({ ...input, TableName: input.TableName ?? this.table, Key: checked }),
      );
      return result.Attributes;
    });
  }

  /** All or nothing; a cancellation by conditions comes back with each item's code, any other failure throws. */
  async transactWrite(items: readonly TenantTransactItem[]): Promise<TransactResult> {
    const checked: TransactWriteItem[] = items.map((entry) => {
      if ('Put' in entry) {
        this.#checkItem(entry.Put.Item ?? {});
        return { Put: { ...entry.Put, TableName: entry.Put.TableName ?? this.table, Item: entry.Put.Item } };
      }
      if ('Update' in entry) {
        this.#checkKey(entry.Update.Key ?? {});
        this.#checkUpdate(entry.Update.UpdateExpression, entry.Update.ExpressionAttributeValues);
        this.#checkNames(entry.Update.ExpressionAttributeNames);
        return {
          Update: { ...entry.Update, TableName: entry.Update.TableName ?? this.table, Key: entry.Update.Key },
        };
      }
      if ('Delete' in entry) {
        this.#checkKey(entry.Delete.Key ?? {});
        return {
          Delete: { ...entry.Delete, TableName: entry.Delete.TableName ?? this.table, Key: entry.Delete.Key },
        };
      }
      this.#checkKey(entry.ConditionCheck.Key ?? {});
      return {
        ConditionCheck: {
          ...entry.ConditionCheck,
          TableName: entry.ConditionCheck.TableName ?? this.table,
          Key: entry.ConditionCheck.Key,
        },
      };
    });
    try {
      await this.#dynamo.send(new TransactWriteItemsCommand({ TransactItems: checked }));
      return { written: true };
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const cancelled = error.CancellationReasons ?? [];
        const reasons = cancelled.map((reason) => reason.Code);
        if (reasons.some((code) => code === 'ConditionalCheckFailed')) {
          if (!cancelled.some((reason) => reason.Item)) return { written: false, reasons };
          return { written: false, reasons, items: cancelled.map((reason) => reason.Item) };
        }
      }
      throw error;
    }
  }

  /**
   * Deletes items of this organisation, unconditionally, 25 per BatchWriteItem, retrying what DynamoDB leaves
   * unprocessed. Every key is checked before the first call, so a foreign key, or one named twice, deletes nothing.
   */
  async batchDelete(keys: readonly TenantKey[], options: { readonly table?: string } = {}): Promise<void> {
    const checked = keys.map((key) => this.#key(key));
    await this.#batchWrite(
      options.table ?? this.table,
      checked.map((Key) => ({ DeleteRequest: { Key } })),
      1,
    );
  }

  /**
   * Puts items of this organisation, unconditionally (overwriting any item of the same key), 25 per BatchWriteItem,
   * `concurrency` calls at a time, retrying what DynamoDB leaves unprocessed. Not atomic: for items no condition
   * guards (an import's new client, whose ids nothing else can hold). Every item is checked before the first call,
   * so a foreign key, or one item named twice, writes nothing.
   */
  async batchPut(
    items: readonly Item[],
    options: { readonly table?: string; readonly concurrency?: number } = {},
  ): Promise<void> {
    for (const item of items) this.#checkItem(item);
    await this.#batchWrite(
      options.table ?? this.table,
      items.map((Item) => ({ PutRequest: { Item } })),
      options.concurrency ?? 1,
    );
  }

  async #batchWrite(table: string, requests: readonly WriteRequest[], concurrency: number): Promise<void> {
    // One item named twice is a caller's fault: DynamoDB refuses it only within one call of 25, and across two calls
    // sent at once either write could land last. Refused before the first call, saying where (never a key's value).
    const positions = new Map<string, number>();
    for (const [position, request] of requests.entries()) {
      const key = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
      const named = `${key?.pk?.S}\u0000${key?.sk?.S}`;
      const first = positions.get(named);
      if (first !== undefined)
        throw new Error(
          `A batch names one item twice (items ${first + 1} and ${position + 1} of the batch): nothing was written.`,
        );
      positions.set(named, position);
    }
    const calls: WriteRequest[][] = [];
    for (let start = 0; start < requests.length; start += 25) calls.push(requests.slice(start, start + 25));
    const send = async (requestsOfCall: WriteRequest[]) => {
      let pending = requestsOfCall;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error('DynamoDB kept writes unprocessed.');
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
        const result = await this.#dynamo.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
        );
        pending = result.UnprocessedItems?.[table] ?? [];
      }
    };
    let next = 0;
    // Every call is settled before a failure is thrown: a caller that takes the writes back on failure (the audit's
    // entries) must not delete before a call still in flight, or retrying, lands.
    const settled = await Promise.allSettled(
      Array.from({ length: Math.max(1, Math.min(concurrency, calls.length)) }, async () => {
        for (let call = calls[next++]; call; call = calls[next++]) await send(call);
      }),
    );
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  #live(item: Item | undefined, now: Date | undefined): Item | undefined {
    if (!item) return undefined;
    return now && isExpired(read.n(item, 'expiresAt'), now) ? undefined : item;
  }

  async #conditional(send: () => Promise<Item | undefined>): Promise<WriteResult> {
    try {
      return { written: true, attributes: await send() };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { written: false };
      throw error;
    }
  }

  /** A relative partition key gets the organisation's prefix; a full one is checked. */
  #full(pk: string): string {
    if (pk.startsWith('ORG#')) {
      this.#check(pk, 'key');
      return pk;
    }
    return this.scope.key(...pk.split('#'));
  }

  #key(key: TenantKey): Item {
    return { pk: { S: this.#full(key.pk) }, sk: { S: key.sk } };
  }

  #check(value: string, what: string): void {
    if (!value.startsWith(this.#prefix) || value.length === this.#prefix.length)
      throw new TenantKeyError(what);
  }

  #checkKey(key: Item): void {
    const pk = key.pk?.S;
    if (pk === undefined) throw new TenantKeyError('key');
    this.#check(pk, 'key');
  }

  #checkItem(item: Item): void {
    this.#checkKey(item);
    for (const name of KEY_ATTRIBUTES) {
      const value = item[name];
      if (value !== undefined && name !== 'pk') {
        if (value.S === undefined) throw new TenantKeyError('index key');
        this.#check(value.S, 'index key');
      }
    }
  }

  /** An update that sets an index partition key must set this organisation's. */
  #checkUpdate(expression: string | undefined, values: Item | undefined): void {
    if (!expression) return;
    for (const match of expression.matchAll(/\b(gsi1pk|gsi2pk)\s*=\s*(:[A-Za-z0-9_]+)/g)) {
      const value = match[2] ? values?.[match[2]]?.S : undefined;
      if (value === undefined) throw new TenantKeyError('index key');
      this.#check(value, 'index key');
    }
  }

  /** Key attributes are named directly, never through `#name` aliases the update check would not see. */
  #checkNames(names: Record<string, string> | undefined): void {
    for (const name of Object.values(names ?? {})) {
      if ((KEY_ATTRIBUTES as readonly string[]).includes(name))
        throw new TenantKeyError('aliased key attribute');
    }
  }
}
