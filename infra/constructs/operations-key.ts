import { ArnFormat, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  AnyPrincipal,
  Effect,
  type IPrincipal,
  type IRole,
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
  /** The break-glass role: the only principal that may change the key's policy (decision 0029). */
  readonly breakGlassRole: IRole;
}

/** What the account may do to a Confide key through IAM: administer it, but never change its policy. */
export const ACCOUNT_ADMINISTRATION_ACTIONS = [
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
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** The statement that gives the break-glass role alone the right to change a key's policy. */
export function breakGlassChangesKeyPolicy(breakGlassRole: IRole): PolicyStatement {
  return new PolicyStatement({
    sid: 'BreakGlassAloneChangesKeyPolicy',
    principals: [breakGlassRole],
    actions: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy'],
    resources: ['*'],
  });
}

/**
 * The statement denying a principal (the provisioner) every management action on a key. Its tag-based KMS permissions
 * apply to any key in the account carrying the organisation tag, and it may tag keys, so without this it could tag a
 * key whose policy delegates tagging to account IAM and then disable, re-police or delete it.
 */
export function provisionerNeverManagesThisKey(principal: IPrincipal): PolicyStatement {
  return new PolicyStatement({
    sid: 'ProvisionerNeverManagesThisKey',
    effect: Effect.DENY,
    principals: [principal],
    actions: MANAGEMENT_ACTIONS,
    resources: ['*'],
  });
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
            actions: ACCOUNT_ADMINISTRATION_ACTIONS,
            resources: ['*'],
          }),
          breakGlassChangesKeyPolicy(props.breakGlassRole),
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
            // Only this account's calls (issue 17 item 6), and only this stage's log groups: CloudFormation names a
            // log group it creates after its stack, `confide-<stage>-<api|identity>-…`.
            conditions: {
              StringEquals: { 'aws:SourceAccount': stack.account },
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
                  service: 'logs',
                  resource: 'log-group',
                  resourceName: `confide-${props.stage}-*`,
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
            // Only this account's alarms (confused-deputy protection), as the alarm topic's own policy.
            conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
          }),
        ],
      }),
    });
  }

  /**
   * Lets EventBridge publish to a topic encrypted with this key (the key-change alarms), for this account's rules only.
   * The SNS developer guide says this condition is not supported for EventBridge publishing to an encrypted topic:
   * delivery relies on the unconditioned grant that the `SnsTopic` target adds (see `KeyChangeAlarms`).
   */
  allowEventBridgeNotifications(): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EventBridgePublishesEncryptedKeyChangeNotifications',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
  }

  /**
   * Lets one role publish to a topic encrypted with this key (the governance notification pipe, decision 0035): data
   * keys through SNS only, so the role cannot use the key for anything else.
   */
  allowSnsPublisher(role: IPrincipal): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'GovernancePipePublishesEncryptedNotifications',
        principals: [role],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
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

  /** Denies a principal (the provisioner) every management action on this key: {@link provisionerNeverManagesThisKey}. */
  denyManagementTo(principal: IPrincipal): void {
    this.key.addToResourcePolicy(provisionerNeverManagesThisKey(principal));
  }
}
