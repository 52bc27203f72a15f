import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthStage } from './synth-stage';

const globalTable = 'AWS::DynamoDB::GlobalTable';
const keySchema = [
  { AttributeName: 'pk', KeyType: 'HASH' },
  { AttributeName: 'sk', KeyType: 'RANGE' },
];

describe('ConfideDataStack', () => {
  const dev = synthStage('dev');
  const prod = synthStage('prod');

  it('declares exactly the data table and the key table', () => {
    dev.data.resourceCountIs(globalTable, 2);
    dev.data.hasResourceProperties(globalTable, { TableName: 'confide-dev-data' });
    dev.data.hasResourceProperties(globalTable, { TableName: 'confide-dev-keys' });
  });

  it('gives the data table on-demand billing, pk/sk keys, TTL on expiresAt, a stream and PITR', () => {
    prod.data.hasResourceProperties(globalTable, {
      TableName: 'confide-prod-data',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: keySchema,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        Match.objectLike({
          Region: 'eu-west-2',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    });
  });

  it('gives the data table the GSIs of the shared design, projecting all attributes', () => {
    const gsi = (n: number) => ({
      IndexName: `gsi${n}`,
      KeySchema: [
        { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
        { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
    prod.data.hasResourceProperties(globalTable, {
      TableName: 'confide-prod-data',
      GlobalSecondaryIndexes: [gsi(1), gsi(2)],
    });
  });

  it('keeps the key table separate: same keys and TTL, PITR, no stream, no GSIs', () => {
    prod.data.hasResourceProperties(globalTable, {
      TableName: 'confide-prod-keys',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: keySchema,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: Match.absent(),
      GlobalSecondaryIndexes: Match.absent(),
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
  });

  it('protects both tables from deletion in prod', () => {
    for (const tableName of ['confide-prod-data', 'confide-prod-keys']) {
      prod.data.hasResource(globalTable, {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          TableName: tableName,
          Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
        }),
      });
    }
    expect(prod.stacks.data.terminationProtection).toBe(true);
  });

  it('lets dev tables be deleted', () => {
    for (const tableName of ['confide-dev-data', 'confide-dev-keys']) {
      dev.data.hasResource(globalTable, {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({
          TableName: tableName,
          Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
        }),
      });
    }
    expect(dev.stacks.data.terminationProtection).toBe(false);
  });

  it('outputs the table names', () => {
    dev.data.hasOutput('DataTableName', {});
    dev.data.hasOutput('KeyTableName', {});
  });
});
