import {
  DescribeTableCommand,
  type DynamoDBClient,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Item } from '@confide/store';

/**
 * At most how many segments {@link scanTable} reads a table in. DynamoDB Local pays for each Scan page in proportion to
 * how far into its segment the page starts, so a Scan in one segment costs the square of the table's size: on a table
 * of 60,000 items (late in a full run the shared table holds, by estimate, tens of thousands) one organisation's items took
 * 15.6–19.8 JVM CPU-seconds in one segment and 0.7–1.1 in 64 (decision 0046).
 */
export const MAX_SCAN_SEGMENTS = 64;

/**
 * Items per segment: a segment this size is about one page (1 MB of ~800-byte items), which costs about a request. On a small table more
 * segments only add requests (2,000 items: 0.13–0.33 CPU-s in one segment, 0.65–0.76 in 64).
 */
export const ITEMS_PER_SEGMENT = 1_000;

/** Segments read at once: enough to keep DynamoDB Local busy, few enough to leave it to the other test workers. */
const SEGMENTS_IN_FLIGHT = 8;

/**
 * Every item of the table that the scan's filter keeps (test-only): a parallel Scan in one segment per
 * {@link ITEMS_PER_SEGMENT} items the table holds (DynamoDB Local counts them live), at most {@link MAX_SCAN_SEGMENTS},
 * each read to its end; `segments` overrides the count. The segments partition the table whatever their number, so
 * this reads exactly what one Scan reads; items come back segment by segment, in the order the engine returns them.
 */
export async function scanTable(
  dynamo: DynamoDBClient,
  input: Omit<ScanCommandInput, 'Segment' | 'TotalSegments' | 'ExclusiveStartKey'>,
  options: { segments?: number } = {},
): Promise<Item[]> {
  const total = options.segments ?? (await segmentsFor(dynamo, input.TableName));
  const segments: Item[][] = Array.from({ length: total }, () => []);
  let next = 0;
  const readSegments = async () => {
    for (let segment = next++; segment < total; segment = next++) {
      let startKey: Item | undefined;
      do {
        const page = await dynamo.send(
          new ScanCommand({
            ...input,
            Segment: segment,
            TotalSegments: total,
            ExclusiveStartKey: startKey,
          }),
        );
        segments[segment]?.push(...((page.Items ?? []) as Item[]));
        startKey = page.LastEvaluatedKey as Item | undefined;
      } while (startKey);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEGMENTS_IN_FLIGHT, total) }, readSegments));
  return segments.flat();
}

async function segmentsFor(dynamo: DynamoDBClient, table: string | undefined): Promise<number> {
  const described = await dynamo.send(new DescribeTableCommand({ TableName: table }));
  const items = described.Table?.ItemCount ?? 0;
  return Math.min(MAX_SCAN_SEGMENTS, Math.max(1, Math.ceil(items / ITEMS_PER_SEGMENT)));
}
