import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import {
  ArnPrincipal,
  CompositePrincipal,
  Effect,
  type IRole,
  ManagedPolicy,
  PolicyStatement,
  Role,
} from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { dataTableDesign } from '../../packages/store/src/table-design';
import { recordActions } from './confide-tables';
import { OrganisationKeyUsePolicy } from './organisation-key-access';

/** Properties of {@link TenantAccessRole}. */
export interface TenantAccessRoleProps {
  readonly stage: string;
  /** The principal that may assume the role: the api function's role. */
  readonly apiRole: IRole;
  /**
   * The transfer function's role (decision 0041), which may assume it as the api does; it grants itself the
   * `sts:AssumeRole` (TransferAccess).
   */
  readonly transferRole?: IRole;
  readonly dataTable: ITableV2;
  readonly keyTable: ITableV2;
}

/** Every organisation's leading keys, and nothing of the platform registry (`PLATFORM#…`). */
export const ANY_TENANT_LEADING_KEYS = 'ORG#org_*#*';

/** The platform registry's leading keys (organisations, slugs, partner clients, operators, the platform audit). */
export const PLATFORM_LEADING_KEYS = 'PLATFORM#*';

/**
 * The role a request's credentials are assumed from (issue 16 capability 4, decision 0031). Its own permissions are
 * the union over organisations — item actions on both tables whose leading keys are an organisation's, and the
 * organisation keys under an organisation context — and each AssumeRole narrows them with an inline session policy
 * (`tenantSessionPolicy`) to one organisation's `ORG#<orgId>#*` and `kms:EncryptionContext:orgId = <orgId>`. Only
 * the api role (and the transfer function's, decision 0041) may assume it; sessions last at most one hour.
 */
export class TenantAccessRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: TenantAccessRoleProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      roleName: `confide-${props.stage}-tenant-access`,
      description: `Confide ${props.stage}: one organisation's items and key per session (narrowed by the session policy)`,
      assumedBy: props.transferRole
        ? new CompositePrincipal(
            new ArnPrincipal(props.apiRole.roleArn),
            new ArnPrincipal(props.transferRole.roleArn),
          )
        : new ArnPrincipal(props.apiRole.roleArn),
      maxSessionDuration: Duration.hours(1),
    });
    new ManagedPolicy(this, 'TenantItems', {
      description: `Confide ${props.stage}: items of organisations only (never the platform registry)`,
      roles: [this.role],
      statements: [
        new PolicyStatement({
          sid: 'TenantItemsOnly',
          effect: Effect.ALLOW,
          actions: [...recordActions],
          resources: [
            props.dataTable.tableArn,
            ...dataTableDesign.globalIndexes.map(
              (index) => `${props.dataTable.tableArn}/index/${index.name}`,
            ),
            props.keyTable.tableArn,
          ],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [ANY_TENANT_LEADING_KEYS] } },
        }),
      ],
    });
    new OrganisationKeyUsePolicy(this, 'OrganisationKeyUse', { role: this.role, stage: props.stage });
    props.apiRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'AssumeTenantAccessRole',
        actions: ['sts:AssumeRole'],
        resources: [this.role.roleArn],
      }),
    );
  }
}
