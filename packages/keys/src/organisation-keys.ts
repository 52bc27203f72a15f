import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  type KMSClient,
  KMSInvalidStateException,
  NotFoundException,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import type { OrgId } from '@confide/domain';
import { KeyUnavailableError } from './errors';

export interface OrganisationKeysOptions {
  readonly kms: KMSClient;
  /** e.g. `alias/confide/dev/`; the provisioner's IAM policy is limited to this prefix. */
  readonly aliasPrefix: string;
  /** The AWS account that owns the keys (its root keeps administrative access, as KMS requires). */
  readonly accountId: string;
  /**
   * The role of the api Lambda. The key policy names it only in the transition policy (see
   * {@link KeyPolicyOptions.keepApiRole}): the api uses organisation keys through the tenant-access role (decision 0031).
   */
  readonly apiRoleArn: string;
  /**
   * The role the api assumes per organisation (`confide-<stage>-tenant-access`, decision 0031): may use the key only
   * under encryption context `{orgId}`. By default the provisioner's sibling, as CDK names it.
   */
  readonly tenantAccessRoleArn?: string;
  /** The role of the provisioner: may schedule the key's deletion at offboarding. */
  readonly provisionerRoleArn: string;
  /**
   * The role of the audit verifier: may decrypt under `{orgId}` only (the audit chain key). By default the
   * provisioner's sibling, `confide-<stage>-verifier` (CDK names every function role `confide-<stage>-<service>`).
   */
  readonly verifierRoleArn?: string;
  /**
   * The named break-glass role: the only principal that may change the key policy once the key exists. By default
   * the provisioner's sibling, `confide-<stage>-break-glass` (defined in the data stack).
   */
  readonly breakGlassRoleArn?: string;
}

/** Variants of {@link OrganisationKeys.keyPolicy}. */
export interface KeyPolicyOptions {
  /**
   * The transition policy (decision 0031): also lets the api role use the key under the organisation's context, as
   * keys created before the api used assumed credentials allowed. Only for re-applying to an existing key before the
   * api that signs KMS calls with the tenant-access role is deployed; the final policy (the default) names it no more.
   */
  readonly keepApiRole?: boolean;
}

/**
 * The roles a deployed stage's organisation key policy names, as CDK names them (`confide-<stage>-<service>`), for
 * re-applying the policy to an existing key with the break-glass role (decision 0031): `npx confide keys policy`.
 */
export function stageKeyPolicy(input: {
  readonly orgId: OrgId;
  readonly stage: string;
  readonly accountId: string;
  readonly keepApiRole?: boolean;
}): object {
  if (!/^\d{12}$/.test(input.accountId)) throw new Error('An AWS account id is 12 digits.');
  if (!/^[a-z][a-z0-9-]{0,20}$/.test(input.stage))
    throw new Error('A stage is lower-case letters, digits and "-".');
  const role = (service: string) => `arn:aws:iam::${input.accountId}:role/confide-${input.stage}-${service}`;
  const keys = new OrganisationKeys({
    // Building a policy sends nothing to KMS.
    kms: undefined as unknown as KMSClient,
    aliasPrefix: organisationAliasPrefix(input.stage),
    accountId: input.accountId,
    apiRoleArn: role('api'),
    provisionerRoleArn: role('provisioner'),
    tenantAccessRoleArn: role('tenant-access'),
  });
  return keys.keyPolicy(input.orgId, { keepApiRole: input.keepApiRole === true });
}

/** A role named like the provisioner's, with another last word (`…-provisioner` → `…-verifier`). */
function siblingRole(provisionerRoleArn: string, service: string): string {
  return provisionerRoleArn.replace(/-provisioner$/, `-${service}`);
}

/** Where a stage's organisation keys are named: `alias/confide/<stage>/`, then the organisation's id. */
export function organisationAliasPrefix(stage: string): string {
  return `alias/confide/${stage}/`;
}

/**
 * Where a KMS key is in its life, as KMS alone can say: in use (enabled or disabled), pending deletion, or deleted
 * (KMS no longer knows it, nor the alias that named it).
 */
export type KeyLifecycle = 'IN_USE' | 'PENDING_DELETION' | 'DELETED';

/** A key's state as KMS states it (`Enabled`, `Disabled`, `PendingDeletion`, …), or DELETED once KMS knows it no more. */
async function keyState(kms: KMSClient, keyId: string): Promise<string> {
  try {
    const { KeyMetadata: key } = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    return key?.KeyState ?? 'Unavailable';
  } catch (error) {
    if (error instanceof NotFoundException) return 'DELETED';
    throw error;
  }
}

/** The lifecycle of a key named by id, ARN or alias; any other fault (denied, throttled) is thrown. */
export async function keyLifecycle(kms: KMSClient, keyId: string): Promise<KeyLifecycle> {
  const state = await keyState(kms, keyId);
  return state === 'DELETED' ? 'DELETED' : state === 'PendingDeletion' ? 'PENDING_DELETION' : 'IN_USE';
}

/**
 * Whether a key named by id, ARN or alias is enabled: usable to decrypt. False when it is disabled (an offboarding whose
 * key deletion an operator cancelled leaves it so), pending deletion or deleted; any other fault is thrown. Only KMS
 * rights change a key's state: no write to a table can.
 */
export async function keyEnabled(kms: KMSClient, keyId: string): Promise<boolean> {
  return (await keyState(kms, keyId)) === 'Enabled';
}

/** The tag every organisation key carries; IAM conditions on it limit who may manage the key. */
export const ORGANISATION_TAG = 'confide:organisation';

/**
 * Creates and retires organisations' KMS keys. Only the provisioner runs this: in production its role is the
 * only one allowed `kms:CreateKey` and `kms:ScheduleKeyDeletion`.
 */
export class OrganisationKeys {
  constructor(private readonly options: OrganisationKeysOptions) {}

  aliasFor(orgId: OrgId): string {
    return `${this.options.aliasPrefix}${orgId}`;
  }

  /** Creates the organisation's key with its policy and tag, enables yearly rotation, and names it. */
  async create(orgId: OrgId): Promise<{ keyArn: string; alias: string }> {
    const { kms } = this.options;
    try {
      const created = await kms.send(
        new CreateKeyCommand({
          Description: `Confide organisation ${orgId}`,
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeySpec: 'SYMMETRIC_DEFAULT',
          Policy: JSON.stringify(this.keyPolicy(orgId)),
          // The policy names the break-glass role, not the provisioner, as the one that may change it (decision
          // 0029): KMS's lockout check would refuse a policy its creator cannot put again, though nothing is locked
          // out. The provisioner's IAM policy allows this bypass on CreateKey only, never on PutKeyPolicy.
          BypassPolicyLockoutSafetyCheck: true,
          Tags: [{ TagKey: ORGANISATION_TAG, TagValue: orgId }],
        }),
      );
      const keyArn = created.KeyMetadata?.Arn;
      const keyId = created.KeyMetadata?.KeyId;
      if (!keyArn || !keyId) throw new KeyUnavailableError('KMS created no key.');
      await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
      const alias = this.aliasFor(orgId);
      await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
      return { keyArn, alias };
    } catch (cause) {
      if (cause instanceof KeyUnavailableError) throw cause;
      throw new KeyUnavailableError('Could not create the organisation key.', { cause });
    }
  }

  /**
   * Schedules deletion (7–30 days); after it nothing of the organisation can be decrypted anywhere. A key already
   * pending deletion keeps its date, which is returned: an offboarding that failed after scheduling it completes when
   * run again (KMS refuses to schedule a pending key a second time).
   */
  async scheduleDeletion(keyArn: string, pendingWindowInDays: number): Promise<Date> {
    try {
      const result = await this.options.kms.send(
        new ScheduleKeyDeletionCommand({ KeyId: keyArn, PendingWindowInDays: pendingWindowInDays }),
      );
      if (!result.DeletionDate) throw new KeyUnavailableError('KMS did not schedule the deletion.');
      return result.DeletionDate;
    } catch (error) {
      if (!(error instanceof KMSInvalidStateException)) throw error;
      const { KeyMetadata: key } = await this.options.kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
      if (key?.KeyState !== 'PendingDeletion' || !key.DeletionDate) throw error;
      return key.DeletionDate;
    }
  }

  /**
   * The lifecycle of the organisation's key, asked by its alias: the name comes from the organisation's id, not from
   * anything stored in the tables, so a raw write cannot point it at another key.
   */
  lifecycle(orgId: OrgId): Promise<KeyLifecycle> {
    return keyLifecycle(this.options.kms, this.aliasFor(orgId));
  }

  /**
   * The key policy (decisions 0029, 0031): the account may look at the key but not change its policy; only the named
   * break-glass role may; the tenant-access role (the api's per-organisation credentials), the verifier and the retention handler may use the key only with this
   * organisation's encryption context (the verifier and the retention handler to decrypt alone); the provisioner may retire it and create its first branch key, under the
   * same context.
   */
  keyPolicy(orgId: OrgId, options: KeyPolicyOptions = {}): object {
    const { accountId, apiRoleArn, provisionerRoleArn } = this.options;
    const tenantAccessRoleArn =
      this.options.tenantAccessRoleArn ?? siblingRole(provisionerRoleArn, 'tenant-access');
    const verifierRoleArn = this.options.verifierRoleArn ?? siblingRole(provisionerRoleArn, 'verifier');
    const breakGlassRoleArn =
      this.options.breakGlassRoleArn ?? siblingRole(provisionerRoleArn, 'break-glass');
    const thisOrganisation = { StringEquals: { 'kms:EncryptionContext:orgId': orgId } };
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AccountReadsKeyWithoutChangingIt',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:root` },
          Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
          Resource: '*',
        },
        {
          Sid: 'BreakGlassAloneChangesKeyPolicy',
          Effect: 'Allow',
          Principal: { AWS: breakGlassRoleArn },
          Action: [
            'kms:CancelKeyDeletion',
            'kms:DescribeKey',
            'kms:EnableKey',
            'kms:EnableKeyRotation',
            'kms:GetKeyPolicy',
            'kms:PutKeyPolicy',
          ],
          Resource: '*',
        },
        {
          // Each session of the tenant-access role is narrowed to one organisation by its session policy; the
          // condition here holds whatever the session policy says (decision 0031).
          Sid: 'TenantAccessUsesKeyOnlyForThisOrganisation',
          Effect: 'Allow',
          Principal: { AWS: tenantAccessRoleArn },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: '*',
          Condition: thisOrganisation,
        },
        ...(options.keepApiRole
          ? [
              {
                Sid: 'ApiUsesKeyOnlyForThisOrganisation',
                Effect: 'Allow',
                Principal: { AWS: apiRoleArn },
                Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
                Resource: '*',
                Condition: thisOrganisation,
              },
            ]
          : []),
        {
          Sid: 'VerifierDecryptsOnlyForThisOrganisation',
          Effect: 'Allow',
          Principal: { AWS: verifierRoleArn },
          Action: ['kms:Decrypt'],
          Resource: '*',
          Condition: thisOrganisation,
        },
        {
          // The retention handler derives the integrity key that retention records are MACed under (decision 0030).
          Sid: 'RetentionDecryptsOnlyForThisOrganisation',
          Effect: 'Allow',
          Principal: { AWS: siblingRole(provisionerRoleArn, 'retention') },
          Action: ['kms:Decrypt'],
          Resource: '*',
          Condition: thisOrganisation,
        },
        {
          Sid: 'ProvisionerRetiresKey',
          Effect: 'Allow',
          Principal: { AWS: provisionerRoleArn },
          Action: ['kms:DescribeKey', 'kms:ScheduleKeyDeletion', 'kms:CreateAlias', 'kms:EnableKeyRotation'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceTag/confide:organisation': orgId } },
        },
        {
          Sid: 'ProvisionerCreatesFirstBranchKeyForThisOrganisation',
          Effect: 'Allow',
          Principal: { AWS: provisionerRoleArn },
          Action: ['kms:GenerateDataKey'],
          Resource: '*',
          Condition: {
            StringEquals: {
              'aws:ResourceTag/confide:organisation': orgId,
              'kms:EncryptionContext:orgId': orgId,
            },
          },
        },
      ],
    };
  }
}
