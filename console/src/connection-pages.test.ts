import { describe, expect, it } from 'vitest';
import type { ApiError } from './api';
import { mapInTurn, readConnection } from './connection-pages';

/** A list of `length` numbers served `size` at a time, its cursor the last number of a page; `failAt` a cursor refused. */
function servedList(length: number, size: number, failAt?: string) {
  const asked: (string | null)[] = [];
  const readPage = async (after: string | null) => {
    asked.push(after);
    if (after !== null && after === failAt) {
      const errors: ApiError[] = [{ message: 'down', code: 'INTERNAL' }];
      return { page: undefined, errors };
    }
    const start = after === null ? 0 : Number(after) + 1;
    const nodes = Array.from({ length: Math.max(0, Math.min(size, length - start)) }, (_, i) => start + i);
    return {
      page: {
        edges: nodes.map((node) => ({ node })),
        pageInfo: {
          hasNextPage: start + size < length,
          endCursor: nodes.length ? String(nodes.at(-1)) : null,
        },
      },
      errors: [],
    };
  };
  return { asked, readPage };
}

describe('reading a connection page after page', () => {
  it('follows the cursors to the end, and says nothing is left', async () => {
    // Prepare
    const list = servedList(25, 10);

    // Act
    const read = await readConnection(list.readPage, { maxPages: 5 });

    // Assess
    expect(read).toEqual({ nodes: Array.from({ length: 25 }, (_, i) => i), errors: [], more: false });
    expect(list.asked).toEqual([null, '9', '19']);
  });

  it('stops at the bound on pages, and says the list goes on', async () => {
    const list = servedList(100, 10);
    const read = await readConnection(list.readPage, { maxPages: 3 });
    expect(read.nodes).toHaveLength(30);
    expect(read.more).toBe(true);
    expect(list.asked).toHaveLength(3);
  });

  it('stops at the page that holds what it looks for', async () => {
    const list = servedList(100, 10);
    const read = await readConnection(list.readPage, { maxPages: 20, until: (node) => node === 42 });
    expect(read.nodes).toContain(42);
    expect(read.more).toBe(true);
    expect(list.asked).toEqual([null, '9', '19', '29', '39']);
  });

  it('keeps what it read before a page failed, with the error, and says the rest is unread', async () => {
    const list = servedList(100, 10, '19');
    const read = await readConnection(list.readPage, { maxPages: 20 });
    expect(read.nodes).toHaveLength(20);
    expect(read.errors.map((error) => error.code)).toEqual(['INTERNAL']);
    expect(read.more).toBe(true);
  });

  it('reads on past a first page that holds nobody but has more (a caller who sees few of a long list)', async () => {
    // Prepare: a first page empty of what the caller may see, its cursor continuing the list.
    const asked: (string | null)[] = [];
    const readPage = async (after: string | null) => {
      asked.push(after);
      return after === null
        ? { page: { edges: [], pageInfo: { hasNextPage: true, endCursor: 'sealed' } }, errors: [] }
        : { page: { edges: [{ node: 7 }], pageInfo: { hasNextPage: false, endCursor: '7' } }, errors: [] };
    };

    // Act
    const read = await readConnection(readPage, { maxPages: 5 });

    // Assess
    expect(read).toEqual({ nodes: [7], errors: [], more: false });
    expect(asked).toEqual([null, 'sealed']);
  });
});

describe('calling for each item a few at a time', () => {
  it('never has more than the limit running at once, and gives the results in the items’ order', async () => {
    // Prepare: calls that end out of order (the later items sooner), counting those running.
    const items = Array.from({ length: 20 }, (_, i) => i);
    let running = 0;
    let mostRunning = 0;
    const call = async (item: number) => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await new Promise((resolve) => setTimeout(resolve, (item * 7) % 5));
      running -= 1;
      return `item ${item}`;
    };

    // Act
    const results = await mapInTurn(items, 3, call);

    // Assess
    expect(results).toEqual(items.map((item) => `item ${item}`));
    expect(mostRunning).toBe(3);
    expect(running).toBe(0);
  });

  it('gives nothing for no items', async () => {
    await expect(mapInTurn([], 6, async () => 1)).resolves.toEqual([]);
  });
});
