import { randomUUID } from 'node:crypto';
import {
  addDays,
  DEFAULT_ROTATION_PERIOD_DAYS,
  generateKeyMaterial,
  generateSigningKeyMaterial,
} from './key-lifecycle.js';
import type { KeyRecord, LocalKeySpec } from './key-records.js';
import { keyArn } from './kms-arns.js';
import { KmsError } from './kms-errors.js';
import {
  assertNotPendingDeletion,
  epochSeconds,
  findKey,
  type KmsOperation,
  keyMetadata,
  type OperationContext,
  paginate,
} from './kms-operation.js';
import { missingMember } from './request-fields.js';

const KEY_USAGES = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'] as const;

function defaultKeyPolicy({ location }: OperationContext): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${location.accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  });
}

/** The key a key-management request names by key id or key ARN. */
function requestedKey(context: OperationContext): KeyRecord {
  return findKey(context, context.fields.requiredString('KeyId', { max: 2048 }), { aliasesAccepted: false });
}

/** The (usage, spec) pairs this endpoint makes keys for. */
function localKeySpec(keyUsage: string, keySpec: string): LocalKeySpec | undefined {
  if (keyUsage === 'ENCRYPT_DECRYPT' && keySpec === 'SYMMETRIC_DEFAULT') return 'SYMMETRIC_DEFAULT';
  if (keyUsage === 'GENERATE_VERIFY_MAC' && keySpec === 'HMAC_256') return 'HMAC_256';
  if (keyUsage === 'SIGN_VERIFY' && keySpec === 'ECC_NIST_P256') return 'ECC_NIST_P256';
  return undefined;
}

/**
 * Creates a key with fresh material: a symmetric encryption key, an HMAC_256 key for GenerateMac / VerifyMac, or an
 * ECC_NIST_P256 key pair for Sign / Verify (the only three kinds this endpoint supports).
 */
export const createKey: KmsOperation = (context) => {
  const { fields, now, store } = context;
  const description = fields.optionalString('Description', { min: 0, max: 8192 }) ?? '';
  const keyUsage = fields.optionalEnum('KeyUsage', KEY_USAGES) ?? 'ENCRYPT_DECRYPT';
  const keySpec =
    fields.optionalString('KeySpec') ?? fields.optionalString('CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT';
  const origin = fields.optionalString('Origin') ?? 'AWS_KMS';
  const spec = localKeySpec(keyUsage, keySpec);
  if (spec === undefined || origin !== 'AWS_KMS') {
    throw new KmsError(
      'UnsupportedOperationException',
      'The local KMS endpoint supports only SYMMETRIC_DEFAULT keys for ENCRYPT_DECRYPT, HMAC_256 keys for ' +
        'GENERATE_VERIFY_MAC and ECC_NIST_P256 keys for SIGN_VERIFY, with origin AWS_KMS',
    );
  }
  if (fields.optionalBoolean('MultiRegion') === true) {
    throw new KmsError(
      'UnsupportedOperationException',
      'The local KMS endpoint does not support multi-Region keys',
    );
  }
  const policy = fields.optionalString('Policy', { max: 131072 }) ?? defaultKeyPolicy(context);
  assertPolicyDocument(policy);
  const tags = fields.tags() ?? [];

  const key: KeyRecord = {
    keyId: randomUUID(),
    keySpec: spec,
    createdAt: now,
    description,
    policy,
    tags: new Map(tags.map((tag) => [tag.key, tag.value])),
    state: 'Enabled',
    deletionDate: undefined,
    pendingWindowInDays: undefined,
    rotation: { enabled: false, periodInDays: DEFAULT_ROTATION_PERIOD_DAYS, nextRotationDate: undefined },
    materials: [spec === 'ECC_NIST_P256' ? generateSigningKeyMaterial(now) : generateKeyMaterial(1, now)],
  };
  store.addKey(key);
  return { KeyMetadata: keyMetadata(context.location, key) };
};

/** Policies are stored, not enforced; they are only checked to be a JSON object, as KMS's parser would. */
function assertPolicyDocument(policy: string): void {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    // Fall through to the error below.
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new KmsError(
      'MalformedPolicyDocumentException',
      'The new key policy is not a valid JSON policy document',
    );
  }
}

export const describeKey: KmsOperation = (context) => {
  const key = findKey(context, context.fields.requiredString('KeyId', { max: 2048 }), {
    aliasesAccepted: true,
  });
  return { KeyMetadata: keyMetadata(context.location, key) };
};

export const enableKey: KmsOperation = (context) => {
  const key = requestedKey(context);
  assertNotPendingDeletion(context, key);
  key.state = 'Enabled';
  return {};
};

export const disableKey: KmsOperation = (context) => {
  const key = requestedKey(context);
  assertNotPendingDeletion(context, key);
  key.state = 'Disabled';
  return {};
};

export const scheduleKeyDeletion: KmsOperation = (context) => {
  const { fields, now, location } = context;
  const key = requestedKey(context);
  const pendingWindowInDays = fields.optionalInteger('PendingWindowInDays', { min: 7, max: 30 }) ?? 30;
  assertNotPendingDeletion(context, key);
  key.state = 'PendingDeletion';
  key.deletionDate = addDays(now, pendingWindowInDays);
  key.pendingWindowInDays = pendingWindowInDays;
  return {
    KeyId: keyArn(location, key.keyId),
    DeletionDate: epochSeconds(key.deletionDate),
    KeyState: key.state,
    PendingWindowInDays: pendingWindowInDays,
  };
};

/** As in KMS, a key whose deletion is cancelled comes back disabled. */
export const cancelKeyDeletion: KmsOperation = (context) => {
  const key = requestedKey(context);
  if (key.state !== 'PendingDeletion') {
    throw new KmsError(
      'KMSInvalidStateException',
      `${keyArn(context.location, key.keyId)} is not pending deletion.`,
    );
  }
  key.state = 'Disabled';
  key.deletionDate = undefined;
  key.pendingWindowInDays = undefined;
  return { KeyId: keyArn(context.location, key.keyId) };
};

export const getKeyPolicy: KmsOperation = (context) => {
  const key = requestedKey(context);
  const policyName = context.fields.optionalString('PolicyName') ?? 'default';
  if (policyName !== 'default') {
    throw new KmsError('NotFoundException', `No such policy: ${policyName}`);
  }
  return { Policy: key.policy, PolicyName: policyName };
};

export const tagResource: KmsOperation = (context) => {
  const key = requestedKey(context);
  const tags = context.fields.tags();
  if (tags === undefined) throw missingMember('Tags');
  assertNotPendingDeletion(context, key);
  for (const tag of tags) key.tags.set(tag.key, tag.value);
  return {};
};

export const listResourceTags: KmsOperation = (context) => {
  const { fields } = context;
  const key = requestedKey(context);
  const { page, nextMarker } = paginate([...key.tags], {
    limit: fields.optionalInteger('Limit', { min: 1, max: 50 }),
    marker: fields.optionalString('Marker', { max: 1024 }),
  });
  return {
    Tags: page.map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
    NextMarker: nextMarker,
    Truncated: nextMarker !== undefined,
  };
};
