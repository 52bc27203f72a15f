import { createHash } from 'node:crypto';
import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { validate } from '@confide/domain';
import type { Item } from './attributes';

/** One page asked of a list the store pages (issue 19): at most `limit` items after the cursor `after`. */
export interface PageRequest {
  readonly limit: number;
  readonly after?: string | undefined;
}

/**
 * A page of a list the store reads a page at a time: each node with the cursor that continues right after it, and
 * the cursor that continues after everything this page examined (undefined when the list is exhausted). The two
 * differ when the store looked at items it did not return (expired, or filtered out).
 */
export interface Page<T> {
  readonly entries: readonly { readonly node: T; readonly cursor: string }[];
  readonly next: string | undefined;
}

/** The same page with each node mapped. */
export function mapPage<A, B>(page: Page<A>, map: (node: A) => B): Page<B> {
  return {
    entries: page.entries.map((entry) => ({ node: map(entry.node), cursor: entry.cursor })),
    next: page.next,
  };
}

/** The key attributes of the table and each index: what DynamoDB needs to continue a query after an item. */
const KEY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  table: ['pk', 'sk'],
  gsi1: ['gsi1pk', 'gsi1sk', 'pk', 'sk'],
  gsi2: ['gsi2pk', 'gsi2sk', 'pk', 'sk'],
};

type PagedQuery = Pick<
  QueryCommandInput,
  | 'IndexName'
  | 'KeyConditionExpression'
  | 'FilterExpression'
  | 'ExpressionAttributeValues'
  | 'ScanIndexForward'
>;

/**
 * A cursor codec bound to one query: the cursor carries the continuing key and a digest of the query (index, key
 * condition, filter, values, direction). A cursor of another list, another partition or another filter is
 * BAD_USER_INPUT, never sent to DynamoDB. It need not be secret or signed: the key condition confines any key it
 * names to the same partition of the same organisation, which the caller is already reading.
 */
export class QueryCursors {
  readonly #binding: string;
  readonly #attributes: readonly string[];
  readonly #partition: { readonly name: string; readonly value: string | undefined };

  constructor(query: PagedQuery) {
    this.#attributes = KEY_ATTRIBUTES[query.IndexName ?? 'table'] ?? [];
    const partitionName = this.#attributes[0] ?? 'pk';
    const placeholder = new RegExp(`^\\s*${partitionName}\\s*=\\s*(:[A-Za-z0-9_]+)`).exec(
      query.KeyConditionExpression ?? '',
    )?.[1];
    this.#partition = {
      name: partitionName,
      value: placeholder ? query.ExpressionAttributeValues?.[placeholder]?.S : undefined,
    };
    const values = Object.entries(query.ExpressionAttributeValues ?? {}).sort(([a], [b]) =>
      a.localeCompare(b),
    );
    this.#binding = createHash('sha256')
      .update(
        JSON.stringify([
          query.IndexName ?? '',
          query.KeyConditionExpression ?? '',
          query.FilterExpression ?? '',
          values,
          query.ScanIndexForward ?? true,
        ]),
      )
      .digest('base64url')
      .slice(0, 16);
  }

  /** The cursor that continues right after this item. */
  after(item: Item): string {
    const key = this.#attributes.map((name) => item[name]?.S ?? '');
    return Buffer.from(JSON.stringify([this.#binding, key]), 'utf8').toString('base64url');
  }

  /** The `ExclusiveStartKey` a cursor names, or BAD_USER_INPUT when it is not a cursor of this query. */
  startKey(cursor: string | undefined): Item | undefined {
    if (cursor === undefined) return undefined;
    const refused = () => validate.badInputError(['after'], 'The cursor does not continue this list.');
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw refused();
    }
    if (!Array.isArray(decoded) || decoded[0] !== this.#binding || !Array.isArray(decoded[1]))
      throw refused();
    const key: unknown[] = decoded[1];
    if (key.length !== this.#attributes.length || key.some((part) => typeof part !== 'string' || part === ''))
      throw refused();
    const start: Item = {};
    this.#attributes.forEach((name, index) => {
      start[name] = { S: String(key[index]) };
    });
    if (start[this.#partition.name]?.S !== this.#partition.value) throw refused();
    return start;
  }
}
