import { Duration } from 'aws-cdk-lib';
import { AccountRootPrincipal, type IRole, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Properties of {@link BreakGlassRole}. */
export interface BreakGlassRoleProps {
  /** The stage name: the role is `confide-<stage>-break-glass`. */
  readonly stage: string;
}

/** The name of a stage's break-glass role (the provisioner names it in every organisation key policy). */
export function breakGlassRoleName(stage: string): string {
  return `confide-${stage}-break-glass`;
}

/**
 * The one principal that may change a Confide key policy once the key exists, and restore, export or back up the
 * key table (issue 16 capability 5; docs/decisions/0029). Assumable by the account's principals only with MFA, for an
 * hour at most; it carries no IAM permissions of its own: the key policies and the key table's resource policy name
 * it, and an incident's runbook attaches what the incident needs. Every use is a CloudTrail event, and the key-policy
 * changes it makes raise the key-change alarm.
 */
export class BreakGlassRole extends Construct {
  public readonly role: IRole;

  constructor(scope: Construct, id: string, props: BreakGlassRoleProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      roleName: breakGlassRoleName(props.stage),
      description: `Confide ${props.stage}: break-glass changes to key policies and key-table recovery (MFA only)`,
      assumedBy: new AccountRootPrincipal().withConditions({
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      }),
      maxSessionDuration: Duration.hours(1),
    });
  }
}
