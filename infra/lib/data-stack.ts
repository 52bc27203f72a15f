import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { tableNames } from '../../packages/store/src/table-design';
import { BreakGlassRole } from '../constructs/break-glass-role';
import { ConfideTables } from '../constructs/confide-tables';
import type { StageConfig } from './stage-config';

/** Properties of {@link ConfideDataStack}. */
export interface ConfideDataStackProps extends StackProps {
  readonly config: StageConfig;
}

/** The stateful resources: the data table and the key table. Deployed and protected apart from the API. */
export class ConfideDataStack extends Stack {
  /** The single table of tenant records. */
  public readonly dataTable: ITableV2;
  /** The table of wrapped branch and subject keys. */
  public readonly keyTable: ITableV2;
  /** The break-glass role: alone may change key policies and recover the key table (decision 0029). */
  public readonly breakGlassRole: IRole;

  constructor(scope: Construct, id: string, props: ConfideDataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.breakGlassRole = new BreakGlassRole(this, 'BreakGlass', { stage: config.stage }).role;
    const tables = new ConfideTables(this, 'Tables', {
      breakGlassRole: this.breakGlassRole,
      tableNames: tableNames(config.stage),
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });
    this.dataTable = tables.dataTable;
    this.keyTable = tables.keyTable;

    new CfnOutput(this, 'DataTableName', { value: tables.dataTable.tableName });
    new CfnOutput(this, 'KeyTableName', { value: tables.keyTable.tableName });
  }
}
