import type { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type ITableV2,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import {
  AnyPrincipal,
  Effect,
  Grant,
  type IGrantable,
  type IRole,
  PolicyDocument,
  PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { dataTableDesign, keyTableDesign, type TableDesign } from '../../packages/store/src/table-design';

/** Properties of {@link ConfideTables}. */
export interface ConfideTablesProps {
  /** Physical table names (from the store's `tableNames(stage)`, shared with the local stack). */
  readonly tableNames: { readonly data: string; readonly keys: string };
  /** DynamoDB deletion protection on both tables. */
  readonly deletionProtection: boolean;
  /** Removal policy of both tables. */
  readonly removalPolicy: RemovalPolicy;
  /** The break-glass role: the only principal that may restore, export or back up the key table. */
  readonly breakGlassRole: IRole;
}

/**
 * Days of point-in-time recovery the key table keeps. Short on purpose (decision 0029): a restore brings back every
 * subject key erased since the restore point, undoing crypto-shredding, so the window an erased key can come back
 * from is at most a week; a week still covers a faulty deploy or bug noticed within days.
 */
export const KEY_TABLE_RECOVERY_DAYS = 7;

/** What would copy the key table elsewhere, or bring back keys erased since: break-glass only. */
export const KEY_TABLE_RECOVERY_ACTIONS = [
  'dynamodb:CreateBackup',
  'dynamodb:ExportTableToPointInTime',
  'dynamodb:RestoreTableToPointInTime',
  'dynamodb:StartAwsBackupJob',
] as const;

/**
 * Confide's two DynamoDB tables, declared from the store's shared table design:
 *
 * - `dataTable`: the single table of tenant records, with TTL, a stream (consumed by the retention Lambda)
 *   and point-in-time recovery.
 * - `keyTable`: wrapped branch keys and subject data keys, kept apart so that erasing a subject's key
 *   (crypto-shredding) survives a restore of the data table.
 */
export class ConfideTables extends Construct {
  /** The single table of tenant records. */
  public readonly dataTable: TableV2;
  /** The table of wrapped branch and subject keys. */
  public readonly keyTable: TableV2;

  constructor(scope: Construct, id: string, props: ConfideTablesProps) {
    super(scope, id);

    this.dataTable = new TableV2(this, 'DataTable', {
      ...tableSchema(dataTableDesign),
      ...commonSettings(props),
      tableName: props.tableNames.data,
      // Old images let the retention Lambda write a tombstone for what a TTL deletion or erasure removed.
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });

    this.keyTable = new TableV2(this, 'KeyTable', {
      ...tableSchema(keyTableDesign),
      ...commonSettings(props),
      tableName: props.tableNames.keys,
      // PITR guards against losing keys to a faulty deploy or bug, but a key-table restore must never start
      // from a point before the latest erasure: it would bring erased subject keys back and undo
      // crypto-shredding. Restores touch the data table only (see infra/README.md); the window is short and only
      // the break-glass role may restore, export or back up (decision 0029).
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: KEY_TABLE_RECOVERY_DAYS,
      },
      resourcePolicy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'OnlyBreakGlassRestoresExportsOrBacksUpKeys',
            effect: Effect.DENY,
            principals: [new AnyPrincipal()],
            actions: [...KEY_TABLE_RECOVERY_ACTIONS],
            resources: ['*'],
            conditions: { ArnNotEquals: { 'aws:PrincipalArn': props.breakGlassRole.roleArn } },
          }),
        ],
      }),
    });
  }
}

function tableSchema(design: TableDesign) {
  return {
    partitionKey: { name: design.partitionKey, type: AttributeType.STRING },
    sortKey: { name: design.sortKey, type: AttributeType.STRING },
    timeToLiveAttribute: design.ttlAttribute,
    globalSecondaryIndexes: design.globalIndexes.map((index) => ({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      // TableV2 projects ALL attributes unless told otherwise.
    })),
  };
}

function commonSettings(props: ConfideTablesProps) {
  return {
    billing: Billing.onDemand(),
    // AWS-managed key rather than a customer-managed table key: personal data is already encrypted field
    // by field under each organisation's own KMS key, and a single table-wide CMK would add a key whose
    // loss or scheduled deletion makes every tenant's data unreadable at once, for no extra isolation.
    encryption: TableEncryptionV2.awsManagedKey(),
    deletionProtection: props.deletionProtection,
    removalPolicy: props.removalPolicy,
  };
}

/**
 * The item-level calls the store and key hierarchy make (transactions need the per-item actions). Deliberately
 * without `Scan` (never on a request path, DATA-PROTECTION.md) and without table management.
 */
export const recordActions = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

/**
 * Grants {@link recordActions} on a table and on the named indexes of its design only, rather than CDK's
 * `grantReadWriteData` (which adds `Scan`, `DescribeTable` and every index).
 */
export function grantRecordAccess(grantee: IGrantable, table: ITableV2, design: TableDesign): Grant {
  return Grant.addToPrincipal({
    grantee,
    actions: [...recordActions],
    resourceArns: [
      table.tableArn,
      ...design.globalIndexes.map((index) => `${table.tableArn}/index/${index.name}`),
    ],
  });
}
