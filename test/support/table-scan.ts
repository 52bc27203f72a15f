import { type DynamoDBClient, ScanCommand, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '@confide/store';

/**
 * How many segments {@link scanTable} reads a table in. DynamoDB Local pays for each Scan page in proportion to how
 * far into its segment the page starts, so a Scan in one segment costs the square of the table's size: on a table of
 * 60,000 items (the shared table late in a full run holds tens of thousands) one organisation's items took 15.6–19.8
 * JVM CPU-seconds in one segment and 0.7–1.1 in 64 (decision 0046).
 */
export const SCAN_SEGMENTS = 64;

/** Segments read at once: enough to keep DynamoDB Local busy, few enough to leave it to the other test workers. */
const SEGMENTS_IN_FLIGHT = 8;

/**
 * Every item of the table that the scan's filter keeps (test-only): a parallel Scan of {@link SCAN_SEGMENTS}
 * segments, each read to its end. The segments partition the table, so this reads exactly what one Scan reads;
 * items come back segment by segment, in the order the engine returns them.
 */
export async function scanTable(
  dynamo: DynamoDBClient,
  input: Omit<ScanCommandInput, 'Segment' | 'TotalSegments' | 'ExclusiveStartKey'>,
): Promise<Item[]> {
  const segments: Item[][] = Array.from({ length: SCAN_SEGMENTS }, () => []);
  let next = 0;
  const readSegments = async () => {
    for (let segment = next++; segment < SCAN_SEGMENTS; segment = next++) {
      let startKey: Item | undefined;
      do {
        const page = await dynamo.send(
          new ScanCommand({
            ...input,
            Segment: segment,
            TotalSegments: SCAN_SEGMENTS,
            ExclusiveStartKey: startKey,
          }),
        );
        segments[segment]?.push(...((page.Items ?? []) as Item[]));
        startKey = page.LastEvaluatedKey as Item | undefined;
      } while (startKey);
    }
  };
  await Promise.all(Array.from({ length: SEGMENTS_IN_FLIGHT }, readSegments));
  return segments.flat();
}
