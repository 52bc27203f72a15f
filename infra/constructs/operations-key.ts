import { ArnFormat, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  AnyPrincipal,
  Effect,
  type IPrincipal,
  PolicyDocument,
  PolicyStatement,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** What the provisioner could otherwise do to any key its tag-based permissions reach. */
export const MANAGEMENT_ACTIONS = [
  'kms:CreateAlias',
  'kms:DisableKey',
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
];

/** Properties of {@link OperationsKey}. */
export interface OperationsKeyProps {
  /** The stage name, used in the alias. */
  readonly stage: string;
  /** Removal policy: must outlive every log group it encrypts (retained in prod). */
  readonly removalPolicy: RemovalPolicy;
  /** The key's alias; `alias/confide-operations/<stage>` unless given (one per stack that needs a key). */
  readonly aliasName?: string;
}

/**
 * The customer-managed key of the stage's operational data: function and API access log groups, alarm
 * notifications. Never used for tenant data, which is under each organisation's own key.
 *
 * Its policy is written out instead of CDK's default (which grants the account `kms:*`): the account administers
 * it with named actions only; CloudWatch Logs may use it only for this account's log groups in this region
 * (encryption-context condition); CloudWatch may use it to publish alarms to the encrypted topic.
 */
export class OperationsKey extends Construct {
  /** The key. */
  public readonly key: Key;

  constructor(scope: Construct, id: string, props: OperationsKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new Key(this, 'Key', {
      // Outside `alias/confide/<stage>/`, the organisation keys' namespace.
      alias: props.aliasName ?? `alias/confide-operations/${props.stage}`,
      description: `Confide ${props.stage}: encrypts log groups and alarm notifications (no tenant data)`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministersThroughIam',
            principals: [new AccountRootPrincipal()],
            actions: [
              'kms:CancelKeyDeletion',
              'kms:CreateAlias',
              'kms:DeleteAlias',
              'kms:DescribeKey',
              'kms:DisableKey',
              'kms:DisableKeyRotation',
              'kms:EnableKey',
              'kms:EnableKeyRotation',
              'kms:GetKeyPolicy',
              'kms:GetKeyRotationStatus',
              'kms:ListResourceTags',
              'kms:PutKeyPolicy',
              'kms:ScheduleKeyDeletion',
              'kms:TagResource',
              'kms:UntagResource',
              'kms:UpdateAlias',
              'kms:UpdateKeyDescription',
            ],
            resources: ['*'],
          }),
          new PolicyStatement({
            sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
            principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
            actions: [
              'kms:Encrypt*',
              'kms:Decrypt*',
              'kms:ReEncrypt*',
              'kms:GenerateDataKey*',
              'kms:Describe*',
            ],
            resources: ['*'],
            conditions: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
                  service: 'logs',
                  resource: 'log-group',
                  resourceName: '*',
                  arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                }),
              },
            },
          }),
          new PolicyStatement({
            sid: 'CloudWatchPublishesEncryptedAlarmNotifications',
            principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
            actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            resources: ['*'],
          }),
        ],
      }),
    });
  }

  /**
   * {@link denyManagementTo} for a role known only by name, in a stack deployed later (the provisioner's role,
   * from the identity stack's key): a key policy may not name a principal that does not exist yet, so the deny
   * applies to every principal whose ARN is that role's.
   */
  denyManagementToRoleNamed(roleName: string): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'ProvisionerNeverManagesThisKey',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: MANAGEMENT_ACTIONS,
        resources: ['*'],
        conditions: {
          ArnEquals: {
            'aws:PrincipalArn': Stack.of(this).formatArn({
              service: 'iam',
              region: '',
              resource: 'role',
              resourceName: roleName,
            }),
          },
        },
      }),
    );
  }

  /**
   * Denies a principal every management action on this key. For the provisioner: its tag-based KMS permissions
   * apply to any key in the account carrying the organisation tag, and it may tag keys, so without this it could
   * tag this key and then disable, re-police or delete it.
   */
  denyManagementTo(principal: IPrincipal): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'ProvisionerNeverManagesThisKey',
        effect: Effect.DENY,
        principals: [principal],
        actions: MANAGEMENT_ACTIONS,
        resources: ['*'],
      }),
    );
  }
}
