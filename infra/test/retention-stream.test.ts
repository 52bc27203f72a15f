import { WATCHED_UPDATES_SORT_PREFIXES } from '@confide/store';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthStage } from './synth-stage';

const mapping = 'AWS::Lambda::EventSourceMapping';

describe('retention stream', () => {
  const prod = synthStage('prod');

  it('feeds the data table stream (not the key table) to the retention function, from the oldest record', () => {
    prod.api.resourceCountIs(mapping, 1);
    const [esm] = Object.values(prod.api.findResources(mapping));
    expect(JSON.stringify(esm?.Properties.EventSourceArn)).toMatch(/DataTable\w*StreamArn/);
    expect(JSON.stringify(esm?.Properties.FunctionName)).toContain('RetentionFunction');
    expect(esm?.Properties.StartingPosition).toBe('TRIM_HORIZON');
  });

  it('reports batch item failures, bisects failing batches, bounds retries and record age', () => {
    prod.api.hasResourceProperties(mapping, {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      // Under the stream's 24 h retention, so a failed record can still be replayed.
      MaximumRecordAgeInSeconds: 6 * 3600,
    });
  });

  // The stack holds one other queue, the governance pipe's dead-letter queue: this one is picked by its path.
  const failureQueueId = () => {
    const [queueId] = Object.keys(prod.api.findResources('AWS::SQS::Queue')).filter((id) =>
      id.startsWith('RetentionStreamFailureQueue'),
    );
    expect(queueId).toBeDefined();
    return queueId as string;
  };

  it('sends what still fails to the failure queue', () => {
    const [esm] = Object.values(prod.api.findResources(mapping));
    expect(esm?.Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [failureQueueId(), 'Arn'] } },
    });
  });

  it('only invokes the function for deletions (TTL expiries and erasures) and the updates of the watched items: consents, notes, profiles, allocations, …, retention states, key quarantines and personnel records (decisions 0118, 0119, 0141, 0147)', () => {
    prod.api.hasResourceProperties(mapping, {
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ eventName: ['REMOVE'] }) },
          {
            Pattern: JSON.stringify({
              eventName: ['MODIFY'],
              dynamodb: { Keys: { sk: { S: WATCHED_UPDATES_SORT_PREFIXES.map((prefix) => ({ prefix })) } } },
            }),
          },
        ],
      },
    });
  });

  it('encrypts the failure queue and refuses non-TLS access to it', () => {
    const queueId = failureQueueId();
    expect(prod.api.findResources('AWS::SQS::Queue')[queueId]?.Properties.SqsManagedSseEnabled).toBe(true);
    prod.api.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: Match.objectLike({
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      }),
    });
  });
});
