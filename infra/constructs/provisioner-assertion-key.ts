import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccountRootPrincipal, type IRole, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { breakGlassChangesKeyPolicy, provisionerNeverManagesThisKey } from './operations-key';

/** The one MAC algorithm the assertions use (packages/api/src/operations/provisioner-assertion.ts). */
export const ASSERTION_MAC_ALGORITHM = 'HMAC_SHA_256';

/** The environment variable naming the key, read by packages/api/src/config.ts in the api and the provisioner. */
export const ASSERTION_KEY_ENVIRONMENT = 'CONFIDE_PROVISIONER_ASSERTION_KMS_KEY';

/** Properties of {@link ProvisionerAssertionKey}. */
export interface ProvisionerAssertionKeyProps {
  /** The stage name, used in the description. */
  readonly stage: string;
  /** Removal policy of the key (no data is encrypted under it: an assertion lives five minutes at most). */
  readonly removalPolicy: RemovalPolicy;
  /** The api function's role: the only principal that may generate a MAC. */
  readonly signer: IRole;
  /** The provisioner function's role: the only principal that may verify a MAC. */
  readonly verifier: IRole;
  /** The break-glass role: the only principal that may change the key's policy (decision 0029). */
  readonly breakGlassRole: IRole;
}

/**
 * The HMAC key of provisioner assertions (issue 14, side door 4): the api signs, for one request of an ORG_ADMIN (or
 * for a second operator approving an offboarding), a short-lived assertion the provisioner checks before it acts on
 * a tenant. Whoever may invoke the provisioner but cannot generate a MAC under this key cannot act on a tenant.
 *
 * The key policy is the whole grant (no IAM policy names the key, and the account root is given no usage, so no IAM
 * policy can add one):
 * - the api role may `kms:GenerateMac` and nothing else; the provisioner role may `kms:VerifyMac` and nothing else;
 *   both only with HMAC_SHA_256;
 * - the account administers the key with named actions, none of them cryptographic;
 * - the provisioner is denied every management action: its tag-based KMS permissions (organisation keys) would
 *   otherwise let it tag this key and then rewrite its policy.
 *
 * HMAC keys cannot be rotated by KMS; the key is replaced by deploying a new one (both functions pick up the new
 * ARN in the same deployment, and assertions in flight fail closed and are retried by the caller).
 */
export class ProvisionerAssertionKey extends Construct {
  /** The key. */
  public readonly key: Key;

  constructor(scope: Construct, id: string, props: ProvisionerAssertionKeyProps) {
    super(scope, id);
    const macAlgorithm = { StringEquals: { 'kms:MacAlgorithm': ASSERTION_MAC_ALGORITHM } };

    this.key = new Key(this, 'Key', {
      description: `Confide ${props.stage}: MAC of the api's provisioner assertions (no tenant data)`,
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: props.removalPolicy,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministersThroughIamWithoutUse',
            principals: [new AccountRootPrincipal()],
            actions: [
              'kms:CancelKeyDeletion',
              'kms:CreateAlias',
              'kms:DeleteAlias',
              'kms:DescribeKey',
              'kms:DisableKey',
              'kms:EnableKey',
              'kms:GetKeyPolicy',
              'kms:ListResourceTags',
              'kms:ScheduleKeyDeletion',
              'kms:TagResource',
              'kms:UntagResource',
              'kms:UpdateAlias',
              'kms:UpdateKeyDescription',
            ],
            resources: ['*'],
          }),
          breakGlassChangesKeyPolicy(props.breakGlassRole),
          new PolicyStatement({
            sid: 'ApiGeneratesAssertionMacs',
            principals: [props.signer],
            actions: ['kms:GenerateMac'],
            resources: ['*'],
            conditions: macAlgorithm,
          }),
          new PolicyStatement({
            sid: 'ProvisionerVerifiesAssertionMacs',
            principals: [props.verifier],
            actions: ['kms:VerifyMac'],
            resources: ['*'],
            conditions: macAlgorithm,
          }),
          provisionerNeverManagesThisKey(props.verifier),
        ],
      }),
    });

    Validations.of(this.key).acknowledge({
      id: 'AwsSolutions-KMS5',
      reason:
        'An HMAC_256 key: KMS cannot rotate HMAC keys (automatic or on demand), and it protects no stored data, only ' +
        'assertions that expire within five minutes; it is replaced by deploying a new key if it must change.',
    });
  }
}
