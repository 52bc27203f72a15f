import type { DynamoDBBatchResponse } from 'aws-lambda';

/**
 * Placeholder for the retention Lambda: consumes the data table's stream (REMOVE events only) and writes
 * tombstones. The CDK app bundles this entry point; the implementation replaces this stub. It must report records
 * it could not process in `batchItemFailures` (the event source mapping has `ReportBatchItemFailures` on).
 */
export const handler = async (): Promise<DynamoDBBatchResponse> => ({ batchItemFailures: [] });
