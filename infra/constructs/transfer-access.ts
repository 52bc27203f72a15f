import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ConfideFunction } from './confide-function';
import { recordActions } from './confide-tables';
import { PLATFORM_LEADING_KEYS, type TenantAccessRole } from './tenant-access-role';

/** Properties of {@link TransferAccess}. */
export interface TransferAccessProps {
  /** The transfer function (services/transfer): its role gets the rights below and nothing else. */
  readonly transfer: ConfideFunction;
  /** The role whose per-organisation sessions reach tenants' items and keys; must list the transfer role. */
  readonly tenantAccess: TenantAccessRole;
  readonly dataTable: ITableV2;
}

/**
 * What the transfer function may do (decision 0041): exactly the api's shape. Its own role reads and writes the
 * platform registry alone (organisations by slug, operators, the platform audit: `PLATFORM#` leading keys) and may
 * assume the tenant-access role; every organisation's items and key are reached with that role's session narrowed
 * to the one organisation (decision 0031). It has no KMS permission of its own, and no organisation key policy names
 * it. Nothing grants anyone an invocation of it: like the verifier, it is invoked by operators whose own IAM
 * permissions allow `lambda:InvokeFunction` on it (no resource policy, no other function's role).
 */
export class TransferAccess extends Construct {
  constructor(scope: Construct, id: string, props: TransferAccessProps) {
    super(scope, id);
    const { transfer, tenantAccess, dataTable } = props;
    transfer.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'PlatformRegistryItemsOnly',
        actions: [...recordActions],
        resources: [dataTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [PLATFORM_LEADING_KEYS] } },
      }),
    );
    transfer.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'AssumeTenantAccessRole',
        actions: ['sts:AssumeRole'],
        resources: [tenantAccess.role.roleArn],
      }),
    );
    transfer.function.addEnvironment('CONFIDE_TENANT_ACCESS_ROLE_ARN', tenantAccess.role.roleArn);
  }
}
