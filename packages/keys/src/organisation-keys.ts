import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  type KMSClient,
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
  /** The role of the api Lambda: may use the key only under encryption context `{orgId}`. */
  readonly apiRoleArn: string;
  /** The role of the provisioner: may schedule the key's deletion at offboarding. */
  readonly provisionerRoleArn: string;
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

  /** Schedules deletion (7–30 days); after it nothing of the organisation can be decrypted anywhere. */
  async scheduleDeletion(keyArn: string, pendingWindowInDays: number): Promise<Date> {
    const result = await this.options.kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: keyArn, PendingWindowInDays: pendingWindowInDays }),
    );
    if (!result.DeletionDate) throw new KeyUnavailableError('KMS did not schedule the deletion.');
    return result.DeletionDate;
  }

  async state(keyArn: string): Promise<string | undefined> {
    const result = await this.options.kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    return result.KeyMetadata?.KeyState;
  }

  /**
   * The key policy: the account root administers (KMS requires it, so IAM policies apply); the api role may
   * use the key only with this organisation's encryption context; the provisioner may retire it.
   */
  keyPolicy(orgId: OrgId): object {
    const { accountId, apiRoleArn, provisionerRoleArn } = this.options;
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AccountAdministersThroughIam',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:root` },
          Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:EnableKeyRotation'],
          Resource: '*',
        },
        {
          Sid: 'ApiUsesKeyOnlyForThisOrganisation',
          Effect: 'Allow',
          Principal: { AWS: apiRoleArn },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:EncryptionContext:orgId': orgId } },
        },
        {
          Sid: 'ProvisionerRetiresKey',
          Effect: 'Allow',
          Principal: { AWS: provisionerRoleArn },
          Action: ['kms:DescribeKey', 'kms:ScheduleKeyDeletion', 'kms:CreateAlias', 'kms:GenerateDataKey'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceTag/confide:organisation': orgId } },
        },
      ],
    };
  }
}
