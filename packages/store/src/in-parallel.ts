/**
 * Runs `task` over `items` with at most `width` in flight at once (DynamoDB queries of many partitions, an import's
 * clients), so that a long list neither runs one by one nor floods the table.
 */
export async function inParallel<T>(
  items: readonly T[],
  width: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await task(item);
      }
    }),
  );
}
