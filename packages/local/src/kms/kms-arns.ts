import { KmsError } from './kms-errors.js';

/** The account id in every ARN this endpoint issues. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Where this endpoint pretends to live; ARNs for any other region or account are not found. */
export interface KmsLocation {
  readonly region: string;
  readonly accountId: string;
}

export const keyArn = (location: KmsLocation, keyId: string) =>
  `arn:aws:kms:${location.region}:${location.accountId}:key/${keyId}`;

/** `aliasName` includes its `alias/` prefix, as in the KMS API. */
export const aliasArn = (location: KmsLocation, aliasName: string) =>
  `arn:aws:kms:${location.region}:${location.accountId}:${aliasName}`;

/** A `KeyId` request field, once its four accepted spellings are told apart. */
export type KeyReference =
  | { readonly kind: 'key'; readonly keyId: string }
  | { readonly kind: 'alias'; readonly aliasName: string };

/**
 * Parses a `KeyId` field: a key id, a key ARN, an alias name (`alias/...`) or an alias ARN.
 * @throws KmsError `NotFoundException` for an ARN that is malformed or names another region or account.
 */
export function parseKeyReference(location: KmsLocation, value: string): KeyReference {
  if (value.startsWith('alias/')) return { kind: 'alias', aliasName: value };
  if (!value.startsWith('arn:')) return { kind: 'key', keyId: value };

  const [, partition, service, region, accountId, ...resourceParts] = value.split(':');
  const resource = resourceParts.join(':');
  if (
    partition !== 'aws' ||
    service !== 'kms' ||
    region !== location.region ||
    accountId !== location.accountId
  ) {
    throw new KmsError('NotFoundException', `Invalid arn ${value}`);
  }
  if (resource.startsWith('key/')) return { kind: 'key', keyId: resource.slice('key/'.length) };
  if (resource.startsWith('alias/')) return { kind: 'alias', aliasName: resource };
  throw new KmsError('NotFoundException', `Invalid arn ${value}`);
}
