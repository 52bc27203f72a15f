import { type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import {
  AccountRootPrincipal,
  AnyPrincipal,
  Effect,
  Grant,
  type IRole,
  PolicyDocument,
  PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { TableDesign } from '../../packages/store/src/table-design';
import type { ConfideFunction } from './confide-function';
import {
  ACCOUNT_ADMINISTRATION_ACTIONS,
  breakGlassChangesKeyPolicy,
  provisionerNeverManagesThisKey,
} from './operations-key';

/** The verifier's environment: where checkpoints go and which key signs them (services/verifier/src/handler.ts). */
export const CHECKPOINT_BUCKET_ENVIRONMENT = 'CONFIDE_CHECKPOINT_BUCKET';
export const CHECKPOINT_KEY_ENVIRONMENT = 'CONFIDE_CHECKPOINT_KEY_ARN';

/** The only DynamoDB actions the verifier has: it reads, never writes. */
export const VERIFIER_TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:GetItem',
  'dynamodb:Query',
] as const;

/** Properties of {@link AuditAnchor}. */
export interface AuditAnchorProps {
  readonly stage: string;
  /** The verifier function (services/verifier): its role gets the rights below and nothing else. */
  readonly verifier: ConfideFunction;
  readonly dataTable: ITableV2;
  readonly dataTableDesign: TableDesign;
  readonly keyTable: ITableV2;
  readonly keyTableDesign: TableDesign;
  /** The break-glass role: the only principal that may change the checkpoint key's policy. */
  readonly breakGlassRole: IRole;
  /** The provisioner's role: denied managing the checkpoint key (see `provisionerNeverManagesThisKey`). */
  readonly provisionerRole: IRole;
  /** How long a checkpoint is locked (Object Lock COMPLIANCE): nobody, the root user included, can delete it sooner. */
  readonly checkpointRetention: Duration;
  /** How often the verifier runs. */
  readonly schedule: Duration;
}

/**
 * The anchored audit in AWS (issue 16 capability 3; docs/decisions/0029):
 *
 * - a checkpoint bucket with Object Lock in COMPLIANCE mode (versioned, default retention on every object): once a
 *   checkpoint is written no principal can delete or overwrite it before its retention ends; its policy lets no one
 *   but the verifier role put objects (the api role has no S3 rights at all);
 * - an ECC_NIST_P256 key that signs checkpoints: the verifier alone may `Sign`; anyone in the account may
 *   `GetPublicKey` and `Verify` (auditors check checkpoints offline); only the break-glass role changes its policy, and
 *   the provisioner may not manage it (tag, disable, schedule its deletion);
 * - the verifier's read-only role: `GetItem`, `Query`, `BatchGetItem` on the tables (decryption is granted by each
 *   organisation key's policy, under that organisation's context only), put and read on the bucket, sign with the key;
 * - an EventBridge schedule that runs the verifier.
 */
export class AuditAnchor extends Construct {
  public readonly bucket: Bucket;
  public readonly signingKey: Key;
  public readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: AuditAnchorProps) {
    super(scope, id);
    const verifierRole = props.verifier.role;

    this.signingKey = new Key(this, 'CheckpointKey', {
      description: `Confide ${props.stage}: signs audit checkpoints (no tenant data)`,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // Signatures must stay verifiable for as long as the checkpoints they sign are kept.
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministersThroughIamWithoutChangingPolicy',
            principals: [new AccountRootPrincipal()],
            actions: [...ACCOUNT_ADMINISTRATION_ACTIONS, 'kms:GetPublicKey', 'kms:Verify'],
            resources: ['*'],
          }),
          breakGlassChangesKeyPolicy(props.breakGlassRole),
          new PolicyStatement({
            sid: 'VerifierSignsCheckpoints',
            principals: [verifierRole],
            actions: ['kms:Sign', 'kms:GetPublicKey'],
            resources: ['*'],
            conditions: { StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256' } },
          }),
          // The account may tag this key through IAM, and the provisioner may tag any key and delete tagged ones.
          provisionerNeverManagesThisKey(props.provisionerRole),
        ],
      }),
    });

    this.bucket = new Bucket(this, 'Checkpoints', {
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(props.checkpointRetention),
      versioned: true,
      encryption: BucketEncryption.KMS_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Locked objects outlive any stack: the bucket is never deleted with it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheVerifierWritesCheckpoints',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:DeleteObject*'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': verifierRole.roleArn } },
      }),
    );

    Grant.addToPrincipal({
      grantee: verifierRole,
      actions: [...VERIFIER_TABLE_ACTIONS],
      resourceArns: [props.dataTable, props.keyTable].flatMap((table, index) => [
        table.tableArn,
        ...(index === 0 ? props.dataTableDesign : props.keyTableDesign).globalIndexes.map(
          (gsi) => `${table.tableArn}/index/${gsi.name}`,
        ),
      ]),
    });
    verifierRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadAndAddCheckpoints',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects('checkpoints/*')],
      }),
    );
    verifierRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'FindLatestCheckpoint',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
    );
    props.verifier.function.addEnvironment(CHECKPOINT_BUCKET_ENVIRONMENT, this.bucket.bucketName);
    props.verifier.function.addEnvironment(CHECKPOINT_KEY_ENVIRONMENT, this.signingKey.keyArn);

    this.schedule = new Rule(this, 'Schedule', {
      description: `Confide ${props.stage}: verify every organisation's audit and checkpoint it`,
      schedule: Schedule.rate(props.schedule),
      targets: [new LambdaFunction(props.verifier.function, { retryAttempts: 0 })],
    });

    Validations.of(this.bucket).acknowledge(
      {
        id: 'AwsSolutions-S1',
        reason:
          'Checkpoints are written only by the verifier role (bucket policy) and can never be changed or deleted ' +
          '(Object Lock COMPLIANCE); every write is a CloudTrail event, and a second bucket for access logs would ' +
          'add nothing an auditor needs here.',
      },
      {
        id: 'HIPAA.Security-S3BucketLoggingEnabled',
        reason:
          'Server access logs would record only the verifier reading and adding checkpoints; nothing can alter one ' +
          'under Object Lock COMPLIANCE, and API calls on the bucket are already in CloudTrail.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason:
          'Checkpoints stay in eu-west-2 for UK data residency; they are signatures over chain heads, and a lost ' +
          'checkpoint costs only the anchoring until the next hourly run writes a new one.',
      },
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          'Encrypted with the AWS-managed S3 KMS key: checkpoints hold chain MACs and event ids, no personal data, ' +
          'so a customer-managed key would add a key to govern and no protection.',
      },
    );
    Validations.of(verifierRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never)}.Arn>/checkpoints/*]`,
      reason:
        'One object per checkpoint, named at runtime by organisation and time; the wildcard is limited to the ' +
        'checkpoints/ prefix of this one bucket, which Object Lock makes write-once.',
    });
  }
}
